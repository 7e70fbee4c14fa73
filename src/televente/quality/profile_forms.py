"""Forms of the profile, training and certification screens (the rules live in certification.py)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import CertificationStatus, EvidenceKind, TrainingStatus
from .models import CoachingSession, Competency, Evaluation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EvaluationChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        score = f" – {obj.score} %" if obj.score is not None else ""
        return f"{obj.evaluated_on:%d/%m/%Y} – {obj.grid_version.grid.name}{score}"


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.held_on:%d/%m/%Y} – {obj.get_kind_display()}"


class TrainingForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    competency = forms.ModelChoiceField(
        label=_("Compétence travaillée"),
        queryset=Competency.objects.order_by("framework", "position", "code"),
        required=False,
        empty_label=_("— aucune en particulier —"),
    )
    planned_on = forms.DateField(label=_("Prévue le"), widget=DATE)
    description = forms.CharField(label=_("Détail"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    status = forms.ChoiceField(
        label=_("État"), choices=TrainingStatus.choices, initial=TrainingStatus.PLANNED
    )
    done_on = forms.DateField(
        label=_("Réalisée le"),
        widget=DATE,
        required=False,
        help_text=_("Par défaut, aujourd'hui quand l'action passe à « Réalisée »."),
    )
    result = forms.CharField(label=_("Bilan"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:  # a new action is planned; it is completed later
            for name in ("status", "done_on", "result"):
                del self.fields[name]


class TrainingDoneForm(forms.Form):
    """The rep's side: « c'est fait », with what came out of it."""

    result = forms.CharField(
        label=_("Bilan (ce que vous en retenez)"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class CertificationRecordForm(forms.Form):
    status = forms.ChoiceField(label=_("État"), choices=CertificationStatus.choices)
    validated_on = forms.DateField(
        label=_("Date de validation (jury)"),
        widget=DATE,
        required=False,
        help_text=_(
            "Obligatoire pour un bloc validé ; l'échéance est calculée : validation + durée de validité."
        ),
    )
    jury = forms.CharField(label=_("Jury / organisme"), max_length=200, required=False)
    certificate_number = forms.CharField(label=_("N° de certificat"), max_length=60, required=False)
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False)


class EvidenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de preuve"), choices=EvidenceKind.choices)
    dated = forms.DateField(label=_("Date"), widget=DATE)
    title = forms.CharField(
        label=_("Intitulé"),
        max_length=200,
        required=False,
        help_text=_("Facultatif quand une évaluation ou une séance est choisie."),
    )
    evaluation = EvaluationChoiceField(
        label=_("Évaluation d'appel"),
        queryset=Evaluation.objects.none(),
        required=False,
        empty_label=_("— aucune —"),
        help_text=_("Les évaluations de ce télévendeur dont la grille couvre une compétence du bloc."),
    )
    session = SessionChoiceField(
        label=_("Séance"),
        queryset=CoachingSession.objects.none(),
        required=False,
        empty_label=_("— aucune —"),
    )
    notes = forms.CharField(label=_("Notes"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, evaluations=None, sessions=None, **kwargs):
        super().__init__(*args, **kwargs)
        if evaluations is not None:
            self.fields["evaluation"].queryset = evaluations
        if sessions is not None:
            self.fields["session"].queryset = sessions
