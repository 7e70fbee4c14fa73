"""Indicators over a period, per rep and per team, from the daily rows (`RepDay`) and today's live
figures; objectives and how far each one is. Definitions: docs/INDICATORS.md.

Reads only: the screens, the synthesis PDF and the exports all take their numbers from here.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Q, Sum
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.customers.choices import CompanyStatus
from televente.customers.models import Company, CompanyHabits, Interaction
from televente.orders.models import Order

from . import stats
from .choices import Cause, Metric
from .models import Objective, RepDay
from .periods import Period

ZERO = Decimal("0")
WATCH_SHARE = 0.9  # from 90 % to 100 % of the expected pace: "à surveiller"; under 90 %: "en retard"
RATE_METRICS = {Metric.CROSS_SELL}  # a rate is compared with its target whatever the day of the period


def _sums() -> dict:
    """The aggregate of every RepDay field: the figures of a set of rows."""
    return {key: Sum(key) for key in stats.FIELDS}


def _ratio(numerator, denominator) -> float | None:
    return float(numerator) / float(denominator) if denominator else None


@dataclass
class Figures:
    """The sums of a set of rep-days and the rates derived from them."""

    values: dict = field(default_factory=stats.empty)

    def add(self, other: dict) -> None:
        for key in stats.FIELDS:
            self.values[key] += other.get(key) or 0

    def __getattr__(self, name: str):
        values = self.__dict__.get("values")
        if values is not None and name in values:
            return values[name]
        raise AttributeError(name)

    # Activity
    @property
    def plan_adherence(self) -> float | None:
        return _ratio(self.planned_done, self.calls_planned)

    @property
    def in_window_share(self) -> float | None:
        return _ratio(self.in_window, self.window_calls)

    @property
    def reach_rate(self) -> float | None:
        return _ratio(self.calls_reached, self.calls_made)

    @property
    def conversion(self) -> float | None:
        return _ratio(self.calls_ordered, self.calls_reached)

    @property
    def average_talk_seconds(self) -> float | None:
        return _ratio(self.talk_seconds, self.talk_calls)

    @property
    def target_talk_seconds(self) -> float | None:
        return _ratio(self.talk_target_seconds, self.talk_calls)

    @property
    def talk_vs_target(self) -> float | None:
        return _ratio(self.talk_seconds, self.talk_target_seconds)

    @property
    def callbacks_kept_rate(self) -> float | None:
        return _ratio(self.callbacks_kept, self.callbacks_due)

    # Sales
    @property
    def average_basket(self) -> Decimal | None:
        return (self.revenue / self.orders).quantize(Decimal("0.01")) if self.orders else None

    @property
    def lines_per_order(self) -> float | None:
        return _ratio(self.lines, self.orders)

    @property
    def cross_sell_rate(self) -> float | None:
        return _ratio(self.complement_orders, self.orders)

    @property
    def substitution_acceptance(self) -> float | None:
        return _ratio(self.substitute_lines, self.substitute_lines + self.shortage_lost)

    @property
    def promotion_uptake(self) -> float | None:
        return _ratio(self.promotion_orders, self.orders)

    @property
    def margin_rate(self) -> float | None:
        return _ratio(self.margin, self.margin_revenue)

    def metric(self, metric: str) -> Decimal:
        """The value an objective on `metric` is compared with."""
        if metric == Metric.REVENUE:
            return self.revenue
        if metric == Metric.MARGIN:
            return self.margin
        if metric == Metric.ORDERS:
            return Decimal(self.orders)
        if metric == Metric.CALLS:
            return Decimal(self.calls_made)
        if metric == Metric.NEW_CUSTOMERS:
            return Decimal(self.new_customers)
        if metric == Metric.REACTIVATED:
            return Decimal(self.reactivated)
        if metric == Metric.PROMOTION:
            return Decimal(self.promotion_orders)
        if metric == Metric.CROSS_SELL:
            rate = self.cross_sell_rate
            return Decimal(str(round(rate * 100, 1))) if rate is not None else ZERO
        raise ValueError(metric)


@dataclass
class Progress:
    """One objective against the result so far."""

    metric: str
    target: Decimal
    actual: Decimal
    expected: Decimal  # where the result should be at this point of the period

    @property
    def label(self) -> str:
        return Metric(self.metric).label

    @property
    def share(self) -> float | None:
        return float(self.actual / self.target) if self.target else None

    @property
    def pace(self) -> float | None:
        return float(self.actual / self.expected) if self.expected else None

    @property
    def state(self) -> str:
        """ "ok", "watch" or "behind": the gap is judged against the expected pace, not the whole target."""
        pace = self.pace
        if pace is None or pace >= 1:
            return "ok"
        return "watch" if pace >= WATCH_SHARE else "behind"

    @property
    def gap(self) -> Decimal:
        return self.actual - self.expected

    @property
    def percent(self) -> int:
        share = self.share
        return 0 if share is None else round(share * 100)


def team_reps(team: Team, period: Period | None = None) -> list[User]:
    """The rows of the team's dashboards, by name: its active telesales reps, and for a period
    also those whose days counted for the team then (a rep who left or moved since)."""
    members = Q(team=team, is_active=True, role=Role.REP)
    if period is not None:
        days = RepDay.objects.filter(team=team, date__gte=period.start, date__lte=period.end)
        members |= Q(pk__in=days.values("rep_id"))
    return list(User.objects.filter(members).order_by("last_name", "first_name", "pk"))


def live_day(rep_ids: Iterable[int], today: dt.date) -> dict[int, dict]:
    rep_ids = list(rep_ids)
    return stats.compute_day(today, rep_ids=rep_ids) if rep_ids else {}


def figures_by_rep(
    rep_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    live: dict[int, dict] | None = None,
) -> dict[int, Figures]:
    """{rep id: Figures} from `start` to `end` included: stored days before today, today live
    (`live`: today's figures when the caller already has them)."""
    rep_ids = list(rep_ids)
    result = {rep_id: Figures() for rep_id in rep_ids}
    stored_until = min(end, today - dt.timedelta(days=1))
    if start <= stored_until and rep_ids:
        sums = (
            RepDay.objects.filter(rep_id__in=rep_ids, date__gte=start, date__lte=stored_until)
            .values("rep_id")
            .annotate(**_sums())
        )
        for row in sums:
            result[row.pop("rep_id")].add(row)
    if start <= today <= end and rep_ids:
        for rep_id, values in (live if live is not None else live_day(rep_ids, today)).items():
            if rep_id in result:
                result[rep_id].add(values)
    return result


def daily_series(
    rep_ids: Iterable[int],
    start: dt.date,
    end: dt.date,
    *,
    today: dt.date,
    live: dict[int, dict] | None = None,
) -> dict[dt.date, Figures]:
    """{day: Figures of these reps together} for each day of the range (a trend)."""
    rep_ids = list(rep_ids)
    days: dict[dt.date, Figures] = {}
    day = start
    while day <= end:
        days[day] = Figures()
        day += dt.timedelta(days=1)
    stored_until = min(end, today - dt.timedelta(days=1))
    if start <= stored_until and rep_ids:
        for row in (
            RepDay.objects.filter(rep_id__in=rep_ids, date__gte=start, date__lte=stored_until)
            .values("date")
            .annotate(**_sums())
        ):
            days[row.pop("date")].add(row)
    if start <= today <= end and rep_ids:
        for rep_id, values in (live if live is not None else live_day(rep_ids, today)).items():
            if rep_id in rep_ids:
                days[today].add(values)
    return days


def objectives_for(team: Team, period: Period) -> dict[int | None, dict[str, Decimal]]:
    """{rep id (None for the team): {metric: target}} of the period."""
    result: dict[int | None, dict[str, Decimal]] = defaultdict(dict)
    for rep_id, metric, target in Objective.objects.filter(
        team=team, period_kind=period.kind, period_start=period.start
    ).values_list("rep_id", "metric", "target"):
        result[rep_id][metric] = target
    return result


def progress(
    targets: dict[str, Decimal], figures: Figures, *, period: Period, today: dt.date
) -> list[Progress]:
    share = Decimal(str(period.elapsed_share(today)))
    rows = []
    for metric in Metric.values:
        if metric not in targets:
            continue
        target = targets[metric]
        expected = target if metric in RATE_METRICS else (target * share).quantize(Decimal("0.01"))
        rows.append(Progress(metric, target, figures.metric(metric), expected))
    return rows


def team_targets(targets: dict[int | None, dict[str, Decimal]], rep_ids: Iterable[int]) -> dict[str, Decimal]:
    """The team's own objectives, and for a metric it has none, the sum of its reps' (not for rates)."""
    result = dict(targets.get(None, {}))
    for rep_id in rep_ids:
        for metric, target in targets.get(rep_id, {}).items():
            if metric in RATE_METRICS or metric in targets.get(None, {}):
                continue
            result[metric] = result.get(metric, ZERO) + target
    return result


@dataclass
class RepRow:
    rep: User
    figures: Figures
    progress: list[Progress]
    today: Figures

    @property
    def worst_state(self) -> str:
        states = {p.state for p in self.progress}
        return "behind" if "behind" in states else "watch" if "watch" in states else "ok"

    def progress_for(self, metric: str) -> Progress | None:
        return next((p for p in self.progress if p.metric == metric), None)


@dataclass
class TeamDashboard:
    team: Team
    period: Period
    today: dt.date
    rows: list[RepRow]
    total: Figures
    total_progress: list[Progress]
    total_today: Figures
    series: dict[dt.date, Figures]
    metrics: list[str]  # the metrics with an objective somewhere in the team, in the fixed order

    @property
    def is_current(self) -> bool:
        return self.period.contains(self.today)


def team_dashboard(*, team: Team, period: Period, today: dt.date | None = None) -> TeamDashboard:
    """Each rep's figures against objectives over the period, today live, the team's daily trend."""
    today = today or timezone.localdate()
    reps = team_reps(team, period)
    rep_ids = [r.pk for r in reps]
    live = live_day(rep_ids, today)
    figures = figures_by_rep(rep_ids, period.start, period.end, today=today, live=live)
    targets = objectives_for(team, period)
    rows, total, total_today = [], Figures(), Figures()
    for rep in reps:
        rep_figures = figures[rep.pk]
        total.add(rep_figures.values)
        today_figures = Figures()
        today_figures.add(live.get(rep.pk, {}))
        total_today.add(today_figures.values)
        rows.append(
            RepRow(rep, rep_figures, progress(targets.get(rep.pk, {}), rep_figures, period=period, today=today),
                   today_figures)
        )  # fmt: skip
    series = (
        daily_series(rep_ids, period.start, min(period.end, today), today=today, live=live)
        if period.start <= today
        else {}
    )
    team_goal = team_targets(targets, rep_ids)
    metrics = [m for m in Metric.values if m in team_goal or any(m in t for t in targets.values())]
    return TeamDashboard(
        team=team,
        period=period,
        today=today,
        rows=rows,
        total=total,
        total_progress=progress(team_goal, total, period=period, today=today),
        total_today=total_today,
        series=series,
        metrics=metrics,
    )


@dataclass
class MyPerformance:
    rep: User
    period: Period
    today_figures: Figures
    figures: Figures
    progress: list[Progress]
    team_figures: Figures | None
    series: dict[dt.date, Figures]


def my_performance(*, rep: User, period: Period, today: dt.date | None = None) -> MyPerformance:
    """The rep's day and period against their objectives, with the team's average rates beside."""
    today = today or timezone.localdate()
    live = live_day([rep.pk], today)
    figures = figures_by_rep([rep.pk], period.start, period.end, today=today, live=live)[rep.pk]
    today_figures = Figures()
    today_figures.add(live.get(rep.pk, {}))
    targets: dict[str, Decimal] = {}
    team_figures = None
    if rep.team_id:
        targets = objectives_for(rep.team, period).get(rep.pk, {})
        team_ids = [r.pk for r in team_reps(rep.team)]
        team_figures = Figures()
        stored_until = min(period.end, today - dt.timedelta(days=1))
        if period.start <= stored_until:
            row = RepDay.objects.filter(
                rep_id__in=team_ids, date__gte=period.start, date__lte=stored_until
            ).aggregate(**_sums())
            team_figures.add(row)
    series = (
        daily_series([rep.pk], period.start, min(period.end, today), today=today, live=live)
        if period.start <= today
        else {}
    )
    return MyPerformance(
        rep=rep,
        period=period,
        today_figures=today_figures,
        figures=figures,
        progress=progress(targets, figures, period=period, today=today),
        team_figures=team_figures,
        series=series,
    )


# Variance analysis ---------------------------------------------------------------------------


@dataclass
class Factor:
    key: str
    label: str
    current: float | None
    reference: float | None
    contribution: Decimal | None  # the part of the revenue change this factor explains (€)
    fmt: str  # "int", "percent", "money", "number"

    @property
    def change(self) -> float | None:
        if self.current is None or not self.reference:
            return None
        return self.current / self.reference - 1


def _log_mean(a: float, b: float) -> float:
    return a if a == b else (a - b) / (math.log(a) - math.log(b))


def revenue_factors(current: Figures, reference: Figures) -> list[Factor]:
    """Revenue = calls made × reach rate × conversion × orders per ordering call × average basket.

    Each factor's contribution to the revenue change is its log-mean Divisia share (LMDI): the
    contributions add up exactly to the change. When a factor is zero on one side, the
    contributions are not defined and only the values are shown."""

    def chain(f: Figures) -> list[float | None]:
        return [
            float(f.calls_made),
            f.reach_rate,
            f.conversion,
            _ratio(f.orders, f.calls_ordered),
            float(f.average_basket) if f.average_basket is not None else None,
        ]

    keys = [
        ("fewer_calls", _("Appels passés"), "int"),
        ("lower_reach", _("Taux de joignabilité"), "percent"),
        ("lower_conversion", _("Transformation (joint → commande)"), "percent"),
        ("orders_per_call", _("Commandes par appel gagnant"), "number"),
        ("smaller_baskets", _("Panier moyen"), "money"),
    ]
    now, before = chain(current), chain(reference)
    defined = all(v and v > 0 for v in now + before)
    weight = _log_mean(float(current.revenue), float(reference.revenue)) if defined else 0.0
    factors = []
    for (key, label, fmt), a, b in zip(keys, now, before, strict=True):
        contribution = None
        if defined:
            contribution = Decimal(str(round(weight * math.log(a / b), 2)))
        factors.append(Factor(key, label, a, b, contribution, fmt))
    return factors


@dataclass
class Variance:
    team: Team
    rep: User | None
    period: Period
    today: dt.date
    reference_range: tuple[dt.date, dt.date]
    current: Figures
    reference: Figures
    objective: Progress | None
    factors: list[Factor]
    main_cause: str
    main_factor: str  # the factor that lowered revenue the most ("" when none did)
    weekdays: list[dict]
    lost_customers: list[dict]
    late_customers: int

    @property
    def revenue_change(self) -> Decimal:
        return self.current.revenue - self.reference.revenue


def variance(*, team: Team, rep: User | None, period: Period, today: dt.date | None = None) -> Variance:
    """What explains a revenue gap: the factors against the previous period at a comparable date,
    the calls by weekday, the customers who ordered then and not now, the customers late."""

    today = today or timezone.localdate()
    rep_ids = [rep.pk] if rep else [r.pk for r in team_reps(team, period)]
    current_end = min(period.end, today)
    ref_start, ref_end = period.comparable_previous(today)
    current = Figures()
    for figures in figures_by_rep(rep_ids, period.start, current_end, today=today).values():
        current.add(figures.values)
    reference = Figures()
    for figures in figures_by_rep(rep_ids, ref_start, ref_end, today=today).values():
        reference.add(figures.values)

    targets = objectives_for(team, period)
    goal = targets.get(rep.pk, {}) if rep else team_targets(targets, rep_ids)
    objective = next(iter(progress({Metric.REVENUE: goal[Metric.REVENUE]}, current, period=period, today=today)),
                     None) if Metric.REVENUE in goal else None  # fmt: skip

    factors = revenue_factors(current, reference)
    defined = [f for f in factors if f.contribution is not None]
    main_cause, main_factor = Cause.OTHER, ""
    if defined:
        worst = min(defined, key=lambda f: f.contribution)
        if worst.contribution < 0:
            main_factor = worst.key
            # Fewer orders per ordering call is a conversion matter for the action to decide.
            main_cause = worst.key if worst.key in Cause.values else Cause.LOWER_CONVERSION
    weekdays = _weekday_breakdown(rep_ids, (period.start, current_end), (ref_start, ref_end), today=today)

    # Customers who ordered in the reference range and not since the period began.
    orders = Order.objects.filter(rep_id__in=rep_ids, status__in=stats.ORDER_TAKEN)
    ref_bounds = (stats.day_bounds(ref_start)[0], stats.day_bounds(ref_end)[1])
    cur_bounds = (stats.day_bounds(period.start)[0], stats.day_bounds(current_end)[1])
    ordered_now = orders.filter(confirmed_at__gte=cur_bounds[0], confirmed_at__lt=cur_bounds[1]).values(
        "company_id"
    )
    lost = (
        orders.filter(confirmed_at__gte=ref_bounds[0], confirmed_at__lt=ref_bounds[1])
        .exclude(company_id__in=ordered_now)
        .values("company_id")
        .annotate(revenue=Sum("total_lines"), n=Count("pk"))
        .order_by("-revenue")[:15]
    )
    lost = list(lost)
    names = Company.objects.in_bulk([row["company_id"] for row in lost])
    lost_customers = [
        {"company": names[row["company_id"]], "revenue": row["revenue"], "orders": row["n"]}
        for row in lost
        if row["company_id"] in names
    ]
    late = CompanyHabits.objects.filter(
        company__rep_id__in=rep_ids, company__status=CompanyStatus.CUSTOMER, next_expected_order__lt=today
    ).aggregate(n=Count("pk", filter=Q(next_expected_order__isnull=False)))["n"]
    return Variance(
        team=team,
        rep=rep,
        period=period,
        today=today,
        reference_range=(ref_start, ref_end),
        current=current,
        reference=reference,
        objective=objective,
        factors=factors,
        main_cause=main_cause,
        main_factor=main_factor,
        weekdays=weekdays,
        lost_customers=lost_customers,
        late_customers=late,
    )


def _weekday_breakdown(
    rep_ids, current: tuple[dt.date, dt.date], reference: tuple[dt.date, dt.date], *, today
):
    """Calls made, reached and revenue by weekday (Monday to Friday) for the two ranges."""

    result = []
    sides = {}
    for name, (start, end) in (("current", current), ("reference", reference)):
        by_day: dict[int, Figures] = defaultdict(Figures)
        for day, figures in daily_series(rep_ids, start, end, today=today).items():
            by_day[day.weekday()].add(figures.values)
        sides[name] = by_day
    for weekday in range(5):
        now, before = sides["current"].get(weekday, Figures()), sides["reference"].get(weekday, Figures())
        result.append(
            {
                "weekday": weekday,
                "label": WEEKDAYS[weekday],
                "current": now,
                "reference": before,
                "reach_change": (now.reach_rate - before.reach_rate)
                if now.reach_rate is not None and before.reach_rate is not None
                else None,
            }
        )
    return result


# Self-assessment -----------------------------------------------------------------------------


@dataclass
class SegmentTalk:
    segment: str
    calls: int
    average_seconds: float
    recommended_seconds: int

    @property
    def ratio(self) -> float:
        return self.average_seconds / self.recommended_seconds if self.recommended_seconds else 0.0


def talk_by_segment(*, rep_ids: list[int], period: Period, today: dt.date) -> list[SegmentTalk]:
    """The reached calls' average duration per customer segment against the segment's recommended
    duration (Segment.call_minutes), the segments with the most calls first."""

    low = stats.day_bounds(period.start)[0]
    high = stats.day_bounds(min(period.end, today))[1]
    rows = (
        Interaction.objects.filter(
            author_id__in=rep_ids,
            kind__in=stats.CALL_KINDS,
            occurred_at__gte=low,
            occurred_at__lt=high,
            duration_seconds__isnull=False,
        )
        .exclude(outcome__in=stats.NOT_REACHED)
        .values("company__segment__name", "company__segment__call_minutes")
        .annotate(n=Count("pk"), avg=Avg("duration_seconds"))
        .order_by("-n")
    )
    return [
        SegmentTalk(
            row["company__segment__name"] or _("Sans typologie"),
            row["n"],
            float(row["avg"] or 0),
            (row["company__segment__call_minutes"] or stats.DEFAULT_CALL_MINUTES) * 60,
        )
        for row in rows
    ]


def self_assessment_figures(*, rep: User, period: Period, today: dt.date | None = None) -> dict:
    """The rep's figures of the period beside the team's and their objectives, as stored with a
    self-assessment (plain numbers, so the record keeps what the rep saw)."""
    today = today or timezone.localdate()
    mine = my_performance(rep=rep, period=period, today=today)
    team = mine.team_figures or Figures()

    def pair(key: str) -> dict:
        a, b = getattr(mine.figures, key), getattr(team, key)
        return {"mine": None if a is None else float(a), "team": None if b is None else float(b)}

    keys = ("plan_adherence", "in_window_share", "reach_rate", "conversion", "average_talk_seconds",
            "target_talk_seconds", "callbacks_kept_rate", "average_basket", "lines_per_order", "cross_sell_rate",
            "substitution_acceptance", "promotion_uptake")  # fmt: skip
    return {
        "rates": {key: pair(key) for key in keys},
        "objectives": [
            {"metric": p.metric, "target": float(p.target), "actual": float(p.actual), "state": p.state}
            for p in mine.progress
        ],
        "calls_made": mine.figures.calls_made,
        "orders": mine.figures.orders,
        "revenue": float(mine.figures.revenue),
    }
