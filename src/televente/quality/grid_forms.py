"""Forms of the grid screens. They only shape input; the rules are in `grids.py` services."""

from __future__ import annotations

from django import forms
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from .choices import AnswerType
from .grids import MAX_WEIGHT, MIN_WEIGHT, competency_choices


class GridNewForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class GridCopyForm(forms.Form):
    name = forms.CharField(label=_("Nom de la copie"), max_length=200, required=False)


class VersionForm(forms.Form):
    name = forms.CharField(label=_("Nom"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    pass_mark = forms.IntegerField(
        label=_("Seuil de réussite (%)"),
        min_value=0,
        max_value=100,
        help_text=_("Sous ce pourcentage des points applicables, l'évaluation est « à améliorer »."),
    )
    change_note = forms.CharField(label=_("Ce qui a changé"), max_length=300, required=False)


class SectionForm(forms.Form):
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=300,
        required=False,
        help_text=_("Laissé vide, l'intitulé de la compétence est repris."),
    )
    competency = forms.ModelChoiceField(
        label=_("Compétence"), queryset=None, required=False, empty_label=_("— aucune —")
    )
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, options: list | None = None, **kwargs):
        """`options`: the choices of `competency_options()`, computed once for a page that shows
        one form per section (else each form's select would query the competencies again)."""
        super().__init__(*args, **kwargs)
        field = self.fields["competency"]
        field.queryset = competency_choices()
        field.label_from_instance = _competency_label
        if options is not None:
            field.choices = options


def _competency_label(competency) -> str:
    return Truncator(f"{competency.code} – {competency.title}").chars(90)


def competency_options() -> list[tuple]:
    """The choices of `SectionForm.competency` in one query."""
    return [("", _("— aucune —"))] + [(c.pk, _competency_label(c)) for c in competency_choices()]


class ItemForm(forms.Form):
    text = forms.CharField(label=_("Indicateur"), widget=forms.Textarea(attrs={"rows": 2}))
    guidance = forms.CharField(
        label=_("Aide à l'évaluation"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The range is checked by the service (clear message); the widget only helps.
    weight = forms.IntegerField(
        label=_("Poids"), initial=1, widget=forms.NumberInput(attrs={"min": MIN_WEIGHT, "max": MAX_WEIGHT})
    )
    answer_type = forms.ChoiceField(
        label=_("Type de réponse"), choices=AnswerType.choices, initial=AnswerType.YES_NO_NA
    )
    # What "critical" means is said once above the items (not under every checkbox).
    critical = forms.BooleanField(label=_("Critique"), required=False)
