from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .choices import ActionStatus, Cause, Metric


def parse_target(raw: str) -> Decimal | None:
    """'12 500,50' -> Decimal('12500.50'); empty -> None; raises ValueError with a French message."""
    text = (
        (raw or "")
        .replace("\u00a0", "")
        .replace("\u202f", "")
        .replace(" ", "")
        .replace("€", "")
        .replace("%", "")
    )
    if not text:
        return None
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation as exc:
        raise ValueError(_("« %(value)s » n'est pas un nombre.") % {"value": raw}) from exc
    if not value.is_finite() or value < 0:
        raise ValueError(_("Un objectif est un nombre positif."))
    if value >= Decimal("1e12"):
        raise ValueError(_("Ce nombre est trop grand."))
    return value.quantize(Decimal("0.01"))


class ActionForm(forms.Form):
    rep = forms.TypedChoiceField(
        label=gettext_lazy("Télévendeur"), coerce=int, required=False, empty_value=None
    )
    metric = forms.ChoiceField(
        label=gettext_lazy("Indicateur"), choices=Metric.choices, initial=Metric.REVENUE
    )
    gap = forms.CharField(label=gettext_lazy("Écart constaté"), max_length=200, required=False)
    cause = forms.ChoiceField(label=gettext_lazy("Cause"), choices=Cause.choices)
    description = forms.CharField(
        label=gettext_lazy("Action décidée"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    owner = forms.TypedChoiceField(label=gettext_lazy("Responsable"), coerce=int)
    due_on = forms.DateField(
        label=gettext_lazy("Pour le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, reps, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].choices = [("", _("Toute l'équipe"))] + [
            (r.pk, r.get_full_name() or r.username) for r in reps
        ]
        self.fields["owner"].choices = [(u.pk, u.get_full_name() or u.username) for u in owners]


class ActionCloseForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("État"), choices=ActionStatus.choices)
    result = forms.CharField(
        label=gettext_lazy("Résultat constaté"), widget=forms.Textarea(attrs={"rows": 2}), required=False,
        max_length=2000,
    )  # fmt: skip


class SelfAssessmentForm(forms.Form):
    difficulties = forms.CharField(
        label=gettext_lazy("Difficultés rencontrées"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        max_length=4000,
    )  # fmt: skip
    progress = forms.CharField(
        label=gettext_lazy("Progrès constatés"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        max_length=4000,
    )  # fmt: skip
    next_steps = forms.CharField(
        label=gettext_lazy("Ce que je vais travailler"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
        max_length=4000,
    )  # fmt: skip


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=gettext_lazy("Commentaire du superviseur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )
