"""Receivables screens: the customer's card (customer file, cockpit, inbound call), the collection
call with its plan proposal, the plan page, the collection dashboard and the invoice file import."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, add_form_error

from . import imports, selectors, services
from .choices import AGE_BUCKETS, CollectionOutcome, PlanStatus
from .forms import CollectionCallForm, InvoiceImportForm, PlanCancelForm

FIRST_INSTALMENT_IN_DAYS = 7


def _collector(request: HttpRequest) -> None:
    if not services.can_collect(request.user):
        raise PermissionDenied


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _day(value: str) -> dt.date | None:
    try:
        return parse_date((value or "").strip())
    except ValueError:  # well formed but not a date (2026-02-31)
        return None


# The customer's card ------------------------------------------------------------------------------------------------


@login_required
@require_GET
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The "Impayés" card, loaded by the customer file, the cockpit and the inbound screen (htmx)."""
    _collector(request)
    company = selectors.collection_company(user=request.user, pk=company_pk)
    return render(
        request,
        "receivables/_company_panel.html",
        {"company": company, **selectors.company_card(company=company)},
    )


# The collection call ------------------------------------------------------------------------------------------------


def _call_page(request: HttpRequest, company, form: CollectionCallForm, invoices: list, status: int = 200):
    chosen = form.chosen_ids()
    rows = form.instalment_rows()
    debt = selectors.debt_of(company, chosen)
    return render(
        request,
        "receivables/call.html",
        {
            "company": company,
            "form": form,
            "invoices": invoices,
            "chosen": chosen,
            **selectors.overdue_figures(company, timezone.localdate()),
            "rows": rows,
            "plan_total": selectors.plan_total([r["amount"] for r in rows], debt),
            "dial_scheme": settings.CLICK_TO_CALL_SCHEME,
            **selectors.call_history(company),
        },
        status=status,
    )


def _done(result: services.CallResult) -> str:
    if result.promise is not None:
        return _("Promesse enregistrée : %(amount)s le %(date)s. Un rappel est prévu le lendemain.") % {
            "amount": formats.number_format(result.promise.amount, 2) + "\u00a0€",
            "date": result.promise.promised_on.strftime("%d/%m/%Y"),
        }
    if result.plan is not None:
        return _("Échéancier %(number)s enregistré : il part au client pour accord avec son PDF.") % {
            "number": result.plan.number
        }
    if result.claim is not None:
        return _(
            "Litige enregistré : réclamation %(number)s ouverte, les relances de ces factures sont suspendues."
        ) % {"number": result.claim.number}
    if result.outcome == CollectionOutcome.REFUSAL:
        return _("Refus noté : les commandes sont bloquées et le superviseur reprend le dossier.")
    return _("Appel de recouvrement noté dans l'historique du client.")


@login_required
@require_http_methods(["GET", "POST"])
def call(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The collection call: the overdue invoices, what was done so far, and the outcome with the
    fields it needs. A refusal of the service shows next to its field, with everything typed kept."""
    _collector(request)
    user = request.user
    company = selectors.collection_company(user=user, pk=company_pk)
    today = timezone.localdate()
    invoices = selectors.call_invoices(company, today)
    initial = {
        "invoices": selectors.default_choice(invoices),
        "plan_count": 3,
        "plan_first": (today + dt.timedelta(days=FIRST_INSTALMENT_IN_DAYS)).isoformat(),
    }
    form = CollectionCallForm(
        request.POST if request.method == "POST" else None,
        company=company,
        invoices=invoices,
        initial=initial,
    )
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = services.collection_call_record(
                    company=company,
                    by=user,
                    outcome=data["outcome"],
                    note=data["note"],
                    contact=data["contact"],
                    promise_amount=data["promise_amount"],
                    promised_on=data["promised_on"],
                    instalments=data["instalments"],
                    invoices=list(data["invoices"]),
                    dispute_description=data["dispute_description"],
                )
            except DomainError as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, _done(result))
                if result.plan is not None:
                    return redirect("receivables:plan", pk=result.plan.pk)
                if result.claim is not None:
                    return redirect("claims:detail", pk=result.claim.pk)
                return redirect("customers:detail", pk=company.pk)
        return _call_page(request, company, form, invoices, status=422)
    return _call_page(request, company, form, invoices)


@login_required
@require_GET
def call_proposal(request: HttpRequest, company_pk: int) -> HttpResponse:
    """« Proposer »: the debt of the ticked invoices split evenly, a month apart, as an editable
    table (htmx)."""
    _collector(request)
    company = selectors.collection_company(user=request.user, pk=company_pk)
    today = timezone.localdate()
    count = _int(request.GET.get("plan_count"))
    first = _day(request.GET.get("plan_first", ""))
    debt = selectors.debt_of(company, request.GET.getlist("invoices"))
    error, rows = "", []
    try:
        proposal = services.plan_proposal(debt=debt, count=count, first=first, today=today)
    except DomainError as exc:
        error = exc.message
    else:
        rows = [
            {"position": i, "date": day.isoformat(), "amount": formats.number_format(amount, 2)}
            for i, (day, amount) in enumerate(proposal, start=1)
        ]
    return render(
        request,
        "receivables/call.html#instalments",
        {
            "company": company,
            "rows": rows,
            "proposal_error": error,
            "plan_total": selectors.plan_total([r["amount"] for r in rows], debt),
        },
    )


@login_required
@require_GET
def call_total(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The line under the table: the instalments typed against the debt, and the gap (htmx, as the
    rep types)."""
    _collector(request)
    company = selectors.collection_company(user=request.user, pk=company_pk)
    amounts = [
        request.GET.get(f"inst_amount_{i}", "")
        for i in range(1, services.MAX_PLAN_INSTALMENTS + 1)
        if f"inst_amount_{i}" in request.GET
    ]
    debt = selectors.debt_of(company, request.GET.getlist("invoices"))
    return render(
        request, "receivables/call.html#plan-total", {"plan_total": selectors.plan_total(amounts, debt)}
    )


# A payment plan -----------------------------------------------------------------------------------------------------


def _url(name: str, pk: int) -> str | None:
    """A page of another app that may not be installed yet."""
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:
        return None


def _plan_page(request: HttpRequest, plan, cancel_form: PlanCancelForm | None = None, status: int = 200):
    page = selectors.plan_page(plan)
    message = page["message"]
    return render(
        request,
        "receivables/plan.html",
        {
            "plan": plan,
            **page,
            "message_url": _url("messaging:detail", message.pk) if message else None,
            "document_url": _url("messaging:document", message.pk)
            if message and message.document_file
            else None,
            "cancel_form": cancel_form or PlanCancelForm(),
            "can_agree": plan.status == PlanStatus.PROPOSED,
            "can_cancel": plan.status in selectors.CURRENT_PLANS,
        },
        status=status,
    )


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _collector(request)
    return _plan_page(request, selectors.plan_for(user=request.user, pk=pk))


@login_required
@require_POST
def plan_agree(request: HttpRequest, pk: int) -> HttpResponse:
    _collector(request)
    plan = selectors.plan_for(user=request.user, pk=pk)
    try:
        services.plan_agree(plan=plan, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Accord du client enregistré : l'échéancier est en cours."))
    return redirect("receivables:plan", pk=plan.pk)


@login_required
@require_POST
def plan_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    _collector(request)
    plan = selectors.plan_for(user=request.user, pk=pk)
    form = PlanCancelForm(request.POST)
    if form.is_valid():
        try:
            services.plan_cancel(plan=plan, by=request.user, reason=form.cleaned_data["reason"])
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Échéancier annulé."))
            return redirect("receivables:plan", pk=plan.pk)
    return _plan_page(request, plan, cancel_form=form, status=422)


# The collection dashboard -------------------------------------------------------------------------------------------


@login_required
@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Supervisors see their teams, back office and admin everything, a rep their own portfolio."""
    _collector(request)
    user = request.user
    choices = selectors.filter_choices(user)
    team = _int(request.GET.get("equipe"))
    team = team if team in {t.pk for t in choices["teams"]} else None
    rep = _int(request.GET.get("televendeur"))
    rep = rep if rep in {r.pk for r in choices["reps"]} else None
    return render(
        request,
        "receivables/dashboard.html",
        {
            **selectors.dashboard(user=user, team=team, rep=rep),
            **choices,
            "team": team,
            "rep": rep,
            "own_portfolio": not choices["teams"],
            "last_bucket": AGE_BUCKETS[-1][0],
            "can_import": imports.can_import_invoices(user),
        },
    )


# The invoice file ---------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_invoices(request: HttpRequest) -> HttpResponse:
    if not imports.can_import_invoices(request.user):
        raise PermissionDenied
    form = InvoiceImportForm(request.POST or None, request.FILES or None)
    refused = None
    if request.method == "POST" and form.is_valid():
        try:
            done = imports.invoices_import(by=request.user, upload=form.cleaned_data["file"])
        except imports.ImportRefused as exc:
            refused = exc
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, done.summary)
            return redirect("receivables:import")
    return render(
        request,
        "receivables/import.html",
        {
            "form": form,
            "refused": refused,
            "errors": refused.errors[: imports.MAX_ERRORS_SHOWN] if refused else [],
        },
        status=422 if request.method == "POST" else 200,
    )
