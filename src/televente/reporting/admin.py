from django.contrib import admin

from .models import CorrectiveAction, Objective, RepDay, SelfAssessment


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("team", "rep", "period_kind", "period_start", "metric", "target", "set_by")
    list_filter = ("team", "period_kind", "metric")
    date_hierarchy = "period_start"
    raw_id_fields = ("rep", "set_by")


@admin.register(CorrectiveAction)
class CorrectiveActionAdmin(admin.ModelAdmin):
    list_display = ("team", "rep", "metric", "cause", "owner", "due_on", "status")
    list_filter = ("team", "status", "cause")
    raw_id_fields = ("rep", "owner", "created_by")


@admin.register(SelfAssessment)
class SelfAssessmentAdmin(admin.ModelAdmin):
    list_display = ("rep", "period_kind", "period_start", "updated_at")
    raw_id_fields = ("rep",)


@admin.register(RepDay)
class RepDayAdmin(admin.ModelAdmin):
    """Computed rows (reporting.stats): readable here to check a figure, never edited by hand."""

    list_display = ("date", "rep", "team", "calls_made", "calls_reached", "orders", "revenue", "computed_at")
    list_filter = ("team",)
    date_hierarchy = "date"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
