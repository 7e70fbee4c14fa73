from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("", views.outbox, name="outbox"),
    path("<int:pk>/", views.message_detail, name="detail"),
    path("<int:pk>/html/", views.message_html, name="html"),
    path("<int:pk>/document/", views.message_document, name="document"),
    path("<int:pk>/renvoyer/", views.message_retry, name="retry"),
    path("<int:pk>/annuler/", views.message_cancel, name="cancel"),
    path("modeles/", views.template_list, name="templates"),
    path("modeles/nouveau/", views.template_new, name="template_new"),
    path("modeles/variables/", views.template_variables, name="template_variables"),
    path("modeles/apercu/", views.template_preview, name="template_preview"),
    path("modeles/apercu/<slug:key>/", views.preview_html, name="preview_html"),
    path("modeles/<int:pk>/", views.template_edit, name="template_edit"),
]
