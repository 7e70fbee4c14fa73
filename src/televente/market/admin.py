from django.contrib import admin

from .models import Competitor, CompetitorObservation, ImprovementAction, Survey, SurveyQuestion


@admin.register(Competitor)
class CompetitorAdmin(admin.ModelAdmin):
    list_display = ("name", "created_at")
    search_fields = ("name",)


@admin.register(CompetitorObservation)
class CompetitorObservationAdmin(admin.ModelAdmin):
    list_display = (
        "observed_at",
        "competitor",
        "company",
        "product_label",
        "price",
        "price_unit",
        "satisfaction",
    )
    list_filter = ("competitor", "satisfaction")
    raw_id_fields = ("company", "product", "task", "recorded_by")


class QuestionInline(admin.TabularInline):
    model = SurveyQuestion
    extra = 0


@admin.register(Survey)
class SurveyAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "status", "created_at")
    list_filter = ("kind", "status")
    inlines = [QuestionInline]


@admin.register(ImprovementAction)
class ImprovementActionAdmin(admin.ModelAdmin):
    list_display = ("title", "survey", "status", "due_on", "shared_at")
