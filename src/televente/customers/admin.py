from django.contrib import admin

from .models import Company, GdprLog, Segment, Zone


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "call_minutes", "is_active")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Zone)
class ZoneAdmin(admin.ModelAdmin):
    list_display = ("name", "code")
    prepopulated_fields = {"code": ("name",)}


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ("legal_name", "trade_name", "status", "city", "rep")
    list_filter = ("status", "segment", "zone")
    search_fields = ("legal_name", "trade_name", "siret", "city")
    raw_id_fields = ("rep", "field_rep", "team")
    readonly_fields = ("search_text",)


@admin.register(GdprLog)
class GdprLogAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "subject", "by")
    list_filter = ("action",)

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
