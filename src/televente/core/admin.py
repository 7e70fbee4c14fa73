"""« Tâches planifiées »: the periodic jobs of `core.scheduler`, for administrators only. Rows are
created by the scheduler; here one reads their outcome, turns them on or off, or runs one now."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from . import scheduler
from .models import ScheduledJob


def _is_admin(user) -> bool:
    # core imports no app of ours: the role is read by its value (accounts.choices.Role.ADMIN).
    return bool(
        getattr(user, "is_active", False)
        and getattr(user, "is_staff", False)
        and (user.is_superuser or getattr(user, "role", None) == "admin")
    )


def _schedule(job: scheduler.Job) -> str:
    if job.daily_at is not None:
        return gettext("chaque jour à %(time)s") % {"time": job.daily_at.strftime("%H:%M")}
    seconds = int(job.every.total_seconds())
    if seconds % 86400 == 0:
        return gettext("tous les %(n)s j") % {"n": seconds // 86400}
    if seconds % 3600 == 0:
        return gettext("toutes les %(n)s h") % {"n": seconds // 3600}
    if seconds % 60 == 0:
        return gettext("toutes les %(n)s min") % {"n": seconds // 60}
    return gettext("toutes les %(n)s s") % {"n": seconds}


@admin.register(ScheduledJob)
class ScheduledJobAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "description",
        "schedule",
        "enabled",
        "last_status",
        "next_run_at",
        "last_finished_at",
        "consecutive_failures",
        "error_excerpt",
    )
    list_display_links = ("name",)
    list_editable = ("enabled",)
    list_filter = ("enabled", "last_status")
    search_fields = ("name",)
    actions = ("run_now", "enable", "disable")
    fields = (
        "name",
        "enabled",
        "next_run_at",
        "locked_until",
        "locked_by",
        "last_started_at",
        "last_finished_at",
        "last_status",
        "run_count",
        "consecutive_failures",
        "last_result",
        "last_error",
    )
    readonly_fields = tuple(f for f in fields if f != "enabled")

    # Administrators only ------------------------------------------------------------------------------------------

    def has_module_permission(self, request) -> bool:
        return _is_admin(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_admin(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_admin(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        # A job no longer registered leaves its row behind; a registered one comes back at the next start.
        return _is_admin(request.user)

    def has_add_permission(self, request) -> bool:
        return False  # rows come from the registered jobs (scheduler.sync_jobs)

    # Columns ------------------------------------------------------------------------------------------------------

    @admin.display(description=_("description"))
    def description(self, obj: ScheduledJob) -> str:
        job = scheduler.get_job(obj.name)
        return str(job.description) if job else gettext("(plus enregistrée)")

    @admin.display(description=_("fréquence"))
    def schedule(self, obj: ScheduledJob) -> str:
        job = scheduler.get_job(obj.name)
        return _schedule(job) if job else ""

    @admin.display(description=_("dernière erreur"))
    def error_excerpt(self, obj: ScheduledJob) -> str:
        first_line = obj.last_error.split("\n", 1)[0] if obj.last_error else ""
        return Truncator(first_line).chars(100)

    # Actions ------------------------------------------------------------------------------------------------------

    @admin.action(description=_("Exécuter maintenant"))
    def run_now(self, request, queryset) -> None:
        worker_id = f"{scheduler.worker_name()}:admin:{request.user.pk}"
        for row in queryset:
            if scheduler.get_job(row.name) is None:
                self.message_user(
                    request,
                    gettext("La tâche %(name)s n'est plus enregistrée.") % {"name": row.name},
                    messages.WARNING,
                )
                continue
            run = scheduler.run_job_now(row.name, worker_id=worker_id)
            if run is None:
                self.message_user(
                    request,
                    gettext("La tâche %(name)s est déjà en cours ailleurs.") % {"name": row.name},
                    messages.WARNING,
                )
            elif run.ok:
                self.message_user(
                    request,
                    gettext("La tâche %(name)s a réussi en %(seconds)s s.")
                    % {"name": row.name, "seconds": f"{run.seconds:.1f}".replace(".", ",")},
                    messages.SUCCESS,
                )
            else:
                self.message_user(
                    request,
                    gettext("La tâche %(name)s a échoué : %(error)s")
                    % {"name": row.name, "error": Truncator(run.error.split("\n", 1)[0]).chars(200)},
                    messages.ERROR,
                )

    @admin.action(description=_("Activer"))
    def enable(self, request, queryset) -> None:
        count = queryset.update(enabled=True)
        self.message_user(
            request,
            ngettext("%(count)s tâche activée.", "%(count)s tâches activées.", count) % {"count": count},
        )

    @admin.action(description=_("Désactiver"))
    def disable(self, request, queryset) -> None:
        count = queryset.update(enabled=False)
        self.message_user(
            request,
            ngettext("%(count)s tâche désactivée.", "%(count)s tâches désactivées.", count)
            % {"count": count},
        )
