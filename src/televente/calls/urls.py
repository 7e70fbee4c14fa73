from django.urls import path

from . import views

app_name = "calls"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("<int:pk>/demarrer/", views.call_start, name="start"),
    path("<int:pk>/issue/", views.call_outcome, name="outcome"),
    path("<int:pk>/passer/", views.call_skip, name="skip"),
    path("plans/", views.plans, name="plans"),
    path("plans/parametres/", views.plan_settings, name="settings"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/publier/", views.plan_publish, name="publish"),
    path("plans/<int:pk>/recalculer/", views.plan_regenerate, name="regenerate"),
    path("plans/<int:pk>/absence/", views.absence_create, name="absence"),
    path("plans/appel/<int:pk>/deplacer/", views.task_move, name="move"),
]
