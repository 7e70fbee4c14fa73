from django.urls import path

from . import analysis_views, views

app_name = "claims"

urlpatterns = [
    path("", views.claim_list, name="list"),
    path("analyse/", analysis_views.analysis, name="analysis"),
    path("nouvelle/<int:company_pk>/", views.claim_new, name="new"),
    path("client/<int:company_pk>/", views.company_panel, name="company_panel"),
    path("satisfaction/<str:token>/", views.survey, name="survey"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/message/", views.notice_preview, name="notice_preview"),
    path("<int:pk>/pieces/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("<int:pk>/<slug:action>/", views.claim_action, name="action"),
]
