from django.urls import path

from . import views

app_name = "market"

urlpatterns = [
    path("", views.home, name="home"),
    path("enquetes/", views.home, name="surveys"),
    path("enquetes/nouvelle/", views.survey_edit, name="survey_new"),
    path("enquetes/<int:pk>/", views.survey_edit, name="survey"),
    path("enquetes/<int:pk>/etat/", views.survey_status, name="survey_status"),
    path("enquetes/<int:pk>/inviter/", views.survey_bulk_invite, name="survey_bulk_invite"),
    path("enquetes/<int:pk>/inviter/<int:company_pk>/", views.survey_invite, name="survey_invite"),
    path("enquetes/<int:pk>/telephone/<int:company_pk>/", views.survey_phone, name="survey_phone"),
    path("enquetes/<int:pk>/resultats/", views.results, name="results"),
    path("enquetes/<int:pk>/actions/", views.action_save, name="action_add"),
    path("enquetes/<int:pk>/actions/partager/", views.actions_share, name="actions_share"),
    path("enquetes/<int:pk>/actions/<int:action_pk>/", views.action_save, name="action_edit"),
    path("enquetes/<int:pk>/actions/<int:action_pk>/realisee/", views.action_done, name="action_done"),
    path("enquete/<str:token>/", views.answer, name="answer"),
    path("reponses/<int:pk>/", views.response_detail, name="response"),
    path("client/<int:company_pk>/", views.company_panel, name="company_panel"),
    path("concurrence/", views.competitors, name="competitors"),
    path("concurrence/observation/<int:pk>/", views.observation, name="observation"),
]
