from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.models import User
from televente.customers.models import Contact

from .choices import (
    Channel,
    ClaimCause,
    ClaimType,
    Mood,
    NoticeChannel,
    NoticeStep,
    Requested,
    Satisfaction,
    SettlementKind,
    Severity,
    Verdict,
)
from .questionnaires import questions_for

YES_NO = [("", "—"), ("yes", _("Oui")), ("no", _("Non"))]
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class QuestionsMixin:
    """Adds the questionnaire of the claim's type as fields `q_<key>`."""

    def add_questions(self, claim_type: str) -> None:
        self.question_fields = []
        for question in questions_for(claim_type):
            name = f"q_{question.key}"
            if question.kind == "yesno":
                field = forms.ChoiceField(
                    label=question.label, choices=YES_NO, required=False, help_text=question.help
                )
            else:
                field = forms.CharField(
                    label=question.label, max_length=300, required=False, help_text=question.help
                )
            self.fields[name] = field
            self.question_fields.append(name)

    def answers(self) -> dict[str, str]:
        return {name[2:]: self.cleaned_data.get(name, "") for name in self.question_fields}

    def questions(self):
        return [self[name] for name in self.question_fields]


class ClaimForm(QuestionsMixin, forms.Form):
    claim_type = forms.ChoiceField(label=_("Type de réclamation"), choices=[("", "—"), *ClaimType.choices])
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    channel = forms.ChoiceField(label=_("Reçue par"), choices=Channel.choices, initial=Channel.PHONE)
    mood = forms.ChoiceField(label=_("Humeur du client"), choices=Mood.choices, initial=Mood.CALM)
    description = forms.CharField(
        label=_("Ce que dit le client"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    requested = forms.ChoiceField(
        label=_("Ce qu'il demande"), choices=[("", "—"), *Requested.choices], required=False
    )
    request_note = forms.CharField(label=_("Précision sur la demande"), max_length=300, required=False)
    severity = forms.ChoiceField(label=_("Gravité"), choices=Severity.choices, initial=Severity.MEDIUM)
    service = forms.ChoiceField(
        label=_("Transmettre au service"),
        choices=[
            ("", _("Selon le type de réclamation")),
            *BackOfficeService.choices,
            ("-", _("Je la traite moi-même pour l'instant")),
        ],
        required=False,
    )

    def __init__(self, *args, company, order_lines=(), claim_type: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(company=company, is_active=True)
        self.order_lines = list(order_lines)
        self.line_fields = []
        for line in self.order_lines:
            self.fields[f"line_{line.pk}"] = forms.BooleanField(required=False, label=line.product.name)
            self.fields[f"qty_{line.pk}"] = forms.IntegerField(
                required=False,
                min_value=1,
                max_value=line.quantity,
                initial=line.quantity,
                label=_("Quantité en cause"),
            )
            self.line_fields.append((line, f"line_{line.pk}", f"qty_{line.pk}"))
        self.add_questions(claim_type)

    def rows(self):
        return [(line, self[check], self[qty]) for line, check, qty in self.line_fields]

    def clean(self):
        data = super().clean()
        for _line, check, qty in self.line_fields:
            if data.get(check) and not data.get(qty):
                self.add_error(qty, _("Indiquez la quantité en cause."))
        return data

    def chosen_lines(self) -> list[tuple[int, int]]:
        return [
            (line.pk, self.cleaned_data[qty])
            for line, check, qty in self.line_fields
            if self.cleaned_data.get(check) and self.cleaned_data.get(qty)
        ]


class QualifyForm(QuestionsMixin, forms.Form):
    claim_type = forms.ChoiceField(label=_("Type"), choices=ClaimType.choices)
    cause = forms.ChoiceField(label=_("Cause"), choices=ClaimCause.choices)
    severity = forms.ChoiceField(label=_("Gravité"), choices=Severity.choices)
    quantity = forms.IntegerField(label=_("Quantité en cause"), min_value=0, max_value=10**9)
    amount = forms.DecimalField(
        label=_("Montant en jeu (€ HT)"), min_value=0, max_digits=12, decimal_places=2, localize=True
    )
    mood = forms.ChoiceField(label=_("Humeur du client"), choices=Mood.choices)

    def __init__(self, *args, claim_type: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.add_questions(claim_type)


class VerdictForm(forms.Form):
    verdict = forms.ChoiceField(
        label=_("Bien-fondé"), choices=[c for c in Verdict.choices if c[0]], widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Ce que montre l'historique"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Ex. : 12 cartons commandés et livrés le 3, réserve notée sur le bon de livraison."),
    )


class RouteForm(forms.Form):
    service = forms.ChoiceField(label=_("Service compétent"), choices=BackOfficeService.choices)
    assignee = forms.ModelChoiceField(
        label=_("Personne (facultatif)"), queryset=User.objects.none(), required=False
    )
    note = forms.CharField(label=_("Message au service"), max_length=500, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = User.objects.filter(
            is_active=True, role=Role.BACK_OFFICE
        ).order_by("service", "last_name")
        self.fields["assignee"].label_from_instance = lambda u: (
            f"{u.get_full_name() or u.username} · {u.get_service_display()}"
        )


class SettlementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type de règlement"), choices=SettlementKind.choices)
    amount = forms.DecimalField(
        label=_("Montant (€ HT)"), min_value=0, max_digits=12, decimal_places=2, required=False, localize=True
    )
    note = forms.CharField(
        label=_("Explication pour le client"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Obligatoire pour un refus."),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(label=_("Motif (obligatoire pour refuser)"), max_length=300, required=False)


class NoticeForm(forms.Form):
    step = forms.ChoiceField(label=_("Étape"), choices=NoticeStep.choices)
    channel = forms.ChoiceField(
        label=_("Comment"),
        choices=NoticeChannel.choices,
        initial=NoticeChannel.EMAIL,
        widget=forms.RadioSelect,
    )
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    call_at = forms.DateTimeField(
        label=_("Appeler le"),
        required=False,
        widget=LOCAL_DATETIME,
        help_text=_("Pour « Appel à planifier » : le rappel entre dans le plan d'appels du télévendeur."),
    )
    message = forms.CharField(
        label=_("Message au client"), widget=forms.Textarea(attrs={"rows": 7}), max_length=4000
    )

    def __init__(self, *args, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(company=company, is_active=True)


class CloseForm(forms.Form):
    note = forms.CharField(label=_("Note de clôture"), max_length=500, required=False)


class SatisfactionForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Êtes-vous satisfait du traitement de votre réclamation ?"),
        choices=[c for c in Satisfaction.choices if c[0]],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Un commentaire ?"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class FindingForm(forms.Form):
    note = forms.CharField(
        label=_("Constat ou commentaire"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("Photo ou document (JPEG, PNG, WebP, PDF ; 10 Mo au plus)"))


class ReopenForm(forms.Form):
    note = forms.CharField(label=_("Pourquoi rouvrir ?"), max_length=500)


class DoneForm(forms.Form):
    note = forms.CharField(
        label=_("Comment (n° d'avoir, commande de remplacement…)"), max_length=200, required=False
    )
