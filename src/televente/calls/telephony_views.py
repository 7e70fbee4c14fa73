"""The telephony webhook, the incoming-call signal polled by the rep's pages, and the inbound
call screen (screen pop, qualification, handling or transfer)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, add_form_error
from televente.core.phones import format_national, to_e164
from televente.customers.actions import actions_for, panels_for
from televente.customers.models import Company
from televente.customers.selectors import companies_by_phone, company_file

from . import selectors, telephony
from .forms import InboundForm, NumberForm
from .models import PhoneCall


def _error(status: int, code: str, message: str, details=None) -> JsonResponse:
    return JsonResponse(
        {"error": {"code": code, "message": message, "details": details or []}}, status=status
    )


@csrf_exempt
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    """Call events from the telephony system, signed with the shared secret (docs/TELEPHONY.md)."""
    try:
        telephony.verify(
            body=request.body,
            timestamp=request.headers.get("X-Televente-Timestamp"),
            signature=request.headers.get("X-Televente-Signature"),
        )
    except telephony.SignatureError as exc:
        return _error(401, "bad_signature", str(exc))
    try:
        payload = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        return _error(400, "bad_json", "the body is not JSON")
    try:
        call, created = telephony.event_receive(payload=payload)
    except DomainError as exc:
        return _error(
            422, "validation_error", exc.message, [{"field": exc.field or "", "message": exc.message}]
        )
    return JsonResponse(
        {
            "status": "accepted" if created else "duplicate",
            "call": call.external_id,
            "state": call.state,
            "user": call.user.username if call.user else None,
            "company": call.company_id,
        },
        status=202 if created else 200,
    )


@login_required
@require_GET
def incoming_signal(request: HttpRequest) -> HttpResponse:
    """Polled every few seconds by the rep's pages: a banner when a call rings on their line."""
    call = telephony.call_to_pop(user=request.user)
    if call is not None:
        return render(request, "calls/_incoming_banner.html", {"call": call})
    if request.GET.get("call"):
        return HttpResponse("")  # the banner shown asks again: the call is over or opened, it goes away
    # Nothing to show: 204, so htmx swaps nothing and the page (the order screen's focus) is undisturbed.
    return HttpResponse(status=204)


def _inbound_context(
    request: HttpRequest, *, number: str, call: PhoneCall | None, company: Company | None, form=None
):
    matches = (
        [] if company else list(companies_by_phone(user=request.user, raw=number)[:10]) if number else []
    )
    if company is None and len(matches) == 1:
        company = matches[0]
    context = {
        "call": call,
        "number": number,
        "number_display": format_national(number) if number.startswith("+") else number,
        "matches": matches,
        "company": company,
        "number_form": NumberForm(
            initial={"numero": format_national(number) if number.startswith("+") else number}
        ),
        "form": form or InboundForm(),
    }
    if company is not None:
        context["file"] = company_file(user=request.user, pk=company.pk)
        context["prep"] = selectors.call_preparation(company=company)
        context["actions"] = actions_for(request.user, company)
        context["panels"] = panels_for(request.user, company)
    return context


@login_required
@require_GET
def inbound(request: HttpRequest) -> HttpResponse:
    """The screen pop: from a telephony call (?appel=) or a number typed by the rep (?numero=)."""
    call = None
    if request.GET.get("appel", "").isdigit():
        call = get_object_or_404(PhoneCall.objects.filter(user=request.user), pk=int(request.GET["appel"]))
        telephony.mark_popped(call=call)
    raw = request.GET.get("numero", "")
    number = (call.from_number if call else "") or to_e164(raw) or raw.strip()
    company = None
    if request.GET.get("client", "").isdigit():
        company = get_object_or_404(Company.objects.visible_to(request.user), pk=int(request.GET["client"]))
    elif call is not None and call.company_id:
        company = Company.objects.visible_to(request.user).filter(pk=call.company_id).first()
    return render(
        request, "calls/inbound.html", _inbound_context(request, number=number, call=call, company=company)
    )


@login_required
@require_http_methods(["POST"])
def inbound_record(request: HttpRequest, company_pk: int) -> HttpResponse:
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    call = None
    if request.POST.get("call", "").isdigit():
        call = PhoneCall.objects.filter(user=request.user, pk=int(request.POST["call"])).first()
    form = InboundForm(request.POST)
    if form.is_valid():
        try:
            telephony.inbound_record(
                company=company,
                by=request.user,
                phone_call=call,
                **form.cleaned_data,
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _saved_message(form.cleaned_data))
            return redirect("customers:detail", pk=company.pk)
    number = request.POST.get("numero", "")
    context = _inbound_context(request, number=number, call=call, company=company, form=form)
    return render(request, "calls/inbound.html", context)


def _saved_message(data: dict) -> str:
    if data.get("handling") == "transferred":
        return _("Demande enregistrée et transmise.")
    return _("Appel entrant enregistré sur la fiche.")
