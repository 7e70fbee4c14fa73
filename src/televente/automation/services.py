"""Writes of the automation rules: saving and switching a rule, running the rules on a business event
(in a background task) and on the hourly scan, and firing one rule on one occurrence.

A rule fires at most once per occurrence: `rule_fire` inserts the `RuleFiring` (unique per rule and
key) first, then acts in the same transaction. A second worker, or a second delivery of the same
event, meets the unique key and does nothing. A failing action is logged (`ok=False` with the error)
and never raised: one customer's problem must not stop the others."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from auditlog.context import set_actor
from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet, Sum
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import User
from televente.claims.choices import ClaimType
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import CompanyStatus, InteractionKind, NextStepAction
from televente.customers.models import Company, CompanyHabits
from televente.customers.services import company_hold_orders, company_update, interaction_record
from televente.messaging.choices import MessageChannel, MessageStatus
from televente.messaging.models import Message, MessageTemplate
from televente.messaging.services import find_template, message_from_template
from televente.orders.choices import OrderStatus
from televente.orders.models import Order
from televente.receivables.choices import InvoiceKind, InvoiceStatus
from televente.receivables.models import Invoice

from .choices import (
    CLAIM_TRIGGERS,
    CUSTOMER_TRIGGERS,
    EVENT_TRIGGERS,
    NO_AMOUNT_TRIGGERS,
    PERIODIC_TRIGGERS,
    Action,
    NotifyTo,
    Trigger,
)
from .models import MAX_DAYS, AutomationRule, RuleFiring
from .permissions import can_manage_rules

logger = logging.getLogger(__name__)

CENT = Decimal("0.01")
KEY_MAX = 150  # RuleFiring.key
BATCH = 500  # candidates read per query by the scan
MAX_FIRINGS_PER_RULE = 1000  # per scan: a new rule over a large portfolio acts over a few hours
ORDER_LATE_LOOKBACK = 90  # days: an order forgotten in "shipped" for a year is not chased
MESSAGE_LOOKBACK = 30  # days: a rule created today does not chase last year's mailings
CYCLES_PER_QUERY = 100  # customer_late: order cycles OR-ed in one query
CALLBACK_TIME = dt.time(9)
ORDERED = (OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)

# The records a message template may be about, per trigger ("company" and "dunning" take the customer).
TRIGGER_RECORDS: dict[str, tuple[str, ...]] = {
    Trigger.ORDER_CONFIRMED: ("order",),
    Trigger.DELIVERY_INCIDENT: ("order",),
    Trigger.ORDER_LATE: ("order",),
    Trigger.CLAIM_CREATED: ("claim",),
    Trigger.CLAIM_CHANGED: ("claim",),
    Trigger.CLAIM_OVERDUE: ("claim",),
    Trigger.INSTALMENT_MISSED: ("payment_plan",),
}


def template_contexts(trigger: str) -> tuple[str, ...]:
    """The template contexts a rule of this trigger can fill."""
    return ("company", "dunning", *TRIGGER_RECORDS.get(trigger, ()))


# Saving ---------------------------------------------------------------------------------------------------------------


def _check_manager(by: User) -> None:
    if not can_manage_rules(by):
        raise PermissionRefused(
            _("Seuls les superviseurs et les administrateurs gèrent les automatisations.")
        )


def _text(value: Any, limit: int) -> str:
    return str(value or "").strip()[:limit]


def _days(value: Any, *, field: str, maximum: int, message: str) -> int:
    if value in (None, ""):
        raise DomainError(message, field=field)
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise DomainError(message, field=field) from None
    if not 0 <= days <= maximum:
        raise DomainError(
            _("Indiquez un nombre de jours entre 0 et %(max)s.") % {"max": maximum}, field=field
        )
    return days


def _min_amount(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (ArithmeticError, InvalidOperation):
        raise DomainError(_("Montant invalide."), field="min_amount") from None
    if amount < 0:
        raise DomainError(_("Le montant ne peut pas être négatif."), field="min_amount")
    if amount >= Decimal("10000000000"):
        raise DomainError(_("Montant trop élevé."), field="min_amount")
    return amount


def _context_label(name: str) -> str:
    from televente.messaging import variables

    if name == "company":
        return _("un client")
    context = variables.contexts().get(name)
    return str(context.label) if context else name


def _clean(data: Mapping[str, Any]) -> dict[str, Any]:
    """The rule's fields from what the person typed: checked, and emptied where the trigger or the
    action does not use them (the form hides those, but what was typed there may still come)."""
    name = _text(data.get("name"), 120)
    if not name:
        raise DomainError(_("Donnez un nom à la règle."), field="name")
    trigger = data.get("trigger") or ""
    if trigger not in Trigger.values:
        raise DomainError(_("Choisissez ce qui déclenche la règle."), field="trigger")
    action = data.get("action") or ""
    if action not in Action.values:
        raise DomainError(_("Choisissez ce que fait la règle."), field="action")
    values: dict[str, Any] = {
        "name": name,
        "description": _text(data.get("description"), 500),
        "is_active": bool(data.get("is_active")),
        "trigger": trigger,
        "action": action,
        "days": None,
        "message_code": "",
        "rep": None,
        "min_amount": None,
        "customer_status": "",
        "claim_type": "",
        "template_code": "",
        "channel": MessageChannel.EMAIL,
        "action_days": 0,
        "action_note": "",
        "notify_to": "",
        "notify_user": None,
        "notify_service": "",
        "hold_reason": "",
        "target_status": "",
    }

    # When
    if trigger in PERIODIC_TRIGGERS:
        values["days"] = _days(
            data.get("days"), field="days", maximum=MAX_DAYS, message=_("Indiquez le nombre de jours (N).")
        )
    if trigger == Trigger.MESSAGE_NO_REPLY:
        code = _text(data.get("message_code"), 60)
        if not code:
            raise DomainError(_("Choisissez le modèle de l'e-mail resté sans réponse."), field="message_code")
        if not MessageTemplate.objects.filter(code=code, channel=MessageChannel.EMAIL).exists():
            raise DomainError(
                _("Aucun modèle d'e-mail n'a le code « %(code)s ».") % {"code": code}, field="message_code"
            )
        values["message_code"] = code

    # For which customers
    rep = data.get("rep")
    if rep is not None:
        if rep.role != Role.REP:
            raise DomainError(_("Choisissez un télévendeur."), field="rep")
        values["rep"] = rep
    if trigger not in NO_AMOUNT_TRIGGERS:
        values["min_amount"] = _min_amount(data.get("min_amount"))
    status = data.get("customer_status") or ""
    if status and trigger not in CUSTOMER_TRIGGERS:
        if status not in CompanyStatus.values:
            raise DomainError(_("Statut de client inconnu."), field="customer_status")
        values["customer_status"] = status
    claim_type = data.get("claim_type") or ""
    if claim_type and trigger in CLAIM_TRIGGERS:
        if claim_type not in ClaimType.values:
            raise DomainError(_("Type de réclamation inconnu."), field="claim_type")
        values["claim_type"] = claim_type

    # Then
    if action == Action.SEND_TEMPLATE:
        code = _text(data.get("template_code"), 60)
        channel = data.get("channel") or MessageChannel.EMAIL
        if not code:
            raise DomainError(_("Choisissez le modèle du message à envoyer."), field="template_code")
        if channel not in MessageChannel.values:
            raise DomainError(_("Canal inconnu."), field="template_code")
        template = find_template(code, channel=channel)
        if template is None:
            raise DomainError(
                _("Aucun modèle actif « %(code)s » pour ce canal.") % {"code": code}, field="template_code"
            )
        allowed = template_contexts(trigger)
        if template.context not in allowed:
            raise DomainError(
                _(
                    "Ce modèle porte sur %(context)s : ce déclencheur ne le fournit pas. Choisissez un modèle qui porte sur %(allowed)s."
                )
                % {
                    "context": _context_label(template.context),
                    "allowed": _(" ou ").join(_context_label(c) for c in allowed),
                },
                field="template_code",
            )
        values["template_code"], values["channel"] = code, channel
    elif action == Action.CALL_TASK:
        values["action_days"] = _days(
            data.get("action_days") or 0,
            field="action_days",
            maximum=365,
            message=_("Dans combien de jours faut-il rappeler ?"),
        )
        values["action_note"] = _text(data.get("action_note"), 200)
    elif action == Action.NOTIFY:
        values["action_note"] = _text(data.get("action_note"), 200)
        whom = data.get("notify_to") or ""
        if whom not in NotifyTo.values:
            raise DomainError(_("Choisissez qui prévenir."), field="notify_to")
        values["notify_to"] = whom
        if whom == NotifyTo.PERSON:
            person = data.get("notify_user")
            if person is None or not person.is_active:
                raise DomainError(_("Choisissez la personne à prévenir."), field="notify_user")
            if not person.email:
                raise DomainError(_("Cette personne n'a pas d'adresse e-mail."), field="notify_user")
            values["notify_user"] = person
        elif whom == NotifyTo.SERVICE:
            service = data.get("notify_service") or ""
            if service not in BackOfficeService.values:
                raise DomainError(_("Choisissez le service à prévenir."), field="notify_service")
            values["notify_service"] = service
    elif action == Action.HOLD_ORDERS:
        values["hold_reason"] = _text(data.get("hold_reason"), 200)
        if not values["hold_reason"]:
            raise DomainError(_("Indiquez le motif du blocage."), field="hold_reason")
    elif action == Action.SET_CUSTOMER_STATUS:
        status = data.get("target_status") or ""
        if status not in CompanyStatus.values:
            raise DomainError(_("Choisissez le nouveau statut du client."), field="target_status")
        values["target_status"] = status
    return values


@transaction.atomic
def rule_save(*, by: User, data: Mapping[str, Any], rule: AutomationRule | None = None) -> AutomationRule:
    """Creates or changes a rule. `data` holds the rule's fields, with `segments` and `teams` as
    lists of records (empty: any)."""
    _check_manager(by)
    values = _clean(data)
    if rule is None:
        rule = AutomationRule(created_by=by)
    else:
        rule = AutomationRule.objects.select_for_update().get(pk=rule.pk)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.updated_by = by
    with set_actor(by):
        rule.save()
        rule.segments.set(list(data.get("segments") or []))
        rule.teams.set(list(data.get("teams") or []))
    return rule


@transaction.atomic
def rule_toggle(*, rule: AutomationRule, by: User, active: bool) -> AutomationRule:
    """Switches a rule on or off. Switching on checks again what may have changed since it was
    written (its message template may have been switched off)."""
    _check_manager(by)
    rule = AutomationRule.objects.select_for_update().get(pk=rule.pk)
    if (
        active
        and rule.action == Action.SEND_TEMPLATE
        and find_template(rule.template_code, channel=rule.channel) is None
    ):
        raise DomainError(
            _("Le modèle « %(code)s » n'existe plus ou est désactivé : modifiez la règle avant de l'activer.")
            % {"code": rule.template_code}
        )
    if rule.is_active != active:
        rule.is_active = active
        rule.updated_by = by
        with set_actor(by):
            rule.save(update_fields=["is_active", "updated_by", "updated_at"])
    return rule


# Conditions -----------------------------------------------------------------------------------------------------------


def rule_matches(
    rule: AutomationRule, company: Company, *, amount: Decimal | None = None, claim_type: str = ""
) -> bool:
    """Whether this customer (and amount, claim type) meets the rule's conditions. Reads the rule's
    segments and teams from its prefetch cache when there is one."""
    segments = {s.pk for s in rule.segments.all()}
    if segments and company.segment_id not in segments:
        return False
    teams = {t.pk for t in rule.teams.all()}
    if teams and company.team_id not in teams:
        return False
    if rule.rep_id and company.rep_id != rule.rep_id:
        return False
    if rule.trigger in CUSTOMER_TRIGGERS:
        if company.status != CompanyStatus.CUSTOMER:
            return False
    elif rule.customer_status and company.status != rule.customer_status:
        return False
    if rule.min_amount is not None and (amount is None or amount < rule.min_amount):
        return False
    return not (rule.claim_type and rule.trigger in CLAIM_TRIGGERS and claim_type != rule.claim_type)


def _company_q(rule: AutomationRule, prefix: str) -> Q:
    """The customer conditions in SQL, for the scan (`prefix` leads from the scanned rows to the company)."""
    q = Q()
    segments = [s.pk for s in rule.segments.all()]
    if segments:
        q &= Q(**{f"{prefix}segment_id__in": segments})
    teams = [t.pk for t in rule.teams.all()]
    if teams:
        q &= Q(**{f"{prefix}team_id__in": teams})
    if rule.rep_id:
        q &= Q(**{f"{prefix}rep_id": rule.rep_id})
    if rule.trigger in CUSTOMER_TRIGGERS:
        q &= Q(**{f"{prefix}status": CompanyStatus.CUSTOMER})
    elif rule.customer_status:
        q &= Q(**{f"{prefix}status": rule.customer_status})
    return q


# Firing ---------------------------------------------------------------------------------------------------------------


def _key(key: str) -> str:
    if len(key) <= KEY_MAX:
        return key
    return key[: KEY_MAX - 41] + ":" + hashlib.sha1(key.encode()).hexdigest()


def _records(company: Company, record: Any) -> dict[str, Any]:
    """The records this occurrence offers to a message template, by template context."""
    records: dict[str, Any] = {"company": company, "dunning": company}
    label = record._meta.label_lower if hasattr(record, "_meta") else ""
    if label == "orders.order":
        records["order"] = record
    elif label == "orders.deliveryincident":
        records["order"] = record.order
    elif label == "claims.claim":
        records["claim"] = record
    elif label == "receivables.paymentplan":
        records["payment_plan"] = record
    return records


def _send_template(
    rule: AutomationRule, company: Company, record: Any, firing: RuleFiring
) -> tuple[str, str]:
    template = find_template(rule.template_code, channel=rule.channel)
    if template is None:
        raise DomainError(
            _("Le modèle « %(code)s » n'existe plus ou est désactivé.") % {"code": rule.template_code}
        )
    target = _records(company, record).get(template.context)
    if target is None:
        raise DomainError(
            _("Le modèle porte sur %(context)s : cette occurrence ne le fournit pas.")
            % {"context": _context_label(template.context)}
        )
    message = message_from_template(
        code=template.code,
        record=target,
        context=template.context,
        channel=rule.channel,
        key=f"automation:firing:{firing.pk}",
        reference=firing.reference,
        timeline_subject=_("Message automatique « %(template)s » (règle « %(rule)s »)")
        % {"template": template.name, "rule": rule.name},
    )
    if message is None:
        raise DomainError(_("Aucun interlocuteur à qui envoyer le message."))
    channel = message.get_channel_display()
    return (
        _("%(channel)s « %(template)s » mis en file d'envoi pour %(to)s.")
        % {"channel": channel, "template": template.name, "to": message.to_name or message.to_address or "—"},
        f"messaging.message:{message.pk}",
    )


def _callback_at(days: int) -> dt.datetime:
    if days == 0:
        return timezone.now()
    day = timezone.localdate() + dt.timedelta(days=days)
    return timezone.make_aware(dt.datetime.combine(day, CALLBACK_TIME))


def _call_task(rule: AutomationRule, company: Company, record: Any, firing: RuleFiring) -> tuple[str, str]:
    owner = company.rep
    if owner is None or not owner.is_active:
        raise DomainError(_("Ce client n'a pas de télévendeur attitré : aucun rappel créé."))
    when = _callback_at(rule.action_days)
    note = rule.action_note or rule.name
    interaction = interaction_record(
        company=company,
        kind=InteractionKind.NOTE,
        by=rule.updated_by,  # the timeline needs an author: the rule's, who decided this callback
        subject=_("Rappel créé par la règle « %(rule)s »") % {"rule": rule.name},
        reference=firing.reference,
        next_action=NextStepAction.CALLBACK,
        next_action_note=note[:200],
        next_action_at=when,
        next_action_owner=owner,
        touch_contact=False,
    )
    return (
        _("Rappel pour %(rep)s le %(date)s : %(note)s")
        % {
            "rep": owner.get_full_name() or owner.username,
            "date": date_format(timezone.localtime(when), "SHORT_DATETIME_FORMAT"),
            "note": note,
        },
        f"customers.interaction:{interaction.pk}",
    )


def notify_targets(rule: AutomationRule, company: Company) -> list[User]:
    """Who a "notify" rule writes to about this customer (active people with an email)."""
    people: list[User] = []
    if rule.notify_to == NotifyTo.PERSON and rule.notify_user is not None:
        people = [rule.notify_user]
    elif rule.notify_to == NotifyTo.SERVICE and rule.notify_service:
        people = list(
            User.objects.filter(is_active=True, role=Role.BACK_OFFICE, service=rule.notify_service).order_by(
                "pk"
            )
        )
    elif rule.notify_to == NotifyTo.REP and company.rep is not None:
        people = [company.rep]
    elif rule.notify_to == NotifyTo.SUPERVISOR and company.team is not None and company.team.supervisor:
        people = [company.team.supervisor]
    return [p for p in people if p.is_active and p.email]


def _notify(rule: AutomationRule, company: Company, record: Any, firing: RuleFiring) -> tuple[str, str]:
    people = notify_targets(rule, company)
    if not people:
        raise DomainError(_("Personne à prévenir (ou personne avec une adresse e-mail)."))
    from . import tasks

    transaction.on_commit(partial(tasks.notify_people.enqueue, firing.pk, [p.pk for p in people]))
    names = ", ".join(p.get_full_name() or p.username for p in people)
    return _("Prévenu(s) par e-mail : %(names)s.") % {"names": names}, ""


def _hold_orders(rule: AutomationRule, company: Company, record: Any, firing: RuleFiring) -> tuple[str, str]:
    if company.orders_on_hold:
        return _("Commandes déjà bloquées (%(reason)s) : rien à changer.") % {
            "reason": company.hold_reason
        }, ""
    company_hold_orders(company=company, by=None, hold=True, reason=rule.hold_reason)
    return _("Nouvelles commandes bloquées : %(reason)s.") % {"reason": rule.hold_reason}, ""


def _set_status(rule: AutomationRule, company: Company, record: Any, firing: RuleFiring) -> tuple[str, str]:
    new = CompanyStatus(rule.target_status)
    if company.status == new:
        return _("Statut déjà « %(status)s » : rien à changer.") % {"status": new.label}, ""
    old = company.get_status_display()
    # The change is made in the name of the rule's author, with their rights on the file.
    author = rule.updated_by
    try:
        company_update(company=company, by=author, data={"status": new.value})
    except PermissionRefused:
        raise DomainError(
            _("%(author)s, qui a écrit la règle, ne peut pas modifier cette fiche.")
            % {"author": author.get_full_name() or author.username}
        ) from None
    return _("Statut passé de « %(old)s » à « %(new)s ».") % {"old": old, "new": new.label}, ""


ACTIONS = {
    Action.SEND_TEMPLATE: _send_template,
    Action.CALL_TASK: _call_task,
    Action.NOTIFY: _notify,
    Action.HOLD_ORDERS: _hold_orders,
    Action.SET_CUSTOMER_STATUS: _set_status,
}


def rule_fire(
    *,
    rule: AutomationRule,
    company: Company,
    reference: str,
    key: str,
    context_record: Any = None,
    amount: Decimal | None = None,
    claim_type: str = "",
) -> RuleFiring | None:
    """Fires one rule on one occurrence (named by `key`) of this customer: checks the conditions,
    records the firing, acts. Returns the firing (`ok` false when the action failed, with the reason
    in `result`), or None when the conditions do not hold or the rule already fired for this key."""
    if not rule.is_active or not rule_matches(rule, company, amount=amount, claim_type=claim_type):
        return None
    with transaction.atomic():
        try:
            with transaction.atomic():
                firing = RuleFiring.objects.create(
                    rule=rule, key=_key(key), company=company, reference=reference[:80], action=rule.action
                )
        except IntegrityError:
            return None  # already fired for this occurrence (another worker, or the event came twice)
        try:
            with transaction.atomic(), translation.override(settings.LANGUAGE_CODE):
                firing.result, firing.outcome_reference = ACTIONS[rule.action](
                    rule, company, context_record if context_record is not None else company, firing
                )
        except DomainError as exc:
            firing.ok, firing.result = False, exc.message
        except Exception as exc:
            logger.exception("Automation rule %s failed on %s (%s)", rule.pk, key, company.pk)
            firing.ok, firing.result = False, f"{type(exc).__name__}: {exc}"[:1000]
        firing.save(update_fields=["ok", "result", "outcome_reference"])
    return firing


def _active_rules() -> QuerySet[AutomationRule]:
    return (
        AutomationRule.objects.filter(is_active=True)
        .select_related("rep", "notify_user", "updated_by")
        .prefetch_related("segments", "teams")
        .order_by("pk")
    )


def _customer(company_ids) -> dict[int, Company]:
    return Company.objects.select_related("rep", "team__supervisor").in_bulk(list(company_ids))


# Events ---------------------------------------------------------------------------------------------------------------


def event_handle(
    *, name: str, company_id: int | None, reference: str, key: str, data: Mapping[str, Any] | None = None
) -> bool:
    """Receiver of `core.events.business_event` (called after the change was committed): when an
    active rule listens to this event, hands it to a background task. Never raises: an automation
    must not break the confirmation of an order."""
    trigger = EVENT_TRIGGERS.get(name)
    if trigger is None or company_id is None or not key:
        return False
    try:
        if not AutomationRule.objects.filter(is_active=True, trigger=trigger).exists():
            return False
        from . import tasks

        tasks.handle_event.enqueue(name, company_id, reference, key, dict(data or {}))
    except Exception:
        logger.exception("Could not hand the event %s (%s) to the automation rules", name, key)
        return False
    return True


# Event references whose prefix is not the model's label.
REFERENCE_MODELS = {
    "orders.incident": "orders.DeliveryIncident",
    "receivables.promise": "receivables.PaymentPromise",
    "receivables.plan": "receivables.PaymentPlan",
    "receivables.company": "customers.Company",
}


def _load(reference: str) -> Any:
    """The record an event is about ("orders.order:42"), or None."""
    label, _sep, pk = (reference or "").partition(":")
    if not pk.isdigit():
        return None
    try:
        model = apps.get_model(REFERENCE_MODELS.get(label, label))
    except (LookupError, ValueError):
        return None
    return model._default_manager.filter(pk=int(pk)).first()


def _decimal(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (ArithmeticError, InvalidOperation):
        return None


def overdue_total(company: Company, today: dt.date | None = None) -> Decimal:
    today = today or timezone.localdate()
    total = Invoice.objects.filter(
        company=company, status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE, due_on__lt=today
    ).aggregate(due=Sum(F("amount") - F("paid_amount")))["due"]
    return total or Decimal("0")


def _event_amount(trigger: str, record: Any, data: Mapping[str, Any], company: Company) -> Decimal | None:
    amount = _decimal(data.get("amount"))
    if amount is not None:
        return amount
    label = record._meta.label_lower if hasattr(record, "_meta") else ""
    if label == "orders.order":
        return record.total_ht
    if label == "orders.deliveryincident":
        return record.order.total_ht
    if label == "claims.claim":
        return record.amount
    if trigger == Trigger.PAYMENT_REFUSED:
        return overdue_total(company)
    return None


def event_process(
    *, name: str, company_id: int | None, reference: str, key: str, data: Mapping[str, Any] | None = None
) -> int:
    """Runs the active rules of this event's trigger (the `handle_event` task). Returns how many fired."""
    trigger = EVENT_TRIGGERS.get(name)
    if trigger is None or company_id is None:
        return 0
    rules = list(_active_rules().filter(trigger=trigger))
    if not rules:
        return 0
    company = _customer([company_id]).get(company_id)
    if company is None:
        return 0
    data = dict(data or {})
    record = _load(reference)
    claim_type = str(data.get("claim_type") or getattr(record, "claim_type", "") or "")
    amount = None
    if any(rule.min_amount is not None for rule in rules):
        amount = _event_amount(trigger, record, data, company)
    fired = 0
    for rule in rules:
        firing = rule_fire(
            rule=rule,
            company=company,
            reference=reference,
            key=key,
            context_record=record,
            amount=amount,
            claim_type=claim_type,
        )
        fired += firing is not None
    return fired


# The periodic scan ----------------------------------------------------------------------------------------------------


@dataclass
class Candidate:
    """An occurrence found by the scan (before the rule's firings are checked)."""

    company_id: int
    key: str
    reference: str
    amount: Decimal | None = None
    record_id: int | None = None  # the order of an "order_late" occurrence


def _pages(queryset: QuerySet, fields: tuple[str, ...]) -> Iterator[list[tuple]]:
    """The rows in pages of BATCH, by increasing first field (a unique key): one short query each."""
    pk = fields[0]
    last = None
    while True:
        page = queryset if last is None else queryset.filter(**{f"{pk}__gt": last})
        rows = list(page.order_by(pk).values_list(*fields)[:BATCH])
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _orders_late(rule: AutomationRule, today: dt.date) -> Iterator[list[Candidate]]:
    """Orders still confirmed, prepared or shipped more than N days after their delivery date."""
    latest = today - dt.timedelta(days=rule.days)  # delivery_date + N < today
    orders = (
        Order.objects.filter(
            status__in=[OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED],
            delivery_date__lt=latest,
            delivery_date__gte=latest - dt.timedelta(days=ORDER_LATE_LOOKBACK),
        )
        .filter(_company_q(rule, "company__"))
        .annotate(total=F("total_lines") - F("order_discount"))
    )
    if rule.min_amount is not None:
        orders = orders.filter(total__gte=rule.min_amount)
    for rows in _pages(orders, ("pk", "company_id", "delivery_date", "total")):
        yield [
            Candidate(company_id, f"order:{pk}:late:{day:%Y-%m-%d}", f"orders.order:{pk}", total, pk)
            for pk, company_id, day, total in rows
        ]


def _habits(rule: AutomationRule) -> QuerySet[CompanyHabits]:
    habits = CompanyHabits.objects.filter(last_order_date__isnull=False).filter(_company_q(rule, "company__"))
    if rule.min_amount is not None:
        habits = habits.filter(average_basket__gte=rule.min_amount)
    return habits


def _customers_late(rule: AutomationRule, today: dt.date) -> Iterator[list[Candidate]]:
    """Active customers late against their own order cycle by more than N days:
    today > last_order_date + order_cycle_days + N. Dates cannot be added to a column of days the same
    way on SQLite and PostgreSQL, so the cycles are read first (a few dozen values) and each gives its
    own date bound: last_order_date < today - (cycle + N)."""
    habits = _habits(rule).filter(order_cycle_days__isnull=False)
    cycles = sorted(set(habits.order_by().values_list("order_cycle_days", flat=True).distinct()))
    for start in range(0, len(cycles), CYCLES_PER_QUERY):
        late = Q()
        for cycle in cycles[start : start + CYCLES_PER_QUERY]:
            late |= Q(
                order_cycle_days=cycle, last_order_date__lt=today - dt.timedelta(days=cycle + rule.days)
            )
        for rows in _pages(habits.filter(late), ("company_id", "last_order_date", "average_basket")):
            yield [
                Candidate(
                    company_id,
                    f"company:{company_id}:late:{last:%Y-%m-%d}",
                    f"customers.company:{company_id}",
                    basket,
                )
                for company_id, last, basket in rows
            ]


def _accounts_inactive(rule: AutomationRule, today: dt.date) -> Iterator[list[Candidate]]:
    """Active customers whose last order is more than N days old (a new order gives a new key)."""
    habits = _habits(rule).filter(last_order_date__lt=today - dt.timedelta(days=rule.days))
    for rows in _pages(habits, ("company_id", "last_order_date", "average_basket")):
        yield [
            Candidate(
                company_id,
                f"company:{company_id}:inactive:{last:%Y-%m-%d}",
                f"customers.company:{company_id}",
                basket,
            )
            for company_id, last, basket in rows
        ]


def _invoices_overdue(rule: AutomationRule, today: dt.date) -> Iterator[list[Candidate]]:
    """Open invoices with something left to pay more than N days after their due date (once per
    invoice and due date); disputed invoices wait for their claim."""
    invoices = (
        Invoice.objects.filter(
            status=InvoiceStatus.OPEN,
            kind=InvoiceKind.INVOICE,
            disputed=False,
            due_on__lt=today - dt.timedelta(days=rule.days),
        )
        .annotate(balance=F("amount") - F("paid_amount"))
        .filter(balance__gt=0)
        .filter(_company_q(rule, "company__"))
    )
    if rule.min_amount is not None:
        invoices = invoices.filter(balance__gte=rule.min_amount)
    for rows in _pages(invoices, ("pk", "company_id", "due_on", "balance")):
        yield [
            Candidate(company_id, f"invoice:{pk}:due:{due:%Y-%m-%d}", f"receivables.invoice:{pk}", balance)
            for pk, company_id, due, balance in rows
        ]


def _messages_unanswered(rule: AutomationRule, today: dt.date) -> Iterator[list[Candidate]]:
    """Emails sent with the rule's template more than N days ago (within the 30 days before), after
    which the customer confirmed no order: the quote or the promotion got no answer."""
    end = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=rule.days), dt.time.min))
    start = end - dt.timedelta(days=MESSAGE_LOOKBACK)
    ordered_since = Order.objects.filter(
        company_id=OuterRef("company_id"), status__in=ORDERED, confirmed_at__gte=OuterRef("sent_at")
    )
    messages = (
        Message.objects.filter(
            channel=MessageChannel.EMAIL,
            status=MessageStatus.SENT,
            template_code=rule.message_code,
            company__isnull=False,
            sent_at__lt=end,
            sent_at__gte=start,
            created_at__gte=start - dt.timedelta(days=7),  # the (status, created_at) index
        )
        .filter(_company_q(rule, "company__"))
        .filter(~Exists(ordered_since))
    )
    for rows in _pages(messages, ("pk", "company_id")):
        yield [Candidate(company_id, f"message:{pk}", f"messaging.message:{pk}") for pk, company_id in rows]


SCANS = {
    Trigger.ORDER_LATE: _orders_late,
    Trigger.CUSTOMER_LATE: _customers_late,
    Trigger.ACCOUNT_INACTIVE: _accounts_inactive,
    Trigger.INVOICE_OVERDUE: _invoices_overdue,
    Trigger.MESSAGE_NO_REPLY: _messages_unanswered,
}


def _scan_rule(rule: AutomationRule, today: dt.date, limit: int, counts: dict[str, int]) -> None:
    acted = 0
    for batch in SCANS[rule.trigger](rule, today):
        done = set(
            RuleFiring.objects.filter(rule=rule, key__in=[c.key for c in batch]).values_list("key", flat=True)
        )
        todo = [c for c in batch if c.key not in done][: limit - acted]
        if not todo:
            continue
        companies = _customer({c.company_id for c in todo})
        orders = {}
        if rule.trigger == Trigger.ORDER_LATE:
            orders = Order.objects.select_related("company", "contact").in_bulk([c.record_id for c in todo])
        for candidate in todo:
            company = companies.get(candidate.company_id)
            if company is None:
                continue
            firing = rule_fire(
                rule=rule,
                company=company,
                reference=candidate.reference,
                key=candidate.key,
                context_record=orders.get(candidate.record_id, company),
                amount=candidate.amount,
            )
            if firing is not None:
                acted += 1
                counts["fired" if firing.ok else "failed"] += 1
        if acted >= limit:
            counts["postponed"] += 1  # the rest waits for the next scan
            return


def rules_scan(today: dt.date | None = None, *, limit: int = MAX_FIRINGS_PER_RULE) -> dict[str, int]:
    """The periodic triggers (the `automation.scan` job, hourly): each active rule's occurrences are
    read in pages from SQL with its conditions, those it already fired for are skipped, and it acts on
    the others (at most `limit` per rule and scan). Returns counts for the scheduler's log."""
    today = today or timezone.localdate()
    counts = {"rules": 0, "fired": 0, "failed": 0, "postponed": 0}
    for rule in _active_rules().filter(trigger__in=PERIODIC_TRIGGERS):
        counts["rules"] += 1
        try:
            _scan_rule(rule, today, limit, counts)
        except Exception:
            # A rule whose scan fails (a database error...) must not stop the other rules.
            logger.exception("Automation scan of rule %s failed", rule.pk)
            counts["failed"] += 1
    return counts
