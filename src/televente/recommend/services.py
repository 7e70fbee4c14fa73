"""Writes of the recommend app: asking for a training now (the training itself is `training.train`)."""

from __future__ import annotations

import datetime as dt
from functools import partial

from django.db import transaction
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult

from televente.core.errors import DomainError, PermissionRefused

from . import permissions
from .choices import RunStatus, RunTrigger
from .models import ModelRun

RECENT = dt.timedelta(minutes=10)  # a run older than this that still says "running" has died
TASK_PATH = "televente.recommend.tasks.train_models"


def _enqueue(requested_by_id: int) -> None:
    from .tasks import train_models

    train_models.enqueue(RunTrigger.ON_DEMAND, requested_by_id)


def training_request(*, by) -> None:
    """Queues a training now, unless one is already waiting or started less than 10 minutes ago."""
    if not permissions.can_manage(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur peuvent relancer le calcul."))
    with transaction.atomic():
        running = ModelRun.objects.filter(
            status=RunStatus.RUNNING, started_at__gte=timezone.now() - RECENT
        ).exists()
        if running:
            raise DomainError(
                _(
                    "Un calcul est déjà en cours (lancé il y a moins de 10 minutes) : attendez qu'il se termine."
                )
            )
        waiting = DBTaskResult.objects.filter(
            task_path=TASK_PATH, status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]
        ).exists()
        if waiting:
            raise DomainError(_("Un calcul est déjà demandé : il commencera dans un instant."))
        transaction.on_commit(partial(_enqueue, by.pk))
