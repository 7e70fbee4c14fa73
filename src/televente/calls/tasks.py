"""Background work of the call plans."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@task
def generate_plan(
    *, plan_id: int, by_id: int | None, rest_of_day: bool = False, keep_published: bool = False
) -> dict:
    """Generates a team's plan, reporting progress on the plan row the supervisor's screen polls."""
    from televente.accounts.models import User

    from .choices import PlanStatus
    from .models import CallPlan
    from .services import plan_build

    plan = CallPlan.objects.select_related("team").get(pk=plan_id)
    by = User.objects.filter(pk=by_id).first() if by_id else None

    def progress(done: int, total: int) -> None:
        pct = 5 + int(90 * done / max(1, total))
        CallPlan.objects.filter(pk=plan_id).update(
            progress=pct,
            message=_("Optimisation : %(done)s / %(total)s télévendeurs") % {"done": done, "total": total},
        )

    CallPlan.objects.filter(pk=plan_id).update(progress=2, message=_("Lecture des appels à passer…"))
    try:
        stats = plan_build(
            plan=plan, by=by, rest_of_day=rest_of_day, keep_published=keep_published, progress=progress
        )
    except Exception:
        logger.exception("Plan %s failed", plan_id)
        CallPlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED,
            message=_("La génération a échoué ; réessayez ou prévenez l'administrateur."),
        )
        raise
    return stats
