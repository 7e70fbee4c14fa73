from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService
from televente.customers.models import Contact

from .choices import AlertChannel, IncidentCause, IncidentImpact, IncidentType, LostSaleReason, OrderStatus


class LineAddForm(forms.Form):
    product = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(min_value=1, required=False)
    unit = forms.IntegerField(min_value=1, required=False)
    origin = forms.CharField(max_length=12, required=False)


class LineUpdateForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantité"), min_value=1, required=False)
    unit = forms.IntegerField(required=False)
    manual_discount = forms.DecimalField(
        label=_("Remise (%)"), min_value=0, max_value=100, decimal_places=2, required=False, localize=True
    )


class LostSaleForm(forms.Form):
    line = forms.IntegerField(min_value=1)
    reason = forms.ChoiceField(
        label=_("Raison"), choices=LostSaleReason.choices, initial=LostSaleReason.SHORTAGE
    )
    callback = forms.BooleanField(label=_("Rappeler le client au retour en stock"), required=False)


class TermsForm(forms.Form):
    delivery_date = forms.DateField(
        label=_("Livraison le"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    customer_reference = forms.CharField(label=_("Référence client"), max_length=40, required=False)

    def __init__(self, *args, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(company=company, is_active=True)


class ConfirmForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    credit_override_reason = forms.CharField(
        label=_("Motif du dépassement d'encours (superviseur)"), max_length=200, required=False
    )


class DiscountDecisionForm(forms.Form):
    approve = forms.BooleanField(required=False)
    note = forms.CharField(label=_("Motif"), max_length=200, required=False)


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type d'incident"), choices=IncidentType.choices)
    lines = forms.MultipleChoiceField(
        label=_("Lignes concernées"), required=False, widget=forms.CheckboxSelectMultiple
    )
    cause = forms.ChoiceField(label=_("Cause"), choices=IncidentCause.choices, initial=IncidentCause.UNKNOWN)
    impact = forms.ChoiceField(
        label=_("Impact pour le client"), choices=IncidentImpact.choices, initial="major"
    )
    service = forms.ChoiceField(
        label=_("Service responsable"),
        choices=[("", _("Selon le type (logistique, qualité, ADV)"))] + list(BackOfficeService.choices),
        required=False,
    )
    description = forms.CharField(
        label=_("Ce que dit le client, ce qui s'est passé"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    proposed_solution = forms.CharField(
        label=_("Solution proposée"),
        max_length=300,
        required=False,
        help_text=_("Ex. : relivraison demain matin, avoir sur la prochaine facture. Le service la valide."),
    )

    def __init__(self, *args, order_lines, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lines"].choices = [
            (str(line.pk), f"{line.quantity} {line.unit.label} · {line.product.code} {line.product.name}")
            for line in order_lines
        ]


class IncidentDecisionForm(forms.Form):
    solution = forms.CharField(label=_("Solution"), max_length=300, required=False)
    note = forms.CharField(
        label=_("Avis du service (obligatoire pour refuser)"), max_length=300, required=False
    )


class IncidentAlertForm(forms.Form):
    channel = forms.ChoiceField(
        label=_("Prévenir par"), choices=AlertChannel.choices, widget=forms.RadioSelect
    )
    contact = forms.ModelChoiceField(
        label=_("Interlocuteur"), queryset=Contact.objects.none(), required=False
    )
    message = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 9}))

    def __init__(self, *args, company, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = Contact.objects.filter(company=company, is_active=True)


class IncidentSolutionForm(forms.Form):
    solution = forms.CharField(label=_("Nouvelle solution proposée"), max_length=300)


class IncidentResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Comment l'incident a été résolu"), max_length=300)


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Nouveau statut"), choices=[])
    carrier = forms.CharField(label=_("Transporteur / chauffeur"), max_length=80, required=False)
    expected_delivery_at = forms.DateTimeField(
        label=_("Livraison prévue"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
    )
    note = forms.CharField(label=_("Remarque"), max_length=250, required=False)

    def __init__(self, *args, allowed: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [(s, OrderStatus(s).label) for s in allowed]
