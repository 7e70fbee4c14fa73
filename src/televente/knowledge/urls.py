from django.urls import path

from . import views

app_name = "knowledge"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/nouveau/", views.article_edit, name="article_new"),
    path("articles/<int:pk>/", views.article_detail, name="article"),
    path("articles/<int:pk>/modifier/", views.article_edit, name="article_edit"),
    path("articles/<int:pk>/publication/", views.article_publish, name="article_publish"),
    path("recherche/", views.panel_search, name="panel_search"),
    path("client/<int:company_pk>/", views.company_panel, name="company_panel"),
    path("client/<int:company_pk>/envoyer/", views.panel_send, name="panel_send"),
    path("a-envoyer/", views.to_send, name="to_send"),
    path("envois/<int:pk>/", views.sending_detail, name="sending"),
    path("envois/<int:pk>/<slug:action>/", views.sending_action, name="sending_action"),
    path("documents/", views.documents, name="documents"),
    path("documents/nouveau/", views.document_edit, name="document_new"),
    path("documents/<int:pk>/", views.document_edit, name="document_edit"),
    path("documents/<int:pk>/activation/", views.document_activate, name="document_activate"),
    path("documents/<int:pk>/fichier/", views.document_file, name="document_file"),
]
