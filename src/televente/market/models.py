"""Market knowledge: what customers say about competitors (veille), and satisfaction or market surveys."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import (
    ActionStatus,
    QuestionKind,
    QuestionRole,
    ResponseChannel,
    Satisfaction,
    SurveyKind,
    SurveyStatus,
)


class Competitor(BaseModel):
    """A competitor, created the first time a rep records it."""

    name = models.CharField(_("nom"), max_length=120)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("concurrent")
        verbose_name_plural = _("concurrents")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(Lower("name"), name="competitor_name_unique_ci")]

    def __str__(self) -> str:
        return self.name


class CompetitorObservation(BaseModel):
    """What a customer said about a competitor during a call: product, price, terms, satisfaction."""

    company = models.ForeignKey(
        "customers.Company", on_delete=models.CASCADE, related_name="competitor_observations"
    )
    competitor = models.ForeignKey(Competitor, on_delete=models.PROTECT, related_name="observations")
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("notre article équivalent"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    product_label = models.CharField(_("produit du concurrent"), max_length=160, blank=True)
    price = models.DecimalField(
        _("prix constaté HT (€)"), max_digits=12, decimal_places=4, null=True, blank=True
    )
    price_unit = models.CharField(_("par"), max_length=30, blank=True)
    terms = models.CharField(_("conditions (délai, franco, paiement)"), max_length=300, blank=True)
    satisfaction = models.CharField(
        _("satisfaction du client"), max_length=12, choices=Satisfaction.choices, blank=True
    )
    notes = models.TextField(_("notes"), blank=True)
    observed_at = models.DateTimeField(_("recueilli le"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("information concurrentielle")
        verbose_name_plural = _("informations concurrentielles")
        ordering = ["-observed_at"]
        indexes = [models.Index(fields=["competitor", "observed_at"], name="competitorobs_competitor_at")]


class Survey(BaseModel):
    """A satisfaction or market survey, administered by phone (read aloud) or by an emailed link."""

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=12, choices=SurveyKind.choices, default=SurveyKind.SATISFACTION
    )
    introduction = models.TextField(_("introduction (lue ou affichée au client)"), blank=True)
    thanks = models.CharField(_("remerciement"), max_length=300, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("enquête")
        verbose_name_plural = _("enquêtes")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class SurveyQuestion(BaseModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("ordre"))
    text = models.CharField(_("question"), max_length=300)
    kind = models.CharField(_("type de réponse"), max_length=8, choices=QuestionKind.choices)
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)
    role = models.CharField(
        _("rôle dans les résultats"), max_length=10, choices=QuestionRole.choices, blank=True
    )
    criterion = models.CharField(_("critère"), max_length=80, blank=True)  # "Délais de livraison"
    required = models.BooleanField(_("obligatoire"), default=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["survey", "position"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "position"], name="surveyquestion_position_unique")
        ]

    def __str__(self) -> str:
        return self.text


class SurveyInvitation(BaseModel):
    """An emailed link to one survey for one contact; it can be answered once."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="invitations")
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="+")
    contact = models.ForeignKey("customers.Contact", on_delete=models.CASCADE, related_name="+")
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    used_at = models.DateTimeField(_("répondu le"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation à une enquête")
        verbose_name_plural = _("invitations à une enquête")
        constraints = [models.UniqueConstraint(fields=["survey", "contact"], name="surveyinvitation_once")]


class SurveyResponse(BaseModel):
    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    company = models.ForeignKey(
        "customers.Company", on_delete=models.CASCADE, related_name="survey_responses"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    channel = models.CharField(_("canal"), max_length=8, choices=ResponseChannel.choices)
    invitation = models.OneToOneField(
        SurveyInvitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )  # the rep who read the questions on the phone
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("répondu le"), default=timezone.now)

    class Meta:
        verbose_name = _("réponse à une enquête")
        verbose_name_plural = _("réponses aux enquêtes")
        ordering = ["-submitted_at"]


class SurveyAnswer(models.Model):
    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(SurveyQuestion, on_delete=models.CASCADE, related_name="answers")
    choice = models.CharField(max_length=120, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["response", "question"], name="surveyanswer_once")]

    def __str__(self) -> str:
        return self.choice or self.text[:60] or ("" if self.score is None else str(self.score))


class ImprovementAction(BaseModel):
    """What the company will change after a survey, shared with the customers who answered."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("détail"), blank=True)
    criterion = models.CharField(_("critère concerné"), max_length=80, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("responsable"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    due_on = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.PLANNED
    )
    shared_at = models.DateTimeField(_("partagée avec les clients le"), null=True, blank=True)

    class Meta:
        verbose_name = _("action d'amélioration")
        verbose_name_plural = _("actions d'amélioration")
        ordering = ["status", "due_on"]

    def __str__(self) -> str:
        return self.title
