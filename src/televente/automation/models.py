"""Automation rules (capability 8): "when this happens to a customer who matches, do that", and the
log of what each rule did. A rule fires at most once per occurrence (`RuleFiring`, unique per rule
and key), whatever the number of workers or of deliveries of the same event."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.accounts.choices import BackOfficeService
from televente.claims.choices import ClaimType
from televente.core.models import BaseModel
from televente.customers.choices import CompanyStatus
from televente.messaging.choices import MessageChannel

from .choices import PERIODIC_TRIGGERS, Action, NotifyTo, Trigger

MAX_DAYS = 3650


class AutomationRule(BaseModel):
    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    is_active = models.BooleanField(_("active"), default=False)

    trigger = models.CharField(_("déclencheur"), max_length=30, choices=Trigger.choices)
    days = models.PositiveSmallIntegerField(
        _("nombre de jours (N)"), null=True, blank=True, validators=[MaxValueValidator(MAX_DAYS)]
    )
    # For "message sans commande": the template of the email the customer did not answer.
    message_code = models.CharField(_("modèle du message envoyé"), max_length=60, blank=True)

    # Conditions (all must hold; empty means "any")
    segments = models.ManyToManyField(
        "customers.Segment", verbose_name=_("typologies"), blank=True, related_name="+"
    )
    teams = models.ManyToManyField("accounts.Team", verbose_name=_("équipes"), blank=True, related_name="+")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    min_amount = models.DecimalField(
        _("montant minimum (€)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    customer_status = models.CharField(
        _("statut du client"), max_length=10, choices=CompanyStatus.choices, blank=True
    )
    claim_type = models.CharField(
        _("type de réclamation"), max_length=20, choices=ClaimType.choices, blank=True
    )

    # What it does
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    template_code = models.CharField(_("modèle de message"), max_length=60, blank=True)
    channel = models.CharField(
        _("canal"), max_length=10, choices=MessageChannel.choices, default=MessageChannel.EMAIL
    )
    action_days = models.PositiveSmallIntegerField(
        _("rappel dans (jours)"), default=0, validators=[MaxValueValidator(365)]
    )
    action_note = models.CharField(_("consigne"), max_length=200, blank=True)
    notify_to = models.CharField(_("prévenir"), max_length=12, choices=NotifyTo.choices, blank=True)
    notify_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("personne à prévenir"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    notify_service = models.CharField(
        _("service à prévenir"), max_length=20, choices=BackOfficeService.choices, blank=True
    )
    hold_reason = models.CharField(_("motif du blocage"), max_length=200, blank=True)
    target_status = models.CharField(
        _("nouveau statut"), max_length=10, choices=CompanyStatus.choices, blank=True
    )

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créée par")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("modifiée par")
    )

    class Meta:
        verbose_name = _("règle d'automatisation")
        verbose_name_plural = _("règles d'automatisation")
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(trigger__in=PERIODIC_TRIGGERS) | Q(days__isnull=False),
                name="automation_rule_periodic_has_days",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_periodic(self) -> bool:
        return self.trigger in PERIODIC_TRIGGERS


class RuleFiring(models.Model):
    """One occurrence a rule acted on (or tried to): written in the same transaction as the action,
    so the unique key makes a second worker, or a second delivery of the event, do nothing."""

    rule = models.ForeignKey(AutomationRule, on_delete=models.CASCADE, related_name="firings")
    key = models.CharField(max_length=150)
    company = models.ForeignKey(
        "customers.Company", verbose_name=_("client"), on_delete=models.CASCADE, related_name="+"
    )
    reference = models.CharField(_("à propos de"), max_length=80, blank=True)  # "orders.order:42"
    fired_at = models.DateTimeField(_("le"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30, choices=Action.choices)
    ok = models.BooleanField(_("réussie"), default=True)
    result = models.TextField(_("résultat"), blank=True)
    # What the action made, when it has a page ("messaging.message:12", "customers.interaction:7").
    outcome_reference = models.CharField(max_length=80, blank=True)

    class Meta:
        verbose_name = _("déclenchement")
        verbose_name_plural = _("journal des automatisations")
        ordering = ["-fired_at", "-id"]
        indexes = [
            models.Index(fields=["rule", "-fired_at"], name="automation_firing_rule"),
            models.Index(fields=["-fired_at"], name="automation_firing_time"),
        ]
        constraints = [models.UniqueConstraint(fields=["rule", "key"], name="automation_firing_once")]

    def __str__(self) -> str:
        return f"{self.rule_id}:{self.key}"
