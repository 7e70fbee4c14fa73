from django.urls import path

from . import views

app_name = "scripts"

urlpatterns = [
    path("", views.script_list, name="list"),
    path("nouveau/", views.script_new, name="new"),
    path("<int:pk>/", views.script_detail, name="detail"),
    path("<int:pk>/modifier/", views.script_edit, name="edit"),
    path("<int:pk>/copier/", views.script_copy, name="copy"),
    path("<int:pk>/activer/", views.script_toggle, name="toggle"),
    path("<int:pk>/resultats/", views.script_results, name="results"),
    path("panneau/<int:company_pk>/", views.company_panel, name="company_panel"),
    path("panneau/<int:company_pk>/suivant/", views.panel_next, name="panel_next"),
    path("panneau/<int:company_pk>/precedent/", views.panel_back, name="panel_back"),
    path("panneau/<int:company_pk>/objections/", views.panel_objections, name="panel_objections"),
    path(
        "panneau/<int:company_pk>/objections/<int:answer_pk>/utiliser/",
        views.panel_objection_use,
        name="panel_objection_use",
    ),
    path("objections/", views.objection_list, name="objections"),
    path("objections/nouvelle/", views.objection_new, name="objection_new"),
    path("objections/<int:pk>/modifier/", views.objection_edit, name="objection_edit"),
]
