"""The small demo gives the dashboards something to show: rep-days stored for the past weeks equal to
what `stats.compute_day` finds, objectives for the demo team, and a call history consistent with
the orders. The demo is loaded once for the module (as core/tests/test_demo.py loads it) inside a
transaction rolled back at the end."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.calls.choices import PlanStatus, TaskStatus
from televente.calls.models import CallPlan, CallTask
from televente.customers.choices import NextStepAction, Outcome
from televente.customers.models import Interaction
from televente.orders.choices import OrderSource
from televente.orders.models import Order
from televente.reporting import stats
from televente.reporting.choices import Metric, PeriodKind
from televente.reporting.models import Objective, RepDay
from televente.reporting.periods import Period


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("seed_demo", "--size", "small", verbosity=0)
        yield timezone.localdate()
        transaction.set_rollback(True)


def working_days_before(today: dt.date, count: int) -> list[dt.date]:
    days, day = [], today
    while len(days) < count:
        day -= dt.timedelta(days=1)
        if day.weekday() < 5:
            days.append(day)
    return days


@pytest.mark.django_db
def test_rep_days_are_stored_for_the_past_weeks(demo):
    rep = User.objects.get(username="televendeur")
    days = working_days_before(demo, 20)
    stored = dict(RepDay.objects.filter(rep=rep, date__in=days).values_list("date", "calls_made"))
    assert len(stored) == len(days)  # a row for every working day of the call history
    assert all(calls > 0 for calls in stored.values())
    assert not RepDay.objects.filter(date__gte=demo).exists()  # today is computed live
    assert RepDay.objects.filter(date__lt=days[-1], orders__gt=0).exists()


@pytest.mark.django_db
def test_the_demo_supervisors_reps_have_objectives_this_month(demo):
    supervisor = User.objects.get(username="superviseur")
    month = Period.containing(PeriodKind.MONTH, demo)
    reps = User.objects.filter(team__supervisor=supervisor, role=Role.REP, is_active=True)
    assert reps.count() >= 3
    for rep in reps:
        metrics = set(
            Objective.objects.filter(
                rep=rep, period_kind=PeriodKind.MONTH, period_start=month.start
            ).values_list("metric", flat=True)
        )
        assert {Metric.REVENUE, Metric.ORDERS, Metric.CALLS, Metric.CROSS_SELL} <= metrics
        assert Objective.objects.filter(rep=rep, period_start=month.previous().start).exists()
    team_goal = Objective.objects.get(
        team=reps[0].team, rep__isnull=True, period_start=month.start, metric=Metric.REVENUE
    )
    assert team_goal.target > 0 and team_goal.set_by == supervisor


@pytest.mark.django_db
def test_a_stored_rep_day_equals_compute_day(demo):
    rep = User.objects.get(username="televendeur")
    day = (
        RepDay.objects.filter(rep=rep, orders__gt=0, calls_made__gt=0)
        .order_by("-date")
        .values_list("date", flat=True)
        .first()
    )
    assert day is not None
    stored = RepDay.objects.get(rep=rep, date=day)
    computed = stats.compute_day(day, rep_ids=[rep.pk])[rep.pk]
    assert {key: getattr(stored, key) for key in stats.FIELDS} == computed
    assert stored.calls_planned and stored.calls_reached < stored.calls_made and stored.revenue > 0


@pytest.mark.django_db
def test_the_call_history_follows_the_orders(demo):
    days = working_days_before(demo, 30)
    low = stats.day_bounds(days[-1])[0]
    high = stats.day_bounds(days[0])[1]
    calls = {
        reference: (author, occurred)
        for reference, author, occurred in Interaction.objects.filter(
            outcome=Outcome.REACHED_ORDER, occurred_at__gte=low, occurred_at__lt=high
        ).values_list("reference", "author_id", "occurred_at")
    }
    orders = Order.objects.filter(source=OrderSource.HISTORY, confirmed_at__gte=low, confirmed_at__lt=high)
    assert orders.count() > 100
    for pk, rep_id, confirmed in orders.values_list("pk", "rep_id", "confirmed_at"):
        author, occurred = calls[f"orders.order:{pk}"]  # each order has its call by its rep, just before
        assert author == rep_id and dt.timedelta(0) < confirmed - occurred < dt.timedelta(minutes=30)
    # Plans are published for past working days (today's only for the demo team); a done call
    # links its timeline entry, written by the rep of the call.
    assert not CallPlan.objects.filter(date__gt=demo).exists()
    assert CallPlan.objects.filter(date=demo).count() <= 1
    assert CallPlan.objects.filter(date__in=days, status=PlanStatus.PUBLISHED).count() == 2 * len(days)
    done = CallTask.objects.filter(plan__date__in=days, status=TaskStatus.DONE)
    assert not done.filter(interaction__isnull=True).exists()
    assert done.filter(interaction__author_id=F("rep_id")).count() == done.count()
    # No promised callback is left open before today (it would come back into today's plan).
    assert not Interaction.objects.filter(
        next_action=NextStepAction.CALLBACK,
        next_action_done_at__isnull=True,
        next_action_at__lt=stats.day_bounds(demo)[0],
    ).exists()
    assert Interaction.objects.filter(
        next_action=NextStepAction.CALLBACK, next_action_at__gte=low, next_action_at__lt=high
    ).exists()
