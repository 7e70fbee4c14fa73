"""Forms of the script editor and the objection library."""

from __future__ import annotations

import re

from django import forms
from django.forms import formset_factory, inlineformset_factory
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from televente.calls.choices import CallReason

from .choices import AnswerType, SavesTo, StepKind
from .models import Objection, ObjectionAnswer, Script, ScriptStep
from .services import NO, YES, StepData, step_problems

BRANCH_LINE = re.compile(r"^(.+?)\s*(?:->|→|=>|=)\s*(\d+)\s*$")


class ScriptForm(forms.Form):
    name = forms.CharField(label=_lazy("Nom"), max_length=120)
    description = forms.CharField(label=_lazy("Objectif de l'appel"), max_length=300, required=False)
    reasons = forms.MultipleChoiceField(
        label=_lazy("Motifs d'appel servis par ce script"),
        choices=CallReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class StepForm(forms.Form):
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    position = forms.IntegerField(label=_lazy("N°"), min_value=1, max_value=999)
    kind = forms.ChoiceField(label=_lazy("Étape"), choices=StepKind.choices)
    title = forms.CharField(label=_lazy("Titre"), max_length=120)
    text = forms.CharField(
        label=_lazy("À dire"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_lazy(
            "Remplacés pendant l'appel : [votre prénom], [votre nom], [client], [interlocuteur], [société]."
        ),
    )
    question = forms.CharField(label=_lazy("Question"), max_length=300, required=False)
    answer_type = forms.ChoiceField(
        label=_lazy("Réponse"), choices=AnswerType.choices, initial=AnswerType.NONE
    )
    choices = forms.CharField(
        label=_lazy("Réponses proposées (une par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    saves_to = forms.ChoiceField(
        label=_lazy("Enregistrée dans la fiche"), choices=SavesTo.choices, required=False
    )
    next_position = forms.IntegerField(
        label=_lazy("Puis aller à l'étape n°"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_lazy("Vide : l'étape suivante dans l'ordre."),
    )
    branches = forms.CharField(
        label=_lazy("Embranchements"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_lazy("Une ligne par réponse : « Non -> 5 » va à l'étape n° 5 si le client répond Non."),
    )

    def clean_branches(self) -> list[tuple[str, int]]:
        found = []
        for line in (self.cleaned_data.get("branches") or "").splitlines():
            if not line.strip():
                continue
            match = BRANCH_LINE.match(line.strip())
            if match is None:
                raise forms.ValidationError(
                    _("Ligne « %(line)s » : écrivez « réponse -> n° d'étape ».") % {"line": line.strip()}
                )
            found.append((match.group(1).strip(), int(match.group(2))))
        return found

    def step_data(self) -> StepData:
        d = self.cleaned_data
        return StepData(
            id=d.get("id"),
            position=d["position"],
            kind=d["kind"],
            title=d["title"],
            text=d.get("text", ""),
            question=d.get("question", ""),
            answer_type=d["answer_type"],
            choices=[c.strip() for c in (d.get("choices") or "").splitlines() if c.strip()],
            saves_to=d.get("saves_to") or "",
            next_position=d.get("next_position"),
            branches=d.get("branches") or [],
        )


class BaseStepFormSet(forms.BaseFormSet):
    def kept_forms(self) -> list[StepForm]:
        return [
            f
            for f in self.forms
            if f.has_changed() or f.initial
            if not (self.can_delete and self._should_delete_form(f))
            if getattr(f, "cleaned_data", None)
        ]

    def clean(self) -> None:
        if any(self.errors):
            return
        kept = self.kept_forms()
        if not kept:
            raise forms.ValidationError(_("Un script a au moins une étape."))
        steps = [f.step_data() for f in kept]
        for index, field, message in step_problems(steps):
            kept[index].add_error(field, message)

    def steps(self) -> list[StepData]:
        return [f.step_data() for f in self.kept_forms()]


StepFormSet = formset_factory(StepForm, formset=BaseStepFormSet, extra=2, can_delete=True)


def step_initial(steps: list[ScriptStep]) -> list[dict]:
    """The editor's rows for the saved steps."""
    rows = []
    for s in steps:
        branches = []
        for b in s.branches.all():
            label = b.answer
            if s.answer_type == AnswerType.YES_NO:
                label = _("Oui") if b.answer == YES else (_("Non") if b.answer == NO else b.answer)
            branches.append(f"{label} -> {b.goes_to.position}")
        rows.append(
            {
                "id": s.pk,
                "position": s.position,
                "kind": s.kind,
                "title": s.title,
                "text": s.text,
                "question": s.question,
                "answer_type": s.answer_type,
                "choices": "\n".join(s.choices),
                "saves_to": s.saves_to,
                "next_position": s.next_step.position if s.next_step else None,
                "branches": "\n".join(branches),
            }
        )
    return rows


def script_initial(script: Script) -> dict:
    return {"name": script.name, "description": script.description, "reasons": list(script.reasons)}


class ObjectionForm(forms.ModelForm):
    class Meta:
        model = Objection
        fields = ["text", "family", "keywords", "is_active"]
        help_texts = {"keywords": _lazy("Les mots que disent les clients : cher, tarif, budget…")}


AnswerFormSet = inlineformset_factory(
    Objection,
    ObjectionAnswer,
    fields=["position", "text", "is_active"],
    extra=2,
    can_delete=True,
    widgets={"text": forms.Textarea(attrs={"rows": 2})},
)
