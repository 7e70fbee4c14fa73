"""Receivables (seed 004 1.8, seed 003 CP8): invoices and payments from the ERP, the dunning ladder
per customer segment with each step traced, and what the rep obtains on a collection call: a
promise to pay, or a payment plan whose instalments add up to the debt."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import DunningAction, InstalmentStatus, InvoiceKind, InvoiceStatus, PlanStatus, PromiseStatus

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0")}


class Invoice(BaseModel):
    """An invoice (or credit note) as the ERP knows it; `paid_amount` is the sum of its payments."""

    number = models.CharField(_("numéro"), max_length=40, unique=True)
    company = models.ForeignKey(
        "customers.Company", verbose_name=_("client"), on_delete=models.PROTECT, related_name="invoices"
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.SET_NULL, null=True, blank=True, related_name="invoices"
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    issued_on = models.DateField(_("date de facture"))
    due_on = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant TTC"), **MONEY)
    paid_amount = models.DecimalField(_("payé"), **MONEY)
    status = models.CharField(
        _("état"), max_length=10, choices=InvoiceStatus.choices, default=InvoiceStatus.OPEN
    )
    disputed = models.BooleanField(_("contestée"), default=False)
    # The last dunning step done for this invoice (the ladder goes up, never twice the same step).
    dunning_level = models.PositiveSmallIntegerField(_("niveau de relance"), default=0)
    synced_at = models.DateTimeField(_("reçue de l'ERP le"), null=True, blank=True)

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["due_on", "number"]
        indexes = [
            models.Index(fields=["company", "status", "due_on"], name="invoice_company_open"),
            models.Index(fields=["due_on"], name="invoice_open_due", condition=Q(status="open")),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def balance(self) -> Decimal:
        return self.amount - self.paid_amount


class Payment(BaseModel):
    """A payment received, as the ERP allocated it (to an invoice when it knows which)."""

    reference = models.CharField(_("référence"), max_length=60, unique=True)
    company = models.ForeignKey("customers.Company", on_delete=models.PROTECT, related_name="payments")
    invoice = models.ForeignKey(
        Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="payments"
    )
    paid_on = models.DateField(_("date de paiement"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    method = models.CharField(_("moyen"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        ordering = ["-paid_on", "-id"]
        indexes = [models.Index(fields=["company", "paid_on"], name="payment_company_date")]

    def __str__(self) -> str:
        return self.reference


class DunningLadder(BaseModel):
    """The company's dunning rules for a customer segment (the one without segment is the default)."""

    name = models.CharField(_("nom"), max_length=80)
    segment = models.OneToOneField(
        "customers.Segment",
        verbose_name=_("typologie"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dunning_ladder",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("procédure de relance")
        verbose_name_plural = _("procédures de relance")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"], condition=Q(segment__isnull=True), name="one_default_dunning_ladder"
            )
        ]

    def __str__(self) -> str:
        return self.name


class DunningStep(BaseModel):
    ladder = models.ForeignKey(DunningLadder, on_delete=models.CASCADE, related_name="steps")
    level = models.PositiveSmallIntegerField(_("ordre"), validators=[MinValueValidator(1)])
    days_after_due = models.PositiveSmallIntegerField(_("jours après l'échéance"))
    action = models.CharField(_("action"), max_length=10, choices=DunningAction.choices)
    template_code = models.CharField(_("modèle de message"), max_length=60, blank=True)
    min_amount = models.DecimalField(_("à partir d'un montant dû de"), **MONEY)

    class Meta:
        verbose_name = _("étape de relance")
        verbose_name_plural = _("étapes de relance")
        ordering = ["ladder", "level"]
        constraints = [models.UniqueConstraint(fields=["ladder", "level"], name="dunning_step_level")]

    def __str__(self) -> str:
        return f"{self.level}. J+{self.days_after_due} {self.get_action_display()}"


class DunningEvent(BaseModel):
    """One step done for one customer: what was done, about which invoices, with what result."""

    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="dunning_events")
    step = models.ForeignKey(DunningStep, on_delete=models.SET_NULL, null=True, related_name="events")
    level = models.PositiveSmallIntegerField(_("niveau"))
    action = models.CharField(_("action"), max_length=10, choices=DunningAction.choices)
    invoices = models.ManyToManyField(Invoice, related_name="dunning_events")
    amount_due = models.DecimalField(_("montant dû"), **MONEY)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("détail"), max_length=300, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # "level:oldest invoice" per customer: a step is never done twice for the same debt.
    key = models.CharField(max_length=120, unique=True)

    class Meta:
        verbose_name = _("relance")
        verbose_name_plural = _("relances")
        ordering = ["-created_at", "-id"]


class PaymentPromise(BaseModel):
    """What the customer said they would pay, and when; checked automatically once the date passes."""

    company = models.ForeignKey(
        "customers.Company", on_delete=models.CASCADE, related_name="payment_promises"
    )
    amount = models.DecimalField(_("montant promis"), max_digits=12, decimal_places=2)
    promised_on = models.DateField(_("date promise"))
    status = models.CharField(max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.PENDING)
    # Payments received since the promise count towards it.
    baseline_paid = models.DecimalField(**MONEY)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    checked_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("promesse de paiement")
        verbose_name_plural = _("promesses de paiement")
        ordering = ["-promised_on", "-id"]
        indexes = [
            models.Index(fields=["promised_on"], name="promise_pending", condition=Q(status="pending"))
        ]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="promise_amount_positive")]


class PaymentPlan(BaseModel):
    """An échéancier: the debt split into instalments with dates and amounts that add up to it."""

    number = models.CharField(_("numéro"), max_length=20, blank=True)
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="payment_plans")
    total = models.DecimalField(_("montant total"), max_digits=12, decimal_places=2)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED)
    invoices = models.ManyToManyField(Invoice, related_name="payment_plans")
    baseline_paid = models.DecimalField(**MONEY)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    agreed_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("échéancier")
        verbose_name_plural = _("échéanciers")
        ordering = ["-created_at", "-id"]
        constraints = [models.CheckConstraint(condition=Q(total__gt=0), name="plan_total_positive")]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"


class Instalment(BaseModel):
    plan = models.ForeignKey(PaymentPlan, on_delete=models.CASCADE, related_name="instalments")
    position = models.PositiveSmallIntegerField()
    due_on = models.DateField(_("échéance"))
    amount = models.DecimalField(_("montant"), max_digits=12, decimal_places=2)
    status = models.CharField(
        max_length=10, choices=InstalmentStatus.choices, default=InstalmentStatus.PENDING
    )
    missed_at = models.DateTimeField(_("constatée impayée le"), null=True, blank=True)

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["plan", "position"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "position"], name="instalment_position"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_amount_positive"),
        ]
        indexes = [models.Index(fields=["due_on"], name="instalment_pending", condition=Q(status="pending"))]
