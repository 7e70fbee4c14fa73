"""The outbox read-only in the admin (the « Messages » screens are where people work with it)."""

from django.contrib import admin

from .models import Message


@admin.register(Message)
class MessageAdmin(admin.ModelAdmin):
    list_display = ("created_at", "channel", "to_address", "subject", "status", "attempts", "sent_at")
    list_filter = ("status", "channel")
    search_fields = ("to_address", "subject", "idempotency_key")
    raw_id_fields = ("company", "contact", "interaction", "template", "created_by")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
