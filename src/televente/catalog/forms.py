from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from televente.customers.models import Company, Segment

from .choices import Allergen, PromotionMechanic
from .models import (
    CatalogImport,
    Category,
    PriceList,
    Product,
    ProductLink,
    Promotion,
    QuantityBreak,
    SalesUnit,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ProductCodeField(forms.ModelChoiceField):
    """An article typed by its code (codes are stored in capitals)."""

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("error_messages", {"invalid_choice": _("Article inconnu : %(value)s.")})
        super().__init__(
            queryset=Product.objects.all(),
            to_field_name="code",
            widget=forms.TextInput(attrs={"autocomplete": "off", "size": 12}),
            **kwargs,
        )

    def to_python(self, value):
        return super().to_python(value.strip().upper() if isinstance(value, str) else value)


class CatalogImportForm(forms.Form):
    price_list = forms.ModelChoiceField(
        label=_("Tarif"), queryset=PriceList.objects.filter(is_active=True), required=False
    )
    file = forms.FileField(
        label=_("Fichier CSV ou Excel (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.txt,.xlsx"}),
    )

    HELP = {
        CatalogImport.Kind.PRICES: _(
            "Colonnes « code article » et « prix HT » (par unité de base, virgule ou point)."
        ),
        CatalogImport.Kind.PRODUCTS: _(
            "Colonne « code article » obligatoire ; « désignation », « catégorie » et « prix de base HT » pour un "
            "nouvel article. Le fichier exporté du catalogue se réimporte tel quel."
        ),
        CatalogImport.Kind.STOCK: _(
            "Colonnes « code article », « entrepôt » (code) et « en stock » (en unités de base). Niveaux absolus."
        ),
    }

    def __init__(self, *args, kind: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fields["file"].help_text = self.HELP[kind]
        if kind == CatalogImport.Kind.PRICES:
            self.fields["price_list"].required = True
        else:
            del self.fields["price_list"]


class CatalogImportConfirmForm(forms.Form):
    valid_only = forms.BooleanField(label=_("Importer seulement les lignes valides"), required=False)


class ProductFilterForm(forms.Form):
    q = forms.CharField(label=_("Code, EAN ou mots"), required=False)
    status = forms.ChoiceField(
        label=_("Statut"),
        required=False,
        choices=[("", _("Tous"))] + list(Product._meta.get_field("status").choices),
    )


class ListField(forms.CharField):
    """Allergens or labels typed as a list; stored as a JSON list."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [part.strip() for part in re.split(r"[,;\n]", value or "") if part.strip()]


class ProductForm(forms.ModelForm):
    allergens = forms.MultipleChoiceField(
        label=_("Allergènes (règlement UE 1169/2011)"),
        choices=Allergen.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    labels = ListField(
        label=_("Labels et certifications"), required=False, help_text=_("Séparés par des virgules.")
    )

    class Meta:
        model = Product
        localized_fields = ["vat_rate", "base_price", "purchase_cost"]  # "0,95" as a French user types it
        fields = [
            "code", "ean", "name", "brand", "category", "status", "available_from", "available_until",
            "base_unit", "vat_rate", "base_price", "purchase_cost", "lead_time_days", "description",
            "characteristics", "usage", "limits", "allergens", "storage", "shelf_life_days", "safety_notes",
            "labels", "origin",
        ]  # fmt: skip
        widgets = {
            "available_from": DATE,
            "available_until": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
            "characteristics": forms.Textarea(attrs={"rows": 3}),
            "usage": forms.Textarea(attrs={"rows": 2}),
            "limits": forms.Textarea(attrs={"rows": 2}),
            "safety_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.select_related("parent").order_by(
            "parent__name", "name"
        )
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.parent.name} › {c.name}" if c.parent_id else c.name
        )

    def clean_code(self) -> str:
        return self.cleaned_data["code"].strip().upper()

    def clean_ean(self) -> str:
        from stdnum import ean

        value = self.cleaned_data["ean"].strip()
        if value and (not ean.is_valid(value) or len(value) not in (8, 12, 13, 14)):
            raise ValidationError(_("EAN invalide (8, 12, 13 ou 14 chiffres avec la clé de contrôle)."))
        return value

    def clean(self):
        data = super().clean()
        start, end = data.get("available_from"), data.get("available_until")
        if start and end and end < start:
            self.add_error("available_until", _("La fin est avant le début."))
        return data


class SalesUnitForm(forms.ModelForm):
    class Meta:
        model = SalesUnit
        fields = ["code", "label", "base_quantity", "min_quantity", "multiple", "is_default"]

    def _get_validation_exclusions(self):
        # "One default unit" is checked across the formset (and the former default is cleared
        # when saving); checked row by row against the database it would refuse every change.
        return {*super()._get_validation_exclusions(), "is_default"}


class BaseSalesUnitFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        if not kept:
            raise ValidationError(_("Un article se vend dans au moins une unité."))
        if sum(1 for f in kept if f.cleaned_data.get("is_default")) > 1:
            raise ValidationError(_("Une seule unité peut être proposée par défaut."))
        codes = [f.cleaned_data["code"] for f in kept]
        if len(codes) != len(set(codes)):
            raise ValidationError(_("Deux unités ont le même code."))


SalesUnitFormSet = forms.inlineformset_factory(
    Product, SalesUnit, form=SalesUnitForm, formset=BaseSalesUnitFormSet, extra=1, can_delete=True
)


class QuantityBreakForm(forms.ModelForm):
    class Meta:
        model = QuantityBreak
        fields = ["min_quantity", "price", "price_list"]
        localized_fields = ["price"]


QuantityBreakFormSet = forms.inlineformset_factory(
    Product, QuantityBreak, form=QuantityBreakForm, extra=1, can_delete=True
)


class ProductLinkForm(forms.ModelForm):
    target = ProductCodeField(label=_("Article lié (code)"))

    class Meta:
        model = ProductLink
        fields = ["kind", "target", "reason", "equivalence", "rank"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.target_id:
            self.initial["target"] = self.instance.target.code

    def clean(self):
        data = super().clean()
        target = data.get("target")
        if target is not None and self.instance.product_id == target.pk:
            self.add_error("target", _("Un article ne peut pas être lié à lui-même."))
        return data


class BaseLinkFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        seen = set()
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            key = (form.cleaned_data["kind"], form.cleaned_data["target"].pk)
            if key in seen:
                raise ValidationError(_("Le même lien apparaît deux fois."))
            if self.instance.pk and key[1] == self.instance.pk:
                raise ValidationError(_("Un article ne peut pas être lié à lui-même."))
            seen.add(key)


ProductLinkFormSet = forms.inlineformset_factory(
    Product,
    ProductLink,
    form=ProductLinkForm,
    formset=BaseLinkFormSet,
    fk_name="product",
    extra=2,
    can_delete=True,
)


class PriceListForm(forms.ModelForm):
    class Meta:
        model = PriceList
        fields = ["name", "segment", "valid_from", "valid_until", "is_active"]
        widgets = {"valid_from": DATE, "valid_until": DATE}

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("La fin est avant le début."))
        return data


class PriceItemForm(forms.Form):
    product = ProductCodeField(label=_("Code article"))
    price = forms.DecimalField(
        label=_("Prix HT par unité de base"), min_value=0, max_digits=12, decimal_places=4, localize=True
    )


def _tokens(raw: str) -> list[str]:
    return [t for t in re.split(r"[\s,;]+", raw or "") if t]


class PromotionForm(forms.ModelForm):
    """Targeting: customers (segments or named customers; none = all) and articles (categories or
    named articles; none = the whole catalogue)."""

    product_codes = forms.CharField(
        label=_("Articles (codes)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Codes article séparés par des espaces ou des virgules."),
    )
    company_refs = forms.CharField(
        label=_("Clients (SIRET ou n° de fiche)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Un SIRET ou un numéro de fiche par client, séparés par des espaces."),
    )

    class Meta:
        model = Promotion
        localized_fields = ["percent", "amount", "threshold", "budget"]
        fields = [
            "name", "description", "valid_from", "valid_until", "mechanic", "percent", "amount",
            "buy_quantity", "free_quantity", "threshold", "cumulative", "budget", "segments", "categories",
        ]  # fmt: skip
        labels = {"valid_from": _("Valable du"), "valid_until": _("Valable jusqu'au")}
        widgets = {
            "valid_from": DATE,
            "valid_until": DATE,
            "segments": forms.CheckboxSelectMultiple,
            "categories": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["segments"].queryset = Segment.objects.order_by("name")
        self.fields["segments"].help_text = ""
        self.fields["categories"].queryset = Category.objects.select_related("parent").order_by(
            "parent__name", "name"
        )
        self.fields["categories"].label_from_instance = lambda c: (
            f"{c.parent.name} › {c.name}" if c.parent_id else c.name
        )
        self.fields["categories"].help_text = _("Ctrl + clic pour en choisir plusieurs.")
        if self.instance.pk:
            self.initial["product_codes"] = " ".join(
                self.instance.products.order_by("code").values_list("code", flat=True)
            )
            self.initial["company_refs"] = " ".join(
                c.siret or str(c.pk) for c in self.instance.companies.order_by("sort_name")
            )

    def clean_product_codes(self) -> list[Product]:
        codes = list(dict.fromkeys(t.upper() for t in _tokens(self.cleaned_data["product_codes"])))
        found = {p.code: p for p in Product.objects.filter(code__in=codes)}
        unknown = [c for c in codes if c not in found]
        if unknown:
            raise ValidationError(_("Articles inconnus : %(codes)s.") % {"codes": ", ".join(unknown[:10])})
        return [found[c] for c in codes]

    def clean_company_refs(self) -> list[Company]:
        refs = list(dict.fromkeys(_tokens(self.cleaned_data["company_refs"])))
        sirets = [r for r in refs if len(r) == 14 and r.isdigit()]
        ids = [int(r) for r in refs if r.isdigit() and len(r) < 14]
        companies = list(Company.objects.filter(Q(siret__in=sirets) | Q(pk__in=ids)))
        known = {c.siret for c in companies} | {str(c.pk) for c in companies}
        unknown = [r for r in refs if r not in known]
        if unknown:
            raise ValidationError(_("Clients inconnus : %(refs)s.") % {"refs": ", ".join(unknown[:10])})
        return companies

    def clean(self):
        data = super().clean()
        start, end = data.get("valid_from"), data.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", _("La fin est avant le début."))
        mechanic = data.get("mechanic")
        needed = {
            PromotionMechanic.PERCENT: ["percent"],
            PromotionMechanic.AMOUNT: ["amount"],
            PromotionMechanic.SPECIAL_PRICE: ["amount"],
            PromotionMechanic.FREE_GOODS: ["buy_quantity", "free_quantity"],
            PromotionMechanic.ORDER_THRESHOLD: ["percent", "threshold"],
        }.get(mechanic, [])
        for name in needed:
            if data.get(name) in (None, ""):
                self.add_error(name, _("Obligatoire pour cette mécanique."))
        percent = data.get("percent")
        if percent is not None and not (0 < percent <= 100):
            self.add_error("percent", _("Entre 0 et 100 %."))
        for name in ("amount", "threshold", "budget"):
            if data.get(name) is not None and data[name] < 0:
                self.add_error(name, _("Le montant ne peut pas être négatif."))
        for name in ("buy_quantity", "free_quantity"):
            if name in needed and data.get(name) == 0:
                self.add_error(name, _("Au moins 1."))
        return data
