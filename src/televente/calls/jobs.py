"""Periodic jobs of the call plans (registered in `apps.py` with `core.scheduler`)."""

from __future__ import annotations

import datetime as dt
import logging

from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import Team

from .choices import PlanStatus
from .models import CallPlan

logger = logging.getLogger(__name__)

# The planning settings have no working days: plans are made Monday to Saturday (weekday() 0-5).
PLANNED_WEEKDAYS = frozenset(range(6))

# A plan in these states has not been generated yet (or its generation failed): the morning job
# generates it. Drafts (perhaps adjusted by hand), published plans and running generations are left alone.
TO_GENERATE = (PlanStatus.EMPTY, PlanStatus.FAILED)


class DailyPlansFailed(RuntimeError):
    """Raised after every team was tried, so that the scheduler records the failure and retries."""


def plans_generate_daily(*, day: dt.date | None = None) -> dict:
    """Every team with active reps gets its plan for `day` (today by default), created if missing
    and generated in this process, as the supervisor's "Générer" would (without an author).

    Safe to run again and from several processes: a plan is taken by a conditional UPDATE of its
    status, so it is generated once, and plans already generated are never touched.
    """
    from .tasks import generate_plan

    day = day or timezone.localdate()
    done = {"day": day.isoformat(), "created": 0, "generated": 0, "skipped": 0, "failed": 0}
    if day.weekday() not in PLANNED_WEEKDAYS:
        done["not_a_working_day"] = True
        return done
    teams = Team.objects.filter(members__role=Role.REP, members__is_active=True).distinct().order_by("pk")
    failed = []
    for team in teams:
        plan, created = CallPlan.objects.get_or_create(team=team, date=day)
        done["created"] += created
        taken = CallPlan.objects.filter(pk=plan.pk, status__in=TO_GENERATE).update(
            status=PlanStatus.GENERATING,
            progress=0,
            message=_("Génération automatique du matin…"),
            updated_at=timezone.now(),
        )
        if not taken:
            done["skipped"] += 1
            continue
        try:
            generate_plan.call(plan_id=plan.pk, by_id=None)
        except Exception:
            # generate_plan has logged it and marked the plan failed; the other teams still get theirs.
            done["failed"] += 1
            failed.append(team.name)
        else:
            done["generated"] += 1
    if failed:
        raise DailyPlansFailed(f"Plans of {day.isoformat()} failed for: {', '.join(failed)} ({done})")
    return done
