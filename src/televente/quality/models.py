"""Quality and coaching: evaluation grids (data, versioned), evaluations of real calls or of
coaching sessions, calibration between supervisors, training actions, and the certification blocks
of the CQP (seed 002, RNCP 32391) with their evidence and 5-year validity.

A grid is a stable identity (`Grid`) with numbered versions (`GridVersion`); only a draft version
can be edited, and an evaluation points to the version it was made with, so changing a grid never
changes past scores. Sections of a grid are competencies (`Competency`, shared by grids, so a rep's
profile follows a competency across grids and versions); items are the indicators.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import (
    Answer,
    AnswerType,
    CertificationStatus,
    EvaluationKind,
    EvaluationSituation,
    EvaluationStatus,
    EvidenceKind,
    SessionKind,
    TrainingStatus,
    VersionStatus,
)
from .permissions import is_admin


class CertificationBlock(BaseModel):
    """A competency block of the CQP « Vendeur conseil à distance en commerces de gros » (seed 002)."""

    certification = models.CharField(_("certification"), max_length=120, default="RNCP 32391")
    number = models.PositiveSmallIntegerField(_("numéro"))
    title = models.CharField(_("intitulé"), max_length=250)
    description = models.TextField(_("descriptif"), blank=True)
    evaluation_methods = models.TextField(_("modalités d'évaluation"), blank=True)
    validity_years = models.PositiveSmallIntegerField(_("validité (années)"), default=5)

    class Meta:
        verbose_name = _("bloc de compétences")
        verbose_name_plural = _("blocs de compétences")
        ordering = ["certification", "number"]
        constraints = [
            models.UniqueConstraint(fields=["certification", "number"], name="quality_block_unique_number")
        ]

    def __str__(self) -> str:
        return _("Bloc %(number)s – %(title)s") % {"number": self.number, "title": self.title}


class Competency(BaseModel):
    """A competency of a framework (seed 000 « Compétence 1 », seed 004 « C 1.1 »...)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    framework = models.CharField(_("référentiel"), max_length=160)
    title = models.CharField(_("intitulé"), max_length=300)
    abilities = models.TextField(_("savoir-faire"), blank=True)  # one per line, as in the seed
    block = models.ForeignKey(
        CertificationBlock,
        verbose_name=_("bloc de compétences"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="competencies",
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("compétence")
        verbose_name_plural = _("compétences")
        ordering = ["framework", "position", "code"]

    def __str__(self) -> str:
        return self.title


class GridQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Grid(BaseModel):
    """An evaluation grid. Shipped grids (transcribed from the seeds) are read-only: a supervisor
    copies one to adapt it."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_shipped = models.BooleanField(_("fournie avec le logiciel"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("copiée de"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grille d'évaluation")
        verbose_name_plural = _("grilles d'évaluation")
        ordering = ["-is_shipped", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def current_version(self) -> GridVersion | None:
        return self.versions.filter(status=VersionStatus.PUBLISHED).order_by("-number").first()


class GridVersion(BaseModel):
    grid = models.ForeignKey(Grid, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("état"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    # A result under this share of the weighted points (applicable items only) is "à améliorer".
    pass_mark = models.PositiveSmallIntegerField(_("seuil de réussite (%)"), default=80)
    change_note = models.CharField(_("ce qui a changé"), max_length=300, blank=True)
    published_at = models.DateTimeField(_("mise en service le"), null=True, blank=True)

    class Meta:
        verbose_name = _("version de grille")
        verbose_name_plural = _("versions de grille")
        ordering = ["grid", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["grid", "number"], name="quality_version_unique_number"),
            models.UniqueConstraint(
                fields=["grid"], condition=Q(status="published"), name="quality_one_published_version"
            ),
        ]

    def __str__(self) -> str:
        return _("%(grid)s (v%(number)s)") % {"grid": self.grid.name, "number": self.number}


class GridSection(BaseModel):
    """A competency evaluated by the grid, with its indicators."""

    version = models.ForeignKey(GridVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(default=0)
    competency = models.ForeignKey(
        Competency, verbose_name=_("compétence"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="sections",
    )  # fmt: skip
    title = models.CharField(_("intitulé"), max_length=300)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("section de grille")
        verbose_name_plural = _("sections de grille")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class GridItem(BaseModel):
    """An indicator (« indicateur d'évaluation »)."""

    section = models.ForeignKey(GridSection, on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(default=0)
    text = models.TextField(_("indicateur"))
    guidance = models.TextField(_("aide à l'évaluation"), blank=True)
    weight = models.PositiveSmallIntegerField(_("poids"), default=1)
    answer_type = models.CharField(
        _("type de réponse"), max_length=10, choices=AnswerType.choices, default=AnswerType.YES_NO_NA
    )
    critical = models.BooleanField(_("critique"), default=False)  # a "Non" fails the whole evaluation

    class Meta:
        verbose_name = _("indicateur")
        verbose_name_plural = _("indicateurs")
        ordering = ["section", "position", "id"]

    def __str__(self) -> str:
        return self.text[:80]


class RepRowsQuerySet(models.QuerySet):
    """Rows about one rep (`rep`): the rep sees theirs, a supervisor those of the reps of the teams
    they lead and those they wrote (`author_field`), the admin all."""

    author_field = ""

    def visible_to(self, user):
        from televente.accounts.choices import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self
        if user.role == Role.SUPERVISOR:
            mine = Q(rep__team__supervisor=user)
            return self.filter(mine | Q(**{self.author_field: user}) if self.author_field else mine)
        return self.filter(rep=user)


class CoachingSessionQuerySet(RepRowsQuerySet):
    author_field = "evaluator"


class CoachingSession(BaseModel):
    """A live double-listening, a role-play or a certification « mise en situation » (seed 002: at
    least three sales calls over one hour of customer time), grouping the evaluations made in it."""

    kind = models.CharField(_("type"), max_length=14, choices=SessionKind.choices)
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("télévendeur"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("évaluateur"), on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField(_("date"))
    customer_minutes = models.PositiveSmallIntegerField(_("temps client (min)"), default=0)
    block = models.ForeignKey(
        CertificationBlock, verbose_name=_("bloc visé"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    scenario = models.TextField(_("scénario"), blank=True)  # role-play: the customer's situation
    notes = models.TextField(_("notes"), blank=True)

    objects = CoachingSessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance d'évaluation")
        verbose_name_plural = _("séances d'évaluation")
        ordering = ["-held_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.held_on:%d/%m/%Y}"


class Calibration(BaseModel):
    """Several supervisors score the same call with the same grid version; the screen shows where
    they disagree. Any supervisor may take part (that is the point); the rep never sees it."""

    interaction = models.ForeignKey("customers.Interaction", on_delete=models.CASCADE, related_name="+")
    grid_version = models.ForeignKey(GridVersion, on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("consigne"), max_length=300, blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)

    class Meta:
        verbose_name = _("calibrage")
        verbose_name_plural = _("calibrages")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return _("Calibrage du %(date)s") % {"date": f"{self.created_at:%d/%m/%Y}"}


class EvaluationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admin: all. Supervisor: their teams' reps, what they evaluated, and calibrations (any
        supervisor takes part). Rep: their own shared evaluations and their self-assessments."""
        from televente.accounts.choices import Role

        if not getattr(user, "is_authenticated", False):
            return self.none()
        if is_admin(user):
            return self
        if user.role == Role.SUPERVISOR:
            return self.filter(
                Q(rep__team__supervisor=user) | Q(evaluator=user) | Q(kind=EvaluationKind.CALIBRATION)
            )
        return self.filter(rep=user).filter(
            Q(kind=EvaluationKind.SELF)
            | Q(
                kind=EvaluationKind.SUPERVISOR,
                status__in=[EvaluationStatus.SHARED, EvaluationStatus.ACKNOWLEDGED],
            )
        )

    def official(self):
        """What counts in a rep's profile: the supervisors' evaluations shared with the rep."""
        return self.filter(
            kind=EvaluationKind.SUPERVISOR,
            status__in=[EvaluationStatus.SHARED, EvaluationStatus.ACKNOWLEDGED],
        )


class Evaluation(BaseModel):
    grid_version = models.ForeignKey(
        GridVersion, verbose_name=_("grille"), on_delete=models.PROTECT, related_name="evaluations"
    )
    kind = models.CharField(
        _("type"), max_length=12, choices=EvaluationKind.choices, default=EvaluationKind.SUPERVISOR
    )
    situation = models.CharField(
        _("situation"),
        max_length=14,
        choices=EvaluationSituation.choices,
        default=EvaluationSituation.RECORDED,
    )
    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("télévendeur"), on_delete=models.PROTECT, related_name="+"
    )
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("évaluateur"), on_delete=models.PROTECT, related_name="+"
    )
    # The call evaluated (a timeline entry: notes, outcome, recording through calls.PhoneCall).
    interaction = models.ForeignKey(
        "customers.Interaction", verbose_name=_("appel"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    session = models.ForeignKey(
        CoachingSession, verbose_name=_("séance"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="evaluations",
    )  # fmt: skip
    calibration = models.ForeignKey(
        Calibration, on_delete=models.CASCADE, null=True, blank=True, related_name="evaluations"
    )
    status = models.CharField(
        _("état"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    evaluated_on = models.DateField(_("date"), default=timezone.localdate)
    # Computed by the service when answers are saved (weighted share of "Oui" among applicable items).
    score = models.DecimalField(_("score (%)"), max_digits=5, decimal_places=1, null=True, blank=True)
    critical_failed = models.BooleanField(_("item critique non satisfait"), default=False)
    passed = models.BooleanField(_("satisfaisant"), null=True, blank=True)
    overall_comment = models.TextField(_("commentaire général"), blank=True)
    agreed_actions = models.TextField(_("actions convenues"), blank=True)
    shared_at = models.DateTimeField(_("transmise le"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("prise en compte le"), null=True, blank=True)
    rep_comment = models.TextField(_("commentaire du télévendeur"), blank=True)

    objects = EvaluationQuerySet.as_manager()

    class Meta:
        verbose_name = _("évaluation")
        verbose_name_plural = _("évaluations")
        ordering = ["-evaluated_on", "-id"]
        indexes = [
            models.Index(fields=["rep", "kind", "evaluated_on"], name="quality_eval_rep_kind_date"),
            models.Index(fields=["interaction"], name="quality_eval_interaction"),
        ]
        constraints = [
            # One official evaluation per call and grid version; calibrations add their own.
            models.UniqueConstraint(
                fields=["interaction", "grid_version", "evaluator", "kind"],
                condition=Q(interaction__isnull=False),
                name="quality_eval_one_per_call_and_evaluator",
            ),
        ]

    def __str__(self) -> str:
        return _("Évaluation du %(date)s") % {"date": f"{self.evaluated_on:%d/%m/%Y}"}


class EvaluationAnswer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(GridItem, on_delete=models.PROTECT, related_name="answers")
    value = models.CharField(_("réponse"), max_length=3, choices=Answer.choices, blank=True)
    comment = models.CharField(_("commentaire"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("réponse")
        verbose_name_plural = _("réponses")
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "item"], name="quality_answer_one_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.value}"


class TrainingActionQuerySet(RepRowsQuerySet):
    author_field = "created_by"


class TrainingAction(BaseModel):
    """A training or coaching action for a rep on a competency, planned then done."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("télévendeur"), on_delete=models.CASCADE, related_name="+"
    )
    competency = models.ForeignKey(
        Competency, verbose_name=_("compétence"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("décidée lors de"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="training_actions",
    )  # fmt: skip
    title = models.CharField(_("action"), max_length=200)
    description = models.TextField(_("détail"), blank=True)
    planned_on = models.DateField(_("prévue le"))
    status = models.CharField(
        _("état"), max_length=10, choices=TrainingStatus.choices, default=TrainingStatus.PLANNED
    )
    done_on = models.DateField(_("réalisée le"), null=True, blank=True)
    result = models.TextField(_("bilan"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = TrainingActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action de formation")
        verbose_name_plural = _("actions de formation")
        ordering = ["status", "planned_on", "id"]

    def __str__(self) -> str:
        return self.title


class CertificationRecordQuerySet(RepRowsQuerySet):
    pass


class CertificationRecord(BaseModel):
    """Where a rep stands on one block: in preparation, validated (by the joint jury) with its
    expiry five years later, or not validated. One row per rep and block; a renewal updates it (the
    audit log keeps the former dates)."""

    rep = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("télévendeur"), on_delete=models.CASCADE, related_name="+"
    )
    block = models.ForeignKey(
        CertificationBlock, verbose_name=_("bloc"), on_delete=models.PROTECT, related_name="records"
    )
    status = models.CharField(
        _("état"), max_length=14, choices=CertificationStatus.choices, default=CertificationStatus.IN_PROGRESS
    )
    validated_on = models.DateField(_("validé le"), null=True, blank=True)
    expires_on = models.DateField(_("expire le"), null=True, blank=True)
    jury = models.CharField(_("jury / organisme"), max_length=200, blank=True)
    certificate_number = models.CharField(_("n° de certificat"), max_length=60, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    reminded_at = models.DateTimeField(_("rappel d'échéance envoyé le"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = CertificationRecordQuerySet.as_manager()

    class Meta:
        verbose_name = _("bloc de certification d'un télévendeur")
        verbose_name_plural = _("certification des télévendeurs")
        ordering = ["rep", "block__number"]
        constraints = [
            models.UniqueConstraint(fields=["rep", "block"], name="quality_record_one_per_rep_block"),
            models.CheckConstraint(
                condition=~Q(status="validated")
                | (Q(validated_on__isnull=False) & Q(expires_on__isnull=False)),
                name="quality_record_validated_has_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rep} – {self.block}"


class CertificationEvidence(BaseModel):
    """A piece of evidence for a block (seed 002: professional file, sales-call situations,
    evaluation interviews), optionally one of our evaluations or sessions."""

    record = models.ForeignKey(CertificationRecord, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("type de preuve"), max_length=20, choices=EvidenceKind.choices)
    dated = models.DateField(_("date"))
    title = models.CharField(_("intitulé"), max_length=200)
    notes = models.TextField(_("notes"), blank=True)
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("évaluation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    session = models.ForeignKey(
        CoachingSession, verbose_name=_("séance"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("preuve")
        verbose_name_plural = _("preuves")
        ordering = ["record", "dated", "id"]

    def __str__(self) -> str:
        return self.title
