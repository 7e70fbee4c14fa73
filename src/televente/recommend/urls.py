from django.urls import path

from . import views

app_name = "recommend"

urlpatterns = [
    path("", views.status, name="status"),
    path("recalculer/", views.train_now, name="train_now"),
]
