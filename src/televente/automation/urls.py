from django.urls import path

from . import views

app_name = "automation"

urlpatterns = [
    path("", views.rule_list, name="list"),
    path("nouvelle/", views.rule_new, name="new"),
    path("journal/", views.firing_log, name="log"),
    path("<int:pk>/", views.rule_edit, name="edit"),
    path("<int:pk>/activer/", views.rule_toggle, name="toggle"),
]
