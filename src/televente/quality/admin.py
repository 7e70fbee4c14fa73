"""Django admin of quality and coaching, and the audit trail (django-auditlog) of its models.

Registration with auditlog lives here because this module is imported once at start-up by the admin's
autodiscovery, like the `ready()` of the other apps. Shipped grids, and any version that is in
service or retired, are read-only here too: evaluations point at them.
"""

from auditlog.registry import auditlog
from django.contrib import admin

from .choices import VersionStatus
from .models import (
    Calibration,
    CertificationBlock,
    CertificationEvidence,
    CertificationRecord,
    CoachingSession,
    Competency,
    Evaluation,
    EvaluationAnswer,
    Grid,
    GridItem,
    GridSection,
    GridVersion,
    TrainingAction,
)

for _model, _exclude in (
    (CertificationBlock, ["updated_at"]),
    (Competency, ["updated_at"]),
    (Grid, ["updated_at"]),
    (GridVersion, ["updated_at"]),
    (GridSection, ["updated_at"]),
    (GridItem, ["updated_at"]),
    (CoachingSession, ["updated_at"]),
    (Calibration, ["updated_at"]),
    (Evaluation, ["updated_at"]),
    (EvaluationAnswer, []),
    (TrainingAction, ["updated_at"]),
    (CertificationRecord, ["updated_at"]),
    (CertificationEvidence, ["updated_at"]),
):
    if not auditlog.contains(_model):
        auditlog.register(_model, exclude_fields=_exclude)


def _version_locked(version) -> bool:
    return version is not None and (version.grid.is_shipped or version.status != VersionStatus.DRAFT)


class _ReadOnlyWhenLocked(admin.ModelAdmin):
    """No change or deletion of what belongs to a shipped grid or to a version no longer in draft."""

    def _locked(self, obj) -> bool:  # pragma: no cover - overridden
        return False

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and not (obj is not None and self._locked(obj))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and not (obj is not None and self._locked(obj))


@admin.register(CertificationBlock)
class CertificationBlockAdmin(admin.ModelAdmin):
    list_display = ("number", "title", "certification", "validity_years")
    list_filter = ("certification",)


@admin.register(Competency)
class CompetencyAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "framework", "block")
    list_filter = ("framework", "block")
    search_fields = ("code", "title")


class GridVersionInline(admin.TabularInline):
    model = GridVersion
    fields = ("number", "status", "pass_mark", "change_note", "published_at")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Grid)
class GridAdmin(_ReadOnlyWhenLocked):
    list_display = ("name", "code", "is_shipped", "is_active", "copied_from")
    list_filter = ("is_shipped", "is_active")
    search_fields = ("name", "code")
    raw_id_fields = ("copied_from", "created_by")
    inlines = [GridVersionInline]

    def _locked(self, obj) -> bool:
        return obj.is_shipped


class GridSectionInline(admin.TabularInline):
    model = GridSection
    fields = ("position", "title", "competency")
    extra = 0
    show_change_link = True


class _NoAddOutsideTheScreens:
    """Versions, sections and items are created by the grid screens (which apply the rules): an
    item added here to a section of a version in service would change past evaluations' grid."""

    def has_add_permission(self, request):
        return False


@admin.register(GridVersion)
class GridVersionAdmin(_NoAddOutsideTheScreens, _ReadOnlyWhenLocked):
    list_display = ("grid", "number", "status", "pass_mark", "published_at")
    list_filter = ("status", "grid__is_shipped")
    search_fields = ("grid__name", "grid__code")
    readonly_fields = ("status", "published_at")
    raw_id_fields = ("grid",)
    inlines = [GridSectionInline]

    def _locked(self, obj) -> bool:
        return _version_locked(obj)


class GridItemInline(admin.TabularInline):
    model = GridItem
    fields = ("position", "text", "weight", "answer_type", "critical")
    extra = 0


@admin.register(GridSection)
class GridSectionAdmin(_NoAddOutsideTheScreens, _ReadOnlyWhenLocked):
    list_display = ("title", "version", "position", "competency")
    search_fields = ("title",)
    raw_id_fields = ("version", "competency")
    inlines = [GridItemInline]

    def _locked(self, obj) -> bool:
        return _version_locked(obj.version)


@admin.register(GridItem)
class GridItemAdmin(_NoAddOutsideTheScreens, _ReadOnlyWhenLocked):
    list_display = ("__str__", "section", "position", "weight", "answer_type", "critical")
    list_filter = ("critical", "answer_type")
    search_fields = ("text",)
    raw_id_fields = ("section",)

    def _locked(self, obj) -> bool:
        return _version_locked(obj.section.version)


@admin.register(CoachingSession)
class CoachingSessionAdmin(admin.ModelAdmin):
    list_display = ("kind", "rep", "evaluator", "held_on", "customer_minutes", "block")
    list_filter = ("kind",)
    raw_id_fields = ("rep", "evaluator", "block")


@admin.register(Calibration)
class CalibrationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "grid_version", "created_by", "closed_at")
    raw_id_fields = ("interaction", "grid_version", "created_by")


class EvaluationAnswerInline(admin.TabularInline):
    model = EvaluationAnswer
    fields = ("item", "value", "comment")
    raw_id_fields = ("item",)
    extra = 0


@admin.register(Evaluation)
class EvaluationAdmin(admin.ModelAdmin):
    list_display = (
        "evaluated_on",
        "rep",
        "evaluator",
        "kind",
        "status",
        "score",
        "critical_failed",
        "passed",
    )
    list_filter = ("kind", "status", "situation", "passed")
    raw_id_fields = ("grid_version", "rep", "evaluator", "interaction", "session", "calibration")
    readonly_fields = ("score", "critical_failed", "passed")
    inlines = [EvaluationAnswerInline]


@admin.register(TrainingAction)
class TrainingActionAdmin(admin.ModelAdmin):
    list_display = ("title", "rep", "competency", "status", "planned_on", "done_on")
    list_filter = ("status",)
    raw_id_fields = ("rep", "competency", "evaluation", "created_by")


class CertificationEvidenceInline(admin.TabularInline):
    model = CertificationEvidence
    fields = ("kind", "dated", "title", "evaluation", "session", "added_by")
    raw_id_fields = ("evaluation", "session", "added_by")
    extra = 0


@admin.register(CertificationRecord)
class CertificationRecordAdmin(admin.ModelAdmin):
    list_display = ("rep", "block", "status", "validated_on", "expires_on", "reminded_at")
    list_filter = ("status", "block")
    raw_id_fields = ("rep", "block", "updated_by")
    inlines = [CertificationEvidenceInline]


@admin.register(CertificationEvidence)
class CertificationEvidenceAdmin(admin.ModelAdmin):
    list_display = ("title", "record", "kind", "dated")
    list_filter = ("kind",)
    raw_id_fields = ("record", "evaluation", "session", "added_by")
