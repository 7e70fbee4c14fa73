from django import forms
from django.utils.translation import gettext_lazy as _

from .models import PriceList


class PriceImportForm(forms.Form):
    price_list = forms.ModelChoiceField(label=_("Tarif"), queryset=PriceList.objects.filter(is_active=True))
    file = forms.FileField(
        label=_("Fichier CSV ou Excel (.xlsx)"),
        help_text=_("Colonnes « code article » et « prix HT » (par unité de base, virgule ou point)."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )


class PriceImportConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("Importer seulement les lignes valides"), required=False)
