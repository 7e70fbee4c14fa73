"""Collection reference data for the administrator: the dunning ladders per segment. Invoices,
promises and plans are shown read-only (the ERP and the collection call write them)."""

from django.contrib import admin

from .models import DunningLadder, DunningStep, Instalment, Invoice, PaymentPlan, PaymentPromise


class DunningStepInline(admin.TabularInline):
    model = DunningStep
    extra = 1
    ordering = ("level",)


@admin.register(DunningLadder)
class DunningLadderAdmin(admin.ModelAdmin):
    list_display = ("name", "segment", "is_active")
    inlines = [DunningStepInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Invoice)
class InvoiceAdmin(ReadOnlyAdmin):
    list_display = ("number", "company", "issued_on", "due_on", "amount", "paid_amount", "status", "disputed")
    list_filter = ("status", "kind", "disputed")
    search_fields = ("number", "company__legal_name", "company__trade_name")
    raw_id_fields = ("company", "order")


@admin.register(PaymentPromise)
class PaymentPromiseAdmin(ReadOnlyAdmin):
    list_display = ("company", "amount", "promised_on", "status", "recorded_by")
    list_filter = ("status",)
    raw_id_fields = ("company",)


class InstalmentInline(admin.TabularInline):
    model = Instalment
    extra = 0
    can_delete = False
    readonly_fields = ("position", "due_on", "amount", "status", "missed_at")


@admin.register(PaymentPlan)
class PaymentPlanAdmin(ReadOnlyAdmin):
    list_display = ("number", "company", "total", "status", "created_at", "created_by")
    list_filter = ("status",)
    raw_id_fields = ("company",)
    inlines = [InstalmentInline]
