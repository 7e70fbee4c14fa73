"""Demo call plans: each team's planning settings, and today's plan of the demo team, published,
so that the demo rep's cockpit has a day of calls to work through. Tomorrow's plan is left for
the supervisor to generate and publish."""

from __future__ import annotations

from django.utils import timezone

from televente.accounts.models import Team
from televente.core.demo import DemoContext

from .choices import PlanStatus
from .models import CallPlan, PlanSettings
from .services import plan_build


def seed(ctx: DemoContext) -> None:
    teams = list(Team.objects.order_by("pk"))
    for team in teams:
        PlanSettings.objects.get_or_create(team=team)
    if not teams or ctx.today.weekday() >= 5:
        return
    team = teams[0]
    plan, _created = CallPlan.objects.get_or_create(team=team, date=ctx.today)
    stats = plan_build(plan=plan, by=team.supervisor)
    CallPlan.objects.filter(pk=plan.pk).update(
        status=PlanStatus.PUBLISHED, published_by=team.supervisor, published_at=timezone.now()
    )
    ctx.log(f"  calls: today's plan of {team.name}: {stats['planned_calls']} calls planned")
