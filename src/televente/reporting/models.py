"""Objectives, the daily figures per rep they are measured with, corrective actions and
self-assessments (seed 003 CP5, seed 004 4.2-4.4, seed 001 A1.1).

`RepDay` is a summary table: one row per rep and day with the counts and sums every indicator is
built from (definitions in docs/INDICATORS.md). It is refreshed by `stats.refresh_days()` (a
periodic job and on demand); today's figures are computed live with the same code, so a
dashboard reads a month of a 20-rep team from ~450 small rows instead of scanning orders, lines
and calls.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import ActionStatus, Cause, Metric, PeriodKind

ZERO = Decimal("0")
MONEY = {"max_digits": 14, "decimal_places": 2, "default": ZERO}


class Objective(BaseModel):
    """A target for one metric, one period, and a rep (or the whole team when `rep` is empty)."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="objectives")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="objectives",
    )
    period_kind = models.CharField(_("période"), max_length=6, choices=PeriodKind.choices)
    period_start = models.DateField(_("début de période"))
    metric = models.CharField(_("indicateur"), max_length=20, choices=Metric.choices)
    target = models.DecimalField(_("objectif"), max_digits=14, decimal_places=2)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("objectif")
        verbose_name_plural = _("objectifs")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "rep", "period_kind", "period_start", "metric"],
                name="objective_unique_per_rep",
                condition=models.Q(rep__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["team", "period_kind", "period_start", "metric"],
                name="objective_unique_per_team",
                condition=models.Q(rep__isnull=True),
            ),
            models.CheckConstraint(condition=models.Q(target__gte=0), name="objective_target_not_negative"),
        ]
        indexes = [models.Index(fields=["team", "period_kind", "period_start"])]

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.period_start}: {self.target}"


class RepDay(models.Model):
    """One rep's day in figures (the rows indicators are summed from). Written only by
    `stats.refresh_days()`; `team` is the team the rep's work counted for that day."""

    date = models.DateField(_("date"))
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, null=True, related_name="+")
    # Activity
    calls_planned = models.PositiveIntegerField(default=0)
    planned_done = models.PositiveIntegerField(default=0)
    calls_made = models.PositiveIntegerField(default=0)
    calls_reached = models.PositiveIntegerField(default=0)
    calls_ordered = models.PositiveIntegerField(default=0)
    talk_seconds = models.PositiveIntegerField(default=0)
    talk_calls = models.PositiveIntegerField(default=0)
    talk_target_seconds = models.PositiveIntegerField(default=0)
    window_calls = models.PositiveIntegerField(default=0)
    in_window = models.PositiveIntegerField(default=0)
    callbacks_due = models.PositiveIntegerField(default=0)
    callbacks_kept = models.PositiveIntegerField(default=0)
    # Sales
    orders = models.PositiveIntegerField(default=0)
    revenue = models.DecimalField(**MONEY)
    margin = models.DecimalField(**MONEY)
    margin_revenue = models.DecimalField(**MONEY)
    lines = models.PositiveIntegerField(default=0)
    complement_orders = models.PositiveIntegerField(default=0)
    complement_lines = models.PositiveIntegerField(default=0)
    substitute_lines = models.PositiveIntegerField(default=0)
    shortage_lost = models.PositiveIntegerField(default=0)
    promotion_orders = models.PositiveIntegerField(default=0)
    new_customers = models.PositiveIntegerField(default=0)
    reactivated = models.PositiveIntegerField(default=0)
    computed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("journée d'un télévendeur")
        verbose_name_plural = _("journées des télévendeurs")
        constraints = [models.UniqueConstraint(fields=["rep", "date"], name="repday_unique")]
        indexes = [models.Index(fields=["team", "date"])]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.date}"


class CorrectiveAction(BaseModel):
    """What the supervisor decided to do about a gap, and whether it was done and worked."""

    team = models.ForeignKey("accounts.Team", on_delete=models.CASCADE, related_name="corrective_actions")
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("télévendeur"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="corrective_actions",
    )
    metric = models.CharField(_("indicateur"), max_length=20, choices=Metric.choices)
    period_kind = models.CharField(_("période"), max_length=6, choices=PeriodKind.choices)
    period_start = models.DateField(_("début de période"))
    gap = models.CharField(_("écart constaté"), max_length=200, blank=True)
    cause = models.CharField(_("cause"), max_length=20, choices=Cause.choices)
    description = models.TextField(_("action décidée"))
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("responsable"), on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("pour le"))
    status = models.CharField(
        _("état"), max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    result = models.TextField(_("résultat constaté"), blank=True)
    done_at = models.DateTimeField(_("faite le"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("action corrective")
        verbose_name_plural = _("actions correctives")
        ordering = ["status", "due_on", "pk"]
        indexes = [models.Index(fields=["team", "status", "due_on"])]

    def __str__(self) -> str:
        return self.description[:60]


class SelfAssessment(BaseModel):
    """The rep's own look at a period (seed 004 4.2): what was hard, what improved, what next."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="self_assessments"
    )
    period_kind = models.CharField(_("période"), max_length=6, choices=PeriodKind.choices)
    period_start = models.DateField(_("début de période"))
    difficulties = models.TextField(_("difficultés rencontrées"), blank=True)
    progress = models.TextField(_("progrès constatés"), blank=True)
    next_steps = models.TextField(_("ce que je vais travailler"), blank=True)
    figures = models.JSONField(default=dict, blank=True)  # the comparison as it was when written
    supervisor_comment = models.TextField(_("commentaire du superviseur"), blank=True)

    class Meta:
        verbose_name = _("auto-évaluation")
        verbose_name_plural = _("auto-évaluations")
        ordering = ["-period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["rep", "period_kind", "period_start"], name="self_assessment_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rep_id} {self.period_start}"
