from django.urls import path

from . import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("nouvelle/", views.campaign_new, name="new"),
    path("apercu/", views.target_preview, name="preview"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/modifier/", views.campaign_edit, name="edit"),
    path("<int:pk>/lancer/", views.campaign_launch, name="launch"),
    path("<int:pk>/cloturer/", views.campaign_close, name="close"),
    path("<int:pk>/supprimer/", views.campaign_delete, name="delete"),
    path("<int:pk>/export.csv", views.campaign_export, name="export"),
    path("client/<int:company_pk>/", views.company_panel, name="company_panel"),
]
