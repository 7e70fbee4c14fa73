"""Shared model bases."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every business record knows when it was created and last changed."""

    created_at = models.DateTimeField(_("créé le"), auto_now_add=True, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True, editable=False)

    class Meta:
        abstract = True


class JobStatus(models.TextChoices):
    OK = "ok", _("Réussie")
    FAILED = "failed", _("En échec")
    RUNNING = "running", _("En cours")


class ScheduledJob(models.Model):
    """The state of one periodic job of `core.scheduler`: when it runs next, who holds it, how its
    last run went. One row per registered job, created by `scheduler.sync_jobs()`."""

    name = models.CharField(_("nom"), max_length=100, unique=True)
    enabled = models.BooleanField(_("active"), default=True)
    next_run_at = models.DateTimeField(_("prochaine exécution"), db_index=True)
    locked_until = models.DateTimeField(_("verrouillée jusqu'à"), null=True, blank=True)
    locked_by = models.CharField(_("verrouillée par"), max_length=200, blank=True)
    last_started_at = models.DateTimeField(_("dernier démarrage"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("dernière fin"), null=True, blank=True)
    last_status = models.CharField(_("dernier état"), max_length=10, choices=JobStatus.choices, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    last_result = models.TextField(_("dernier résultat"), blank=True)
    run_count = models.PositiveIntegerField(_("exécutions"), default=0)
    consecutive_failures = models.PositiveIntegerField(_("échecs consécutifs"), default=0)

    class Meta:
        verbose_name = _("tâche planifiée")
        verbose_name_plural = _("tâches planifiées")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
