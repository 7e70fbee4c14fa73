from django.urls import path

from . import appointment_views, telephony_views, views

app_name = "calls"

urlpatterns = [
    path("", views.cockpit, name="cockpit"),
    path("<int:pk>/demarrer/", views.call_start, name="start"),
    path("<int:pk>/issue/", views.call_outcome, name="outcome"),
    path("<int:pk>/passer/", views.call_skip, name="skip"),
    path("pause/", views.pause, name="pause"),
    path("plans/", views.plans, name="plans"),
    path("plans/parametres/", views.plan_settings, name="settings"),
    path("plans/<int:pk>/", views.plan_detail, name="plan"),
    path("plans/<int:pk>/televendeur/<int:rep_pk>/", views.plan_rep_calls, name="rep_calls"),
    path("plans/<int:pk>/publier/", views.plan_publish, name="publish"),
    path("plans/<int:pk>/recalculer/", views.plan_regenerate, name="regenerate"),
    path("plans/<int:pk>/absence/", views.absence_create, name="absence"),
    path("plans/appel/<int:pk>/deplacer/", views.task_move, name="move"),
    path("entrant/", telephony_views.inbound, name="inbound"),
    path("entrant/signal/", telephony_views.incoming_signal, name="incoming"),
    path("entrant/<int:company_pk>/", telephony_views.inbound_record, name="inbound_record"),
    path("telephonie/evenements/", telephony_views.webhook, name="telephony_webhook"),
    path("rendez-vous/nouveau/<int:company_pk>/", appointment_views.appointment_new, name="appointment_new"),
    path(
        "rendez-vous/<int:pk>/compte-rendu/", appointment_views.appointment_report, name="appointment_report"
    ),
    path("agenda/", appointment_views.agenda, name="agenda"),
]
