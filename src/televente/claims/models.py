"""Claims and disputes (seed 000 Compétence 6, 001 A2.5): what the customer complains about, the
merit check against the sales history, the hand-overs between services, the settlement within the
authority of whoever decides it, the customer's information and satisfaction afterwards."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService, Role
from televente.core.models import BaseModel

from .choices import (
    OPEN_STATUSES,
    Channel,
    ClaimCause,
    ClaimStatus,
    ClaimType,
    EventKind,
    Mood,
    Requested,
    Satisfaction,
    SettlementKind,
    SettlementStatus,
    Severity,
    Verdict,
)

MONEY = {"max_digits": 12, "decimal_places": 2, "default": Decimal("0")}


class ClaimPolicy(BaseModel):
    """Per claim type: the service it goes to first, the deadline to answer the customer (in working
    days from receipt) and when the person in charge is reminded. Reference data the admin edits."""

    claim_type = models.CharField(_("type"), max_length=20, choices=ClaimType.choices, unique=True)
    service = models.CharField(_("service compétent"), max_length=20, choices=BackOfficeService.choices)
    deadline_days = models.PositiveSmallIntegerField(
        _("délai de traitement (jours ouvrés)"), validators=[MinValueValidator(1)]
    )
    remind_days_before = models.PositiveSmallIntegerField(
        _("rappel (jours ouvrés avant l'échéance)"), default=1
    )

    class Meta:
        verbose_name = _("délai par type de réclamation")
        verbose_name_plural = _("délais par type de réclamation")
        ordering = ["claim_type"]

    def __str__(self) -> str:
        return str(self.get_claim_type_display())


class AuthorityLimit(BaseModel):
    """The largest settlement (€ HT) a role decides alone; above it the settlement waits for a
    person whose limit covers it. Empty amount: no limit."""

    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, unique=True)
    amount = models.DecimalField(
        _("montant maximal (€ HT)"), max_digits=12, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("délégation de règlement")
        verbose_name_plural = _("délégations de règlement")
        ordering = ["amount"]

    def __str__(self) -> str:
        return str(self.get_role_display())


class ClaimQuerySet(models.QuerySet):
    def visible_to(self, user) -> ClaimQuerySet:
        """The claims of the customers a person sees (back office and admin: all)."""
        from televente.customers.models import Company

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE):
            return self
        return self.filter(company__in=Company.objects.visible_to(user))

    def open(self) -> ClaimQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, now=None) -> ClaimQuerySet:
        return self.open().filter(due_at__lt=now or timezone.now())


class Claim(BaseModel):
    number = models.CharField(_("numéro"), max_length=20, blank=True)
    company = models.ForeignKey(
        "customers.Company", verbose_name=_("client"), on_delete=models.CASCADE, related_name="claims"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("interlocuteur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    team = models.ForeignKey(
        "accounts.Team", on_delete=models.SET_NULL, null=True, blank=True, related_name="claims"
    )
    order = models.ForeignKey(
        "orders.Order",
        verbose_name=_("commande"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    incident = models.ForeignKey(
        "orders.DeliveryIncident",
        verbose_name=_("incident de livraison"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="claims",
    )
    channel = models.CharField(_("reçue par"), max_length=12, choices=Channel.choices, default=Channel.PHONE)
    claim_type = models.CharField(_("type"), max_length=20, choices=ClaimType.choices)
    cause = models.CharField(
        _("cause"), max_length=20, choices=ClaimCause.choices, default=ClaimCause.UNKNOWN
    )
    severity = models.CharField(
        _("gravité"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM
    )
    mood = models.CharField(_("humeur du client"), max_length=10, choices=Mood.choices, default=Mood.CALM)
    description = models.TextField(_("ce que dit le client"))
    requested = models.CharField(_("ce qu'il demande"), max_length=12, choices=Requested.choices, blank=True)
    request_note = models.CharField(_("précision sur la demande"), max_length=300, blank=True)
    answers = models.JSONField(_("réponses au questionnaire"), default=dict, blank=True)
    quantity = models.PositiveIntegerField(_("quantité en cause"), default=0)
    amount = models.DecimalField(_("montant en jeu (€ HT)"), **MONEY)

    verdict = models.CharField(_("bien-fondé"), max_length=10, choices=Verdict.choices, blank=True)
    verdict_note = models.CharField(_("justification"), max_length=500, blank=True)
    verdict_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    verdict_at = models.DateTimeField(null=True, blank=True)

    status = models.CharField(
        _("statut"), max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.NEW
    )
    service = models.CharField(
        _("service compétent"), max_length=20, choices=BackOfficeService.choices, blank=True
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne en charge"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_claims",
    )
    due_at = models.DateTimeField(_("échéance"))
    reminded_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(_("escaladée le"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    settled_at = models.DateTimeField(_("réglée le"), null=True, blank=True)
    customer_notified_at = models.DateTimeField(_("client informé le"), null=True, blank=True)
    closed_at = models.DateTimeField(_("close le"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    survey_sent_at = models.DateTimeField(null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=14, choices=Satisfaction.choices, blank=True
    )
    satisfaction_comment = models.CharField(_("commentaire du client"), max_length=500, blank=True)
    satisfaction_at = models.DateTimeField(null=True, blank=True)
    external_ref = models.CharField(_("référence externe"), max_length=60, blank=True)

    objects = ClaimQuerySet.as_manager()

    class Meta:
        verbose_name = _("réclamation")
        verbose_name_plural = _("réclamations")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-created_at"], name="claim_company_time"),
            models.Index(fields=["status", "due_at"], name="claim_status_due"),
            models.Index(fields=["service", "status", "due_at"], name="claim_service_queue"),
            models.Index(fields=["assignee", "status"], name="claim_assignee_queue"),
            models.Index(fields=["team", "status"], name="claim_team_queue"),
            models.Index(fields=["created_at"], name="claim_created"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_ref"], condition=~Q(external_ref=""), name="claim_external_ref_unique"
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False), name="claim_closed_has_date"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="claim_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return self.number or f"#{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_at is not None and self.due_at < timezone.now()

    @property
    def resolved_in_time(self) -> bool | None:
        if self.closed_at is None:
            return None
        return self.closed_at <= self.due_at


class ClaimLine(models.Model):
    """A line of the order the claim is about, with the quantity in question (in the line's unit)."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="lines")
    order_line = models.ForeignKey(
        "orders.OrderLine", on_delete=models.SET_NULL, null=True, blank=True, related_name="claim_lines"
    )
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="claim_lines")
    quantity = models.PositiveIntegerField(_("quantité en cause"), validators=[MinValueValidator(1)])
    unit_label = models.CharField(max_length=40, blank=True)
    amount = models.DecimalField(_("montant (€ HT)"), **MONEY)

    class Meta:
        verbose_name = _("ligne en cause")
        verbose_name_plural = _("lignes en cause")
        indexes = [models.Index(fields=["product", "claim"], name="claimline_product")]

    def __str__(self) -> str:
        return f"{self.quantity} {self.unit_label} {self.product_id}"


class Settlement(BaseModel):
    """A proposed way to settle the claim; granted at once within the proposer's authority, else it
    waits for someone whose authority covers the amount."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="settlements")
    kind = models.CharField(_("règlement"), max_length=12, choices=SettlementKind.choices)
    amount = models.DecimalField(_("montant (€ HT)"), **MONEY)
    note = models.CharField(_("explication"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=SettlementStatus.choices)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approver_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("motif"), max_length=300, blank=True)
    reference = models.CharField(_("référence (avoir, livraison)"), max_length=40, blank=True)
    # Carried out: the credit note issued, the replacement delivered, the discount applied...
    done_at = models.DateTimeField(_("exécuté le"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    done_note = models.CharField(_("exécution"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("règlement")
        verbose_name_plural = _("règlements")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "approver_role"], name="settlement_pending"),
            models.Index(
                fields=["claim"],
                condition=Q(status="approved", done_at__isnull=True) & ~Q(kind="refusal"),
                name="settlement_to_carry_out",
            ),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="settlement_amount_not_negative"),
        ]


class ClaimEvent(BaseModel):
    """Everything that happened to a claim, in order: who handed it to whom, reminders, decisions."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=14, choices=EventKind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.TextField(blank=True)
    service = models.CharField(max_length=20, choices=BackOfficeService.choices, blank=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    source = models.CharField(max_length=40, blank=True)  # "api:erp", "satisfaction link"...

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["claim", "created_at"], name="claimevent_claim_time")]


class ClaimAttachment(BaseModel):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="claims/%Y/%m/")
    name = models.CharField(_("nom"), max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
