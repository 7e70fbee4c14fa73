from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import ApiToken, Team, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "service", "team", "is_active")
    list_filter = ("role", "service", "team", "is_active")
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Rôle et équipe"), {"fields": ("role", "service", "team", "paired_field_rep", "phone")}),
        (_("Préférences"), {"fields": ("language", "time_zone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Rôle et équipe"), {"fields": ("role", "service", "team", "paired_field_rep")}),
    )


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "supervisor")
    search_fields = ("name",)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_at",)
    readonly_fields = ("key_prefix", "last_used_at")
    exclude = ("key_hash",)

    def has_add_permission(self, request) -> bool:
        # Keys are created by their owner on "Mon compte", where the raw key is shown once.
        return False
