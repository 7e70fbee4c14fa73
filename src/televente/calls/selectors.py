"""Reads for the rep's cockpit and the supervisor's plan screens, scoped to the user."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F, Max, Min, Q, Sum
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.customers.selectors import CompanyFile, company_file

from .choices import CallOutcome, CallReason, PlanStatus, TaskStatus, Unplanned
from .models import CallPlan, CallTask, PlanSettings, RepAbsence, RepPause


def teams_to_plan(*, user) -> list[Team]:
    if user.is_superuser or user.role == Role.ADMIN:
        return list(Team.objects.all())
    return list(Team.objects.filter(supervisor=user))


def plans_of(*, user, team: Team, around: dt.date) -> list[CallPlan]:
    return list(
        CallPlan.objects.visible_to(user)
        .filter(team=team, date__gte=around - dt.timedelta(days=7), date__lte=around + dt.timedelta(days=7))
        .order_by("-date")
    )


@dataclass
class RepColumn:
    """One rep's day in the plan, in figures; the calls themselves load when the row is opened."""

    rep: User
    absent: bool = False
    planned: int = 0
    minutes: int = 0
    done: int = 0
    first_start: dt.datetime | None = None
    last_start: dt.datetime | None = None


@dataclass
class PlanBoard:
    plan: CallPlan
    columns: list[RepColumn]
    unplanned: list[CallTask]
    unplanned_by_reason: list[tuple[str, int]]
    settings: PlanSettings
    absences: list[RepAbsence]


def plan_board(*, user, plan: CallPlan, unplanned_limit: int = 200) -> PlanBoard:
    """The plan per rep in figures, and what could not be planned with why (5 queries)."""
    from .candidates import settings_for, team_reps

    reps = team_reps(plan.team)
    absences = list(RepAbsence.objects.filter(date=plan.date, user__in=reps).select_related("user"))
    absent_whole = {a.user_id for a in absences if a.whole_day}
    columns = {r.pk: RepColumn(rep=r, absent=r.pk in absent_whole) for r in reps}
    for rep_id, n, minutes, done, first, last in (
        CallTask.objects.filter(plan=plan)
        .exclude(status=TaskStatus.UNPLANNED)
        .values_list("rep_id")
        .annotate(
            n=Count("pk"),
            minutes=Sum("expected_minutes"),
            done=Count("pk", filter=~Q(status=TaskStatus.PLANNED)),
            first=Min("planned_start"),
            last=Max("planned_start"),
        )
        .order_by()
    ):
        column = columns.get(rep_id)
        if column is not None:
            column.planned, column.minutes, column.done = n, minutes or 0, done
            column.first_start, column.last_start = first, last
    unplanned_qs = CallTask.objects.filter(plan=plan, status=TaskStatus.UNPLANNED)
    by_reason = [
        (Unplanned(code).label if code in Unplanned.values else code, n)
        for code, n in unplanned_qs.values_list("unplanned_reason").annotate(n=Count("pk")).order_by("-n")
    ]
    unplanned = list(
        unplanned_qs.select_related("company", "own_rep").order_by("-priority", "pk")[:unplanned_limit]
    )
    return PlanBoard(
        plan=plan,
        columns=list(columns.values()),
        unplanned=unplanned,
        unplanned_by_reason=by_reason,
        settings=settings_for(plan.team),
        absences=absences,
    )


def rep_calls(*, plan: CallPlan, rep_id: int) -> list[CallTask]:
    """One rep's calls of a plan in time order (opened from the plan's page)."""
    return list(
        CallTask.objects.filter(plan=plan, rep_id=rep_id)
        .exclude(status=TaskStatus.UNPLANNED)
        .select_related("company")
        .only(
            "pk", "rep_id", "own_rep_id", "planned_start", "expected_minutes", "status", "reason", "reasons",
            "priority", "windows", "fixed_time", "outcome", "attempts", "company__trade_name", "company__legal_name",
        )
        .order_by("planned_start", "pk")
    )  # fmt: skip


@dataclass
class Cockpit:
    plan: CallPlan | None
    task: CallTask | None
    file: CompanyFile | None
    upcoming: list[CallTask]
    done_count: int
    planned_count: int
    failed_count: int
    in_window_count: int
    pause: RepPause | None = None


def todays_plan(*, user, day: dt.date | None = None) -> CallPlan | None:
    """The rep's team's published plan for the day (reps see nothing before it is published)."""
    day = day or timezone.localdate()
    if user.team_id is None:
        return None
    return (
        CallPlan.objects.filter(team_id=user.team_id, date=day, status=PlanStatus.PUBLISHED)
        .select_related("team")
        .first()
    )


def my_tasks(*, user, plan: CallPlan):
    return CallTask.objects.filter(plan=plan, rep=user)


def cockpit(*, user, task_id: int | None = None, day: dt.date | None = None) -> Cockpit:
    """The next call in planned order with its customer file ready (or the call the rep picked)."""
    plan = todays_plan(user=user, day=day)
    pause = RepPause.objects.filter(user=user, ended_at__isnull=True).first()
    if plan is None:
        return Cockpit(None, None, None, [], 0, 0, 0, 0, pause)
    mine = my_tasks(user=user, plan=plan)
    counts = mine.aggregate(
        done=Count("pk", filter=Q(status=TaskStatus.DONE)),
        planned=Count("pk", filter=Q(status=TaskStatus.PLANNED)),
        failed=Count("pk", filter=Q(status__in=[TaskStatus.FAILED, TaskStatus.SKIPPED])),
    )
    open_tasks = mine.filter(status=TaskStatus.PLANNED).select_related("company", "contact")
    task = None
    if task_id is not None:
        task = open_tasks.filter(pk=task_id).first()
    if task is None:
        # A call already started comes first (the page was reloaded during the call).
        task = open_tasks.order_by(F("started_at").desc(nulls_last=True), "planned_start", "pk").first()
    upcoming = list(
        mine.filter(status=TaskStatus.PLANNED)
        .select_related("company")
        .exclude(pk=getattr(task, "pk", None))
        .only("pk", "planned_start", "expected_minutes", "reason", "fixed_time", "attempts", "company__trade_name",
              "company__legal_name", "company__city")
        .order_by("planned_start", "pk")[:12]
    )  # fmt: skip
    file = company_file(user=user, pk=task.company_id) if task else None
    in_window = sum(
        1 for t in mine.filter(status=TaskStatus.DONE).only("started_at", "windows") if _in_window(t)
    )
    return Cockpit(
        plan=plan,
        task=task,
        file=file,
        upcoming=upcoming,
        done_count=counts["done"],
        planned_count=counts["planned"],
        failed_count=counts["failed"],
        in_window_count=in_window,
        pause=pause,
    )


def _in_window(task: CallTask) -> bool:
    """Was the call made inside the customer's window (a call without windows or start counts as in)?"""
    return task.started_at is None or task.window_state(task.started_at) in ("", "inside")


@dataclass
class RepProgress:
    rep: User
    planned: int = 0
    done: int = 0
    reached: int = 0
    orders: int = 0
    remaining: int = 0
    failed: int = 0
    skipped: int = 0
    in_window: int = 0
    talk_seconds: int = 0
    target_seconds: int = 0
    pause_minutes: int = 0

    @property
    def done_pct(self) -> int:
        return round(100 * (self.done + self.failed + self.skipped) / self.planned) if self.planned else 0

    @property
    def in_window_pct(self) -> int | None:
        return round(100 * self.in_window / self.done) if self.done else None

    @property
    def talk_vs_target_pct(self) -> int | None:
        return round(100 * self.talk_seconds / self.target_seconds) if self.target_seconds else None


REACHED = (CallOutcome.REACHED_ORDER, CallOutcome.REACHED_NO_ORDER, CallOutcome.CALLBACK, CallOutcome.APPOINTMENT,
           CallOutcome.REFUSED)  # fmt: skip


def plan_progress(*, plan: CallPlan) -> list[RepProgress]:
    """Adherence of the day per rep (seed 000 Compétence 5): calls made vs planned, share placed in
    the customer's window, time spent vs the target for the call, outcomes."""
    from .candidates import team_reps

    rows: dict[int, RepProgress] = {r.pk: RepProgress(rep=r) for r in team_reps(plan.team)}
    for task in (
        CallTask.objects.filter(plan=plan)
        .exclude(status=TaskStatus.UNPLANNED)
        .only("rep_id", "status", "outcome", "started_at", "windows", "duration_seconds", "expected_minutes")
    ):
        row = rows.get(task.rep_id)
        if row is None:
            continue
        row.planned += 1
        if task.status == TaskStatus.PLANNED:
            row.remaining += 1
        elif task.status == TaskStatus.DONE:
            row.done += 1
            row.in_window += _in_window(task)
            if task.duration_seconds:
                row.talk_seconds += task.duration_seconds
                row.target_seconds += task.expected_minutes * 60
        elif task.status == TaskStatus.FAILED:
            row.failed += 1
        elif task.status == TaskStatus.SKIPPED:
            row.skipped += 1
        if task.outcome in REACHED:
            row.reached += 1
        if task.outcome == CallOutcome.REACHED_ORDER:
            row.orders += 1
    tz = timezone.get_current_timezone()
    day_start = dt.datetime.combine(plan.date, dt.time.min, tzinfo=tz)
    now = timezone.now()
    for user_id, started, ended in RepPause.objects.filter(
        user_id__in=list(rows), started_at__gte=day_start, started_at__lt=day_start + dt.timedelta(days=1)
    ).values_list("user_id", "started_at", "ended_at"):
        rows[user_id].pause_minutes += int(((ended or now) - started).total_seconds() // 60)
    return list(rows.values())


@dataclass
class SegmentTime:
    segment: str
    calls: int
    talk_minutes: float
    target_minutes: float

    @property
    def ratio_pct(self) -> int:
        return round(100 * self.talk_minutes / self.target_minutes) if self.target_minutes else 0


def plan_adherence(*, plan: CallPlan) -> dict:
    """Time per call against its target by customer segment, and outcomes by reason for calling
    (seed 000 Compétence 5: "le temps de chaque entretien est adapté à l'enjeu")."""
    from televente.customers.models import Segment

    names = dict(Segment.objects.values_list("pk", "name"))
    talk: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    outcomes: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for segment_id, reason, outcome, seconds, minutes in (
        CallTask.objects.filter(plan=plan)
        .exclude(outcome="")
        .values_list("company__segment_id", "reason", "outcome", "duration_seconds", "expected_minutes")
    ):
        outcomes[reason][outcome] += 1
        if seconds:
            row = talk[names.get(segment_id, "—")]
            row[0] += 1
            row[1] += seconds
            row[2] += minutes * 60
    segments = [
        SegmentTime(name, n, round(secs / 60 / n, 1), round(target / 60 / n, 1))
        for name, (n, secs, target) in sorted(talk.items())
    ]
    columns = [c for c in CallOutcome.values if any(c in row for row in outcomes.values())]
    rows = [
        (CallReason(reason).label, [outcomes[reason].get(c, 0) for c in columns])
        for reason in CallReason.values
        if reason in outcomes
    ]
    return {"segments": segments, "columns": [CallOutcome(c).label for c in columns], "rows": rows}


@dataclass
class CallPreparation:
    """What the rep needs before dialling, from the orders and catalogue (seed 000 Compétence 1:
    "rappel des produits habituellement commandés"; issue 6: incidents, promotions that fit)."""

    habitual: list
    incidents: list
    promotions: list
    last_orders: list
    draft: object | None


def call_preparation(*, company, today: dt.date | None = None) -> CallPreparation:
    from televente.catalog.pricing import promotions_for
    from televente.orders.choices import IncidentStatus, OrderStatus
    from televente.orders.models import DeliveryIncident, Order, ProductHabit
    from televente.orders.selectors import recent_orders

    today = today or timezone.localdate()
    habitual = list(
        ProductHabit.objects.filter(company=company)
        .exclude(product__status="discontinued")
        .select_related("product", "unit")
        .order_by("-score")[:8]
    )
    incidents = list(
        DeliveryIncident.objects.filter(company=company)
        .exclude(status=IncidentStatus.RESOLVED)
        .select_related("order")
        .order_by("-created_at")[:5]
    )
    promotions = promotions_for(
        company=company,
        on=today,
        habitual_product_ids=[h.product_id for h in habitual],
        habitual_category_ids=[h.product.category_id for h in habitual],
    )[:3]
    last_orders = recent_orders(company, 3)
    draft = Order.objects.filter(company=company, status=OrderStatus.DRAFT).order_by("-pk").first()
    return CallPreparation(
        habitual=habitual, incidents=incidents, promotions=promotions, last_orders=last_orders, draft=draft
    )
