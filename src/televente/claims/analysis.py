"""The supervisor's claim analysis: what customers complain about, why, how fast and how well it is
settled, over a period. Read-only, scoped to the person, computed by a fixed number of aggregate
queries (seven) whatever the number of claims.

Definitions (the period is [since 00:00, until 24:00[ in the local time zone):
- received: claims created in the period; by type and by cause, their count and amount at stake;
- Pareto: causes of the received claims by count (desc), cumulative share, and the smallest set of
  causes that reaches 80 % (the "vital few");
- resolution: claims closed in the period, time from creation to closing in calendar days (median
  and 90th percentile by linear interpolation, like PostgreSQL's percentile_cont and Excel's
  PERCENTILE.INC), and the share closed by their deadline (closed_at <= due_at);
- satisfaction: answers recorded in the period (satisfaction_at);
- overdue and awaiting approval: open claims today, whatever the period; escalated: escalations
  (escalated_at) in the period;
- top products and customers, verdicts: over the received claims; settlements: approved (decided)
  in the period.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q, Sum
from django.utils import timezone

from .choices import (
    OPEN_STATUSES,
    ClaimCause,
    ClaimStatus,
    ClaimType,
    Satisfaction,
    SettlementKind,
    SettlementStatus,
    Verdict,
)
from .models import Claim, ClaimLine, Settlement

PARETO_THRESHOLD = Decimal("80")
TOP = 10
COMMENTS = 10
ZERO = Decimal("0")
CENT = Decimal("0.01")
TENTH = Decimal("0.1")
DAY_SECONDS = Decimal(86400)


@dataclass(frozen=True)
class Breakdown:
    """One line of the by-type or by-cause table."""

    code: str
    label: str
    count: int
    amount: Decimal
    share: Decimal  # % of the claims received
    cumulative: Decimal | None = None  # Pareto only: % of the claims received, this line included
    vital: bool = False  # Pareto only: among the causes that make 80 %


@dataclass(frozen=True)
class Tally:
    """A count (and an amount) per value of a choice: verdicts, settlement kinds."""

    code: str
    label: str
    count: int
    amount: Decimal = ZERO


@dataclass(frozen=True)
class ProductRow:
    product_id: int
    code: str
    name: str
    claims: int
    quantity: int
    amount: Decimal


@dataclass(frozen=True)
class CustomerRow:
    company_id: int
    name: str
    claims: int
    amount: Decimal


@dataclass(frozen=True)
class Comment:
    claim_id: int
    number: str
    company: str
    satisfied: bool
    text: str
    at: dt.datetime


@dataclass
class ClaimAnalysis:
    since: dt.date
    until: dt.date
    received: int = 0
    amount_at_stake: Decimal = ZERO
    by_type: list[Breakdown] = field(default_factory=list)
    by_cause: list[Breakdown] = field(default_factory=list)  # Pareto order
    closed: int = 0
    median_days: Decimal | None = None
    p90_days: Decimal | None = None
    within_deadline: int = 0
    within_deadline_share: Decimal | None = None
    answered: int = 0
    satisfied: int = 0
    not_satisfied: int = 0
    satisfied_share: Decimal | None = None
    comments: list[Comment] = field(default_factory=list)
    overdue: int = 0
    escalated: int = 0
    awaiting_approval: int = 0
    top_products: list[ProductRow] = field(default_factory=list)
    top_customers: list[CustomerRow] = field(default_factory=list)
    verdicts: list[Tally] = field(default_factory=list)
    settlements: list[Tally] = field(default_factory=list)
    settled_total: Decimal = ZERO

    @property
    def vital_causes(self) -> list[str]:
        """The codes of the causes that make 80 % of the claims received."""
        return [row.code for row in self.by_cause if row.vital]


def period_bounds(since: dt.date, until: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """[since 00:00, the day after until 00:00[ as aware datetimes of the current time zone."""
    start = timezone.make_aware(dt.datetime.combine(since, dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(until + dt.timedelta(days=1), dt.time.min))
    return start, end


def percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(TENTH, rounding=ROUND_HALF_UP)


def percentile(values: list[Decimal], fraction: Decimal) -> Decimal | None:
    """Linear interpolation between the closest ranks (percentile_cont, PERCENTILE.INC)."""
    if not values:
        return None
    ordered = sorted(values)
    position = (len(ordered) - 1) * fraction
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def _money(value) -> Decimal:
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def _days(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(TENTH, rounding=ROUND_HALF_UP)


def _breakdowns(groups: dict[str, tuple[int, Decimal]], labels: dict, total: int) -> list[Breakdown]:
    ordered = sorted(groups.items(), key=lambda item: (-item[1][0], -item[1][1], item[0]))
    return [
        Breakdown(
            code=code,
            label=str(labels.get(code, code)),
            count=n,
            amount=_money(amount),
            share=percent(n, total),
        )
        for code, (n, amount) in ordered
    ]


def _pareto(rows: list[Breakdown], total: int) -> list[Breakdown]:
    """Adds the cumulative share; a cause is "vital" while the causes before it make less than 80 %."""
    result, running = [], 0
    for row in rows:
        vital = running * 100 < PARETO_THRESHOLD * total  # exact, not on the rounded share
        running += row.count
        result.append(
            Breakdown(
                code=row.code,
                label=row.label,
                count=row.count,
                amount=row.amount,
                share=row.share,
                cumulative=percent(running, total),
                vital=vital,
            )
        )
    return result


def claim_analysis(*, user, since: dt.date, until: dt.date, team=None, service: str = "") -> ClaimAnalysis:
    """Everything the analysis screen shows, in seven queries."""
    start, end = period_bounds(since, until)
    now = timezone.now()
    scope = Claim.objects.visible_to(user)
    if team is not None:
        scope = scope.filter(team=team)
    if service:
        scope = scope.filter(service=service)
    received_q = Q(created_at__gte=start, created_at__lt=end)
    closed_q = Q(status=ClaimStatus.CLOSED, closed_at__gte=start, closed_at__lt=end)
    answered_q = Q(satisfaction_at__gte=start, satisfaction_at__lt=end) & ~Q(satisfaction=Satisfaction.NONE)
    received = scope.filter(received_q)
    result = ClaimAnalysis(since=since, until=until)

    # 1. Headline figures and verdicts, in one pass over the scope.
    verdicts = {Verdict.FOUNDED: "founded", Verdict.PARTLY: "partly", Verdict.UNFOUNDED: "unfounded"}
    figures = scope.aggregate(
        received=Count("pk", filter=received_q),
        amount=Sum("amount", filter=received_q),
        pending=Count("pk", filter=received_q & Q(verdict=Verdict.PENDING)),
        **{key: Count("pk", filter=received_q & Q(verdict=value)) for value, key in verdicts.items()},
        closed=Count("pk", filter=closed_q),
        in_time=Count("pk", filter=closed_q & Q(closed_at__lte=F("due_at"))),
        answered=Count("pk", filter=answered_q),
        satisfied=Count("pk", filter=answered_q & Q(satisfaction=Satisfaction.SATISFIED)),
        not_satisfied=Count("pk", filter=answered_q & Q(satisfaction=Satisfaction.NOT_SATISFIED)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        escalated=Count("pk", filter=Q(escalated_at__gte=start, escalated_at__lt=end)),
        awaiting=Count("pk", filter=Q(status=ClaimStatus.AWAITING_APPROVAL)),
    )
    result.received = figures["received"]
    result.amount_at_stake = _money(figures["amount"])
    result.closed, result.within_deadline = figures["closed"], figures["in_time"]
    result.within_deadline_share = percent(result.within_deadline, result.closed)
    result.answered, result.satisfied = figures["answered"], figures["satisfied"]
    result.not_satisfied = figures["not_satisfied"]
    result.satisfied_share = percent(result.satisfied, result.answered)
    result.overdue, result.escalated = figures["overdue"], figures["escalated"]
    result.awaiting_approval = figures["awaiting"]
    verdict_labels = dict(Verdict.choices)
    result.verdicts = [
        Tally(code=value, label=str(verdict_labels[value]), count=figures[key])
        for value, key in (*verdicts.items(), (Verdict.PENDING, "pending"))
    ]

    # 2. By type and by cause: one grouped query (at most types x causes rows).
    by_type: dict[str, tuple[int, Decimal]] = {}
    by_cause: dict[str, tuple[int, Decimal]] = {}
    groups = received.order_by().values("claim_type", "cause").annotate(n=Count("pk"), amount=Sum("amount"))
    for group in groups:
        for table, code in ((by_type, group["claim_type"]), (by_cause, group["cause"])):
            n, amount = table.get(code, (0, ZERO))
            table[code] = (n + group["n"], amount + (group["amount"] or ZERO))
    result.by_type = _breakdowns(by_type, dict(ClaimType.choices), result.received)
    result.by_cause = _pareto(
        _breakdowns(by_cause, dict(ClaimCause.choices), result.received), result.received
    )

    # 3. Time to resolve: the closed claims of the period only (bounded by the period).
    durations = [
        Decimal((closed_at - created_at).total_seconds()) / DAY_SECONDS
        for created_at, closed_at in scope.filter(closed_q).order_by().values_list("created_at", "closed_at")
    ]
    result.median_days = _days(percentile(durations, Decimal("0.5")))
    result.p90_days = _days(percentile(durations, Decimal("0.9")))

    # 4. The last comments after resolution.
    result.comments = [
        Comment(
            claim_id=row["pk"],
            number=row["number"],
            company=row["company__trade_name"] or row["company__legal_name"],
            satisfied=row["satisfaction"] == Satisfaction.SATISFIED,
            text=row["satisfaction_comment"],
            at=row["satisfaction_at"],
        )
        for row in scope.filter(answered_q)
        .exclude(satisfaction_comment="")
        .order_by("-satisfaction_at", "-pk")
        .values(
            "pk",
            "number",
            "company__trade_name",
            "company__legal_name",
            "satisfaction",
            "satisfaction_comment",
            "satisfaction_at",
        )[:COMMENTS]
    ]

    # 5. The products most claimed about (lines of the received claims).
    result.top_products = [
        ProductRow(
            product_id=row["product_id"],
            code=row["product__code"],
            name=row["product__name"],
            claims=row["claims"],
            quantity=row["quantity"] or 0,
            amount=_money(row["amount"]),
        )
        for row in ClaimLine.objects.filter(claim__in=received.values("pk"))
        .values("product_id", "product__code", "product__name")
        .annotate(claims=Count("claim_id", distinct=True), quantity=Sum("quantity"), amount=Sum("amount"))
        .order_by("-claims", "-amount", "product__name", "product_id")[:TOP]
    ]

    # 6. The customers who complain most.
    result.top_customers = [
        CustomerRow(
            company_id=row["company_id"],
            name=row["company__trade_name"] or row["company__legal_name"],
            claims=row["claims"],
            amount=_money(row["amount"]),
        )
        for row in received.order_by()
        .values("company_id", "company__trade_name", "company__legal_name", "company__sort_name")
        .annotate(claims=Count("pk"), amount=Sum("amount"))
        .order_by("-claims", "-amount", "company__sort_name", "company_id")[:TOP]
    ]

    # 7. What was granted in the period, by kind of settlement.
    kinds = dict(SettlementKind.choices)
    settled = (
        Settlement.objects.filter(
            claim__in=scope.values("pk"),
            status=SettlementStatus.APPROVED,
            decided_at__gte=start,
            decided_at__lt=end,
        )
        .order_by()
        .values("kind")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    result.settlements = sorted(
        (
            Tally(
                code=row["kind"],
                label=str(kinds.get(row["kind"], row["kind"])),
                count=row["n"],
                amount=_money(row["amount"]),
            )
            for row in settled
        ),
        key=lambda tally: (-tally.amount, -tally.count, tally.code),
    )
    result.settled_total = sum((tally.amount for tally in result.settlements), ZERO)
    return result


def analysis_teams(user) -> list:
    """The teams the person may filter on (admin and back office: all)."""
    from televente.accounts.models import Team

    return list(Team.objects.visible_to(user).order_by("name", "pk").only("pk", "name"))
