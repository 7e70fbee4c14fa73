from django.contrib import admin

from .models import Objection, ObjectionAnswer, ObjectionUse, Script, ScriptBranch, ScriptRun, ScriptStep


class StepInline(admin.TabularInline):
    model = ScriptStep
    extra = 0
    fk_name = "script"
    fields = ["position", "kind", "title", "answer_type", "saves_to"]


@admin.register(Script)
class ScriptAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name"]
    inlines = [StepInline]


@admin.register(ScriptBranch)
class ScriptBranchAdmin(admin.ModelAdmin):
    list_display = ["step", "answer", "goes_to"]


@admin.register(ScriptRun)
class ScriptRunAdmin(admin.ModelAdmin):
    list_display = ["script", "company", "rep", "current_step", "finished_at", "outcome"]
    list_filter = ["script"]
    raw_id_fields = ["company", "task", "rep", "current_step"]


class AnswerInline(admin.TabularInline):
    model = ObjectionAnswer
    extra = 0


@admin.register(Objection)
class ObjectionAdmin(admin.ModelAdmin):
    list_display = ["text", "family", "is_active"]
    list_filter = ["family", "is_active"]
    search_fields = ["search_text"]
    inlines = [AnswerInline]

    def save_model(self, request, obj, form, change):
        from .services import objection_search_text

        obj.search_text = objection_search_text(obj)  # the search reads this column only
        super().save_model(request, obj, form, change)


@admin.register(ObjectionUse)
class ObjectionUseAdmin(admin.ModelAdmin):
    list_display = ["answer", "company", "rep", "used_at"]
    raw_id_fields = ["answer", "company", "task", "rep"]
