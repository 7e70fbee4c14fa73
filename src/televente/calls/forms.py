from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import User
from televente.customers.choices import NextStepAction

from .choices import CallOutcome, InboundHandling, InboundRequest, NoOrderReason, SkipReason
from .models import PlanSettings

RANGE = re.compile(r"^\s*(\d{1,2})[:hH](\d{2})\s*[-–à]\s*(\d{1,2})[:hH](\d{2})\s*$")


def _when(day: dt.date | None, at: dt.time | None) -> dt.datetime | None:
    if day is None:
        return None
    at = at or dt.time(9, 0)
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


class OutcomeForm(forms.Form):
    """The mandatory outcome of a call and its next step (seed 000 Compétence 5)."""

    outcome = forms.ChoiceField(
        label=_("Issue de l'appel"), choices=CallOutcome.choices, widget=forms.RadioSelect
    )
    no_order_reason = forms.ChoiceField(
        label=_("Pourquoi pas de commande"), choices=[("", "—"), *NoOrderReason.choices], required=False
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    next_action = forms.ChoiceField(
        label=_("Prochaine étape"), choices=[("", "—"), *NextStepAction.choices], required=False
    )
    next_action_date = forms.DateField(
        label=_("Le"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    next_action_time = forms.TimeField(
        label=_("À"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    next_action_note = forms.CharField(label=_("Précision"), required=False, max_length=200)

    def clean(self) -> dict:
        data = super().clean()
        outcome = data.get("outcome")
        if outcome == CallOutcome.REACHED_NO_ORDER and not data.get("no_order_reason"):
            self.add_error("no_order_reason", _("Indiquez pourquoi le client n'a pas commandé."))
        if outcome == CallOutcome.CALLBACK and not data.get("next_action_date"):
            self.add_error("next_action_date", _("Indiquez la date et l'heure du rappel."))
        if outcome == CallOutcome.CALLBACK and not data.get("next_action_time"):
            self.add_error("next_action_time", _("Indiquez l'heure promise du rappel."))
        if outcome and outcome not in (CallOutcome.NOT_REACHED, CallOutcome.REFUSED, CallOutcome.CALLBACK):
            if not data.get("next_action"):
                self.add_error("next_action", _("Une prochaine étape est obligatoire."))
            if not data.get("next_action_date"):
                self.add_error("next_action_date", _("Indiquez la date de la prochaine étape."))
        return data

    def service_data(self) -> dict:
        data = self.cleaned_data
        return {
            "outcome": data["outcome"],
            "notes": data.get("notes", ""),
            "no_order_reason": data.get("no_order_reason", ""),
            "next_action": data.get("next_action", ""),
            "next_action_at": _when(data.get("next_action_date"), data.get("next_action_time")),
            "next_action_note": data.get("next_action_note", ""),
        }


class SkipForm(forms.Form):
    reason = forms.ChoiceField(label=_("Raison"), choices=SkipReason.choices)
    note = forms.CharField(label=_("Précision"), required=False, max_length=200)


class MoveForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Télévendeur"), queryset=User.objects.none())
    start = forms.TimeField(label=_("Heure"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = User.objects.filter(team=team, role=Role.REP, is_active=True)


class GenerateForm(forms.Form):
    date = forms.DateField(
        label=_("Date du plan"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean_date(self) -> dt.date:
        day = self.cleaned_data["date"]
        if day < timezone.localdate():
            raise forms.ValidationError(_("On ne planifie pas un jour passé."))
        if day > timezone.localdate() + dt.timedelta(days=30):
            raise forms.ValidationError(_("Un plan se prépare au plus 30 jours à l'avance."))
        return day


class AbsenceForm(forms.Form):
    user = forms.ModelChoiceField(label=_("Télévendeur"), queryset=User.objects.none())
    start = forms.TimeField(
        label=_("De"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        help_text=_("Vide : toute la journée."),
    )  # fmt: skip
    end = forms.TimeField(
        label=_("À"), required=False, widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    reason = forms.CharField(label=_("Motif"), required=False, max_length=120)

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = User.objects.filter(team=team, role=Role.REP, is_active=True)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("L'heure de fin doit suivre l'heure de début."))
        return data


def _ranges_field(label, help_text) -> forms.CharField:
    return forms.CharField(label=label, required=False, help_text=help_text)


class PlanSettingsForm(forms.ModelForm):
    """Breaks and slack periods are typed as "12:30-13:30, 16:30-17:00"."""

    breaks_text = _ranges_field(_("Pauses"), _("Par exemple : 12:30-13:30"))
    slack_text = _ranges_field(
        _("Périodes creuses réservées"),
        _("Gardées libres pour les documents et les rappels, par exemple : 11:00-11:30, 16:30-17:00"),
    )

    class Meta:
        model = PlanSettings
        fields = [
            "day_start", "day_end", "slot_minutes", "max_attempts", "retry_after_minutes", "prospects_per_rep",
            "relaunches_per_rep", "inactive_after_days", "prospect_recontact_days",
        ]  # fmt: skip
        widgets = {
            "day_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "day_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["breaks_text"].initial = ", ".join(f"{a}-{b}" for a, b in self.instance.breaks or [])
            self.fields["slack_text"].initial = ", ".join(
                f"{a}-{b}" for a, b in self.instance.slack_periods or []
            )

    def _ranges(self, name: str) -> list[list[str]]:
        out = []
        for part in filter(None, (p.strip() for p in self.cleaned_data.get(name, "").split(","))):
            m = RANGE.match(part)
            if not m:
                raise forms.ValidationError(
                    _("« %(part)s » : écrivez une plage comme 12:30-13:30.") % {"part": part}
                )
            h1, m1, h2, m2 = (int(x) for x in m.groups())
            if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59 or (h2, m2) <= (h1, m1):
                raise forms.ValidationError(
                    _("« %(part)s » n'est pas une plage horaire valide.") % {"part": part}
                )
            out.append([f"{h1:02d}:{m1:02d}", f"{h2:02d}:{m2:02d}"])
        return out

    def clean_breaks_text(self) -> list[list[str]]:
        return self._ranges("breaks_text")

    def clean_slack_text(self) -> list[list[str]]:
        return self._ranges("slack_text")

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("day_start"), data.get("day_end")
        if start and end and end <= start:
            self.add_error("day_end", _("La fin de journée doit suivre le début."))
        return data

    def service_data(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data["breaks"] = self.cleaned_data["breaks_text"]
        data["slack_periods"] = self.cleaned_data["slack_text"]
        return data


class InboundForm(forms.Form):
    """Qualifying an inbound call: what the caller wants, and who handles it (seed 004 1.2)."""

    request_type = forms.ChoiceField(
        label=_("Demande"), choices=InboundRequest.choices, widget=forms.RadioSelect
    )
    notes = forms.CharField(
        label=_("Ce que dit l'appelant"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    handling = forms.ChoiceField(
        label=_("Suite"),
        choices=InboundHandling.choices,
        widget=forms.RadioSelect,
        initial=InboundHandling.HANDLED,
    )
    transfer_service = forms.ChoiceField(
        label=_("Service compétent"), choices=[("", "—"), *BackOfficeService.choices], required=False
    )
    transfer_to = forms.ModelChoiceField(
        label=_("Ou une personne"), queryset=User.objects.none(), required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["transfer_to"].queryset = (
            User.objects.filter(is_active=True).exclude(role=Role.ADMIN).order_by("last_name")
        )


class NumberForm(forms.Form):
    numero = forms.CharField(label=_("Numéro de l'appelant"), max_length=40)


class AppointmentForm(forms.Form):
    start = forms.DateTimeField(
        label=_("Créneau"), input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%d %H:%M"]
    )
    purpose = forms.CharField(label=_("Objet de la visite"), max_length=200)
    contact = forms.ModelChoiceField(label=_("Interlocuteur"), queryset=User.objects.none(), required=False)
    notes = forms.CharField(
        label=_("Notes pour le commercial"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = company.contacts.filter(is_active=True)


class ReportForm(forms.Form):
    report = forms.CharField(label=_("Compte rendu"), widget=forms.Textarea(attrs={"rows": 4}))
