"""Demo objectives and dashboards: the reps' daily figures (`RepDay`) over the history the orders
and calls demos wrote, objectives of the current and the previous month for every rep (each from
the rep's own pace, some set above it and some below, so that the dashboards show reps ahead and
reps behind), the team's revenue objective of the month, two corrective actions in the demo team
and the demo rep's self-assessment of last month.

Objectives are written directly (`objectives_save` checks the person setting them, one query per
target); they are set by each team's supervisor.
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q, Sum
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.demo import DemoContext

from . import indicators, stats
from .choices import ActionStatus, Cause, Metric, PeriodKind
from .models import CorrectiveAction, Objective, RepDay, SelfAssessment
from .periods import Period

REFRESH_DAYS = 100  # the rep-days computed by the demo (the history of the calls is 62 days deep)
PACE_DAYS = 56  # the weeks read for each rep's reach on Mondays (within the calls' history)
REP_METRICS = (
    Metric.REVENUE, Metric.ORDERS, Metric.CALLS, Metric.CROSS_SELL, Metric.NEW_CUSTOMERS, Metric.REACTIVATED,
)  # fmt: skip


def seed(ctx: DemoContext) -> None:
    today = ctx.today
    started = time.perf_counter()
    rows = stats.refresh_days(
        day_from=today - dt.timedelta(days=REFRESH_DAYS), day_to=today - dt.timedelta(days=1)
    )
    ctx.log(f"  reporting: {rows} rep-days over {REFRESH_DAYS} days ({time.perf_counter() - started:.1f} s)")
    current = Period.containing(PeriodKind.MONTH, today)
    previous = current.previous()
    objectives = []
    for team in Team.objects.select_related("supervisor").order_by("pk"):
        reps = list(User.objects.filter(team=team, role=Role.REP, is_active=True).order_by("pk"))
        if team.supervisor_id is None or not reps:
            continue
        objectives += _objectives(ctx, team, reps, current, previous)
    Objective.objects.bulk_create(objectives, batch_size=500)
    team = Team.objects.select_related("supervisor").order_by("pk").first()
    actions = _actions(ctx, team, current, previous) if team and team.supervisor_id else 0
    assessed = _self_assessment(today, previous)
    ctx.log(
        f"  reporting: {len(objectives)} objectives ({previous.label}, {current.label}), "
        f"{actions} corrective actions, {assessed} self-assessment"
    )


def _objectives(ctx: DemoContext, team: Team, reps: list[User], current: Period, previous: Period) -> list:
    """Each rep's targets: what the rep did (last month) or is on course to do (this month: the
    month so far projected on its working days, or last month's pace in its first days), times a
    factor between 0.85 and 1.15, so that some reps are ahead of their objective and some behind."""
    rng, today = ctx.rng, ctx.today
    rep_ids = [r.pk for r in reps]
    done = _sums(rep_ids, previous.start, previous.end)
    share = current.elapsed_share(today)
    if share >= 0.25:
        course, scale = _sums(rep_ids, current.start, today - dt.timedelta(days=1)), Decimal(str(1 / share))
    else:
        course = done
        scale = Decimal(current.working_days()) / Decimal(max(1, previous.working_days()))
    rows, team_revenue = [], Decimal("0")
    for period, figures in ((previous, done), (current, course)):
        for rep in reps:
            for metric in REP_METRICS:
                base = figures[rep.pk].metric(metric)
                if period == current and metric not in indicators.RATE_METRICS:
                    base *= scale
                target = _round(metric, base * Decimal(str(round(rng.uniform(0.85, 1.15), 2))))
                if period == current and metric == Metric.REVENUE:
                    team_revenue += target
                rows.append(
                    Objective(
                        team=team, rep=rep, period_kind=period.kind, period_start=period.start, metric=metric,
                        target=target, set_by=team.supervisor,
                    )
                )  # fmt: skip
    rows.append(
        Objective(
            team=team, rep=None, period_kind=current.kind, period_start=current.start, metric=Metric.REVENUE,
            target=_round(Metric.REVENUE, team_revenue * Decimal("1.02")), set_by=team.supervisor,
        )
    )  # fmt: skip
    return rows


def _sums(rep_ids: list[int], start: dt.date, end: dt.date) -> dict[int, indicators.Figures]:
    result = {pk: indicators.Figures() for pk in rep_ids}
    for row in (
        RepDay.objects.filter(rep_id__in=rep_ids, date__gte=start, date__lte=end)
        .values("rep_id")
        .annotate(**{key: Sum(key) for key in stats.FIELDS})
    ):
        result[row.pop("rep_id")].add(row)
    return result


def _round(metric: str, value: Decimal) -> Decimal:
    """Targets as a supervisor types them: revenue to the hundred euros, rates to one decimal,
    counts to the unit (calls to ten), never below one."""
    if metric == Metric.REVENUE:
        return max(Decimal("100"), (value / 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 100)
    if metric == Metric.CROSS_SELL:
        return min(Decimal("100"), max(Decimal("1"), value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)))
    if metric == Metric.CALLS:
        return max(Decimal("10"), (value / 10).quantize(Decimal("1"), rounding=ROUND_HALF_UP) * 10)
    return max(Decimal("1"), value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def _actions(ctx: DemoContext, team: Team, current: Period, previous: Period) -> int:
    """The demo team's rep weakest on Mondays (reach) and the one who converts least (last month)."""
    today = ctx.today
    reps = {r.pk: r for r in User.objects.filter(team=team, role=Role.REP, is_active=True)}
    since = today - dt.timedelta(days=PACE_DAYS)
    reach = {}
    for rep_id, monday_made, monday_reached, made, reached in (
        RepDay.objects.filter(rep_id__in=list(reps), date__gte=since)
        .values("rep_id")
        .annotate(
            a=Sum("calls_made", filter=Q(date__week_day=2)),
            b=Sum("calls_reached", filter=Q(date__week_day=2)),
            c=Sum("calls_made"),
            d=Sum("calls_reached"),
        )
        .values_list("rep_id", "a", "b", "c", "d")
    ):
        if monday_made and made and reached:
            reach[rep_id] = (monday_reached / monday_made, reached / made)
    done = _sums(list(reps), previous.start, previous.end)
    converting = {pk: f.conversion for pk, f in done.items() if f.conversion is not None}
    if not reach or not converting:
        return 0
    monday_rep = min(reach, key=lambda pk: reach[pk][0] / reach[pk][1])
    monday, usual = reach[monday_rep]
    weak_rep = min(converting, key=converting.get)
    supervisor = team.supervisor
    CorrectiveAction.objects.create(
        team=team, rep=reps[monday_rep], metric=Metric.CALLS, period_kind=current.kind, period_start=current.start,
        gap=f"Joignabilité du lundi : {monday:.0%} contre {usual:.0%} sur l'ensemble de la semaine",
        cause=Cause.LOWER_REACH, owner=reps[monday_rep], due_on=today + dt.timedelta(days=14),
        description=(
            "Le lundi matin, appeler d'abord les clients ouverts (boulangeries, collectivités) et décaler "
            "les restaurants sur leur créneau de l'après-midi ; vérifier avec eux les créneaux d'appel."
        ),
        created_by=supervisor,
    )  # fmt: skip
    CorrectiveAction.objects.create(
        team=team, rep=reps[weak_rep], metric=Metric.ORDERS, period_kind=previous.kind, period_start=previous.start,
        gap=f"Transformation de {converting[weak_rep]:.0%} le mois dernier",
        cause=Cause.LOWER_CONVERSION, owner=supervisor, due_on=today - dt.timedelta(days=3),
        description=(
            "Double écoute de cinq appels avec la superviseure, puis reprise de l'argumentaire : proposer "
            "le panier habituel, les promotions du moment et un produit complémentaire à chaque appel."
        ),
        status=ActionStatus.DONE, result="Écoutes faites et argumentaire repris ; à suivre sur le mois en cours.",
        done_at=timezone.now() - dt.timedelta(days=3), created_by=supervisor,
    )  # fmt: skip
    return 2


def _self_assessment(today: dt.date, previous: Period) -> int:
    rep = User.objects.filter(username="televendeur").select_related("team").first()
    if rep is None:
        return 0
    SelfAssessment.objects.create(
        rep=rep, period_kind=previous.kind, period_start=previous.start,
        difficulties=(
            "Mes appels durent plus longtemps que la durée recommandée, surtout avec les petits clients ; "
            "plusieurs clients injoignables en fin de matinée."
        ),
        progress="Je propose un produit complémentaire presque à chaque commande.",
        next_steps=(
            "Préparer chaque appel avec l'historique pour raccourcir l'entretien ; appeler les clients "
            "difficiles à joindre dans leur créneau."
        ),
        figures=indicators.self_assessment_figures(rep=rep, period=previous, today=today),
    )  # fmt: skip
    return 1
