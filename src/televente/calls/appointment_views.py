"""Booking a visit for the field rep from a call, and the field rep's agenda with visit reports."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import Role
from televente.core.errors import DomainError, add_form_error
from televente.customers.models import Company

from . import appointments
from .choices import TaskStatus
from .forms import AppointmentForm, ReportForm
from .models import Appointment, CallTask


@login_required
@require_http_methods(["GET", "POST"])
def appointment_new(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.editable_by(request.user), pk=company_pk)
    task = None
    if request.GET.get("appel", "").isdigit():
        task = (
            CallTask.objects.visible_to(request.user)
            .filter(pk=int(request.GET["appel"]), company=company)
            .first()
        )
    field_rep = appointments.field_rep_for(company, request.user)
    form = AppointmentForm(
        request.POST or None,
        company=company,
        initial={"purpose": _("Présentation de nos produits et conditions"), "contact": _decider(company)},
    )
    if request.method == "POST" and form.is_valid():
        try:
            appointment = appointments.appointment_book(
                company=company,
                by=request.user,
                field_rep=field_rep,
                task=task if task and task.status == TaskStatus.PLANNED else None,
                **form.cleaned_data,
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request,
                _("Rendez-vous pris pour %(rep)s ; l'invitation lui est envoyée.")
                % {"rep": appointment.field_rep},
            )
            return redirect(
                "calls:cockpit" if task else "customers:detail", **({} if task else {"pk": company.pk})
            )
    slots = appointments.free_slots(field_rep=field_rep, company=company) if field_rep else []
    chosen = request.POST.get("start", "")
    return render(
        request,
        "calls/appointment_form.html",
        {
            "company": company,
            "task": task,
            "field_rep": field_rep,
            "slots": slots,
            "form": form,
            "chosen": chosen,
        },
    )


def _decider(company: Company):
    return (
        company.contacts.filter(is_active=True)
        .order_by("-is_decision_maker", "pk")
        .values_list("pk", flat=True)
        .first()
    )


@login_required
@require_GET
def agenda(request: HttpRequest) -> HttpResponse:
    if request.user.role != Role.FIELD_REP and not request.user.is_superuser:
        raise PermissionDenied
    context = appointments.agenda(field_rep=request.user)
    context["report_form"] = ReportForm()
    return render(request, "calls/agenda.html", context)


@login_required
@require_POST
def appointment_report(request: HttpRequest, pk: int) -> HttpResponse:
    appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)
    form = ReportForm(request.POST)
    if form.is_valid():
        try:
            appointments.appointment_report(
                appointment=appointment, by=request.user, report=form.cleaned_data["report"]
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Compte rendu enregistré sur la fiche client."))
    else:
        messages.error(request, _("Écrivez le compte rendu de la visite."))
    return redirect("calls:agenda")
