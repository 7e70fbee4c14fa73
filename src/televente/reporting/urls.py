from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("auto-evaluation/", views.self_assessment, name="self_assessment"),
    path("equipe/", views.team, name="team"),
    path("portefeuille/", views.portfolio_view, name="portfolio"),
    path("service/", views.service_view, name="service"),
    path("synthese.pdf", views.synthesis, name="synthesis"),
    path("objectifs/", views.objectives, name="objectives"),
    path("ecarts/", views.variance_view, name="variance"),
    path("actions/", views.actions, name="actions"),
    path("actions/nouvelle/", views.action_create, name="action_create"),
    path("actions/<int:pk>/", views.action_update, name="action_update"),
    path("detail/clients/", views.drill_customers, name="drill_customers"),
    path("detail/appels/", views.drill_calls, name="drill_calls"),
    path("auto-evaluations/", views.assessments, name="assessments"),
    path("auto-evaluations/<int:pk>/commentaire/", views.assessment_comment, name="assessment_comment"),
]
