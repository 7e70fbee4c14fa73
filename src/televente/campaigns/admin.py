from django.contrib import admin

from .models import Campaign, CampaignTarget, TargetCall


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "goal", "status", "team", "channel", "starts_on", "ends_on")
    list_filter = ("status", "goal", "channel", "team")
    search_fields = ("name",)
    raw_id_fields = ("created_by", "launched_by", "script", "promotion", "survey")
    filter_horizontal = ("documents",)


@admin.register(CampaignTarget)
class CampaignTargetAdmin(admin.ModelAdmin):
    list_display = ("campaign", "company", "status", "attempts", "rep", "reached_at")
    list_filter = ("status", "campaign")
    raw_id_fields = ("campaign", "company", "contact", "rep", "last_task", "message")


@admin.register(TargetCall)
class TargetCallAdmin(admin.ModelAdmin):
    list_display = ("target", "outcome", "rep", "called_at")
    raw_id_fields = ("target", "task", "rep")
