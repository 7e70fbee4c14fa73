from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.product_detail, name="product"),
]
