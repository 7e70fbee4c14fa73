"""Background work: the training of the recommendation models (nightly and on demand)."""

from __future__ import annotations

from django.tasks import task

from .choices import RunTrigger


@task
def train_models(trigger: str = RunTrigger.NIGHTLY, requested_by_id: int | None = None) -> int:
    """Rebuilds the score tables; returns the run's id (the run records the outcome)."""
    from televente.accounts.models import User

    from . import training

    by = User.objects.filter(pk=requested_by_id).first() if requested_by_id else None
    return training.train(trigger=trigger, by=by).pk
