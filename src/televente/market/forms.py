from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .choices import QuestionKind, QuestionRole, Satisfaction, SurveyKind
from .models import SurveyQuestion


class ObservationForm(forms.Form):
    competitor = forms.CharField(label=_("Concurrent"), max_length=120)
    product = forms.CharField(
        label=_("Notre article équivalent"),
        max_length=160,
        required=False,
        help_text=_("Code ou désignation de notre article."),
    )
    product_label = forms.CharField(label=_("Produit du concurrent"), max_length=160, required=False)
    price = forms.DecimalField(
        label=_("Prix HT (€)"), required=False, min_value=0, max_digits=12, decimal_places=4, localize=True
    )
    price_unit = forms.CharField(label=_("Par"), max_length=30, required=False)
    terms = forms.CharField(label=_("Conditions"), max_length=300, required=False)
    satisfaction = forms.ChoiceField(
        label=_("Satisfaction du client"),
        choices=[("", "—"), *Satisfaction.choices],
        required=False,
    )
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", "veille_%s")
        super().__init__(*args, **kwargs)
        self.fields["competitor"].widget.attrs.update(
            {"list": "veille-concurrents", "autocomplete": "off", "data-key": "x", "aria-keyshortcuts": "x"}
        )
        self.fields["price_unit"].widget.attrs["placeholder"] = _("kg, pièce, carton…")
        self.fields["terms"].widget.attrs["placeholder"] = _("délai, franco, paiement")


class SurveyForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    kind = forms.ChoiceField(label=_("Type"), choices=SurveyKind.choices)
    introduction = forms.CharField(
        label=_("Introduction (lue ou affichée au client)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    thanks = forms.CharField(label=_("Remerciement"), max_length=300, required=False)


class QuestionForm(forms.Form):
    position = forms.IntegerField(label=_("Ordre"), min_value=1, required=False)
    text = forms.CharField(label=_("Question"), max_length=300, required=False)
    kind = forms.ChoiceField(
        label=_("Type de réponse"), choices=[("", "—"), *QuestionKind.choices], required=False
    )
    choices_text = forms.CharField(
        label=_("Réponses proposées (une par ligne)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    role = forms.ChoiceField(label=_("Rôle dans les résultats"), choices=QuestionRole.choices, required=False)
    criterion = forms.CharField(label=_("Critère"), max_length=80, required=False)
    required = forms.BooleanField(label=_("Obligatoire"), required=False, initial=True)

    @staticmethod
    def initial_of(question: SurveyQuestion) -> dict:
        return {
            "position": question.position,
            "text": question.text,
            "kind": question.kind,
            "choices_text": "\n".join(question.choices),
            "role": question.role,
            "criterion": question.criterion,
            "required": question.required,
        }

    def as_question(self) -> dict | None:
        data = self.cleaned_data
        if not data or data.get("DELETE") or not (data.get("text") or "").strip():
            return None
        return {
            "position": data.get("position") or 999,
            "text": data["text"],
            "kind": data.get("kind") or "",
            "choices": (data.get("choices_text") or "").splitlines(),
            "role": data.get("role") or "",
            "criterion": data.get("criterion") or "",
            "required": data.get("required"),
        }


QuestionFormSet = forms.formset_factory(QuestionForm, extra=2, can_delete=True, max_num=40)


SCALE_CHOICES = [(str(n), str(n)) for n in range(11)]


class AnswersForm(forms.Form):
    """One field per question, in order: `q_<question pk>`."""

    def __init__(self, *args, questions, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.questions = questions
        for q in questions:
            name = f"q_{q.pk}"
            if q.kind == QuestionKind.SCALE:
                field = forms.ChoiceField(choices=SCALE_CHOICES, widget=forms.RadioSelect)
            elif q.kind == QuestionKind.CHOICE:
                field = forms.ChoiceField(choices=[(c, c) for c in q.choices], widget=forms.RadioSelect)
            else:
                field = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
            field.label = q.text
            field.required = q.required
            self.fields[name] = field

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q_{q.pk}", "") for q in self.questions}

    def rows(self):
        """The questions with their bound field, numbered from 1 (the order the rep reads them in)."""
        return [(index, q, self[f"q_{q.pk}"]) for index, q in enumerate(self.questions, start=1)]


class ActionForm(forms.Form):
    title = forms.CharField(label=_("Action"), max_length=200)
    description = forms.CharField(label=_("Détail"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    criterion = forms.CharField(label=_("Critère concerné"), max_length=80, required=False)
    due_on = forms.DateField(
        label=_("Échéance"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
