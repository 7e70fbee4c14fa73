from django.urls import path

from . import views

app_name = "receivables"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("import/", views.import_invoices, name="import"),
    path("clients/<int:company_pk>/carte/", views.company_panel, name="panel"),
    path("clients/<int:company_pk>/appel/", views.call, name="call"),
    path("clients/<int:company_pk>/appel/proposition/", views.call_proposal, name="call_proposal"),
    path("clients/<int:company_pk>/appel/total/", views.call_total, name="call_total"),
    path("echeanciers/<int:pk>/", views.plan_detail, name="plan"),
    path("echeanciers/<int:pk>/accord/", views.plan_agree, name="plan_agree"),
    path("echeanciers/<int:pk>/annulation/", views.plan_cancel, name="plan_cancel"),
]
