from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import Team, User
from televente.claims.choices import ClaimType
from televente.customers.choices import CompanyStatus
from televente.customers.models import Segment
from televente.messaging.choices import MessageChannel
from televente.messaging.models import MessageTemplate

from .choices import (
    AMOUNT_HELP,
    CLAIM_TRIGGERS,
    CUSTOMER_TRIGGERS,
    EVENT_TRIGGERS,
    NO_AMOUNT_TRIGGERS,
    PERIODIC_TRIGGERS,
    TRIGGER_HELP,
    Action,
    NotifyTo,
    Trigger,
)
from .models import MAX_DAYS, AutomationRule

EMPTY = [("", "—")]


def _trigger_choices() -> list:
    events = [(t, Trigger(t).label) for t in EVENT_TRIGGERS.values()]
    periodic = [(t, Trigger(t).label) for t in PERIODIC_TRIGGERS]
    return [
        ("", "—"),
        (_("Dès qu'il se passe quelque chose"), events),
        (_("Vérification toutes les heures"), periodic),
    ]


def _template_choices() -> list:
    """Active templates as "channel:code" (the French version names them)."""
    rows = MessageTemplate.objects.filter(is_active=True, language="fr").order_by("name", "channel")
    return [*EMPTY, *((f"{t.channel}:{t.code}", f"{t.name} ({t.get_channel_display()})") for t in rows)]


def _email_template_choices() -> list:
    rows = MessageTemplate.objects.filter(channel=MessageChannel.EMAIL, language="fr").order_by("name")
    return [*EMPTY, *((t.code, t.name) for t in rows)]


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: User) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.get_role_display()})"


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Nom de la règle"), max_length=120)
    description = forms.CharField(
        label=_("Pourquoi cette règle"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_("Une règle active agit dès le prochain événement ou la prochaine vérification."),
    )

    trigger = forms.ChoiceField(label=_("Déclencheur"), choices=_trigger_choices)
    days = forms.IntegerField(label=_("Nombre de jours (N)"), min_value=0, max_value=MAX_DAYS, required=False)
    message_code = forms.ChoiceField(
        label=_("E-mail resté sans réponse"),
        required=False,
        help_text=_("Le modèle de l'e-mail envoyé au client (devis, promotion…)."),
    )

    segments = forms.ModelMultipleChoiceField(
        label=_("Typologies"),
        queryset=Segment.objects.filter(is_active=True).order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes."),
    )
    teams = forms.ModelMultipleChoiceField(
        label=_("Équipes"),
        queryset=Team.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune cochée : toutes."),
    )
    rep = PersonChoiceField(
        label=_("Télévendeur du client"),
        queryset=User.objects.filter(is_active=True, role=Role.REP).order_by("last_name", "first_name"),
        required=False,
        empty_label=_("Tous"),
    )
    customer_status = forms.ChoiceField(
        label=_("Statut du client"), choices=[("", _("Tous")), *CompanyStatus.choices], required=False
    )
    min_amount = forms.DecimalField(
        label=_("Montant minimum (€)"),
        min_value=0,
        max_digits=12,
        decimal_places=2,
        required=False,
        localize=True,
    )
    claim_type = forms.ChoiceField(
        label=_("Type de réclamation"), choices=[("", _("Tous")), *ClaimType.choices], required=False
    )

    action = forms.ChoiceField(label=_("Action"), choices=[*EMPTY, *Action.choices])
    template_code = forms.ChoiceField(label=_("Modèle de message"), required=False)
    action_days = forms.IntegerField(
        label=_("Rappeler dans (jours)"),
        min_value=0,
        max_value=365,
        required=False,
        initial=0,
        help_text=_("0 : dès maintenant ; sinon ce jour-là à 9 h. Le rappel entre dans le plan d'appels."),
    )
    action_note = forms.CharField(
        label=_("Consigne"),
        max_length=200,
        required=False,
        help_text=_("Ce que la personne doit faire (elle la lit dans le rappel ou l'e-mail)."),
    )
    notify_to = forms.ChoiceField(
        label=_("Qui prévenir"), choices=[*EMPTY, *NotifyTo.choices], required=False
    )
    notify_user = PersonChoiceField(
        label=_("Personne"),
        queryset=User.objects.filter(is_active=True).order_by("last_name", "first_name"),
        required=False,
    )
    notify_service = forms.ChoiceField(
        label=_("Service"), choices=[*EMPTY, *BackOfficeService.choices], required=False
    )
    hold_reason = forms.CharField(
        label=_("Motif du blocage"),
        max_length=200,
        required=False,
        help_text=_("Affiché sur l'écran de commande tant que le blocage dure."),
    )
    target_status = forms.ChoiceField(
        label=_("Nouveau statut"), choices=[*EMPTY, *CompanyStatus.choices], required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["template_code"].choices = _template_choices()
        self.fields["message_code"].choices = _email_template_choices()

    def rule_data(self) -> dict[str, Any]:
        """What the service takes: the template's "channel:code" split in two."""
        data = dict(self.cleaned_data)
        channel, _sep, code = (data.pop("template_code") or "").partition(":")
        data["template_code"], data["channel"] = code, channel or MessageChannel.EMAIL
        return data

    # Which parts the page shows for the chosen trigger and action ---------------------------------------------------

    def current(self, name: str) -> str:
        value = self[name].value()
        return str(value) if value not in (None, "") else ""

    def parts(self) -> dict[str, dict[str, Any]]:
        """For each part that depends on another field: that field, the values showing it, and
        whether it shows now (app.js keeps it up to date as the person changes the field)."""
        every_trigger = ["", *Trigger.values]
        rules = {
            "days": ("trigger", list(PERIODIC_TRIGGERS)),
            "message_code": ("trigger", [Trigger.MESSAGE_NO_REPLY]),
            "customer_status": ("trigger", [t for t in every_trigger if t not in CUSTOMER_TRIGGERS]),
            "min_amount": ("trigger", [t for t in every_trigger if t not in NO_AMOUNT_TRIGGERS]),
            "claim_type": ("trigger", list(CLAIM_TRIGGERS)),
            "template_code": ("action", [Action.SEND_TEMPLATE]),
            "action_days": ("action", [Action.CALL_TASK]),
            "action_note": ("action", [Action.CALL_TASK, Action.NOTIFY]),
            "notify": ("action", [Action.NOTIFY]),
            "notify_user": ("notify_to", [NotifyTo.PERSON]),
            "notify_service": ("notify_to", [NotifyTo.SERVICE]),
            "hold_reason": ("action", [Action.HOLD_ORDERS]),
            "target_status": ("action", [Action.SET_CUSTOMER_STATUS]),
        }
        return {
            name: {"on": on, "values": " ".join(values), "visible": self.current(on) in values}
            for name, (on, values) in rules.items()
        }

    def trigger_help(self) -> list[tuple[str, str, bool]]:
        current = self.current("trigger")
        return [(value, str(text), value == current) for value, text in TRIGGER_HELP.items()]

    def amount_help(self) -> list[tuple[str, str, bool]]:
        current = self.current("trigger")
        return [
            (value, str(_("Comparé avec %(what)s.") % {"what": text}), value == current)
            for value, text in AMOUNT_HELP.items()
        ]


def rule_initial(rule: AutomationRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "description": rule.description,
        "is_active": rule.is_active,
        "trigger": rule.trigger,
        "days": rule.days,
        "message_code": rule.message_code,
        "segments": list(rule.segments.all()),
        "teams": list(rule.teams.all()),
        "rep": rule.rep,
        "customer_status": rule.customer_status,
        "min_amount": rule.min_amount,
        "claim_type": rule.claim_type,
        "action": rule.action,
        "template_code": f"{rule.channel}:{rule.template_code}" if rule.template_code else "",
        "action_days": rule.action_days,
        "action_note": rule.action_note,
        "notify_to": rule.notify_to,
        "notify_user": rule.notify_user,
        "notify_service": rule.notify_service,
        "hold_reason": rule.hold_reason,
        "target_status": rule.target_status,
    }


class LogFilterForm(forms.Form):
    regle = forms.TypedChoiceField(label=_("Règle"), required=False, coerce=int, empty_value=None)
    etat = forms.ChoiceField(
        label=_("Résultat"),
        required=False,
        choices=[("", _("Tous")), ("ok", _("Réussis")), ("echec", _("En échec"))],
    )
    du = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    au = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, rules: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["regle"].choices = [("", _("Toutes")), *rules]

    def values(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        state = data.get("etat")
        return {
            "rule_id": data.get("regle"),
            "ok": True if state == "ok" else (False if state == "echec" else None),
            "day_from": data.get("du"),
            "day_to": data.get("au"),
        }
