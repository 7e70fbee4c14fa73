from django.urls import path

from . import follow_views, views

app_name = "orders"

urlpatterns = [
    path("", views.order_list, name="list"),
    path("recues/", follow_views.incoming, name="incoming"),
    path("accords/", follow_views.approvals, name="approvals"),
    path("incidents/", follow_views.incident_list, name="incidents"),
    path("incidents/<int:pk>/", follow_views.incident_detail, name="incident"),
    path(
        "incidents/<int:pk>/<str:action>/",
        follow_views.incident_action,
        name="incident_action",
    ),
    path("<int:pk>/statut/", follow_views.status_change, name="status"),
    path("<int:pk>/incident/", follow_views.incident_new, name="incident_new"),
    path("nouvelle/<int:company_pk>/", views.order_new, name="new"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/articles/", views.suggest, name="suggest"),
    path("<int:pk>/offres/", views.side_panel, name="side"),
    path("<int:pk>/lignes/", views.line_add, name="line_add"),
    path("<int:pk>/lignes/<int:line_pk>/", views.line_update, name="line_update"),
    path("<int:pk>/lignes/<int:line_pk>/supprimer/", views.line_remove, name="line_remove"),
    path("<int:pk>/lignes/<int:line_pk>/substituts/", views.line_substitutes, name="line_substitutes"),
    path("<int:pk>/lignes/<int:line_pk>/substituer/", views.line_substitute, name="line_substitute"),
    path("<int:pk>/vente-perdue/", views.lost_sale, name="lost_sale"),
    path("<int:pk>/conditions/", views.terms, name="terms"),
    path("<int:pk>/recapitulatif/", views.recap, name="recap"),
    path("<int:pk>/confirmer/", views.confirm, name="confirm"),
    path("<int:pk>/accord-remise/", views.discount_request, name="discount_request"),
    path("<int:pk>/accord-remise/decision/", views.discount_decide, name="discount_decide"),
    path("<int:pk>/confirmation.pdf", views.order_pdf, name="pdf"),
]
