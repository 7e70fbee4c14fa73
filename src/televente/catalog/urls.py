from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.product_detail, name="product"),
    path("export.<str:fmt>", views.catalogue_export, name="export"),
    path("tarifs/import/", views.price_import_start, name="price_import_start"),
    path("tarifs/import/<int:pk>/", views.price_import_detail, name="price_import"),
]
