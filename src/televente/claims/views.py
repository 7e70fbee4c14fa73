"""Claim screens: intake, the claim page with its merit panel and actions, the queues, the
customer's panel (customer file and cockpit) and the public satisfaction page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import BackOfficeService, Role
from televente.core.errors import DomainError, add_form_error
from televente.customers.models import Company

from . import policy, selectors, services, tasks
from .analysis_views import can_analyse
from .choices import ClaimCause, ClaimStatus, ClaimType, NoticeChannel, NoticeStep, SettlementStatus
from .forms import (
    AttachmentForm,
    ClaimForm,
    CloseForm,
    DecisionForm,
    DoneForm,
    FindingForm,
    NoticeForm,
    QualifyForm,
    ReopenForm,
    RouteForm,
    SatisfactionForm,
    SettlementForm,
    VerdictForm,
)
from .models import Claim, ClaimAttachment, Settlement

MOOD_GUIDE = {
    "calm": _("Écoutez jusqu'au bout, reformulez, vérifiez les faits dans l'historique."),
    "annoyed": _(
        "Laissez-le s'exprimer sans l'interrompre, montrez que vous comprenez la gêne, reformulez la demande, annoncez ce que vous faites et quand il aura une réponse."
    ),
    "angry": _(
        "Ne vous justifiez pas et ne contredisez pas : écoutez, baissez le ton, reconnaissez le désagrément, reformulez les faits, proposez une action précise avec un délai que vous tiendrez. Notez ses mots exacts."
    ),
}


# Intake --------------------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def claim_new(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The claim form: the order (picked from the customer's last ones), its lines in question,
    what the customer says and asks for, the type's questionnaire. Reached with `l` from the
    customer file or the cockpit."""
    user = request.user
    if not services.can_log_claim(user):
        raise PermissionDenied
    company = get_object_or_404(Company.objects.visible_to(user), pk=company_pk)
    orders = selectors.intake_orders(company)
    source = request.POST if request.method == "POST" else request.GET
    order = None
    order_ref = source.get("commande", "")
    if order_ref.isdigit():
        order = next((o for o in orders if o.pk == int(order_ref)), None)
        if order is None:
            from televente.orders.selectors import visible_orders

            order = visible_orders(user).filter(company=company, pk=int(order_ref)).first()
    elif order_ref != "aucune" and orders:
        order = orders[0]
    from televente.orders.selectors import order_lines

    lines = order_lines(order) if order is not None else []
    claim_type = source.get("claim_type", "")
    claim_type = claim_type if claim_type in ClaimType.values else ""
    initial = {"claim_type": claim_type, "contact": order.contact if order else None}
    form = ClaimForm(
        request.POST or None, company=company, order_lines=lines, claim_type=claim_type, initial=initial
    )
    if request.htmx and request.method == "GET" and request.GET.get("partie") == "questions":
        return render(request, "claims/claim_form.html#questions", {"form": form})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = data["service"]
        try:
            claim = services.claim_create(
                company=company,
                by=user,
                claim_type=data["claim_type"],
                description=data["description"],
                channel=data["channel"],
                contact=data["contact"],
                order=order,
                lines=form.chosen_lines(),
                mood=data["mood"],
                requested=data["requested"],
                request_note=data["request_note"],
                severity=data["severity"],
                answers=form.answers(),
                service="" if service == "-" else (service or policy.policy_for(data["claim_type"])[0]),
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request,
                _("Réclamation %(number)s enregistrée, à traiter avant le %(due)s.")
                % {"number": claim.number, "due": timezone.localtime(claim.due_at).strftime("%d/%m %H:%M")},
            )
            return redirect("claims:detail", pk=claim.pk)
    return render(
        request,
        "claims/claim_form.html",
        {
            "company": company,
            "orders": orders,
            "order": order,
            "form": form,
            "guide": MOOD_GUIDE,
            "no_order": order is None,
        },
        status=422 if request.method == "POST" else 200,
    )


# The claim page ------------------------------------------------------------------------------------------------------


def _page(request: HttpRequest, claim: Claim, **forms) -> HttpResponse:
    user = request.user
    page = selectors.claim_page(claim)
    merit = selectors.merit_history(claim, page["lines"])
    contact = claim.contact
    language = (contact.language if contact else "") or "fr"
    step = (
        NoticeStep.SETTLEMENT
        if claim.settled_at
        else (NoticeStep.PROGRESS if claim.customer_notified_at else NoticeStep.RECEIVED)
    )
    can_email = bool(contact and contact.email and contact.allows("email"))
    settlement = next((s for s in page["settlements"] if s.status != SettlementStatus.REFUSED), None)
    table = policy.limits()
    limit = table.get(policy.role_of(user))
    context = {
        "claim": claim,
        **page,
        "merit": merit,
        "settlement": settlement,
        "actions": services.allowed_actions(claim, user, settlement, table),
        "my_limit": limit,
        "guide": MOOD_GUIDE.get(claim.mood, ""),
        "qualify_form": forms.get("qualify_form")
        or QualifyForm(
            auto_id="qualify_%s",
            claim_type=claim.claim_type,
            initial={
                "claim_type": claim.claim_type,
                "cause": claim.cause,
                "severity": claim.severity,
                "quantity": claim.quantity,
                "amount": claim.amount,
                "mood": claim.mood,
                **{f"q_{k}": v for k, v in claim.answers.items()},
            },
        ),
        "verdict_form": forms.get("verdict_form")
        or VerdictForm(
            auto_id="verdict_%s", initial={"verdict": claim.verdict or None, "note": claim.verdict_note}
        ),
        "route_form": forms.get("route_form")
        or RouteForm(
            auto_id="route_%s",
            initial={
                "service": claim.service or policy.policy_for(claim.claim_type)[0],
                "assignee": claim.assignee,
            },
        ),
        "settlement_form": forms.get("settlement_form")
        or SettlementForm(
            auto_id="settle_%s",
            initial={
                "kind": claim.requested
                if claim.requested in ("credit_note", "replacement", "discount", "pickup")
                else "credit_note",
                "amount": claim.amount,
            },
        ),
        "decision_form": forms.get("decision_form") or DecisionForm(auto_id="decide_%s"),
        "notice_form": forms.get("notice_form")
        or NoticeForm(
            auto_id="notify_%s",
            company=claim.company,
            initial={
                "step": step,
                "channel": NoticeChannel.EMAIL if can_email else NoticeChannel.PHONE,
                "contact": contact,
                "message": services.notice_text(claim, step, contact, language),
            },
        ),
        "close_form": forms.get("close_form") or CloseForm(auto_id="close_%s"),
        "satisfaction_form": forms.get("satisfaction_form") or SatisfactionForm(auto_id="satisfaction_%s"),
        "finding_form": forms.get("finding_form") or FindingForm(auto_id="finding_%s"),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(auto_id="attach_%s"),
        "reopen_form": forms.get("reopen_form") or ReopenForm(auto_id="reopen_%s"),
        "done_form": forms.get("done_form") or DoneForm(auto_id="done_%s"),
    }
    return render(request, "claims/claim_detail.html", context, status=422 if forms else 200)


@login_required
@require_GET
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    claim = selectors.claim_for(user=request.user, pk=pk)
    return _page(request, claim)


@login_required
@require_GET
def notice_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The prefilled message when the person changes the step or the contact (htmx)."""
    claim = selectors.claim_for(user=request.user, pk=pk)
    step = request.GET.get("step", NoticeStep.RECEIVED)
    step = step if step in NoticeStep.values else NoticeStep.RECEIVED
    contact_id = request.GET.get("contact", "")
    contact = (
        contact_id.isdigit() and claim.company.contacts.filter(pk=int(contact_id)).first()
    ) or claim.contact
    language = (contact.language if contact else "") or "fr"
    form = NoticeForm(
        company=claim.company, initial={"message": services.notice_text(claim, step, contact, language)}
    )
    return render(request, "claims/claim_detail.html#notice-message", {"notice_form": form})


ACTIONS = {
    "qualify": "qualify_form",
    "verdict": "verdict_form",
    "route": "route_form",
    "settle": "settlement_form",
    "decide": "decision_form",
    "notify": "notice_form",
    "close": "close_form",
    "satisfaction": "satisfaction_form",
    "finding": "finding_form",
    "attach": "attachment_form",
    "reopen": "reopen_form",
    "done": "done_form",
}


def _form_for(action: str, request: HttpRequest, claim: Claim):
    """The action's form bound to the POST; ids are prefixed with the action (one page, many forms)."""
    post, files, auto_id = request.POST, request.FILES, f"{action}_%s"
    if action == "qualify":
        claim_type = post.get("claim_type")
        claim_type = claim_type if claim_type in ClaimType.values else claim.claim_type
        return QualifyForm(post, claim_type=claim_type, auto_id=auto_id)
    if action == "notify":
        return NoticeForm(post, company=claim.company, auto_id=auto_id)
    if action == "attach":
        return AttachmentForm(post, files, auto_id=auto_id)
    return {
        "verdict": VerdictForm,
        "route": RouteForm,
        "settle": SettlementForm,
        "decide": DecisionForm,
        "close": CloseForm,
        "satisfaction": SatisfactionForm,
        "finding": FindingForm,
        "reopen": ReopenForm,
        "done": DoneForm,
    }[action](post, auto_id=auto_id)


@login_required
@require_POST
def claim_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One URL per action on a claim; a refusal shows the page again with what was typed."""
    if action not in ACTIONS:
        raise Http404
    user = request.user
    claim = selectors.claim_for(user=user, pk=pk)
    form = _form_for(action, request, claim)
    if form.is_valid():
        data = form.cleaned_data
        try:
            done = _run(action, request, claim, form, data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("claims:detail", pk=claim.pk)
    claim = selectors.claim_for(user=user, pk=pk)
    return _page(request, claim, **{ACTIONS[action]: form})


def _settlement(request: HttpRequest, claim: Claim) -> Settlement:
    ref = request.POST.get("settlement", "")
    return get_object_or_404(Settlement, pk=int(ref) if ref.isdigit() else 0, claim=claim)


def _run(action: str, request: HttpRequest, claim: Claim, form, data) -> str:
    user = request.user
    if action == "qualify":
        services.claim_qualify(
            claim=claim,
            by=user,
            claim_type=data["claim_type"],
            cause=data["cause"],
            severity=data["severity"],
            quantity=data["quantity"],
            amount=data["amount"],
            mood=data["mood"],
            answers=form.answers(),
        )
        return _("Qualification enregistrée.")
    if action == "verdict":
        services.claim_verdict(claim=claim, by=user, verdict=data["verdict"], note=data["note"])
        return _("Verdict enregistré.")
    if action == "route":
        services.claim_route(
            claim=claim, by=user, service=data["service"], assignee=data["assignee"], note=data["note"]
        )
        return _("Réclamation transmise : %(service)s est prévenu.") % {
            "service": BackOfficeService(data["service"]).label
        }
    if action == "settle":
        settlement = services.settlement_propose(
            claim=claim, by=user, kind=data["kind"], amount=data["amount"] or 0, note=data["note"]
        )
        if settlement.status == SettlementStatus.AWAITING:
            return _("Au-delà de votre délégation : l'accord est demandé, vous serez prévenu de la décision.")
        return _("Règlement décidé. Informez maintenant le client.")
    if action == "decide":
        settlement = _settlement(request, claim)
        approve = request.POST.get("decision") == "approve"
        services.settlement_decide(settlement=settlement, by=user, approve=approve, note=data["note"])
        return (
            _("Règlement accordé.")
            if approve
            else _("Règlement refusé : la personne qui l'a proposé est prévenue.")
        )
    if action == "notify":
        services.claim_notify_customer(
            claim=claim,
            by=user,
            step=data["step"],
            channel=data["channel"],
            message=data["message"],
            contact=data["contact"],
            call_at=data["call_at"],
        )
        return {
            NoticeChannel.EMAIL: _("Message envoyé au client et classé dans son historique."),
            NoticeChannel.PHONE: _("Appel au client noté dans son historique."),
        }.get(data["channel"], _("Appel planifié pour informer le client."))
    if action == "close":
        services.claim_close(claim=claim, by=user, note=data["note"])
        return _("Réclamation close. La question de satisfaction part au client.")
    if action == "satisfaction":
        services.claim_satisfaction_record(
            claim=claim, by=user, answer=data["answer"], comment=data["comment"]
        )
        return _("Réponse du client enregistrée.")
    if action == "finding":
        services.claim_add_finding(claim=claim, by=user, note=data["note"])
        return _("Constat ajouté.")
    if action == "done":
        settlement = _settlement(request, claim)
        services.settlement_mark_done(settlement=settlement, by=user, note=data["note"])
        return _("Règlement noté comme exécuté.")
    if action == "reopen":
        services.claim_reopen(claim=claim, by=user, note=data["note"])
        return _("Réclamation rouverte, avec une nouvelle échéance.")
    services.claim_attach(claim=claim, by=user, upload=data["file"])
    return _("Pièce jointe ajoutée.")


@login_required
@require_GET
def attachment(request: HttpRequest, pk: int, attachment_pk: int) -> FileResponse:
    """Served only to who sees the claim, as a download under a safe type (never rendered inline
    as HTML)."""
    claim = selectors.claim_for(user=request.user, pk=pk)
    item = get_object_or_404(ClaimAttachment, pk=attachment_pk, claim=claim)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    response = FileResponse(
        item.file.open("rb"), content_type=item.content_type, as_attachment=not inline, filename=item.name
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
    )
    return response


# Queues and panels ---------------------------------------------------------------------------------------------------


@login_required
@require_GET
def claim_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not services.can_log_claim(user):
        raise PermissionDenied
    name = request.GET.get("file") or selectors.default_queue(user)
    name = name if name in selectors.QUEUES else "open"
    service = request.GET.get("service", "")
    service = service if service in BackOfficeService.values else ""
    claim_type = request.GET.get("type", "")
    claim_type = claim_type if claim_type in ClaimType.values else ""
    cause = request.GET.get("cause", "")
    cause = cause if cause in ClaimCause.values else ""
    query = request.GET.get("q", "")[:60]
    tabs = [
        ("mine", _("Mes réclamations")),
        ("service", _("Mon service")),
        ("overdue", _("En retard")),
        ("approval", _("À accorder")),
        ("execute", _("À exécuter")),
        ("open", _("Toutes en cours")),
        ("closed", _("Closes")),
    ]
    if user.role != Role.BACK_OFFICE:
        tabs = [t for t in tabs if t[0] != "service"]
    counts = selectors.queue_counts(user)
    tabs = [(key, label, counts.get(key, 0)) for key, label in tabs]
    return render(
        request,
        "claims/claim_list.html",
        {
            "claims": selectors.queue(
                user=user, name=name, service=service, claim_type=claim_type, query=query
            ),
            "queue": name,
            "tabs": tabs,
            "service": service,
            "claim_type": claim_type,
            "query": query,
            "services": BackOfficeService.choices,
            "types": ClaimType.choices,
            "cause": cause,
            "causes": ClaimCause.choices,
            "now": timezone.now(),
            "can_analyse": can_analyse(user),
        },
    )


@login_required
@require_GET
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    """The customer's claims, loaded by the customer file and the cockpit (htmx)."""
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    return render(
        request,
        "claims/_company_panel.html",
        {
            "company": company,
            **selectors.company_claims(company=company),
            "now": timezone.now(),
            "can_log": services.can_log_claim(request.user),
        },
    )


# The customer's answer (no login: a signed link from the email) ------------------------------------------------------


@require_http_methods(["GET", "POST"])
def survey(request: HttpRequest, token: str) -> HttpResponse:
    claim_id = tasks.survey_claim_id(token)
    claim = (
        Claim.objects.select_related("company").filter(pk=claim_id or 0, status=ClaimStatus.CLOSED).first()
    )
    if claim is None:
        return render(request, "claims/survey.html", {"invalid": True}, status=404)
    form = SatisfactionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.claim_satisfaction_record(
                claim=claim, answer=form.cleaned_data["answer"], comment=form.cleaned_data["comment"]
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return render(request, "claims/survey.html", {"claim": claim, "thanks": True})
    return render(
        request,
        "claims/survey.html",
        {"claim": claim, "form": form, "answered": bool(claim.satisfaction)},
        status=422 if request.method == "POST" else 200,
    )
