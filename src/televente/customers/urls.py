from django.urls import path

from . import views

app_name = "customers"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("export.<str:fmt>", views.portfolio_export, name="export"),
    path("filtres/", views.saved_filter_create, name="saved_filter_create"),
    path("filtres/<int:pk>/supprimer/", views.saved_filter_delete, name="saved_filter_delete"),
    path("nouveau/", views.company_create, name="create"),
    path("doublons/", views.duplicates_list, name="duplicates"),
    path("doublons/fusionner/", views.duplicates_merge, name="merge"),
    path("rgpd/", views.gdpr_review, name="gdpr"),
    path("import/", views.import_start, name="import_start"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/colonnes/", views.import_mapping, name="import_mapping"),
    path("import/<int:pk>/confirmer/", views.import_confirm, name="import_confirm"),
    path("<int:pk>/", views.company_detail, name="detail"),
    path("<int:pk>/modifier/", views.company_edit, name="edit"),
    path("<int:pk>/qualifier/", views.company_qualify, name="qualify"),
    path("<int:pk>/convertir/", views.company_convert, name="convert"),
    path("<int:pk>/creneaux/", views.call_windows_edit, name="call_windows"),
    path("<int:pk>/fermetures/", views.closure_create, name="closure_create"),
    path("<int:pk>/fermetures/<int:closure_pk>/supprimer/", views.closure_delete, name="closure_delete"),
    path("<int:pk>/livraison/nouvelle/", views.delivery_address_edit, name="delivery_create"),
    path("<int:pk>/livraison/<int:address_pk>/", views.delivery_address_edit, name="delivery_edit"),
    path(
        "<int:pk>/livraison/<int:address_pk>/supprimer/",
        views.delivery_address_delete,
        name="delivery_delete",
    ),
    path("<int:pk>/contacts/", views.interaction_create, name="log"),
    path("<int:pk>/historique/", views.timeline_more, name="timeline"),
    path("<int:pk>/etapes/<int:interaction_pk>/fait/", views.next_step_done, name="next_step_done"),
    path("<int:pk>/interlocuteurs/nouveau/", views.contact_edit, name="contact_create"),
    path("<int:pk>/interlocuteurs/<int:contact_pk>/", views.contact_edit, name="contact_edit"),
    path(
        "<int:pk>/interlocuteurs/<int:contact_pk>/consentement/",
        views.contact_consent,
        name="contact_consent",
    ),
    path(
        "<int:pk>/interlocuteurs/<int:contact_pk>/donnees.<str:fmt>",
        views.contact_export,
        name="contact_export",
    ),
    path("<int:pk>/interlocuteurs/<int:contact_pk>/effacer/", views.contact_erase, name="contact_erase"),
]
