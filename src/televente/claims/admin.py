"""The company's claim rules, edited by the administrator: deadline per type, authority per role."""

from django.contrib import admin

from .models import AuthorityLimit, ClaimPolicy


@admin.register(ClaimPolicy)
class ClaimPolicyAdmin(admin.ModelAdmin):
    list_display = ("claim_type", "service", "deadline_days", "remind_days_before")
    list_editable = ("service", "deadline_days", "remind_days_before")


@admin.register(AuthorityLimit)
class AuthorityLimitAdmin(admin.ModelAdmin):
    list_display = ("role", "amount")
    list_editable = ("amount",)
