"""Reference and diagnostic views for the administrator. The field reps' visiting hours are set here;
plans, calls and telephony events are read here (they change through the screens and services)."""

from django.contrib import admin

from .models import Appointment, CallPlan, FieldAgenda, PhoneCall, PlanSettings, RepAbsence, TelephonyEvent


@admin.register(FieldAgenda)
class FieldAgendaAdmin(admin.ModelAdmin):
    list_display = ("user", "day_start", "day_end", "visit_minutes", "travel_minutes")
    raw_id_fields = ("user",)


@admin.register(PlanSettings)
class PlanSettingsAdmin(admin.ModelAdmin):
    list_display = ("team", "day_start", "day_end", "slot_minutes", "max_attempts")


@admin.register(RepAbsence)
class RepAbsenceAdmin(admin.ModelAdmin):
    list_display = ("user", "date", "start", "end", "reason")
    list_filter = ("date",)
    raw_id_fields = ("user",)


@admin.register(CallPlan)
class CallPlanAdmin(admin.ModelAdmin):
    list_display = ("team", "date", "status", "generated_at", "published_at")
    list_filter = ("status", "team")
    readonly_fields = [f.name for f in CallPlan._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    list_display = ("start", "company", "field_rep", "booked_by", "status")
    list_filter = ("status",)
    raw_id_fields = ("company", "contact", "field_rep", "booked_by", "task")
    readonly_fields = ("uid", "sequence")


@admin.register(PhoneCall)
class PhoneCallAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "external_id",
        "direction",
        "from_number",
        "to_number",
        "user",
        "company",
        "state",
    )
    list_filter = ("direction", "state")
    search_fields = ("external_id", "from_number", "to_number")
    readonly_fields = [f.name for f in PhoneCall._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(TelephonyEvent)
class TelephonyEventAdmin(admin.ModelAdmin):
    list_display = ("received_at", "event_id", "kind", "call")
    readonly_fields = [f.name for f in TelephonyEvent._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
