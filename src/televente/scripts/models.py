"""Call scripts and interview guides with branches, where each call stopped, and the objection library."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import AnswerType, ObjectionFamily, SavesTo, StepKind


class Script(BaseModel):
    """An interview guide: shown in the cockpit for the call reasons it lists (or by a campaign)."""

    name = models.CharField(_("nom"), max_length=120)
    description = models.CharField(_("objectif de l'appel"), max_length=300, blank=True)
    reasons = models.JSONField(_("motifs d'appel"), default=list, blank=True)  # CallReason values
    is_active = models.BooleanField(_("actif"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("script d'appel")
        verbose_name_plural = _("scripts d'appel")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def reason_labels(self) -> list[str]:
        from televente.calls.choices import CallReason

        return [str(CallReason(r).label) for r in self.reasons or [] if r in CallReason.values]


class ScriptStep(BaseModel):
    script = models.ForeignKey(Script, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("ordre"))
    kind = models.CharField(_("étape"), max_length=20, choices=StepKind.choices)
    title = models.CharField(_("titre"), max_length=120)
    text = models.TextField(_("à dire"), blank=True)
    question = models.CharField(_("question"), max_length=300, blank=True)
    answer_type = models.CharField(
        _("réponse"), max_length=10, choices=AnswerType.choices, default=AnswerType.NONE
    )
    choices = models.JSONField(_("réponses proposées"), default=list, blank=True)
    saves_to = models.CharField(
        _("enregistrée dans la fiche"), max_length=20, choices=SavesTo.choices, blank=True, default=""
    )
    next_step = models.ForeignKey(
        "self",
        verbose_name=_("étape suivante"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )  # empty: the next by position

    class Meta:
        verbose_name = _("étape de script")
        verbose_name_plural = _("étapes de script")
        ordering = ["script", "position"]
        constraints = [
            models.UniqueConstraint(fields=["script", "position"], name="scriptstep_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class ScriptBranch(BaseModel):
    """An answer that leads elsewhere than the next step ("Non" -> objections)."""

    step = models.ForeignKey(ScriptStep, on_delete=models.CASCADE, related_name="branches")
    answer = models.CharField(_("si la réponse est"), max_length=120)
    goes_to = models.ForeignKey(
        ScriptStep, verbose_name=_("aller à"), on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        verbose_name = _("embranchement")
        verbose_name_plural = _("embranchements")
        constraints = [models.UniqueConstraint(fields=["step", "answer"], name="scriptbranch_answer_unique")]


class ScriptRun(BaseModel):
    """A script followed during one call: the answers and where the call stopped."""

    script = models.ForeignKey(Script, on_delete=models.PROTECT, related_name="runs")
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="script_runs")
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    current_step = models.ForeignKey(
        ScriptStep, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = models.JSONField(default=dict, blank=True)  # {step id: answer}
    finished_at = models.DateTimeField(_("terminé le"), null=True, blank=True)
    # The steps visited in order (step ids): "previous step" goes back along the branches taken.
    path = models.JSONField(default=list, blank=True)
    # Stamped from the "call.completed" event: how the call ended, kept beside where it stopped.
    outcome = models.CharField(_("issue de l'appel"), max_length=20, blank=True)
    completed_at = models.DateTimeField(_("appel terminé le"), null=True, blank=True)
    # The one timeline entry summarising the answers (written at the end of the run or of the call).
    summarised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("déroulé de script")
        verbose_name_plural = _("déroulés de script")
        constraints = [
            models.UniqueConstraint(
                fields=["script", "task"],
                condition=models.Q(task__isnull=False),
                name="scriptrun_one_per_call",
            )
        ]


class Objection(BaseModel):
    """What customers say to push back ("c'est trop cher"), with answers that work (seed 001 A1.6)."""

    text = models.CharField(_("objection"), max_length=200)
    family = models.CharField(_("famille"), max_length=12, choices=ObjectionFamily.choices)
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    search_text = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["family", "text"]

    def __str__(self) -> str:
        return self.text


class ObjectionAnswer(BaseModel):
    objection = models.ForeignKey(Objection, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("réponse suggérée"))
    position = models.PositiveSmallIntegerField(_("ordre"), default=1)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("réponse à une objection")
        verbose_name_plural = _("réponses aux objections")
        ordering = ["objection", "position"]

    def __str__(self) -> str:
        return self.text[:60]


class ObjectionUse(models.Model):
    """An answer used during a call; with the call's outcome it tells which answers lead to orders."""

    answer = models.ForeignKey(ObjectionAnswer, on_delete=models.CASCADE, related_name="uses")
    company = models.ForeignKey("customers.Company", on_delete=models.CASCADE, related_name="+")
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rep = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    used_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("réponse utilisée")
        verbose_name_plural = _("réponses utilisées")

    def __str__(self) -> str:
        return f"{self.answer_id} ({self.used_at:%Y-%m-%d})"
