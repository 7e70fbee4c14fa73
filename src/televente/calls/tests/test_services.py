"""The plan's generation, adjustment and the rep's outcomes, against a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from televente.calls import planning, services
from televente.calls.checks import plan_violations
from televente.calls.choices import CallOutcome, CallReason, PlanStatus, SkipReason, TaskStatus, Unplanned
from televente.calls.models import CallPlan, CallTask, RepAbsence
from televente.calls.tests.conftest import at
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Interaction

pytestmark = pytest.mark.django_db


def build(world, day, **kw) -> CallPlan:
    plan, _ = CallPlan.objects.get_or_create(team=world.team_a, date=day)
    plan.stats = services.plan_build(plan=plan, by=world.sup_a, **kw)
    return plan


def task_of(plan, company) -> CallTask:
    return CallTask.objects.get(plan=plan, company=company)


def local_hm(moment) -> tuple[int, int]:
    local = timezone.localtime(moment)
    return local.hour, local.minute


def test_plan_places_calls_in_their_windows_and_explains_the_rest(world, plan_day):
    plan = build(world, plan_day.day)
    assert plan.stats["hard_constraints_ok"] is True
    assert plan_violations(plan) == []

    in_window = task_of(plan, plan_day.window_customer)
    assert in_window.status == TaskStatus.PLANNED and in_window.rep == world.rep_a
    assert local_hm(in_window.planned_start) >= (9, 0) and local_hm(in_window.planned_end) <= (9, 30)
    assert in_window.reason == CallReason.CALL_DAY

    callback = task_of(plan, plan_day.callback_customer)
    assert local_hm(callback.planned_start) == (10, 0)
    assert callback.fixed_time and callback.reason == CallReason.CALLBACK
    assert callback.reason_note == "Rappeler pour le devis"

    assert task_of(plan, plan_day.closed_customer).unplanned_reason == Unplanned.CLOSED
    assert task_of(plan, plan_day.opted_out_customer).unplanned_reason == Unplanned.OPTED_OUT
    # Late on a Tuesday, with hours given for Thursdays only: called within those hours.
    late = task_of(plan, plan_day.late_customer)
    assert late.reason == CallReason.LATE and (14, 0) <= local_hm(late.planned_start) < (16, 0)
    prospect = task_of(plan, plan_day.prospect)
    assert prospect.rep == world.rep_a2 and prospect.reason == CallReason.PROSPECT
    assert prospect.expected_minutes > in_window.expected_minutes  # discovery takes longer


def test_no_call_lands_in_a_break_or_a_slack_period(world, plan_day):
    plan = build(world, plan_day.day)
    for task in CallTask.objects.filter(plan=plan, status=TaskStatus.PLANNED):
        start, end = local_hm(task.planned_start), local_hm(task.planned_end)
        assert not (start < (13, 30) and end > (12, 30)), task
        assert not (start < (11, 30) and end > (11, 0)), task


def test_an_absent_reps_calls_go_to_a_teammate(world, plan_day):
    RepAbsence.objects.create(user=world.rep_a, date=plan_day.day)
    plan = build(world, plan_day.day)
    moved = task_of(plan, plan_day.window_customer)
    assert moved.rep == world.rep_a2 and moved.own_rep == world.rep_a
    assert plan.stats["absent_reps"] == 1 and plan.stats["hard_constraints_ok"]


def test_the_validator_is_what_the_stats_report(world, plan_day):
    """The stored plan, read back from the database, passes the independent validator."""
    plan = build(world, plan_day.day)
    tasks = list(CallTask.objects.filter(plan=plan, status=TaskStatus.PLANNED))
    assert tasks
    calls = [
        planning.Call(key=str(t.pk), own_rep=None, duration=t.expected_minutes // 5,
                      windows=((0, 10_000),), priority=t.priority)
        for t in tasks
    ]  # fmt: skip
    reps = [planning.Rep(rep=r, available=((0, 10_000),)) for r in {t.rep_id for t in tasks}]
    starts = [
        planning.Assignment(key=str(t.pk), rep=t.rep_id, start=(local_hm(t.planned_start)[0] * 60 + local_hm(t.planned_start)[1]) // 5)
        for t in tasks
    ]  # fmt: skip
    assert planning.validate_plan(calls, reps, starts) == []


def test_generation_is_a_background_task_then_published(world, plan_day, django_capture_on_commit_callbacks):
    plan = services.plan_get_or_create(team=world.team_a, day=plan_day.day, by=world.sup_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.plan_generate_request(plan=plan, by=world.sup_a)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.GENERATING and len(queued) == 1
    with pytest.raises(DomainError):
        services.plan_generate_request(plan=plan, by=world.sup_a)

    from televente.calls.tasks import generate_plan

    generate_plan.call(plan_id=plan.pk, by_id=world.sup_a.pk)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and plan.progress == 100 and plan.stats["planned_calls"] >= 4
    services.plan_publish(plan=plan, by=world.sup_a)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED and plan.published_by == world.sup_a


def test_only_the_teams_supervisor_plans(world, plan_day):
    with pytest.raises(PermissionRefused):
        services.plan_get_or_create(team=world.team_a, day=plan_day.day, by=world.sup_b)
    with pytest.raises(PermissionRefused):
        services.plan_get_or_create(team=world.team_a, day=plan_day.day, by=world.rep_a)
    plan = build(world, plan_day.day)
    with pytest.raises(PermissionRefused):
        services.plan_publish(plan=plan, by=world.rep_a)


def test_a_past_day_is_not_planned(world, plan_day):
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate() - dt.timedelta(days=1))
    with pytest.raises(DomainError, match="passé"):
        services.plan_generate_request(plan=plan, by=world.sup_a)


def test_not_reached_comes_back_later_inside_its_window_then_moves_to_the_next_plan(world, plan_day):
    from televente.customers.models import CallWindow

    # A wide window so that retries fit: 9:00-17:00 (less lunch and the slack period).
    CallWindow.objects.filter(company=plan_day.window_customer).update(end=dt.time(17))
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    if task.planned_start != at(plan_day.day, 9):  # the optimiser may have put it anywhere in the window
        CallTask.objects.filter(plan=plan, rep=world.rep_a, planned_start=at(plan_day.day, 9)).update(
            planned_start=at(plan_day.day, 16, 50)
        )
        task = services.task_move(task=task, by=world.sup_a, rep=world.rep_a, start=at(plan_day.day, 9))
    first = task.planned_start

    task = services.call_outcome_record(task=task, by=world.rep_a, outcome=CallOutcome.NOT_REACHED, now=first)
    assert task.status == TaskStatus.PLANNED and task.attempts == 1
    assert task.planned_start >= first + dt.timedelta(minutes=45)
    assert local_hm(task.planned_end) <= (17, 0)
    assert not ((11, 0) <= local_hm(task.planned_start) < (11, 30))
    assert not ((12, 30) <= local_hm(task.planned_start) < (13, 30))
    second = task.planned_start

    task = services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.NOT_REACHED, now=second
    )
    task = services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.NOT_REACHED, now=task.planned_start
    )
    assert task.status == TaskStatus.FAILED and task.attempts == 3
    assert (
        Interaction.objects.filter(company=plan_day.window_customer, outcome=Outcome.NOT_REACHED).count() == 3
    )

    # The next plan takes it again with the reason "not reached".
    next_day = plan_day.day + dt.timedelta(days=1)
    tomorrow = build(world, next_day)
    assert CallReason.RETRY in task_of(tomorrow, plan_day.window_customer).reasons


def test_callback_tomorrow_at_ten_is_in_tomorrows_plan_at_ten(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    next_day = plan_day.day + dt.timedelta(days=1)
    with pytest.raises(DomainError, match="rappel"):
        services.call_outcome_record(
            task=task, by=world.rep_a, outcome=CallOutcome.CALLBACK, now=task.planned_start
        )
    services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.CALLBACK, next_action_at=at(next_day, 10),
        now=task.planned_start,
    )  # fmt: skip
    step = Interaction.objects.get(company=plan_day.window_customer, outcome=Outcome.CALLBACK)
    assert step.next_action == NextStepAction.CALLBACK and step.next_action_owner == world.rep_a

    tomorrow = build(world, next_day)
    again = task_of(tomorrow, plan_day.window_customer)
    assert again.fixed_time and local_hm(again.planned_start) == (10, 0) and again.rep == world.rep_a


def test_keeping_a_promised_callback_closes_its_next_step(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.callback_customer)
    services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.REACHED_NO_ORDER, no_order_reason="stocked",
        next_action=NextStepAction.CALLBACK, next_action_at=at(plan_day.day + dt.timedelta(days=7), 10),
        now=task.planned_start,
    )  # fmt: skip
    plan_day.callback.refresh_from_db()
    assert plan_day.callback.next_action_done_at is not None


def test_an_outcome_needs_its_next_step_and_reason(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    with pytest.raises(DomainError, match="pourquoi"):
        services.call_outcome_record(task=task, by=world.rep_a, outcome=CallOutcome.REACHED_NO_ORDER)
    with pytest.raises(DomainError, match="prochaine étape"):
        services.call_outcome_record(task=task, by=world.rep_a, outcome=CallOutcome.REACHED_ORDER)
    task.refresh_from_db()
    assert task.status == TaskStatus.PLANNED and task.attempts == 0  # nothing half-written
    with pytest.raises(PermissionRefused):
        services.call_outcome_record(task=task, by=world.rep_a2, outcome=CallOutcome.REFUSED)


def test_ordered_outcome_with_its_next_step_is_on_the_timeline(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    services.call_start(task=task, by=world.rep_a)
    task = services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.REACHED_ORDER, notes="Commande habituelle",
        next_action=NextStepAction.CALLBACK, next_action_at=at(plan_day.day + dt.timedelta(days=7), 9),
    )  # fmt: skip
    assert task.status == TaskStatus.DONE and task.interaction.kind == InteractionKind.CALL_OUT
    assert task.interaction.outcome == Outcome.REACHED_ORDER and task.duration_seconds is not None
    with pytest.raises(DomainError, match="déjà traité"):
        services.call_skip(task=task, by=world.rep_a, reason=SkipReason.OTHER)


def test_refusal_records_the_phone_opt_out(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    services.call_outcome_record(task=task, by=world.rep_a, outcome=CallOutcome.REFUSED)
    plan_day.window_customer.decider.refresh_from_db()
    assert plan_day.window_customer.decider.opt_out_phone is True
    # ...and the next plan does not call them again.
    tomorrow = build(world, plan_day.day + dt.timedelta(days=7))
    assert task_of(tomorrow, plan_day.window_customer).unplanned_reason == Unplanned.OPTED_OUT


def test_skip_is_traced_on_the_timeline(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    services.call_skip(task=task, by=world.rep_a, reason=SkipReason.CUSTOMER_CALLED, note="a appelé à 8h")
    assert Interaction.objects.filter(company=plan_day.window_customer, subject__contains="passé").exists()


def test_supervisor_moves_a_call_only_where_the_rules_allow(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    with pytest.raises(DomainError, match="créneaux"):
        services.task_move(task=task, by=world.sup_a, rep=world.rep_a, start=at(plan_day.day, 15))
    callback = task_of(plan, plan_day.callback_customer)
    with pytest.raises(DomainError, match="pause"):
        services.task_move(task=callback, by=world.sup_a, rep=world.rep_a, start=at(plan_day.day, 12, 45))
    with pytest.raises(DomainError, match="déjà un appel"):
        services.task_move(task=callback, by=world.sup_a, rep=world.rep_a, start=task.planned_start)
    with pytest.raises(DomainError, match="équipe"):
        services.task_move(task=task, by=world.sup_a, rep=world.rep_b, start=task.planned_start)
    moved = services.task_move(task=task, by=world.sup_a, rep=world.rep_a2, start=at(plan_day.day, 9, 10))
    assert plan_violations(plan) == []
    assert moved.rep == world.rep_a2 and local_hm(moved.planned_start) == (9, 10)
    # An unplanned call can be placed by hand, unless the customer cannot be called that day.
    closed = task_of(plan, plan_day.closed_customer)
    with pytest.raises(DomainError, match="fermé"):
        services.task_move(task=closed, by=world.sup_a, rep=world.rep_a2, start=at(plan_day.day, 10))
    CallTask.objects.filter(pk=closed.pk).update(unplanned_reason=Unplanned.CAPACITY)
    placed = services.task_move(task=closed, by=world.sup_a, rep=world.rep_a2, start=at(plan_day.day, 10))
    assert placed.status == TaskStatus.PLANNED and placed.unplanned_reason == ""


def test_absence_replans_the_rest_of_the_day(world, plan_day, django_capture_on_commit_callbacks):
    plan = build(world, plan_day.day)
    services.plan_publish(plan=plan, by=world.sup_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        services.absence_record(user=world.rep_a, day=plan_day.day, by=world.sup_a, reason="Formation")
    assert len(queued) == 1
    from televente.calls.tasks import generate_plan

    generate_plan.call(plan_id=plan.pk, by_id=world.sup_a.pk, rest_of_day=True, keep_published=True)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED
    assert not CallTask.objects.filter(plan=plan, rep=world.rep_a, status=TaskStatus.PLANNED).exists()
    assert task_of(plan, plan_day.window_customer).rep == world.rep_a2
    assert plan_violations(plan) == []


def test_the_plan_check_sees_a_broken_rule(world, plan_day):
    plan = build(world, plan_day.day)
    CallTask.objects.filter(plan=plan, company=plan_day.window_customer).update(
        planned_start=at(plan_day.day, 12, 45)
    )
    problems = plan_violations(plan)
    assert any("break" in p for p in problems) and any("windows" in p for p in problems)


def test_another_apps_source_adds_its_targets(world, plan_day):
    """Campaigns (issue 10) and claims (issue 7) add their calls through calls.sources."""
    from televente.calls import sources

    target = plan_day.prospect
    sources.register(
        "test", lambda team, day, rep_ids: [(target.pk, CallReason.CAMPAIGN, "Relance boulangeries")]
    )
    try:
        plan = build(world, plan_day.day)
    finally:
        sources.unregister("test")
    task = task_of(plan, target)
    assert CallReason.CAMPAIGN in task.reasons and task.reason == CallReason.CAMPAIGN
    assert task.reason_note == "Relance boulangeries"


def test_pause_is_one_at_a_time_and_counted(world, plan_day):
    from televente.calls import selectors

    services.pause_start(by=world.rep_a, reason="work")
    with pytest.raises(DomainError, match="déjà en pause"):
        services.pause_start(by=world.rep_a, reason="break")
    with pytest.raises(DomainError, match="motif"):
        services.pause_start(by=world.rep_a2, reason="nap")
    assert selectors.cockpit(user=world.rep_a).pause is not None
    services.pause_end(by=world.rep_a)
    assert selectors.cockpit(user=world.rep_a).pause is None
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    rows = {r.rep: r for r in selectors.plan_progress(plan=plan)}
    assert rows[world.rep_a].pause_minutes == 0


def test_adherence_by_reason_and_segment(world, plan_day):
    from televente.calls import selectors

    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)
    services.call_start(task=task, by=world.rep_a)
    CallTask.objects.filter(pk=task.pk).update(started_at=task.planned_start)
    services.call_outcome_record(
        task=task, by=world.rep_a, outcome=CallOutcome.REACHED_ORDER, next_action=NextStepAction.CALLBACK,
        next_action_at=at(plan_day.day + dt.timedelta(days=7), 9), now=task.planned_start + dt.timedelta(minutes=8),
    )  # fmt: skip
    adherence = selectors.plan_adherence(plan=plan)
    assert adherence["rows"] == [("Jour d'appel", [1])] and adherence["columns"] == ["Joint, a commandé"]
    segment = adherence["segments"][0]
    assert (
        segment.calls == 1 and segment.talk_minutes == 8.0 and segment.target_minutes == task.expected_minutes
    )


def test_window_state_tells_the_rep_where_the_call_stands(world, plan_day):
    plan = build(world, plan_day.day)
    task = task_of(plan, plan_day.window_customer)  # window 9:00-9:30
    assert task.window_state(at(plan_day.day, 8, 45)) == "before"
    assert task.window_state(at(plan_day.day, 9, 10)) == "inside"
    assert task.window_state(at(plan_day.day, 10)) == "after"
    assert task_of(plan, plan_day.prospect).window_state(at(plan_day.day, 10)) == ""


def test_slack_share_of_the_working_day(world, plan_day):
    conf = world.team_a.plan_settings
    # 8:30-17:30 less a 1 h lunch = 480 min; 30 min kept free.
    assert conf.slack_share_pct == 6
