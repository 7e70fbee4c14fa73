"""Forms of the evaluation screens (grids: grid_forms; profiles and certification: profile_forms)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.customers.choices import Outcome

from . import permissions, selectors
from .choices import Answer, AnswerType, EvaluationKind, EvaluationStatus, SessionKind
from .grids import grid_versions_for_evaluation
from .models import CertificationBlock, Grid, GridVersion

ANSWER_CHOICES = {
    AnswerType.YES_NO_NA: [(Answer.YES, _("Oui")), (Answer.NO, _("Non")), (Answer.NA, _("N.A."))],
    AnswerType.YES_NO: [(Answer.YES, _("Oui")), (Answer.NO, _("Non"))],
    AnswerType.SCALE: [(Answer.S1, "1"), (Answer.S2, "2"), (Answer.S3, "3"), (Answer.S4, "4")],
}

PERIODS = [(7, _("7 derniers jours")), (30, _("30 derniers jours")), (90, _("90 derniers jours"))]


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: GridVersion) -> str:
        return str(obj)


def _version_field(user, required=True):
    versions = grid_versions_for_evaluation(user=user)
    field = VersionChoiceField(
        label=_("Grille d'évaluation"),
        queryset=GridVersion.objects.filter(pk__in=[v.pk for v in versions]).select_related("grid")
        .order_by("-grid__is_shipped", "grid__code"),
        required=required,
        empty_label=None,
    )  # fmt: skip
    field.initial = _preferred_version(user, versions)
    return field


def _preferred_version(user, versions):
    """The grid the user last evaluated with if still in service, else seed 000's Compétence 1
    (the first grid of the CQP), rather than whichever grid sorts first."""
    from .models import Evaluation

    in_service = {v.pk for v in versions}
    last = (
        Evaluation.objects.filter(evaluator=user, grid_version_id__in=in_service)
        .order_by("-created_at", "-id")
        .values_list("grid_version_id", flat=True)
        .first()
    )
    if last is not None:
        return last
    return next((v.pk for v in versions if v.grid.code == "cqp-televente-c1"), None)


class GridChoiceForm(forms.Form):
    """Which grid to use (evaluate a call, calibrate it)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"] = _version_field(user)


class CalibrationForm(GridChoiceForm):
    note = forms.CharField(
        label=_("Consigne aux participants"), max_length=300, required=False,
        help_text=_("Par exemple : « écoutez surtout la découverte des besoins »."),
    )  # fmt: skip


class SelfAssessmentForm(forms.Form):
    """A rep's self-assessment: a grid, and optionally one of their own calls."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"] = _version_field(user)
        self.fields["interaction"] = forms.ModelChoiceField(
            label=_("Sur un de mes appels (facultatif)"),
            queryset=selectors.my_calls(user=user),
            required=False,
            empty_label=_("— aucun appel précis —"),
        )
        self.fields["interaction"].label_from_instance = lambda i: f"{i} – {i.company}"


class SessionEvaluateForm(forms.Form):
    """An evaluation inside a session: a grid and, optionally, one of the rep's calls."""

    def __init__(self, *args, user, session, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_version"] = _version_field(user)
        self.fields["interaction"] = forms.ModelChoiceField(
            label=_("Appel évalué (facultatif pour un jeu de rôle)"),
            queryset=selectors.my_calls(user=session.rep, days=60),
            required=False,
            empty_label=_("— sans appel de l'historique —"),
        )
        self.fields["interaction"].label_from_instance = lambda i: f"{i} – {i.company}"


class EvaluationFillForm(forms.Form):
    """The grid itself: per item an answer and a comment; then the overall comment and actions."""

    overall_comment = forms.CharField(label=_("Commentaire général"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}))  # fmt: skip
    agreed_actions = forms.CharField(
        label=_("Actions convenues"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Ce que le télévendeur et vous convenez de travailler d'ici la prochaine écoute."),
    )  # fmt: skip

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for _section, section_rows in rows:
            for row in section_rows:
                item = row.item
                self.fields[f"item_{item.pk}"] = forms.ChoiceField(
                    label=item.text,
                    choices=ANSWER_CHOICES[item.answer_type],
                    widget=forms.RadioSelect,
                    required=False,
                    initial=row.value,
                )
                self.fields[f"comment_{item.pk}"] = forms.CharField(
                    label=_("Commentaire"), max_length=500, required=False, initial=row.comment
                )

    def sections(self):
        return [
            (
                section,
                [(row.item, self[f"item_{row.item.pk}"], self[f"comment_{row.item.pk}"]) for row in rows],
            )
            for section, rows in self.rows
        ]

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            row.item.pk: (
                self.cleaned_data.get(f"item_{row.item.pk}") or "",
                self.cleaned_data.get(f"comment_{row.item.pk}") or "",
            )
            for _section, rows in self.rows
            for row in rows
        }


class AcknowledgeForm(forms.Form):
    comment = forms.CharField(
        label=_("Votre commentaire (facultatif)"), required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip


class SessionForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Télévendeur"), queryset=None)
    kind = forms.ChoiceField(label=_("Type de séance"), choices=SessionKind.choices)
    held_on = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    customer_minutes = forms.IntegerField(
        label=_("Temps client (min)"), min_value=0, max_value=1000, initial=0,
        help_text=_("Mise en situation de certification : au moins 60 minutes sur trois entretiens."),
    )  # fmt: skip
    block = forms.ModelChoiceField(
        label=_("Bloc de compétences visé"), queryset=CertificationBlock.objects.all(), required=False
    )
    scenario = forms.CharField(
        label=_("Scénario (jeu de rôle)"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("La situation du client joué : son métier, ce qu'il veut, ses objections."),
    )  # fmt: skip
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("held_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = selectors.evaluable_reps(user=user)


class CallFilterForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Télévendeur"), queryset=None, required=False, empty_label=_("Tous"))
    days = forms.TypedChoiceField(
        label=_("Période"), choices=PERIODS, coerce=int, required=False, empty_value=30
    )
    outcome = forms.ChoiceField(
        label=_("Issue"), choices=[("", _("Toutes"))] + list(Outcome.choices), required=False
    )
    pending = forms.BooleanField(label=_("Pas encore évalués"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rep"].queryset = selectors.evaluable_reps(user=user)


class EvaluationFilterForm(forms.Form):
    rep = forms.ModelChoiceField(label=_("Télévendeur"), queryset=None, required=False, empty_label=_("Tous"))
    grid = forms.ModelChoiceField(
        label=_("Grille"), queryset=Grid.objects.all(), required=False, empty_label=_("Toutes")
    )
    status = forms.ChoiceField(
        label=_("État"), choices=[("", _("Tous"))] + list(EvaluationStatus.choices), required=False
    )
    kind = forms.ChoiceField(
        label=_("Type"),
        choices=[("", _("Tous")), (EvaluationKind.SUPERVISOR, EvaluationKind.SUPERVISOR.label),
                 (EvaluationKind.SELF, EvaluationKind.SELF.label)],
        required=False,
    )  # fmt: skip

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        reps = selectors.evaluable_reps(user=user)
        self.fields["rep"].queryset = reps
        if not permissions.can_evaluate(user):
            del self.fields["rep"]
