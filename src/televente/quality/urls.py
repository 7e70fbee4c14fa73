from django.urls import path

from . import grid_views, profile_views, views

app_name = "quality"

urlpatterns = [
    # Evaluations, sessions, calibration (views.py)
    path("", views.home, name="home"),
    path("appels/", views.call_list, name="calls"),
    path("appels/<int:interaction_pk>/evaluer/", views.evaluation_new, name="evaluate"),
    path("evaluations/", views.evaluation_list, name="evaluations"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/remplir/", views.evaluation_fill, name="evaluation_fill"),
    path(
        "evaluations/<int:pk>/prise-en-compte/", views.evaluation_acknowledge, name="evaluation_acknowledge"
    ),
    path("evaluations/<int:pk>/supprimer/", views.evaluation_delete, name="evaluation_delete"),
    path("auto-evaluation/", views.self_assessment_new, name="self_new"),
    path("seances/", views.session_list, name="sessions"),
    path("seances/nouvelle/", views.session_new, name="session_new"),
    path("seances/<int:pk>/", views.session_detail, name="session"),
    path("seances/<int:pk>/evaluer/", views.session_evaluate, name="session_evaluate"),
    path("calibrages/", views.calibration_list, name="calibrations"),
    path("calibrages/nouveau/<int:interaction_pk>/", views.calibration_new, name="calibration_new"),
    path("calibrages/<int:pk>/", views.calibration_detail, name="calibration"),
    path("calibrages/<int:pk>/noter/", views.calibration_score, name="calibration_score"),
    # Grids (grid_views.py)
    path("grilles/", grid_views.grid_list, name="grids"),
    path("grilles/nouvelle/", grid_views.grid_new, name="grid_new"),
    path("grilles/<int:pk>/", grid_views.grid_detail, name="grid"),
    path("grilles/<int:pk>/copier/", grid_views.grid_copy, name="grid_copy"),
    path("grilles/<int:pk>/modifier/", grid_views.grid_edit, name="grid_edit"),
    path("grilles/<int:pk>/publier/", grid_views.grid_publish, name="grid_publish"),
    path("grilles/<int:pk>/export.json", grid_views.grid_export, name="grid_export"),
    # Profiles, training, certification (profile_views.py)
    path("equipe/", profile_views.team, name="team"),
    path("profil/", profile_views.my_profile, name="my_profile"),
    path("profil/<int:rep_pk>/", profile_views.profile, name="profile"),
    path("profil/<int:rep_pk>/formations/nouvelle/", profile_views.training_new, name="training_new"),
    path("formations/<int:pk>/modifier/", profile_views.training_edit, name="training_edit"),
    path("certification/", profile_views.certification_overview, name="certification"),
    path("certification/<int:rep_pk>/", profile_views.certification_rep, name="certification_rep"),
    path(
        "certification/<int:rep_pk>/bloc/<int:block_pk>/",
        profile_views.certification_record,
        name="certification_record",
    ),
    path("certification/preuves/<int:pk>/supprimer/", profile_views.evidence_delete, name="evidence_delete"),
]
