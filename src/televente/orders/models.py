"""Orders: a draft built during the call, confirmed after the read-back, then followed to delivery.

Quantities are whole numbers of a sales unit; `base_quantity` is the same in base units (the unit
prices are per base unit). Each line stores its own amounts, and the order stores its totals, which
services update by difference when one line changes: a change costs the same on a 1,000-line order
as on a 5-line one.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService
from televente.core.models import BaseModel
from televente.customers.choices import PaymentTerms

from .choices import (
    AlertChannel,
    ApprovalStatus,
    IncidentCause,
    IncidentImpact,
    IncidentStatus,
    IncidentType,
    LineOrigin,
    LostSaleReason,
    OrderSource,
    OrderStatus,
)

MONEY = {"max_digits": 14, "decimal_places": 2, "default": Decimal("0")}
ZERO = Decimal("0")


class Order(BaseModel):
    number = models.CharField(_("numéro"), max_length=20, blank=True)
    company = models.ForeignKey(
        "customers.Company", verbose_name=_("client"), on_delete=models.PROTECT, related_name="orders"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("interlocuteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="orders",
    )
    rep = models.ForeignKey(
        "accounts.User",
        verbose_name=_("pris par"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="orders_taken",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(
        _("origine"), max_length=10, choices=OrderSource.choices, default=OrderSource.PHONE
    )
    status = models.CharField(
        _("statut"), max_length=10, choices=OrderStatus.choices, default=OrderStatus.DRAFT, db_index=True
    )
    delivery_date = models.DateField(_("date de livraison"), null=True, blank=True)
    delivery_address = models.ForeignKey(
        "customers.DeliveryAddress",
        verbose_name=_("adresse de livraison"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    payment_terms = models.CharField(
        _("conditions de paiement"), max_length=20, choices=PaymentTerms.choices, blank=True
    )
    customer_reference = models.CharField(_("référence client (bon de commande)"), max_length=40, blank=True)
    notes = models.TextField(_("remarques"), blank=True)
    version = models.PositiveIntegerField(default=1)  # optimistic locking: each change bumps it
    # Totals, kept up to date line by line
    lines_count = models.PositiveIntegerField(default=0)
    total_lines = models.DecimalField(_("total des lignes HT"), **MONEY)
    total_vat = models.DecimalField(_("TVA"), **MONEY)
    order_discount = models.DecimalField(_("remise sur la commande HT"), **MONEY)
    order_discount_vat = models.DecimalField(**MONEY)
    order_promotion = models.ForeignKey(
        "catalog.Promotion", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Authority: manual discounts beyond the rep's limit, credit beyond the limit
    max_manual_discount = models.DecimalField(max_digits=5, decimal_places=2, default=ZERO)
    discount_approval = models.CharField(
        _("accord de remise"), max_length=10, choices=ApprovalStatus.choices, default="", blank=True
    )
    discount_approval_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    discount_approval_note = models.CharField(max_length=200, blank=True)
    discount_approved_limit = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    credit_override_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    credit_override_reason = models.CharField(max_length=200, blank=True)
    # From elsewhere
    idempotency_key = models.CharField(max_length=100, blank=True)
    request_hash = models.CharField(max_length=64, blank=True)
    external_ref = models.CharField(_("référence externe"), max_length=60, blank=True)
    # Why an order received from elsewhere stayed a draft (stock, credit...): someone checks it
    review_note = models.CharField(_("à vérifier"), max_length=250, blank=True)
    # Follow-up
    confirmed_at = models.DateTimeField(_("confirmée le"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    carrier = models.CharField(_("transporteur / chauffeur"), max_length=80, blank=True)
    expected_delivery_at = models.DateTimeField(_("livraison prévue"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("livrée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("commande")
        verbose_name_plural = _("commandes")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["company", "status", "-created_at"], name="order_company_status"),
            models.Index(fields=["status", "delivery_date"], name="order_status_delivery"),
            models.Index(fields=["-updated_at", "-id"], name="order_last_changed"),  # the order list
            # Reporting: a rep's orders of a day, and a customer's order before a given one.
            models.Index(fields=["rep", "confirmed_at"], name="order_rep_confirmed"),
            models.Index(fields=["company", "confirmed_at"], name="order_company_confirmed"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="order_number_unique"),
            models.UniqueConstraint(
                fields=["idempotency_key"],
                condition=~Q(idempotency_key=""),
                name="order_idempotency_key_unique",
            ),
            models.CheckConstraint(condition=Q(total_lines__gte=0), name="order_total_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or str(_("Brouillon n° %(pk)s") % {"pk": self.pk})

    @property
    def total_ht(self) -> Decimal:
        return self.total_lines - self.order_discount

    @property
    def vat_amount(self) -> Decimal:
        return self.total_vat - self.order_discount_vat

    @property
    def total_ttc(self) -> Decimal:
        return self.total_ht + self.vat_amount

    @property
    def is_draft(self) -> bool:
        return self.status == OrderStatus.DRAFT


class OrderLine(BaseModel):
    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField(default=0)
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("article"), on_delete=models.PROTECT, related_name="order_lines"
    )
    unit = models.ForeignKey(
        "catalog.SalesUnit", verbose_name=_("unité"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantité"), validators=[MinValueValidator(1)])
    base_quantity = models.PositiveIntegerField(_("quantité en unités de base"))
    unit_price = models.DecimalField(_("prix HT par unité de base"), max_digits=12, decimal_places=4)
    price_source = models.CharField(max_length=20, blank=True)
    price_explanation = models.CharField(max_length=120, blank=True)
    manual_discount = models.DecimalField(
        _("remise manuelle (%)"),
        max_digits=5,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
    )
    promotion_discount = models.DecimalField(max_digits=12, decimal_places=4, default=ZERO)
    free_quantity = models.PositiveIntegerField(_("unités gratuites (unités de base)"), default=0)
    promotions = models.JSONField(default=list, blank=True)  # ids of the promotions applied
    vat_rate = models.DecimalField(max_digits=4, decimal_places=2)
    amount = models.DecimalField(_("montant HT"), max_digits=14, decimal_places=2)
    vat_amount = models.DecimalField(max_digits=14, decimal_places=2, default=ZERO)
    origin = models.CharField(max_length=12, choices=LineOrigin.choices, default=LineOrigin.SEARCH)
    replaces = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("remplace"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # Availability on the delivery date, as last checked
    availability = models.CharField(max_length=12, blank=True)
    available_quantity = models.PositiveIntegerField(default=0)
    eta = models.DateField(null=True, blank=True)
    reserved = models.PositiveIntegerField(default=0)  # base units reserved at confirmation

    class Meta:
        verbose_name = _("ligne de commande")
        verbose_name_plural = _("lignes de commande")
        ordering = ["position", "pk"]
        indexes = [models.Index(fields=["product", "order"], name="orderline_product_order")]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="orderline_quantity_positive"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="orderline_amount_not_negative"),
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="orderline_price_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.product_id}"


class OrderEvent(BaseModel):
    """The history of an order: each status change and notable action, who and when."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=OrderStatus.choices)
    by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.order_id}:{self.status}"


class LostSale(BaseModel):
    """A sale that did not happen (shortage with the substitute refused...), for purchasing."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="lost_sales")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="lost_sales")
    order = models.ForeignKey(
        Order, on_delete=models.SET_NULL, null=True, blank=True, related_name="lost_sales"
    )
    base_quantity = models.PositiveIntegerField(_("quantité (unités de base)"))
    reason = models.CharField(_("raison"), max_length=12, choices=LostSaleReason.choices)
    note = models.CharField(_("précision"), max_length=200, blank=True)
    by = models.ForeignKey("accounts.User", on_delete=models.SET_NULL, null=True, related_name="+")
    callback_on = models.DateField(_("rappeler le"), null=True, blank=True)

    class Meta:
        verbose_name = _("vente perdue")
        verbose_name_plural = _("ventes perdues")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["product", "created_at"], name="lostsale_product_date")]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.base_quantity}"


class ProductHabit(models.Model):
    """What a customer usually orders, computed from its order history by a background task."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="product_habits")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("catalog.SalesUnit", on_delete=models.SET_NULL, null=True, related_name="+")
    usual_quantity = models.PositiveIntegerField(_("quantité habituelle"))
    orders_count = models.PositiveIntegerField(_("nombre de commandes"))
    share = models.DecimalField(_("part des commandes"), max_digits=4, decimal_places=3)
    cycle_days = models.PositiveSmallIntegerField(_("tous les (jours)"), null=True, blank=True)
    last_ordered = models.DateField(_("dernière commande"))
    next_expected = models.DateField(null=True, blank=True)
    score = models.FloatField(default=0)  # order of the habitual list: due now first

    class Meta:
        verbose_name = _("habitude produit")
        verbose_name_plural = _("habitudes produit")
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["company", "product"], name="producthabit_unique"),
        ]
        indexes = [models.Index(fields=["company", "-score"], name="producthabit_company_score")]

    def __str__(self) -> str:
        return f"{self.company_id}:{self.product_id}"


class DeliveryIncident(BaseModel):
    """Something went wrong between confirmation and delivery (seed 001 A3.6): what, why, what it
    costs the customer, which service answers, the solution that service validated, whether the
    customer was told, and how it ended."""

    order = models.ForeignKey(
        Order, verbose_name=_("commande"), on_delete=models.CASCADE, related_name="incidents"
    )
    company = models.ForeignKey(
        "customers.Company",
        verbose_name=_("client"),
        on_delete=models.CASCADE,
        related_name="delivery_incidents",
    )
    lines = models.ManyToManyField(
        OrderLine, verbose_name=_("lignes concernées"), blank=True, related_name="incidents"
    )
    kind = models.CharField(_("type"), max_length=14, choices=IncidentType.choices)
    cause = models.CharField(
        _("cause"), max_length=12, choices=IncidentCause.choices, default=IncidentCause.UNKNOWN
    )
    description = models.TextField(_("ce qui s'est passé"), blank=True)
    impact = models.CharField(
        _("impact"), max_length=10, choices=IncidentImpact.choices, default=IncidentImpact.MAJOR
    )
    service = models.CharField(_("service responsable"), max_length=12, choices=BackOfficeService.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=IncidentStatus.choices, default=IncidentStatus.OPEN, db_index=True
    )
    reported_by = models.ForeignKey(
        "accounts.User", verbose_name=_("signalé par"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    proposed_solution = models.CharField(_("solution proposée"), max_length=300, blank=True)
    solution_validated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    solution_validated_at = models.DateTimeField(null=True, blank=True)
    solution_note = models.CharField(_("avis du service"), max_length=300, blank=True)
    customer_alerted_at = models.DateTimeField(_("client prévenu le"), null=True, blank=True)
    customer_alerted_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    alert_channel = models.CharField(_("prévenu par"), max_length=6, choices=AlertChannel.choices, blank=True)
    resolution = models.CharField(_("résolution"), max_length=300, blank=True)
    resolved_at = models.DateTimeField(_("résolu le"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("incident de livraison")
        verbose_name_plural = _("incidents de livraison")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "service"], name="incident_status_service"),
            models.Index(fields=["company", "-created_at"], name="incident_company_date"),
        ]

    def __str__(self) -> str:
        return str(_("Incident n° %(pk)s") % {"pk": self.pk})

    @property
    def is_open(self) -> bool:
        return self.status != IncidentStatus.RESOLVED
