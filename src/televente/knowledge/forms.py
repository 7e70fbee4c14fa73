from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from televente.catalog.models import Product
from televente.customers.models import Segment

from .choices import ArticleTopic, DocumentKind


def _codes(value: str) -> list[str]:
    return [
        c.strip().upper() for c in (value or "").replace(";", ",").replace("\n", ",").split(",") if c.strip()
    ]


class ArticleForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200)
    topic = forms.ChoiceField(label=_("Thème"), choices=ArticleTopic.choices)
    summary = forms.CharField(label=_("En bref"), max_length=300, required=False)
    body = forms.CharField(
        label=_("Contenu"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Séparez les paragraphes par une ligne vide."),
    )
    keywords = forms.CharField(
        label=_("Mots-clés"),
        max_length=300,
        required=False,
        help_text=_("Les mots que les télévendeurs taperont."),
    )
    product_codes = forms.CharField(
        label=_("Articles du catalogue liés"),
        required=False,
        help_text=_("Codes articles séparés par des virgules."),
    )
    is_published = forms.BooleanField(label=_("Publié"), required=False, initial=True)

    def clean_product_codes(self) -> list[Product]:
        codes = _codes(self.cleaned_data["product_codes"])
        products = list(Product.objects.filter(code__in=codes))
        unknown = sorted(set(codes) - {p.code for p in products})
        if unknown:
            raise forms.ValidationError(_("Codes inconnus : %(codes)s") % {"codes": ", ".join(unknown)})
        return products


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Titre"), max_length=200, required=False)
    kind = forms.ChoiceField(label=_("Type"), choices=DocumentKind.choices)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    file = forms.FileField(
        label=_("Fichier PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
    )
    product_code = forms.CharField(
        label=_("Code article (fiche technique)"),
        max_length=30,
        required=False,
        help_text=_(
            "Pour une fiche technique : elle est produite à partir de la fiche article à chaque envoi."
        ),
    )
    segments = forms.ModelMultipleChoiceField(
        label=_("Typologies concernées"),
        queryset=Segment.objects.order_by("name"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Aucune : proposé à tous les clients."),
    )
    language = forms.ChoiceField(
        label=_("Langue"), choices=[("fr", "Français"), ("en", "English")], initial="fr"
    )
    is_active = forms.BooleanField(label=_("Actif"), required=False, initial=True)

    def clean_product_code(self):
        code = (self.cleaned_data["product_code"] or "").strip().upper()
        if not code:
            return None
        product = Product.objects.filter(code=code).first()
        if product is None:
            raise forms.ValidationError(_("Aucun article avec ce code."))
        return product
