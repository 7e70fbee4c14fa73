"""Screens after the call: orders received from the platform or the ERP to check, discount
approvals for supervisors, status follow-up, delivery incidents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.permissions import can_approve_discounts
from televente.core.errors import DomainError, add_form_error

from . import incidents, selectors, services
from .choices import IncidentStatus, IncidentType, OrderStatus
from .forms import (
    DiscountDecisionForm,
    IncidentAlertForm,
    IncidentDecisionForm,
    IncidentForm,
    IncidentResolveForm,
    IncidentSolutionForm,
    StatusForm,
)


def _tabs(request: HttpRequest, current: str) -> dict:
    return {"tab": current, "counts": selectors.follow_up_counts(request.user)}


# Orders received -----------------------------------------------------------------------------------------------------


@login_required
@require_GET
def incoming(request: HttpRequest) -> HttpResponse:
    to_check = request.GET.get("tout") != "1"
    return render(
        request,
        "orders/incoming.html",
        {
            "orders": selectors.incoming_orders(request.user, to_check=to_check),
            "to_check": to_check,
            **_tabs(request, "incoming"),
        },
    )


# Discount approvals --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def approvals(request: HttpRequest) -> HttpResponse:
    if not can_approve_discounts(request.user):
        raise PermissionDenied
    orders = selectors.pending_approvals(request.user)
    return render(
        request,
        "orders/approvals.html",
        {"orders": orders, "form": DiscountDecisionForm(), **_tabs(request, "approvals")},
    )


# Follow-up -----------------------------------------------------------------------------------------------------------


@login_required
@require_POST
def status_change(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    form = StatusForm(request.POST, allowed=services.allowed_statuses(order, request.user))
    if not form.is_valid():
        messages.error(request, _("Choisissez un statut possible pour cette commande."))
        return redirect("orders:detail", pk=order.pk)
    data = form.cleaned_data
    try:
        services.order_set_status(
            order=order,
            status=data["status"],
            by=request.user,
            note=data["note"],
            carrier=data["carrier"],
            expected_at=data["expected_delivery_at"],
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _("Commande %(n)s : %(s)s.")
            % {"n": order.number, "s": OrderStatus(data["status"]).label.lower()},
        )
    return redirect("orders:detail", pk=order.pk)


# Incidents -----------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def incident_new(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.order_for(user=request.user, pk=pk)
    lines = selectors.order_lines(order)
    initial = {"kind": request.GET.get("type", "")}
    form = IncidentForm(request.POST or None, order_lines=lines, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = incidents.incident_open(
                order=order,
                by=request.user,
                kind=data["kind"],
                service=data["service"],
                cause=data["cause"],
                impact=data["impact"],
                description=data["description"],
                proposed_solution=data["proposed_solution"],
                line_ids=[int(i) for i in data["lines"]],
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request,
                _("Incident enregistré : le service %(s)s est prévenu. Pensez à prévenir le client.")
                % {"s": BackOfficeService(incident.service).label},
            )
            return redirect("orders:incident", pk=incident.pk)
    return render(request, "orders/incident_form.html", {"order": order, "form": form})


@login_required
@require_GET
def incident_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    status = request.GET.get("etat", "open")
    default_service = user.service if user.role == Role.BACK_OFFICE and "service" not in request.GET else ""
    service = request.GET.get("service", default_service)
    kind = request.GET.get("type", "")
    service = service if service in BackOfficeService.values else ""
    kind = kind if kind in IncidentType.values else ""
    return render(
        request,
        "orders/incident_list.html",
        {
            "incidents": incidents.incident_list(user=user, status=status, service=service, kind=kind),
            "status": status,
            "service": service,
            "kind": kind,
            "statuses": [("open", _("En cours")), *IncidentStatus.choices, ("all", _("Tous"))],
            "services": BackOfficeService.choices,
            "kinds": IncidentType.choices,
            **_tabs(request, "incidents"),
        },
    )


@login_required
@require_GET
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    incident = incidents.incident_for(user=request.user, pk=pk)
    return _incident_page(request, incident)


def _incident_page(request: HttpRequest, incident, **forms) -> HttpResponse:
    user = request.user
    contact = incident.order.contact
    language = (contact.language if contact else "") or "fr"
    context = {
        "incident": incident,
        "order": incident.order,
        "lines": incident.lines.select_related("product", "unit"),
        "can_decide": incidents.can_decide(incident, user),
        "can_handle": incidents.can_handle(incident, user),
        "decision_form": forms.get("decision_form")
        or IncidentDecisionForm(initial={"solution": incident.proposed_solution}),
        "solution_form": forms.get("solution_form") or IncidentSolutionForm(),
        "alert_form": forms.get("alert_form")
        or IncidentAlertForm(
            company=incident.company,
            initial={
                "channel": "email" if contact and contact.email and contact.allows("email") else "phone",
                "contact": contact,
                "message": incidents.alert_text(incident, contact, language),
            },
        ),
        "resolve_form": forms.get("resolve_form") or IncidentResolveForm(),
        "events": incident.order.events.select_related("by"),
    }
    status = 422 if forms else 200
    return render(request, "orders/incident_detail.html", context, status=status)


INCIDENT_ACTIONS = {"decide", "propose", "alert", "resolve"}


@login_required
@require_POST
def incident_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One URL per action on an incident; an error shows the page again with what was typed."""
    if action not in INCIDENT_ACTIONS:
        raise Http404
    incident = incidents.incident_for(user=request.user, pk=pk)
    user = request.user
    if action == "decide":
        form = IncidentDecisionForm(request.POST)
        key = "decision_form"
    elif action == "propose":
        form = IncidentSolutionForm(request.POST)
        key = "solution_form"
    elif action == "alert":
        form = IncidentAlertForm(request.POST, company=incident.company)
        key = "alert_form"
    else:
        form = IncidentResolveForm(request.POST)
        key = "resolve_form"
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "decide":
                approve = request.POST.get("decision") == "approve"
                incidents.incident_decide(
                    incident=incident, by=user, approve=approve, note=data["note"], solution=data["solution"]
                )
                done = (
                    _("Solution validée.")
                    if approve
                    else _("Solution refusée : le signalant est prévenu par l'historique.")
                )
            elif action == "propose":
                incidents.incident_propose_solution(incident=incident, by=user, solution=data["solution"])
                done = _("Solution proposée au service.")
            elif action == "alert":
                incidents.incident_alert_customer(
                    incident=incident,
                    by=user,
                    channel=data["channel"],
                    message=data["message"],
                    contact=data["contact"],
                )
                done = (
                    _("Message envoyé au client et classé dans son historique.")
                    if data["channel"] == "email"
                    else _("Appel au client noté dans son historique.")
                )
            else:
                incidents.incident_resolve(incident=incident, by=user, resolution=data["resolution"])
                done = _("Incident résolu.")
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("orders:incident", pk=incident.pk)
    incident.refresh_from_db()
    return _incident_page(request, incident, **{key: form})
