"""Writes on claims. Each function is keyword-only, atomic, writes the claim's event and the
customer's timeline in the same transaction, sends mail after commit, and refuses with a
`DomainError` whose sentence the screen shows as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import User
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import emit
from televente.core.templatetags.televente import money
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Company, Contact
from televente.customers.services import interaction_record
from televente.messaging.services import message_queue

from . import policy
from .choices import (
    Channel,
    ClaimCause,
    ClaimStatus,
    ClaimType,
    EventKind,
    Mood,
    NoticeChannel,
    NoticeStep,
    Requested,
    Satisfaction,
    SettlementKind,
    SettlementStatus,
    Severity,
    Verdict,
)
from .messages import SETTLEMENT_DOCUMENT
from .models import Claim, ClaimAttachment, ClaimEvent, ClaimLine, Settlement
from .questionnaires import clean_answers

CENT = Decimal("0.01")
# Settlements that give something back need an amount; a refusal or a pickup may have none.
NEEDS_AMOUNT = (SettlementKind.CREDIT_NOTE, SettlementKind.DISCOUNT, SettlementKind.REPLACEMENT)


# Who may do what ---------------------------------------------------------------------------------------------------


def can_handle(claim: Claim, user) -> bool:
    """Qualify, route, propose a settlement, inform the customer, close: the customer's reps and
    supervisors, the admin, and in back office the service the claim is with (or the person it was
    given to, or who logged it)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == Role.ADMIN:
        return True
    if user.role == Role.BACK_OFFICE:
        return user.service == claim.service or user.pk in (claim.assignee_id, claim.created_by_id)
    if user.role == Role.FIELD_REP:
        return False
    if getattr(claim, "seen_by", None) == user.pk:
        return True  # read for this person through `Claim.objects.visible_to` (selectors.claim_for)
    return Claim.objects.visible_to(user).filter(pk=claim.pk).exists()


def can_approve(settlement: Settlement, user, table=None) -> bool:
    """A waiting settlement is decided by the supervisor of the customer's team (or the admin),
    within their own authority."""
    if not getattr(user, "is_authenticated", False):
        return False
    claim = settlement.claim
    is_admin = user.is_superuser or user.role == Role.ADMIN
    is_team_supervisor = (
        user.role == Role.SUPERVISOR and claim.team_id is not None and (claim.team.supervisor_id == user.pk)
    )
    return (is_admin or is_team_supervisor) and policy.within_authority(user, settlement.amount, table)


def can_log_claim(user) -> bool:
    """Who records claims: everyone but field reps (they pass them to the rep)."""
    return getattr(user, "is_authenticated", False) and (user.is_superuser or user.role != Role.FIELD_REP)


def can_add_finding(claim: Claim, user) -> bool:
    """Whoever handles the claim, and any back-office service (the quality lab, the warehouse)."""
    return can_handle(claim, user) or getattr(user, "role", "") == Role.BACK_OFFICE


def customer_told_of_settlement(claim: Claim) -> bool:
    return (
        claim.settled_at is not None
        and claim.customer_notified_at is not None
        and claim.customer_notified_at >= claim.settled_at
    )


def allowed_actions(claim: Claim, user, settlement: Settlement | None = None, table=None) -> set[str]:
    """The actions of the claim page this person may take now (the services check them again)."""
    actions: set[str] = set()
    if can_handle(claim, user):
        actions |= {"attach", "finding"}
        if claim.is_open:
            actions |= {"qualify", "verdict", "notify"}
            if claim.status != ClaimStatus.AWAITING_APPROVAL:
                actions.add("route")
            if claim.status not in (ClaimStatus.AWAITING_APPROVAL, ClaimStatus.SETTLED):
                actions.add("settle")
            if claim.status == ClaimStatus.SETTLED and customer_told_of_settlement(claim):
                actions.add("close")
        else:
            actions |= {"satisfaction", "reopen"}
    elif can_add_finding(claim, user):
        actions.add("finding")
    if settlement is not None:
        if settlement.status == SettlementStatus.AWAITING and can_approve(settlement, user, table):
            actions.add("decide")
        if can_carry_out(settlement, user):
            actions.add("done")
    return actions


def _check_handle(claim: Claim, by) -> None:
    if not can_handle(claim, by):
        raise PermissionRefused(_("Vous ne traitez pas cette réclamation."))


def _check_open(claim: Claim) -> None:
    if not claim.is_open:
        raise DomainError(_("Cette réclamation est close."))


def _locked(claim: Claim) -> Claim:
    # `of=self`: PostgreSQL cannot lock the nullable side of the outer joins (team, contact, order).
    return (
        Claim.objects.select_for_update(of=("self",))
        .select_related("company", "team", "contact", "order")
        .get(pk=claim.pk)
    )


def _event(claim: Claim, kind: str, by, note: str = "", **extra: Any) -> ClaimEvent:
    event = ClaimEvent.objects.create(claim=claim, kind=kind, by=by, note=note, **extra)
    # For the automation rules, after commit: "claim.created" for the first event, else "claim.changed".
    emit(
        "claim.created" if kind == EventKind.CREATED else "claim.changed",
        company_id=claim.company_id,
        reference=f"claims.claim:{claim.pk}",
        key=f"claim:{claim.pk}:event:{event.pk}",
        event=kind,
        status=claim.status,
        claim_type=claim.claim_type,
        amount=str(claim.amount),
    )
    return event


def _timeline(claim: Claim, by, subject: str, notes: str = "", **extra: Any) -> None:
    interaction_record(
        company=claim.company,
        kind=extra.pop("kind", InteractionKind.CLAIM),
        by=by,
        subject=subject,
        notes=notes,
        reference=f"claims.claim:{claim.pk}",
        touch_contact=extra.pop("touch_contact", False),
        **extra,
    )


def _choice(value: str, choices, field: str, message: str) -> str:
    if value not in choices.values:
        raise DomainError(message, field=field)
    return value


def _money(value, field: str = "amount") -> Decimal:
    try:
        amount = Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)
    except ArithmeticError:
        raise DomainError(_("Montant invalide."), field=field) from None
    if amount < 0:
        raise DomainError(_("Le montant ne peut pas être négatif."), field=field)
    if amount >= Decimal("10000000000"):
        raise DomainError(_("Montant trop élevé."), field=field)
    return amount


def _service_member(service: str, assignee: User | None) -> User | None:
    if assignee is None:
        return None
    if not assignee.is_active or assignee.role != Role.BACK_OFFICE or assignee.service != service:
        raise DomainError(
            _("%(name)s ne fait pas partie du service %(service)s.")
            % {
                "name": assignee.get_full_name() or assignee.username,
                "service": BackOfficeService(service).label,
            },
            field="assignee",
        )
    return assignee


# Intake --------------------------------------------------------------------------------------------------------------


@transaction.atomic
def claim_create(
    *,
    company: Company,
    by,
    claim_type: str,
    description: str,
    channel: str = Channel.PHONE,
    contact: Contact | None = None,
    order=None,
    lines: Iterable[tuple[int, int]] = (),
    mood: str = Mood.CALM,
    requested: str = "",
    request_note: str = "",
    severity: str = Severity.MEDIUM,
    cause: str = ClaimCause.UNKNOWN,
    quantity: int | None = None,
    amount=None,
    answers: Mapping[str, Any] | None = None,
    service: str = "",
    assignee: User | None = None,
    incident=None,
    external_ref: str = "",
    received_at: dt.datetime | None = None,
) -> Claim:
    """Logs what the customer says. `lines` are (order line id, quantity in the line's unit) of
    `order`; the amount at stake defaults to their value. The deadline follows the type's policy
    from the moment it was received. With a `service`, the claim is routed at once."""
    if not can_log_claim(by) or not Company.objects.visible_to(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas enregistrer de réclamation pour ce client."))
    claim_type = _choice(claim_type, ClaimType, "claim_type", _("Choisissez le type de réclamation."))
    _choice(channel, Channel, "channel", _("Canal inconnu."))
    _choice(mood, Mood, "mood", _("Humeur inconnue."))
    _choice(severity, Severity, "severity", _("Gravité inconnue."))
    _choice(cause, ClaimCause, "cause", _("Cause inconnue."))
    if requested:
        _choice(requested, Requested, "requested", _("Demande inconnue."))
    description = (description or "").strip()
    if not description:
        raise DomainError(_("Notez ce que dit le client."), field="description")
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    if order is not None and order.company_id != company.pk:
        raise DomainError(_("Cette commande est celle d'un autre client."), field="order")
    if incident is not None and incident.company_id != company.pk:
        raise DomainError(_("Cet incident concerne un autre client."), field="incident")
    if external_ref and Claim.objects.filter(external_ref=external_ref).exists():
        raise DomainError(
            _("Une réclamation porte déjà la référence %(ref)s.") % {"ref": external_ref},
            code="conflict",
            field="external_ref",
        )
    wanted = {}
    for line_id, qty in lines:
        if int(qty) < 1:
            raise DomainError(_("La quantité en cause doit être d'au moins 1."), field="lines")
        if int(line_id) in wanted:
            raise DomainError(_("Cette ligne de commande est citée deux fois."), field="lines")
        wanted[int(line_id)] = int(qty)
    order_lines = []
    if wanted:
        if order is None:
            raise DomainError(_("Choisissez la commande des lignes en cause."), field="order")
        order_lines = list(order.lines.filter(pk__in=wanted).select_related("unit"))
        if len(order_lines) != len(wanted):
            raise DomainError(_("Ces lignes n'appartiennent pas à la commande."), field="lines")
        for line in order_lines:
            if wanted[line.pk] > line.quantity:
                raise DomainError(
                    _("%(product)s : %(qty)s en cause pour %(ordered)s commandés.")
                    % {"product": line.product.name, "qty": wanted[line.pk], "ordered": line.quantity},
                    field="lines",
                )
    if (
        claim_type in (ClaimType.MISSING, ClaimType.DAMAGED, ClaimType.WRONG_PRODUCT)
        and order is not None
        and not wanted
    ):
        raise DomainError(_("Cochez les lignes concernées de la commande."), field="lines")

    received_at = received_at or timezone.now()
    first_service, days, _remind = policy.policy_for(claim_type)
    claim_lines = [
        ClaimLine(
            order_line=line,
            product_id=line.product_id,
            quantity=wanted[line.pk],
            unit_label=line.unit.label if line.unit_id else "",
            amount=(line.amount * wanted[line.pk] / line.quantity).quantize(CENT, rounding=ROUND_HALF_UP),
        )
        for line in order_lines
    ]
    claim = Claim.objects.create(
        company=company,
        contact=contact,
        team_id=company.team_id,
        order=order,
        incident=incident,
        channel=channel,
        claim_type=claim_type,
        cause=cause,
        severity=severity,
        mood=mood,
        description=description,
        requested=requested,
        request_note=(request_note or "").strip()[:300],
        answers=clean_answers(claim_type, answers or {}),
        quantity=quantity if quantity is not None else sum(wanted.values()),
        amount=_money(amount)
        if amount not in (None, "")
        else sum((c.amount for c in claim_lines), Decimal("0")),
        due_at=policy.add_working_days(timezone.localtime(received_at), days),
        created_by=by,
        external_ref=external_ref,
    )
    Claim.objects.filter(pk=claim.pk).update(number=f"R{received_at.year}-{claim.pk:06d}")
    claim.number = f"R{received_at.year}-{claim.pk:06d}"
    for line in claim_lines:
        line.claim = claim
    ClaimLine.objects.bulk_create(claim_lines)
    _event(claim, EventKind.CREATED, by, description, source=channel)
    _timeline(
        claim,
        by,
        _("Réclamation %(number)s : %(type)s")
        % {"number": claim.number, "type": claim.get_claim_type_display()},
        description,
        contact=contact,
    )
    if service:
        claim = claim_route(claim=claim, by=by, service=service, assignee=assignee, note="")
    return claim


@transaction.atomic
def claim_qualify(
    *,
    claim: Claim,
    by,
    claim_type: str,
    cause: str,
    severity: str,
    quantity: int,
    amount,
    answers: Mapping[str, Any] | None = None,
    mood: str | None = None,
    requested: str | None = None,
    request_note: str | None = None,
) -> Claim:
    """Type, cause, gravity and what is at stake, with the type's questionnaire. Changing the type
    does not move the deadline: the customer's clock started when they complained."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _check_open(claim)
    claim.claim_type = _choice(claim_type, ClaimType, "claim_type", _("Choisissez le type de réclamation."))
    claim.cause = _choice(cause, ClaimCause, "cause", _("Cause inconnue."))
    claim.severity = _choice(severity, Severity, "severity", _("Gravité inconnue."))
    if mood is not None:
        claim.mood = _choice(mood, Mood, "mood", _("Humeur inconnue."))
    if requested is not None:
        if requested:
            _choice(requested, Requested, "requested", _("Demande inconnue."))
        claim.requested = requested
    if request_note is not None:
        claim.request_note = request_note.strip()[:300]
    if int(quantity) < 0:
        raise DomainError(_("La quantité ne peut pas être négative."), field="quantity")
    claim.quantity = int(quantity)
    claim.amount = _money(amount)
    claim.answers = clean_answers(claim.claim_type, answers or {})
    claim.save()
    _event(
        claim,
        EventKind.QUALIFIED,
        by,
        _("%(type)s · cause : %(cause)s · gravité : %(severity)s · %(amount)s en jeu")
        % {
            "type": claim.get_claim_type_display(),
            "cause": claim.get_cause_display(),
            "severity": claim.get_severity_display(),
            "amount": money(claim.amount),
        },
    )
    return claim


@transaction.atomic
def claim_verdict(*, claim: Claim, by, verdict: str, note: str) -> Claim:
    """The merit check's conclusion, with the reason read in the sales history."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _check_open(claim)
    if verdict not in (Verdict.FOUNDED, Verdict.PARTLY, Verdict.UNFOUNDED):
        raise DomainError(_("Dites si la réclamation est fondée."), field="verdict")
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Dites ce qui, dans l'historique, fonde ce verdict."), field="note")
    claim.verdict, claim.verdict_note = verdict, note[:500]
    claim.verdict_by, claim.verdict_at = by, timezone.now()
    claim.save()
    _event(claim, EventKind.VERDICT, by, f"{claim.get_verdict_display()} : {claim.verdict_note}")
    return claim


# Routing -------------------------------------------------------------------------------------------------------------


@transaction.atomic
def claim_route(*, claim: Claim, by, service: str, assignee: User | None = None, note: str = "") -> Claim:
    """Hands the claim to the competent service (and a person of it). The hand-over is traced and
    the service told; the deadline does not move."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _check_open(claim)
    _choice(service, BackOfficeService, "service", _("Choisissez le service compétent."))
    assignee = _service_member(service, assignee)
    if claim.status == ClaimStatus.AWAITING_APPROVAL:
        raise DomainError(_("Un règlement attend un accord : attendez la décision avant de transmettre."))
    if service == claim.service and (assignee.pk if assignee else None) == claim.assignee_id:
        raise DomainError(_("La réclamation est déjà chez ce service."), field="service")
    before = claim.get_service_display() if claim.service else ""
    claim.service, claim.assignee = service, assignee
    if claim.status == ClaimStatus.NEW:
        claim.status = ClaimStatus.ROUTED
    claim.reminded_at = None
    claim.save()
    target = BackOfficeService(service).label
    if assignee is not None:
        target = f"{target} ({assignee.get_full_name() or assignee.username})"
    text = (
        _("Transmise de %(before)s à %(after)s") % {"before": before, "after": target}
        if before
        else _("Transmise à %(after)s") % {"after": target}
    )
    _event(claim, EventKind.ROUTED, by, f"{text}. {note.strip()}".strip(), service=service, assignee=assignee)
    from . import tasks

    transaction.on_commit(partial(tasks.notify_routed.enqueue, claim.pk))
    return claim


# Settlement ----------------------------------------------------------------------------------------------------------


def _approver_role(amount: Decimal, table) -> str:
    supervisor_limit = table.get(Role.SUPERVISOR)
    return Role.SUPERVISOR if supervisor_limit is None or amount <= supervisor_limit else Role.ADMIN


@transaction.atomic
def settlement_propose(*, claim: Claim, by, kind: str, amount=0, note: str = "") -> Settlement:
    """Within the proposer's authority the settlement is granted at once; above it, it waits for
    the team's supervisor (or the admin beyond the supervisor's limit)."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _check_open(claim)
    _choice(kind, SettlementKind, "kind", _("Choisissez le règlement."))
    if claim.status == ClaimStatus.AWAITING_APPROVAL:
        raise DomainError(_("Un règlement attend déjà un accord."))
    if claim.status == ClaimStatus.SETTLED:
        raise DomainError(_("Le règlement est déjà décidé : informez le client puis clôturez."))
    if not claim.verdict:
        raise DomainError(
            _("Vérifiez d'abord le bien-fondé dans l'historique des ventes et notez votre verdict."),
            field="kind",
        )
    amount = _money(amount)
    note = (note or "").strip()
    if kind in NEEDS_AMOUNT and amount <= 0:
        raise DomainError(_("Indiquez le montant du règlement."), field="amount")
    if kind == SettlementKind.REFUSAL:
        amount = Decimal("0")
        if not note:
            raise DomainError(_("Expliquez au client pourquoi la réclamation est refusée."), field="note")
    table = policy.limits()
    granted = policy.within_authority(by, amount, table)
    settlement = Settlement.objects.create(
        claim=claim,
        kind=kind,
        amount=amount,
        note=note[:500],
        proposed_by=by,
        status=SettlementStatus.APPROVED if granted else SettlementStatus.AWAITING,
        approver_role="" if granted else _approver_role(amount, table),
        decided_by=by if granted else None,
        decided_at=timezone.now() if granted else None,
    )
    label = f"{settlement.get_kind_display()}"
    if amount:
        label += f" · {money(amount)} HT"
    if granted:
        _settle(claim, settlement, by)
        _event(claim, EventKind.SETTLEMENT, by, f"{label}. {note}".strip())
    else:
        claim.status = ClaimStatus.AWAITING_APPROVAL
        claim.save(update_fields=["status", "updated_at"])
        _event(
            claim,
            EventKind.SETTLEMENT,
            by,
            _("%(label)s : au-delà de votre délégation, accord demandé à : %(role)s. %(note)s")
            % {"label": label, "role": Role(settlement.approver_role).label, "note": note},
        )
        from . import tasks

        transaction.on_commit(partial(tasks.notify_approval.enqueue, settlement.pk))
    return settlement


def _settle(claim: Claim, settlement: Settlement, by) -> None:
    if settlement.kind == SettlementKind.CREDIT_NOTE and not settlement.reference:
        settlement.reference = f"AV-{claim.number}"
        settlement.save(update_fields=["reference", "updated_at"])
    claim.status = ClaimStatus.SETTLED
    claim.settled_at = timezone.now()
    claim.save(update_fields=["status", "settled_at", "updated_at"])
    _timeline(
        claim,
        by,
        _("Réclamation %(number)s : %(settlement)s")
        % {"number": claim.number, "settlement": settlement.get_kind_display()},
        settlement.note,
    )


@transaction.atomic
def settlement_decide(*, settlement: Settlement, by, approve: bool, note: str = "") -> Settlement:
    settlement = Settlement.objects.select_for_update(of=("self",)).get(pk=settlement.pk)
    claim = _locked(settlement.claim)
    settlement.claim = claim
    if settlement.status != SettlementStatus.AWAITING:
        raise DomainError(_("Ce règlement est déjà décidé."))
    if not can_approve(settlement, by):
        raise PermissionRefused(_("Ce règlement dépasse votre délégation ou ne relève pas de votre équipe."))
    note = (note or "").strip()
    if not approve and not note:
        raise DomainError(_("Dites pourquoi vous refusez ce règlement."), field="note")
    settlement.status = SettlementStatus.APPROVED if approve else SettlementStatus.REFUSED
    settlement.decided_by, settlement.decided_at = by, timezone.now()
    settlement.decision_note = note[:300]
    settlement.save()
    label = settlement.get_kind_display() + (f" · {money(settlement.amount)} HT" if settlement.amount else "")
    if approve:
        _event(
            claim, EventKind.APPROVAL, by, _("Accord : %(label)s. %(note)s") % {"label": label, "note": note}
        )
        _settle(claim, settlement, by)
    else:
        claim.status = ClaimStatus.ROUTED if claim.service else ClaimStatus.NEW
        claim.save(update_fields=["status", "updated_at"])
        _event(
            claim, EventKind.APPROVAL, by, _("Refus : %(label)s. %(note)s") % {"label": label, "note": note}
        )
    from . import tasks

    transaction.on_commit(partial(tasks.notify_decision.enqueue, settlement.pk))
    return settlement


def can_carry_out(settlement: Settlement, user) -> bool:
    """Whoever handles the claim, and back office (accounting issues the credit note, logistics
    delivers the replacement)."""
    return (
        settlement.status == SettlementStatus.APPROVED
        and settlement.kind != SettlementKind.REFUSAL
        and settlement.done_at is None
        and (can_handle(settlement.claim, user) or getattr(user, "role", "") == Role.BACK_OFFICE)
    )


@transaction.atomic
def settlement_mark_done(*, settlement: Settlement, by, note: str = "") -> Settlement:
    """The granted settlement is carried out: the credit note issued, the replacement delivered,
    the discount applied on an order, the goods picked up."""
    settlement = (
        Settlement.objects.select_for_update(of=("self",)).select_related("claim").get(pk=settlement.pk)
    )
    if settlement.done_at is not None:
        return settlement  # twice changes nothing
    if not can_carry_out(settlement, by):
        raise PermissionRefused(_("Ce règlement n'est pas à exécuter par vous."))
    settlement.done_at, settlement.done_by = timezone.now(), by
    settlement.done_note = (note or "").strip()[:200]
    settlement.save()
    _event(
        settlement.claim,
        EventKind.SETTLEMENT,
        by,
        (
            _("Exécuté : %(kind)s. %(note)s")
            % {"kind": settlement.get_kind_display(), "note": settlement.done_note}
        ).strip(),
    )
    return settlement


def current_settlement(claim: Claim) -> Settlement | None:
    return claim.settlements.exclude(status=SettlementStatus.REFUSED).order_by("-created_at", "-id").first()


# The customer --------------------------------------------------------------------------------------------------------


def notice_text(claim: Claim, step: str, contact: Contact | None, language: str = "fr") -> str:
    """The prefilled message for a step, in the contact's language; the person may reword it."""
    settlement = current_settlement(claim) if step == NoticeStep.SETTLEMENT else None
    with translation.override(language):
        return render_to_string(
            "claims/email/notice.txt",
            {"claim": claim, "step": step, "contact": contact, "settlement": settlement},
        ).strip()


@transaction.atomic
def claim_notify_customer(
    *,
    claim: Claim,
    by,
    step: str,
    channel: str,
    message: str,
    contact: Contact | None = None,
    call_at: dt.datetime | None = None,
) -> Claim:
    """Tells the customer: an email (sent after commit, the opt-out checked again at send time),
    a call made now, or a call to make (a callback in the rep's plan). Filed on the timeline."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _choice(step, NoticeStep, "step", _("Choisissez l'étape."))
    _choice(channel, NoticeChannel, "channel", _("Choisissez comment le client est informé."))
    if contact is not None and contact.company_id != claim.company_id:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Le message au client est vide."), field="message")
    if step == NoticeStep.SETTLEMENT and claim.settled_at is None:
        raise DomainError(_("Le règlement n'est pas encore décidé."), field="step")
    subject = _("Réclamation %(number)s : %(step)s") % {
        "number": claim.number,
        "step": NoticeStep(step).label,
    }
    if channel == NoticeChannel.EMAIL:
        if contact is None or not contact.email:
            raise DomainError(_("Choisissez un interlocuteur qui a une adresse e-mail."), field="contact")
        if not contact.allows("email"):
            raise DomainError(_("Cet interlocuteur refuse les e-mails : appelez-le."), field="contact")
        claim.customer_notified_at = timezone.now()
        # Through the outbox, in this transaction: filed on the timeline when it leaves; the
        # settlement's letter goes with the settlement notice.
        settlement = current_settlement(claim) if step == NoticeStep.SETTLEMENT else None
        message_queue(
            channel="email",
            contact=contact,
            subject=str(subject),
            body=message,
            by=by,
            reference=f"claims.claim:{claim.pk}",
            document=(SETTLEMENT_DOCUMENT, settlement.pk) if settlement is not None else None,
            timeline_subject=str(subject),
        )
    elif channel == NoticeChannel.PHONE:
        claim.customer_notified_at = timezone.now()
        _timeline(
            claim,
            by,
            subject,
            message,
            kind=InteractionKind.CALL_OUT,
            contact=contact,
            outcome=Outcome.INFORMATION,
            touch_contact=True,
        )
    else:
        if call_at is None:
            raise DomainError(_("Indiquez quand appeler le client."), field="call_at")
        owner = claim.company.rep if claim.company.rep_id and claim.company.rep.is_active else by
        _timeline(
            claim,
            by,
            _("Appeler le client : %(subject)s") % {"subject": subject},
            message,
            kind=InteractionKind.NOTE,
            contact=contact,
            next_action=NextStepAction.CALLBACK,
            next_action_note=str(subject)[:200],
            next_action_at=call_at,
            next_action_owner=owner,
        )
    claim.save()
    _event(
        claim,
        EventKind.CUSTOMER,
        by,
        f"{NoticeStep(step).label} · {NoticeChannel(channel).label}" + (f" · {contact}" if contact else ""),
    )
    return claim


@transaction.atomic
def claim_close(*, claim: Claim, by, note: str = "") -> Claim:
    """Only with a settlement granted (or a reasoned refusal) that the customer was told about.
    Then the satisfaction question goes out: by email when the contact accepts it, else as a call."""
    claim = _locked(claim)
    _check_handle(claim, by)
    _check_open(claim)
    if claim.status != ClaimStatus.SETTLED or claim.settled_at is None:
        raise DomainError(_("Une réclamation se clôt avec un règlement accordé ou un refus motivé."))
    if not customer_told_of_settlement(claim):
        raise DomainError(_("Informez d'abord le client du règlement décidé."))
    now = timezone.now()
    claim.status, claim.closed_at, claim.closed_by = ClaimStatus.CLOSED, now, by
    contact = claim.contact
    by_email = contact is not None and bool(contact.email) and contact.allows("email")
    if by_email:
        claim.survey_sent_at = now
    claim.save()
    _event(claim, EventKind.CLOSED, by, (note or "").strip())
    owner = claim.company.rep if claim.company.rep_id and claim.company.rep.is_active else by
    _timeline(
        claim,
        by,
        _("Réclamation %(number)s close") % {"number": claim.number},
        (note or "").strip(),
        **(
            {}
            if by_email
            else {
                "next_action": NextStepAction.CALLBACK,
                "next_action_note": (
                    _("Satisfaction après la réclamation %(number)s") % {"number": claim.number}
                )[:200],
                "next_action_at": policy.add_working_days(timezone.localtime(now), 2),
                "next_action_owner": owner,
            }
        ),
    )
    if by_email:
        _queue_survey(claim, contact, by)
    return claim


def _queue_survey(claim: Claim, contact: Contact, by) -> None:
    """One question after closing: satisfied or not, with a comment, by a link valid 60 days."""
    from .tasks import survey_token

    link = settings.SITE_URL + reverse("claims:survey", args=[survey_token(claim.pk)])
    with translation.override(contact.language or "fr"):
        subject = _("Votre avis sur le traitement de votre réclamation %(number)s") % {"number": claim.number}
        body = render_to_string("claims/email/survey.txt", {"claim": claim, "contact": contact, "link": link})
    message_queue(
        channel="email",
        contact=contact,
        subject=str(subject),
        body=body.strip(),
        by=by,
        key=f"claims.survey:{claim.pk}",
        reference=f"claims.claim:{claim.pk}",
    )


@transaction.atomic
def claim_satisfaction_record(*, claim: Claim, answer: str, comment: str = "", by=None) -> Claim:
    """The customer's answer, from the survey link (`by` empty) or noted by whoever called them."""
    claim = Claim.objects.select_for_update().select_related("company").get(pk=claim.pk)
    if by is not None:
        _check_handle(claim, by)
    if claim.status != ClaimStatus.CLOSED:
        raise DomainError(_("La satisfaction se mesure une fois la réclamation close."))
    if answer not in (Satisfaction.SATISFIED, Satisfaction.NOT_SATISFIED):
        raise DomainError(_("Choisissez une réponse."), field="answer")
    if by is None and claim.satisfaction and claim.satisfaction_at >= claim.closed_at:
        # one answer per closing (a reopened then closed again claim asks again)
        raise DomainError(_("Votre réponse a déjà été enregistrée. Merci !"))
    claim.satisfaction, claim.satisfaction_comment = answer, (comment or "").strip()[:500]
    claim.satisfaction_at = timezone.now()
    claim.save()
    text = Satisfaction(answer).label + (
        f" : {claim.satisfaction_comment}" if claim.satisfaction_comment else ""
    )
    _event(claim, EventKind.SATISFACTION, by, text, source="" if by else "survey")
    _timeline(
        claim,
        by or claim.closed_by or claim.created_by,  # the survey link has no signed-in author
        _("Satisfaction après la réclamation %(number)s : %(answer)s")
        % {"number": claim.number, "answer": Satisfaction(answer).label},
        claim.satisfaction_comment,
    )
    return claim


@transaction.atomic
def claim_reopen(*, claim: Claim, by, note: str) -> Claim:
    """The customer is not satisfied, or something new came up: the claim goes back to its
    service with a new deadline from today; the former settlement stays granted and a further one
    may be decided. The satisfaction question goes out again at the next closing."""
    claim = _locked(claim)
    _check_handle(claim, by)
    if claim.status != ClaimStatus.CLOSED:
        raise DomainError(_("Cette réclamation n'est pas close."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Dites pourquoi la réclamation est rouverte."), field="note")
    _service, days, _remind = policy.policy_for(claim.claim_type)
    claim.status = ClaimStatus.ROUTED if claim.service else ClaimStatus.NEW
    claim.closed_at = claim.closed_by = claim.settled_at = claim.survey_sent_at = None
    claim.due_at = policy.add_working_days(timezone.localtime(), days)
    claim.reminded_at = claim.escalated_at = None
    claim.save()
    _event(claim, EventKind.REOPENED, by, note[:500])
    _timeline(claim, by, _("Réclamation %(number)s rouverte") % {"number": claim.number}, note)
    return claim


# Findings and attachments --------------------------------------------------------------------------------------------


@transaction.atomic
def claim_add_finding(*, claim: Claim, by, note: str, source: str = "") -> ClaimEvent:
    """A comment or a finding (the quality lab's analysis, the ERP's return receipt...)."""
    claim = _locked(claim)
    if not can_add_finding(claim, by):
        raise PermissionRefused(_("Vous ne traitez pas cette réclamation."))
    note = (note or "").strip()
    if not note:
        raise DomainError(_("Le constat est vide."), field="note")
    if len(note) > 4000:
        raise DomainError(_("Le constat est trop long (4 000 caractères au plus)."), field="note")
    claim.save(update_fields=["updated_at"])
    return _event(claim, EventKind.FINDING, by, note, source=source[:40])


MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS = 10
# What the content really is, read from its first bytes (the browser's word is not trusted).
SIGNATURES: tuple[tuple[bytes, int, str, str], ...] = (
    (b"\xff\xd8\xff", 0, "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", 0, "image/png", ".png"),
    (b"WEBP", 8, "image/webp", ".webp"),
    (b"%PDF-", 0, "application/pdf", ".pdf"),
)


def sniff(head: bytes) -> tuple[str, str] | None:
    for magic, offset, content_type, extension in SIGNATURES:
        if head[offset : offset + len(magic)] == magic and (offset == 0 or head[:4] == b"RIFF"):
            return content_type, extension
    return None


@transaction.atomic
def claim_attach(*, claim: Claim, by, upload) -> ClaimAttachment:
    """A photo or a document: JPEG, PNG, WebP or PDF, 10 MB at most, 10 per claim."""
    claim = _locked(claim)
    _check_handle(claim, by)
    if upload.size > MAX_ATTACHMENT_BYTES:
        raise DomainError(_("Fichier trop lourd : 10 Mo au plus."), field="file")
    if upload.size == 0:
        raise DomainError(_("Le fichier est vide."), field="file")
    if claim.attachments.count() >= MAX_ATTACHMENTS:
        raise DomainError(_("Dix pièces jointes au plus par réclamation."), field="file")
    upload.seek(0)
    found = sniff(upload.read(16))
    upload.seek(0)
    if found is None:
        raise DomainError(_("Formats acceptés : photo JPEG, PNG ou WebP, document PDF."), field="file")
    content_type, extension = found
    original = (getattr(upload, "name", "") or "piece").rsplit("/", 1)[-1][:100]
    attachment = ClaimAttachment(
        claim=claim, name=original, content_type=content_type, size=upload.size, uploaded_by=by
    )
    # The stored name is ours (number + extension from the content), never the uploaded one.
    attachment.file.save(f"{claim.number}{extension}", upload, save=False)
    attachment.save()
    _event(claim, EventKind.ATTACHMENT, by, original)
    return attachment


# Deadlines -----------------------------------------------------------------------------------------------------------


def claims_check_deadlines(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Reminds the person in charge before the deadline and escalates to the supervisor once it is
    passed. Each claim is reminded and escalated once (re-routing allows a new reminder); safe to
    run as often as wanted, from several workers."""
    from . import tasks

    now = now or timezone.now()
    reminded = escalated = 0
    longest = max((policy.policy_for(t)[2] for t in ClaimType.values), default=1)
    horizon = policy.add_working_days(timezone.localtime(now), longest) + dt.timedelta(days=1)
    candidates = (
        Claim.objects.open()
        .filter(
            Q(escalated_at__isnull=True, due_at__lt=now)
            | Q(reminded_at__isnull=True, due_at__gte=now, due_at__lte=horizon)
        )
        .values_list("pk", "claim_type")
    )
    table: dict[str, int] = {}
    for pk, claim_type in list(candidates):
        if claim_type not in table:
            table[claim_type] = policy.policy_for(claim_type)[2]
        with transaction.atomic():
            claim = Claim.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if claim is None or not claim.is_open:
                continue
            if claim.due_at < now and claim.escalated_at is None:
                claim.escalated_at = now
                claim.save(update_fields=["escalated_at", "updated_at"])
                _event(claim, EventKind.ESCALATED, None, _("Échéance dépassée : le superviseur est prévenu."))
                transaction.on_commit(partial(tasks.notify_escalation.enqueue, claim.pk))
                emit(
                    "claim.overdue",
                    company_id=claim.company_id,
                    reference=f"claims.claim:{claim.pk}",
                    key=f"claim:{claim.pk}:overdue:{claim.due_at:%Y%m%d%H%M}",
                    status=claim.status,
                    claim_type=claim.claim_type,
                    amount=str(claim.amount),
                )
                escalated += 1
            elif claim.due_at >= now and claim.reminded_at is None:
                remind_from = policy.add_working_days(timezone.localtime(claim.due_at), -table[claim_type])
                if now >= remind_from:
                    claim.reminded_at = now
                    claim.save(update_fields=["reminded_at", "updated_at"])
                    _event(claim, EventKind.REMINDER, None, _("Échéance proche : rappel envoyé."))
                    transaction.on_commit(partial(tasks.notify_reminder.enqueue, claim.pk))
                    reminded += 1
    return {"reminded": reminded, "escalated": escalated}
