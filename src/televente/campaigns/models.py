"""Commercial operations (opérations commerciales): a target built from portfolio filters, a script,
an offer and documents, launched into the call plans and/or as messages, and measured."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import CampaignChannel, CampaignGoal, CampaignStatus, TargetStatus


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        from televente.accounts.choices import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE):
            return self
        if user.role == Role.SUPERVISOR:
            return self.filter(models.Q(team__isnull=True) | models.Q(team__supervisor=user)).distinct()
        return self.filter(models.Q(team__isnull=True) | models.Q(team_id=user.team_id))


class Campaign(BaseModel):
    name = models.CharField(_("nom"), max_length=160)
    goal = models.CharField(_("objectif"), max_length=16, choices=CampaignGoal.choices)
    description = models.TextField(_("message clé pour les télévendeurs"), blank=True)
    starts_on = models.DateField(_("du"))
    ends_on = models.DateField(_("au"))
    team = models.ForeignKey(
        "accounts.Team",
        verbose_name=_("équipe"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )  # empty: every team
    target_query = models.CharField(_("cible (filtres du portefeuille)"), max_length=1000, blank=True)
    channel = models.CharField(
        _("canal"), max_length=8, choices=CampaignChannel.choices, default=CampaignChannel.PHONE
    )
    calls_per_rep_per_day = models.PositiveSmallIntegerField(
        _("appels de campagne par télévendeur et par jour"), default=10
    )
    script = models.ForeignKey(
        "scripts.Script",
        verbose_name=_("script"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    promotion = models.ForeignKey(
        "catalog.Promotion",
        verbose_name=_("offre"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    documents = models.ManyToManyField(
        "knowledge.CommercialDocument", verbose_name=_("documents"), blank=True, related_name="+"
    )
    survey = models.ForeignKey(
        "market.Survey",
        verbose_name=_("enquête"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    email_subject = models.CharField(_("objet de l'e-mail"), max_length=200, blank=True)
    email_body = models.TextField(_("texte de l'e-mail"), blank=True)
    objective_reached = models.PositiveIntegerField(_("objectif : clients joints"), null=True, blank=True)
    objective_orders = models.PositiveIntegerField(_("objectif : commandes"), null=True, blank=True)
    objective_revenue = models.DecimalField(
        _("objectif : CA HT (€)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        _("état"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    launched_at = models.DateTimeField(_("lancée le"), null=True, blank=True)
    launched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = _("campagne")
        verbose_name_plural = _("campagnes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_period_valid"
            )
        ]

    def __str__(self) -> str:
        return self.name


class CampaignTarget(BaseModel):
    """One customer of a launched campaign, and what came of it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    company = models.ForeignKey(
        "customers.Company", on_delete=models.CASCADE, related_name="campaign_targets"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # who called (the customer's rep until then)
    status = models.CharField(
        _("état"), max_length=12, choices=TargetStatus.choices, default=TargetStatus.PENDING, db_index=True
    )
    excluded_reason = models.CharField(_("motif d'exclusion"), max_length=200, blank=True)
    last_task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    last_outcome = models.CharField(_("dernière issue"), max_length=20, blank=True)
    attempts = models.PositiveSmallIntegerField(_("appels"), default=0)
    reached_at = models.DateTimeField(_("joint le"), null=True, blank=True)
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("cible de campagne")
        verbose_name_plural = _("cibles de campagne")
        constraints = [models.UniqueConstraint(fields=["campaign", "company"], name="campaigntarget_once")]
        indexes = [models.Index(fields=["company", "status"], name="campaigntarget_company")]


class TargetCall(models.Model):
    """A call made to a target, counted once per call event (the event's key)."""

    target = models.ForeignKey(CampaignTarget, on_delete=models.CASCADE, related_name="calls")
    key = models.CharField(max_length=120)
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(_("issue"), max_length=20, blank=True)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    called_at = models.DateTimeField(_("appelé le"), default=timezone.now)

    class Meta:
        verbose_name = _("appel de campagne")
        verbose_name_plural = _("appels de campagne")
        constraints = [models.UniqueConstraint(fields=["target", "key"], name="targetcall_once")]

    def __str__(self) -> str:
        return f"{self.target_id}: {self.outcome}"
