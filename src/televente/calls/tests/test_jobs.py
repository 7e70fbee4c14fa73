"""The morning job that creates and generates each team's plan of the day."""

from __future__ import annotations

import datetime as dt

import pytest

from televente.calls import services
from televente.calls.choices import PlanStatus, TaskStatus
from televente.calls.jobs import DailyPlansFailed, plans_generate_daily
from televente.calls.models import CallPlan

pytestmark = pytest.mark.django_db


def test_creates_and_generates_the_days_plans_once(world, plan_day):
    done = plans_generate_daily(day=plan_day.day)
    # Both teams have reps (team A: rep_a and rep_a2, team B: rep_b).
    assert done["created"] == 2 and done["generated"] == 2 and done["failed"] == 0
    plan = CallPlan.objects.get(team=world.team_a, date=plan_day.day)
    assert plan.status == PlanStatus.DRAFT and plan.generated_by is None
    assert plan.tasks.filter(status=TaskStatus.PLANNED).exists()
    generated_at = plan.generated_at

    again = plans_generate_daily(day=plan_day.day)
    assert again["created"] == 0 and again["generated"] == 0 and again["skipped"] == 2
    assert CallPlan.objects.filter(date=plan_day.day).count() == 2
    plan.refresh_from_db()
    assert plan.generated_at == generated_at  # a draft (perhaps adjusted by hand) is not regenerated


def test_published_and_running_plans_are_left_alone_and_failed_ones_tried_again(world, plan_day):
    CallPlan.objects.create(team=world.team_a, date=plan_day.day, status=PlanStatus.PUBLISHED)
    CallPlan.objects.create(team=world.team_b, date=plan_day.day, status=PlanStatus.GENERATING)
    done = plans_generate_daily(day=plan_day.day)
    assert done["created"] == 0 and done["generated"] == 0 and done["skipped"] == 2
    assert not CallPlan.objects.get(team=world.team_a).tasks.exists()

    CallPlan.objects.filter(team=world.team_b).update(status=PlanStatus.FAILED)
    done = plans_generate_daily(day=plan_day.day)
    assert done["generated"] == 1
    assert CallPlan.objects.get(team=world.team_b).status == PlanStatus.DRAFT


def test_teams_without_reps_and_sundays_get_no_plan(world, plan_day):
    world.rep_b.is_active = False
    world.rep_b.save(update_fields=["is_active"])
    plans_generate_daily(day=plan_day.day)
    assert not CallPlan.objects.filter(team=world.team_b).exists()

    sunday = plan_day.day + dt.timedelta(days=(6 - plan_day.day.weekday()))
    done = plans_generate_daily(day=sunday)
    assert done["not_a_working_day"] is True
    assert not CallPlan.objects.filter(date=sunday).exists()


def test_a_failing_team_is_marked_failed_and_the_others_still_planned(world, plan_day, monkeypatch):
    build = services.plan_build

    def flaky(*, plan, **kw):
        if plan.team_id == world.team_a.pk:
            raise RuntimeError("solver crashed")
        return build(plan=plan, **kw)

    monkeypatch.setattr(services, "plan_build", flaky)
    with pytest.raises(DailyPlansFailed, match="Équipe A"):
        plans_generate_daily(day=plan_day.day)
    assert CallPlan.objects.get(team=world.team_a).status == PlanStatus.FAILED
    assert CallPlan.objects.get(team=world.team_b).status == PlanStatus.DRAFT
