"""A rep's competency profile, read from the evaluations (no writes here).

Thresholds (documented in the user guide):

- the trend is the weighted pass rate of the items of each competency, month by month, over the
  last `months` months, from the official evaluations (supervisors' evaluations shared with the
  rep); the arrow compares the last two months that have figures: ▲ at least +5 points, ▼ at
  least −5 points, → in between;
- the "current" rate of a competency is over the last 90 days;
- a strength is a competency at 80 % or more over 90 days, seen in at least 2 evaluations;
- a competency to work on is under 60 % over 90 days; the points to work on are the indicators
  most often answered « Non » (or 1 on the 1-4 scale) over 90 days, with how many times;
- self-assessment (seed 004, 4.2): the rep's self-assessments and the supervisors' evaluations
  over the same period — from 90 days before the latest self-assessment to today — for each
  competency the rep assessed; a difference of 20 points or more is flagged.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, Max, Q
from django.utils import timezone

from .choices import EvaluationKind, EvaluationStatus, TrainingStatus
from .models import Competency, Evaluation, EvaluationAnswer, TrainingAction
from .scoring import ItemAnswer, is_failure, rates_by

RECENT_DAYS = 90
STRENGTH_RATE = Decimal(80)
STRENGTH_MIN_EVALUATIONS = 2
WEAK_RATE = Decimal(60)
TREND_STEP = Decimal(5)
BIG_GAP = Decimal(20)
TOP_POINTS = 5
LATEST = 8

SHARED = (EvaluationStatus.SHARED, EvaluationStatus.ACKNOWLEDGED)


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def months_back(today: dt.date, months: int) -> list[dt.date]:
    """The first day of the last `months` months, oldest first, the current month last."""
    first = month_start(today)
    out = [first]
    for _ in range(months - 1):
        first = month_start(first - dt.timedelta(days=1))
        out.append(first)
    return list(reversed(out))


def trend_arrow(values: list[Decimal | None]) -> str:
    """'up', 'down', 'flat' from the last two figures of a series, '' when fewer than two."""
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    diff = known[-1] - known[-2]
    if diff >= TREND_STEP:
        return "up"
    if diff <= -TREND_STEP:
        return "down"
    return "flat"


@dataclass
class CompetencyLine:
    competency: Competency
    months: list[Decimal | None]
    rate: Decimal | None  # last 90 days
    evaluations: int  # last 90 days
    arrow: str

    @property
    def points(self) -> list[tuple[int, Decimal]]:
        """(index, rate) of the months with figures, for the small chart."""
        return [(i, v) for i, v in enumerate(self.months) if v is not None]


@dataclass
class WorkPoint:
    text: str
    competency: Competency | None
    failures: int
    answered: int


@dataclass
class Gap:
    competency: Competency
    self_rate: Decimal | None
    supervisor_rate: Decimal | None

    @property
    def difference(self) -> Decimal | None:
        if self.self_rate is None or self.supervisor_rate is None:
            return None
        return self.self_rate - self.supervisor_rate

    @property
    def big(self) -> bool:
        d = self.difference
        return d is not None and abs(d) >= BIG_GAP


@dataclass
class Profile:
    rep: object
    today: dt.date
    months: list[dt.date]
    lines: list[CompetencyLine]
    strengths: list[CompetencyLine]
    weak: list[CompetencyLine]
    work_points: list[WorkPoint]
    latest: list[Evaluation]
    evaluations_90: int
    average_90: Decimal | None
    critical_90: int
    self_since: dt.date | None
    self_count: int
    gaps: list[Gap]
    planned: list[TrainingAction] = field(default_factory=list)
    done: list[TrainingAction] = field(default_factory=list)

    @property
    def big_gaps(self) -> list[Gap]:
        return [g for g in self.gaps if g.big]


def rep_profile(*, user, rep, months: int = 6, today: dt.date | None = None) -> Profile:
    """The profile of `rep` as `user` may see it (the caller checked that `user` may see `rep`).
    Six queries whatever the number of evaluations."""
    today = today or timezone.localdate()
    month_list = months_back(today, months)
    recent_from = today - dt.timedelta(days=RECENT_DAYS)
    visible = Evaluation.objects.visible_to(user).filter(rep=rep)
    official = visible.official()
    selfs = visible.filter(kind=EvaluationKind.SELF, status__in=SHARED)

    last_self = selfs.aggregate(last=Max("evaluated_on"))["last"]  # 1
    self_since = last_self - dt.timedelta(days=RECENT_DAYS) if last_self else None
    start = min(d for d in (month_list[0], recent_from, self_since) if d is not None)

    rows = list(  # 2
        EvaluationAnswer.objects.filter(
            Q(evaluation__in=official) | Q(evaluation__in=selfs), evaluation__evaluated_on__gte=start
        ).values_list(
            "evaluation_id",
            "evaluation__kind",
            "evaluation__evaluated_on",
            "value",
            "item__weight",
            "item__critical",
            "item__text",
            "item__section__competency_id",
        )
    )
    trend, recent, recent_evals, self_ans, sup_ans = [], [], defaultdict(set), [], []
    points: dict[tuple, list[int]] = {}
    for eval_id, kind, day, value, weight, critical, text, comp in rows:
        if comp is None:
            continue
        if kind == EvaluationKind.SELF:
            if self_since and day >= self_since:
                self_ans.append(ItemAnswer(weight, critical, value, key=comp))
            continue
        if day >= month_list[0]:
            trend.append(ItemAnswer(weight, critical, value, key=(comp, month_start(day))))
        if self_since and day >= self_since:
            sup_ans.append(ItemAnswer(weight, critical, value, key=comp))
        if day >= recent_from:
            answer = ItemAnswer(weight, critical, value, key=comp)
            recent.append(answer)
            if value and value != "na":
                recent_evals[comp].add(eval_id)
                counts = points.setdefault((comp, text), [0, 0])
                counts[1] += 1
                if is_failure(value):
                    counts[0] += 1

    trend_rates = rates_by(trend)
    recent_rates = rates_by(recent)
    self_rates = rates_by(self_ans)
    sup_rates = rates_by(sup_ans)
    comp_ids = {k[0] for k in trend_rates} | set(recent_rates) | set(self_rates) | set(sup_rates)
    competencies = {c.pk: c for c in Competency.objects.filter(pk__in=comp_ids).select_related("block")}  # 3

    lines = []
    for comp in sorted(competencies.values(), key=lambda c: (c.framework, c.position, c.code)):
        series = [trend_rates.get((comp.pk, m)) for m in month_list]
        if all(v is None for v in series) and comp.pk not in recent_rates:
            continue
        lines.append(
            CompetencyLine(
                competency=comp,
                months=series,
                rate=recent_rates.get(comp.pk),
                evaluations=len(recent_evals.get(comp.pk, ())),
                arrow=trend_arrow(series),
            )
        )
    strengths = [
        ln
        for ln in lines
        if ln.rate is not None and ln.rate >= STRENGTH_RATE and ln.evaluations >= STRENGTH_MIN_EVALUATIONS
    ]
    weak = [ln for ln in lines if ln.rate is not None and ln.rate < WEAK_RATE]
    work_points = sorted(
        (
            WorkPoint(text=text, competency=competencies.get(comp), failures=f, answered=n)
            for (comp, text), (f, n) in points.items()
            if f
        ),
        key=lambda p: (-p.failures, -p.failures / p.answered, p.text),
    )[:TOP_POINTS]

    stats = official.filter(evaluated_on__gte=recent_from).aggregate(  # 4
        n=Count("pk"),
        critical=Count("pk", filter=Q(critical_failed=True)),
        average=Avg("score"),
    )
    avg = Decimal(str(stats["average"])).quantize(Decimal("0.1")) if stats["average"] is not None else None
    latest = list(  # 5
        official.select_related("grid_version__grid", "evaluator", "interaction__company").order_by(
            "-evaluated_on", "-pk"
        )[:LATEST]
    )

    # Only the competencies the rep assessed: a supervisor-only competency has nothing to compare.
    gaps = [
        Gap(comp, self_rates[comp.pk], sup_rates.get(comp.pk))
        for comp in sorted(competencies.values(), key=lambda c: (c.framework, c.position, c.code))
        if comp.pk in self_rates
    ]
    self_count = len(
        {r[0] for r in rows if r[1] == EvaluationKind.SELF and self_since and r[2] >= self_since}
    )

    actions = list(  # 6
        TrainingAction.objects.visible_to(user)
        .filter(rep=rep)
        .select_related("competency", "evaluation")
        .order_by("planned_on", "pk")
    )
    return Profile(
        rep=rep,
        today=today,
        months=month_list,
        lines=lines,
        strengths=strengths,
        weak=weak,
        work_points=work_points,
        latest=latest,
        evaluations_90=stats["n"],
        average_90=avg,
        critical_90=stats["critical"],
        self_since=self_since,
        self_count=self_count,
        gaps=gaps,
        planned=[a for a in actions if a.status == TrainingStatus.PLANNED],
        done=[a for a in actions if a.status == TrainingStatus.DONE],
    )


# --- The team page --------------------------------------------------------------------------------


@dataclass
class RepLine:
    rep: object
    last_evaluated_on: dt.date | None = None
    evaluations_90: int = 0
    average_90: Decimal | None = None
    critical_90: int = 0
    arrow: str = ""
    planned_actions: int = 0
    blocks_validated: int = 0
    blocks_expiring: int = 0
    blocks_expired: int = 0


def reps_for(user):
    """The reps whose profile `user` may open from the team page (those they evaluate), by team."""
    from .selectors import evaluable_reps

    return evaluable_reps(user=user).order_by("team__name", "last_name", "first_name")


def team_overview(*, user, months: int = 6, today: dt.date | None = None) -> list[RepLine]:
    """One line per rep of `user`'s teams. Five queries whatever the number of reps."""
    today = today or timezone.localdate()
    month_list = months_back(today, months)
    recent_from = today - dt.timedelta(days=RECENT_DAYS)
    lines = {r.pk: RepLine(rep=r) for r in reps_for(user)}  # 1
    if not lines:
        return []
    official = Evaluation.objects.visible_to(user).official().filter(rep_id__in=list(lines))
    for rep_id, last in (
        official.values("rep_id")
        .annotate(last=Max("evaluated_on"))
        .values_list(  # 2
            "rep_id", "last"
        )
    ):
        lines[rep_id].last_evaluated_on = last
    by_month: dict[int, dict[dt.date, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    recent: dict[int, list[Decimal]] = defaultdict(list)
    for rep_id, day, score, critical in official.filter(  # 3
        evaluated_on__gte=min(month_list[0], recent_from)
    ).values_list("rep_id", "evaluated_on", "score", "critical_failed"):
        line = lines[rep_id]
        if day >= recent_from:
            line.evaluations_90 += 1
            line.critical_90 += bool(critical)
            if score is not None:
                recent[rep_id].append(score)
        if day >= month_list[0] and score is not None:
            by_month[rep_id][month_start(day)].append(score)
    for rep_id, line in lines.items():
        if recent[rep_id]:
            line.average_90 = (sum(recent[rep_id]) / len(recent[rep_id])).quantize(Decimal("0.1"))
        months_avg = [(sum(v) / len(v)) if (v := by_month[rep_id].get(m)) else None for m in month_list]
        line.arrow = trend_arrow(months_avg)
    for rep_id, n in (  # 4
        TrainingAction.objects.visible_to(user)
        .filter(rep_id__in=list(lines), status=TrainingStatus.PLANNED)
        .values("rep_id")
        .annotate(n=Count("pk"))
        .values_list("rep_id", "n")
    ):
        lines[rep_id].planned_actions = n
    from .models import CertificationRecord

    for record in CertificationRecord.objects.visible_to(user).filter(rep_id__in=list(lines)):  # 5
        state = record_state(record, today)
        line = lines[record.rep_id]
        if state in (STATE_VALID, STATE_EXPIRING):
            line.blocks_validated += 1
        if state == STATE_EXPIRING:
            line.blocks_expiring += 1
        if state == STATE_EXPIRED:
            line.blocks_expired += 1
    return list(lines.values())


# --- Certification reads ---------------------------------------------------------------------------

EXPIRY_WARNING_DAYS = 90
STATE_NONE = "none"
STATE_IN_PROGRESS = "in_progress"
STATE_NOT_VALIDATED = "not_validated"
STATE_VALID = "valid"
STATE_EXPIRING = "expiring"
STATE_EXPIRED = "expired"


def record_state(record, today: dt.date) -> str:
    """Where a record stands today; expiry is computed from the dates, never stored."""
    from .choices import CertificationStatus

    if record is None:
        return STATE_NONE
    if record.status == CertificationStatus.VALIDATED:
        if record.expires_on and record.expires_on < today:
            return STATE_EXPIRED
        if record.expires_on and (record.expires_on - today).days < EXPIRY_WARNING_DAYS:
            return STATE_EXPIRING
        return STATE_VALID
    if record.status == CertificationStatus.NOT_VALIDATED:
        return STATE_NOT_VALIDATED
    return STATE_IN_PROGRESS


@dataclass
class BlockCell:
    block: object
    record: object | None
    state: str
    days_left: int | None = None
    evidence: int = 0


def _cell(block, record, today: dt.date, evidence: int = 0) -> BlockCell:
    state = record_state(record, today)
    days = (record.expires_on - today).days if record is not None and record.expires_on else None
    return BlockCell(block=block, record=record, state=state, days_left=days, evidence=evidence)


def certification_blocks():
    from .models import CertificationBlock

    return list(CertificationBlock.objects.filter(certification="RNCP 32391").order_by("number"))


def certification_matrix(*, user, today: dt.date | None = None) -> tuple[list, list[tuple]]:
    """(blocks, [(rep, [BlockCell per block])]) for a supervisor's reps (admin: all). 3 queries."""
    from .models import CertificationRecord

    today = today or timezone.localdate()
    blocks = certification_blocks()
    reps = list(reps_for(user))
    records = {
        (r.rep_id, r.block_id): r
        for r in CertificationRecord.objects.visible_to(user).filter(rep__in=reps, block__in=blocks)
    }
    rows = [(rep, [_cell(b, records.get((rep.pk, b.pk)), today) for b in blocks]) for rep in reps]
    return blocks, rows


def rep_certification(*, user, rep, today: dt.date | None = None) -> list[BlockCell]:
    """The rep's blocks with their record (if any) and evidence count. 2 queries."""
    from .models import CertificationRecord

    today = today or timezone.localdate()
    blocks = certification_blocks()
    records = {
        r.block_id: r
        for r in CertificationRecord.objects.visible_to(user)
        .filter(rep=rep, block__in=blocks)
        .annotate(n_evidence=Count("evidence"))
        .select_related("updated_by")
    }
    return [_cell(b, records.get(b.pk), today, getattr(records.get(b.pk), "n_evidence", 0)) for b in blocks]
