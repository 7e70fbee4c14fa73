"""Reads for the automation screens: the rules with their activity, and the log of firings, scoped
to the person (a supervisor sees the firings on the customers of the teams they lead)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from televente.accounts.permissions import is_admin, is_supervisor
from televente.core.templatetags.televente import money
from televente.customers.actions import reference_url
from televente.messaging.models import MessageTemplate

from .choices import CLAIM_TRIGGERS, Action, NotifyTo, Trigger
from .models import AutomationRule, RuleFiring

LOG_PAGE = 50
# What an occurrence's reference points to, in words (the log links it when its app registered a page).
REFERENCE_LABELS = {
    "orders.order": gettext_lazy("Commande"),
    "orders.incident": gettext_lazy("Incident de livraison"),
    "claims.claim": gettext_lazy("Réclamation"),
    "receivables.promise": gettext_lazy("Promesse de paiement"),
    "receivables.plan": gettext_lazy("Échéancier"),
    "receivables.invoice": gettext_lazy("Facture"),
    "receivables.company": gettext_lazy("Impayés du client"),
    "customers.company": "",  # the customer has its own column
    "messaging.message": gettext_lazy("E-mail envoyé"),
}


def visible_firings(user) -> QuerySet[RuleFiring]:
    if is_admin(user):
        return RuleFiring.objects.all()
    if is_supervisor(user):
        return RuleFiring.objects.filter(company__team__supervisor=user)
    return RuleFiring.objects.none()


# Plain sentences for the list -----------------------------------------------------------------------------------------

PERIODIC_PHRASES = {
    Trigger.ORDER_LATE: lambda n: ngettext(
        "Commande non livrée plus de %(n)s jour après la date prévue",
        "Commande non livrée plus de %(n)s jours après la date prévue",
        n,
    ),
    Trigger.CUSTOMER_LATE: lambda n: ngettext(
        "Client en retard de plus de %(n)s jour sur son rythme de commande",
        "Client en retard de plus de %(n)s jours sur son rythme de commande",
        n,
    ),
    Trigger.ACCOUNT_INACTIVE: lambda n: ngettext(
        "Client sans commande depuis plus de %(n)s jour",
        "Client sans commande depuis plus de %(n)s jours",
        n,
    ),
    Trigger.INVOICE_OVERDUE: lambda n: ngettext(
        "Facture impayée plus de %(n)s jour après l'échéance",
        "Facture impayée plus de %(n)s jours après l'échéance",
        n,
    ),
    Trigger.MESSAGE_NO_REPLY: lambda n: ngettext(
        "Aucune commande %(n)s jour après l'e-mail « %(code)s »",
        "Aucune commande %(n)s jours après l'e-mail « %(code)s »",
        n,
    ),
}


def trigger_summary(rule: AutomationRule) -> str:
    phrase = PERIODIC_PHRASES.get(rule.trigger)
    if phrase is None or rule.days is None:
        return str(rule.get_trigger_display())
    return phrase(rule.days) % {"n": rule.days, "code": rule.message_code}


def conditions_summary(rule: AutomationRule) -> list[str]:
    parts = []
    segments = [s.name for s in rule.segments.all()]
    if segments:
        parts.append(_("Typologies : %(names)s") % {"names": ", ".join(segments)})
    teams = [t.name for t in rule.teams.all()]
    if teams:
        parts.append(_("Équipes : %(names)s") % {"names": ", ".join(teams)})
    if rule.rep_id:
        parts.append(_("Télévendeur : %(name)s") % {"name": rule.rep.get_full_name() or rule.rep.username})
    if rule.customer_status:
        parts.append(_("Statut : %(status)s") % {"status": rule.get_customer_status_display()})
    if rule.min_amount is not None:
        parts.append(_("Montant ≥ %(amount)s") % {"amount": money(rule.min_amount)})
    if rule.claim_type and rule.trigger in CLAIM_TRIGGERS:
        parts.append(_("Type : %(type)s") % {"type": rule.get_claim_type_display()})
    return parts or [_("Tous les clients")]


def action_summary(rule: AutomationRule, template_names: dict[tuple[str, str], str] | None = None) -> str:
    if rule.action == Action.SEND_TEMPLATE:
        name = (template_names or {}).get((rule.template_code, rule.channel), rule.template_code)
        channel = _("SMS") if rule.channel == "sms" else _("E-mail")
        return _("%(channel)s au client : « %(name)s »") % {"channel": channel, "name": name}
    if rule.action == Action.CALL_TASK:
        when = (
            _("dès maintenant")
            if rule.action_days == 0
            else ngettext("dans %(n)s jour", "dans %(n)s jours", rule.action_days) % {"n": rule.action_days}
        )
        text = _("Rappel du télévendeur %(when)s") % {"when": when}
        return f"{text} : {rule.action_note}" if rule.action_note else text
    if rule.action == Action.NOTIFY:
        if rule.notify_to == NotifyTo.PERSON and rule.notify_user_id:
            whom = rule.notify_user.get_full_name() or rule.notify_user.username
        elif rule.notify_to == NotifyTo.SERVICE:
            whom = _("le service %(service)s") % {"service": rule.get_notify_service_display()}
        elif rule.notify_to == NotifyTo.REP:
            whom = _("le télévendeur du client")
        elif rule.notify_to == NotifyTo.SUPERVISOR:
            whom = _("le superviseur de l'équipe du client")
        else:
            whom = "—"
        return _("Prévenir %(whom)s par e-mail") % {"whom": whom}
    if rule.action == Action.HOLD_ORDERS:
        return _("Bloquer les commandes : %(reason)s") % {"reason": rule.hold_reason}
    if rule.action == Action.SET_CUSTOMER_STATUS:
        return _("Passer le client en « %(status)s »") % {"status": rule.get_target_status_display()}
    return str(rule.get_action_display())


def _template_names() -> dict[tuple[str, str], str]:
    return {
        (code, channel): name
        for code, channel, name in MessageTemplate.objects.filter(language="fr").values_list(
            "code", "channel", "name"
        )
    }


def rules(*, user, pk: int | None = None) -> list[AutomationRule]:
    """The rules with their sentences, the number of firings this person may see and the last one.
    Five queries whatever the number of rules and firings."""
    firings = visible_firings(user).filter(rule=OuterRef("pk"))
    last = firings.order_by("-fired_at", "-pk")
    rows = (
        AutomationRule.objects.select_related("rep", "notify_user")
        .prefetch_related("segments", "teams")
        .annotate(
            firings_count=Coalesce(
                Subquery(
                    firings.order_by().values("rule").annotate(n=Count("pk")).values("n"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_fired_at=Subquery(last.values("fired_at")[:1]),
            last_ok=Subquery(last.values("ok")[:1]),
        )
        .order_by("-is_active", "name", "pk")
    )
    if pk is not None:
        rows = rows.filter(pk=pk)
    found = list(rows)
    names = _template_names() if any(r.action == Action.SEND_TEMPLATE for r in found) else {}
    for rule in found:
        rule.trigger_text = trigger_summary(rule)
        rule.conditions_text = conditions_summary(rule)
        rule.action_text = action_summary(rule, names)
    return found


@dataclass
class LogPage:
    firings: list[RuleFiring] = field(default_factory=list)
    next_before: int | None = None  # the cursor of the next page (older firings)


def firing_log(
    *,
    user,
    rule_id: int | None = None,
    ok: bool | None = None,
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    before: int | None = None,
    limit: int = LOG_PAGE,
) -> LogPage:
    """The firings, newest first, by pages of `limit` (`before`: the last id of the previous page).
    Two queries: the firings with their rule and customer, nothing per row."""
    rows = visible_firings(user).select_related("rule", "company")
    if rule_id is not None:
        rows = rows.filter(rule_id=rule_id)
    if ok is not None:
        rows = rows.filter(ok=ok)
    if day_from is not None:
        rows = rows.filter(fired_at__gte=timezone.make_aware(dt.datetime.combine(day_from, dt.time.min)))
    if day_to is not None:
        end = day_to + dt.timedelta(days=1)
        rows = rows.filter(fired_at__lt=timezone.make_aware(dt.datetime.combine(end, dt.time.min)))
    if before is not None:
        rows = rows.filter(pk__lt=before)
    found = list(rows.order_by("-pk")[: limit + 1])
    page = LogPage(firings=found[:limit])
    if len(found) > limit:
        page.next_before = page.firings[-1].pk
    for firing in page.firings:
        firing.about_url = reference_url(firing.reference)
        firing.about_label = REFERENCE_LABELS.get(firing.reference.partition(":")[0], firing.reference)
        if not firing.about_label:
            firing.about_url = None
        firing.outcome_url = reference_url(firing.outcome_reference)
        firing.action_label = Action(firing.action).label if firing.action in Action.values else firing.action
    return page


def rule_choices() -> list[tuple[int, str]]:
    return list(AutomationRule.objects.order_by("name", "pk").values_list("pk", "name"))


def failed_recently(*, user, days: int = 7) -> int:
    since = timezone.now() - dt.timedelta(days=days)
    return visible_firings(user).filter(ok=False, fired_at__gte=since).count()
