"""The catalogue: products in sales units, stock and receipts, prices, promotions, product links.

Quantities are integers of the product's base unit (a bottle, a 250 g pack, a kg...); a sales unit
(pack, carton, pallet) is a whole number of base units, so conversions are exact. Prices are per
base unit with 4 decimals; a line amount is rounded to the cent once, at the end (see pricing.py).
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import LinkKind, ProductStatus, PromotionMechanic

MONEY = {"max_digits": 12, "decimal_places": 2}
UNIT_PRICE = {"max_digits": 12, "decimal_places": 4, "validators": [MinValueValidator(Decimal("0"))]}


class Category(BaseModel):
    """A node of the category tree (épicerie > conserves > tomates)."""

    code = models.SlugField(_("code"), max_length=60)
    name = models.CharField(_("nom"), max_length=100)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )

    class Meta:
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["code"], name="category_code_unique")]

    def __str__(self) -> str:
        return self.name


class Product(BaseModel):
    """An article with the technical sheet a rep reads aloud during a call."""

    code = models.CharField(_("code article"), max_length=30)
    ean = models.CharField(_("EAN"), max_length=14, blank=True, db_index=True)
    name = models.CharField(_("désignation"), max_length=160)
    brand = models.CharField(_("marque"), max_length=80, blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("catégorie"), on_delete=models.PROTECT, related_name="products"
    )
    description = models.TextField(_("description"), blank=True)
    base_unit = models.CharField(_("unité de base"), max_length=30, default="unité")
    status = models.CharField(
        _("statut"), max_length=15, choices=ProductStatus.choices, default=ProductStatus.ACTIVE
    )
    available_from = models.DateField(_("disponible du"), null=True, blank=True)
    available_until = models.DateField(_("disponible jusqu'au"), null=True, blank=True)
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=4, decimal_places=2, default=Decimal("5.50")
    )
    base_price = models.DecimalField(_("prix de base HT (par unité de base)"), **UNIT_PRICE)
    purchase_cost = models.DecimalField(
        _("coût d'achat HT (par unité de base)"), null=True, blank=True, **UNIT_PRICE
    )
    lead_time_days = models.PositiveSmallIntegerField(_("délai de mise à disposition (jours)"), default=0)
    # Technical sheet
    characteristics = models.TextField(_("caractéristiques"), blank=True)
    usage = models.TextField(_("utilisation"), blank=True)
    limits = models.TextField(_("limites et conditions d'emploi"), blank=True)
    allergens = models.JSONField(_("allergènes"), default=list, blank=True)
    storage = models.CharField(_("conservation"), max_length=120, blank=True)
    shelf_life_days = models.PositiveIntegerField(_("durée de vie (jours)"), null=True, blank=True)
    safety_notes = models.TextField(_("sécurité, dangers"), blank=True)
    labels = models.JSONField(_("labels et certifications"), default=list, blank=True)
    origin = models.CharField(_("origine"), max_length=80, blank=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["code"], name="product_code_unique"),
            models.CheckConstraint(condition=Q(base_price__gte=0), name="product_base_price_not_negative"),
            models.CheckConstraint(
                condition=Q(vat_rate__gte=0) & Q(vat_rate__lt=100), name="product_vat_rate_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} – {self.name}"

    def save(self, *args, **kwargs) -> None:
        from .search import build_search_text  # the folded words the catalogue search reads

        self.code = self.code.strip().upper()  # codes are compared in capitals everywhere
        self.search_text = build_search_text(self, self.category.name if self.category_id else "")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)


class SalesUnit(BaseModel):
    """A way the product is sold: unit (UVC), pack, carton, pallet; a whole number of base units."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="units")
    code = models.CharField(_("code"), max_length=12)
    label = models.CharField(_("libellé"), max_length=40)
    base_quantity = models.PositiveIntegerField(
        _("nombre d'unités de base"), validators=[MinValueValidator(1)]
    )
    min_quantity = models.PositiveIntegerField(
        _("quantité minimum"), default=1, validators=[MinValueValidator(1)]
    )
    multiple = models.PositiveIntegerField(_("par multiple de"), default=1, validators=[MinValueValidator(1)])
    is_default = models.BooleanField(_("unité proposée par défaut"), default=False)

    class Meta:
        verbose_name = _("unité commercialisable")
        verbose_name_plural = _("unités commercialisables")
        ordering = ["base_quantity"]
        constraints = [
            models.UniqueConstraint(fields=["product", "code"], name="salesunit_product_code_unique"),
            models.UniqueConstraint(
                fields=["product"], condition=Q(is_default=True), name="salesunit_one_default"
            ),
            models.CheckConstraint(
                condition=Q(base_quantity__gte=1), name="salesunit_base_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(multiple__gte=1) & Q(min_quantity__gte=1), name="salesunit_min_multiple_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.label


class Warehouse(BaseModel):
    code = models.SlugField(_("code"), max_length=20)
    name = models.CharField(_("nom"), max_length=80)

    class Meta:
        verbose_name = _("entrepôt")
        verbose_name_plural = _("entrepôts")
        constraints = [models.UniqueConstraint(fields=["code"], name="warehouse_code_unique")]

    def __str__(self) -> str:
        return self.name


class Stock(BaseModel):
    """Quantities in base units of a product in a warehouse: physically there, and promised to orders."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="stocks")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="stocks")
    on_hand = models.IntegerField(_("en stock"), default=0)
    reserved = models.IntegerField(_("réservé"), default=0)

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        constraints = [
            models.UniqueConstraint(fields=["product", "warehouse"], name="stock_product_warehouse_unique"),
            models.CheckConstraint(
                condition=Q(on_hand__gte=0) & Q(reserved__gte=0), name="stock_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(reserved__lte=models.F("on_hand")), name="stock_reserved_within_on_hand"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}@{self.warehouse_id}"

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class Receipt(BaseModel):
    """Goods expected from a supplier: quantity in base units and expected date."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="receipts")
    warehouse = models.ForeignKey(Warehouse, on_delete=models.PROTECT, related_name="receipts")
    quantity = models.PositiveIntegerField(_("quantité attendue"))
    expected_on = models.DateField(_("date prévue"))
    received = models.BooleanField(_("reçu"), default=False)

    class Meta:
        verbose_name = _("réception attendue")
        verbose_name_plural = _("réceptions attendues")
        ordering = ["expected_on"]
        indexes = [models.Index(fields=["product", "expected_on"], name="receipt_product_date")]

    def __str__(self) -> str:
        return f"{self.quantity} @ {self.expected_on}"


class PriceList(BaseModel):
    """Prices for a customer segment, valid over a period."""

    name = models.CharField(_("nom"), max_length=100)
    segment = models.ForeignKey(
        "customers.Segment", verbose_name=_("typologie"), on_delete=models.PROTECT, null=True, blank=True
    )
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("tarif")
        verbose_name_plural = _("tarifs")

    def __str__(self) -> str:
        return self.name


class PriceListItem(BaseModel):
    price_list = models.ForeignKey(PriceList, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_list_items")
    price = models.DecimalField(_("prix HT par unité de base"), **UNIT_PRICE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["price_list", "product"], name="pricelistitem_unique")]


class QuantityBreak(BaseModel):
    """From `min_quantity` base units ordered, the base-unit price is `price` (optionally for one price list)."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="quantity_breaks")
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("tarif (vide : tous les clients)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="breaks",
    )
    min_quantity = models.PositiveIntegerField(
        _("à partir de (unités de base)"), validators=[MinValueValidator(2)]
    )
    price = models.DecimalField(_("prix HT par unité de base"), **UNIT_PRICE)

    class Meta:
        ordering = ["min_quantity"]


class CustomerPrice(BaseModel):
    """A net price negotiated with one customer (prix net client)."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="net_prices")
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="customer_prices")
    price = models.DecimalField(_("prix net HT par unité de base"), **UNIT_PRICE)
    valid_from = models.DateField(_("valable du"), null=True, blank=True)
    valid_until = models.DateField(_("valable jusqu'au"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["company", "product"], name="customerprice_company_product")]


class Promotion(BaseModel):
    """A commercial offer: who it targets, how it works, when, and how much it may cost."""

    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("argumentaire"), max_length=250, blank=True)
    valid_from = models.DateField(_("du"))
    valid_until = models.DateField(_("au"))
    mechanic = models.CharField(_("mécanique"), max_length=20, choices=PromotionMechanic.choices)
    percent = models.DecimalField(_("remise (%)"), max_digits=5, decimal_places=2, null=True, blank=True)
    amount = models.DecimalField(_("montant (€)"), max_digits=12, decimal_places=4, null=True, blank=True)
    buy_quantity = models.PositiveIntegerField(_("pour N achetés"), null=True, blank=True)
    free_quantity = models.PositiveIntegerField(_("M offerts"), null=True, blank=True)
    threshold = models.DecimalField(_("seuil de commande HT (€)"), null=True, blank=True, **MONEY)
    cumulative = models.BooleanField(_("cumulable avec d'autres offres"), default=False)
    budget = models.DecimalField(_("budget (€)"), null=True, blank=True, **MONEY)
    spent = models.DecimalField(_("consommé (€)"), default=Decimal("0"), **MONEY)
    segments = models.ManyToManyField("customers.Segment", blank=True, verbose_name=_("typologies"))
    companies = models.ManyToManyField("customers.Company", blank=True, verbose_name=_("clients"))
    categories = models.ManyToManyField(Category, blank=True, verbose_name=_("catégories"))
    products = models.ManyToManyField(
        Product, blank=True, verbose_name=_("articles"), related_name="promotions"
    )

    class Meta:
        verbose_name = _("offre promotionnelle")
        verbose_name_plural = _("offres promotionnelles")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_until__gte=models.F("valid_from")), name="promotion_period_valid"
            ),
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | (Q(percent__gt=0) & Q(percent__lte=100)),
                name="promotion_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProductLink(BaseModel):
    """A substitute or a complement chosen by a product manager, with the reason shown to the rep."""

    kind = models.CharField(_("type"), max_length=12, choices=LinkKind.choices)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="links")
    target = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(_("raison"), max_length=200, blank=True)
    equivalence = models.CharField(_("équivalence"), max_length=200, blank=True)
    rank = models.PositiveSmallIntegerField(_("rang"), default=1)

    class Meta:
        verbose_name = _("lien entre articles")
        verbose_name_plural = _("liens entre articles")
        ordering = ["rank"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "product", "target"], name="productlink_unique"),
            models.CheckConstraint(condition=~Q(product=models.F("target")), name="productlink_not_self"),
        ]


class CatalogImport(BaseModel):
    """A catalogue, price list or stock file: checked row by row first (nothing written), then
    applied on confirmation in one transaction."""

    class Kind(models.TextChoices):
        PRODUCTS = "products", _("Articles")
        PRICES = "prices", _("Tarif")
        STOCK = "stock", _("Stocks")

    class Status(models.TextChoices):
        CHECKED = "checked", _("Vérifié")
        DONE = "done", _("Importé")

    created_by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("type"), max_length=10, choices=Kind.choices, default=Kind.PRICES)
    price_list = models.ForeignKey(
        PriceList,
        verbose_name=_("tarif"),
        on_delete=models.CASCADE,
        related_name="imports",
        null=True,
        blank=True,
    )
    file = models.FileField(upload_to="imports/catalogue/%Y/%m/")
    filename = models.CharField(_("fichier"), max_length=200)
    status = models.CharField(_("état"), max_length=10, choices=Status.choices, default=Status.CHECKED)
    total_rows = models.PositiveIntegerField(default=0)
    valid_rows = models.PositiveIntegerField(default=0)
    errors = models.JSONField(default=list, blank=True)
    applied_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("import catalogue")
        verbose_name_plural = _("imports catalogue")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="prices") | Q(price_list__isnull=False),
                name="catalogimport_prices_have_list",
            )
        ]

    def __str__(self) -> str:
        return self.filename

    @property
    def error_rows(self) -> int:
        return len({e["row"] for e in self.errors})
