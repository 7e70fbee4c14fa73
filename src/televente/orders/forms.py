from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.customers.models import Contact

from .choices import LostSaleReason


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
