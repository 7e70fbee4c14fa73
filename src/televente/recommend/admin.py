from django.contrib import admin

from .models import ModelRun


@admin.register(ModelRun)
class ModelRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "trigger", "status", "requested_by", "seconds", "lines", "basket_rows")
    list_filter = ("status", "trigger")
    readonly_fields = [f.name for f in ModelRun._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
