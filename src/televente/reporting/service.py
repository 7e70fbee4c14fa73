"""The service quality of a team over a period, for the supervisor's screens and the synthesis PDF:
claims and delivery incidents per cause, how fast claims were resolved, the customers'
satisfaction after a claim, and collection (overdue now, recovered in the period).

Reads only, seven aggregate queries whatever the volume. The team of a claim is `Claim.team` (the
customer's team when the claim was received); incidents, invoices and payments have no team and
are taken through their customer's current team.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, Sum
from django.utils import timezone

from televente.accounts.models import Team
from televente.claims.choices import ClaimCause, ClaimStatus, Satisfaction
from televente.claims.models import Claim
from televente.customers.models import Company
from televente.orders.choices import IncidentCause
from televente.orders.models import DeliveryIncident
from televente.receivables.choices import InvoiceKind, InvoiceStatus
from televente.receivables.models import Invoice, Payment

from . import stats
from .periods import Period

ZERO = Decimal("0")
CENT = Decimal("0.01")
DAY_SECONDS = 86400
# The survey's answers that count as "satisfied" (Satisfaction.NONE is "no answer yet").
SATISFIED = (Satisfaction.SATISFIED,)
ANSWERS = tuple(value for value in Satisfaction.values if value != Satisfaction.NONE)
BALANCE = ExpressionWrapper(
    F("amount") - F("paid_amount"), output_field=DecimalField(max_digits=12, decimal_places=2)
)


@dataclass(frozen=True)
class CauseRow:
    cause: str
    label: str
    count: int
    amount: Decimal | None = None  # claims: the amount in question (€ HT); incidents: None


@dataclass(frozen=True)
class Resolution:
    """Claims closed in the period, and those open past their deadline now."""

    closed: int
    average_days: float | None  # created_at -> closed_at, in days with one decimal
    median_days: float | None
    overdue_open: int  # every open claim of the team whose due_at is past (now, not in the period)


@dataclass(frozen=True)
class SatisfactionSummary:
    """Answers to the survey given in the period (satisfaction_at in the period)."""

    rows: list[tuple[str, str, int]]  # (value, label, count) for each answer, zeros included
    answered: int
    satisfied: int
    satisfied_share: float | None  # 0-1; None without answers


@dataclass(frozen=True)
class Collections:
    overdue_amount: Decimal  # now: open invoices past due, what is left to pay (TTC)
    overdue_customers: int
    recovered_amount: Decimal  # payments of the period on invoices already past due when paid
    recovered_customers: int


@dataclass(frozen=True)
class ServiceView:
    team: Team
    period: Period
    today: dt.date
    claims_by_cause: list[CauseRow]  # the most frequent cause first
    claims_total: int
    claims_amount: Decimal
    incidents_by_cause: list[CauseRow]
    incidents_total: int
    resolution: Resolution
    satisfaction: SatisfactionSummary
    collections: Collections


def _bounds(period: Period) -> tuple[dt.datetime, dt.datetime]:
    return stats.day_bounds(period.start)[0], stats.day_bounds(period.end)[1]


def _money(value: Decimal | None) -> Decimal:
    return (value or ZERO).quantize(CENT)


def _days(value: float) -> float:
    return round(value, 1)


def claims_by_cause(*, team: Team, period: Period) -> list[CauseRow]:
    low, high = _bounds(period)
    rows = (
        Claim.objects.filter(team=team, created_at__gte=low, created_at__lt=high)
        .order_by()
        .values("cause")
        .annotate(n=Count("pk"), amount=Sum("amount"))
    )
    result = [
        CauseRow(row["cause"], str(_label(ClaimCause, row["cause"])), row["n"], _money(row["amount"]))
        for row in rows
    ]
    return sorted(result, key=lambda r: (-r.count, -(r.amount or ZERO), r.label))


def incidents_by_cause(*, team: Team, period: Period) -> list[CauseRow]:
    low, high = _bounds(period)
    rows = (
        DeliveryIncident.objects.filter(
            company_id__in=Company.objects.filter(team=team).values("pk"),
            created_at__gte=low,
            created_at__lt=high,
        )
        .order_by()
        .values("cause")
        .annotate(n=Count("pk"))
    )
    result = [CauseRow(row["cause"], str(_label(IncidentCause, row["cause"])), row["n"]) for row in rows]
    return sorted(result, key=lambda r: (-r.count, r.label))


def _label(choices, value: str) -> str:
    try:
        return choices(value).label
    except ValueError:
        return value


def resolution(*, team: Team, period: Period, now: dt.datetime) -> Resolution:
    low, high = _bounds(period)
    durations = [
        (closed_at - created_at).total_seconds() / DAY_SECONDS
        for created_at, closed_at in Claim.objects.filter(
            team=team, status=ClaimStatus.CLOSED, closed_at__gte=low, closed_at__lt=high
        )
        .order_by()
        .values_list("created_at", "closed_at")
    ]
    return Resolution(
        closed=len(durations),
        average_days=_days(statistics.fmean(durations)) if durations else None,
        median_days=_days(statistics.median(durations)) if durations else None,
        overdue_open=Claim.objects.filter(team=team).overdue(now).count(),
    )


def satisfaction(*, team: Team, period: Period) -> SatisfactionSummary:
    low, high = _bounds(period)
    counts = dict(
        Claim.objects.filter(
            team=team, satisfaction_at__gte=low, satisfaction_at__lt=high, satisfaction__in=ANSWERS
        )
        .order_by()
        .values("satisfaction")
        .annotate(n=Count("pk"))
        .values_list("satisfaction", "n")
    )
    rows = [(value, str(Satisfaction(value).label), counts.get(value, 0)) for value in ANSWERS]
    answered = sum(counts.values())
    satisfied = sum(counts.get(value, 0) for value in SATISFIED)
    return SatisfactionSummary(
        rows=rows,
        answered=answered,
        satisfied=satisfied,
        satisfied_share=satisfied / answered if answered else None,
    )


def collections(*, team: Team, period: Period, today: dt.date) -> Collections:
    """Overdue now as the collection dashboard counts it (open invoices, not credit notes, due
    before today, the balance left); recovered: payments dated in the period (up to today) on an
    invoice whose due date was before the payment."""
    companies = Company.objects.filter(team=team).values("pk")
    overdue = Invoice.objects.filter(
        company_id__in=companies,
        status=InvoiceStatus.OPEN,
        kind=InvoiceKind.INVOICE,
        due_on__lt=today,
        amount__gt=F("paid_amount"),
    ).aggregate(amount=Sum(BALANCE), customers=Count("company_id", distinct=True))
    recovered = Payment.objects.filter(
        company_id__in=companies,
        paid_on__gte=period.start,
        paid_on__lte=min(period.end, today),
        invoice__due_on__lt=F("paid_on"),
    ).aggregate(amount=Sum("amount"), customers=Count("company_id", distinct=True))
    return Collections(
        overdue_amount=_money(overdue["amount"]),
        overdue_customers=overdue["customers"],
        recovered_amount=_money(recovered["amount"]),
        recovered_customers=recovered["customers"],
    )


def service_quality(*, team: Team, period: Period, today: dt.date | None = None) -> ServiceView:
    """The team's service quality over `period` (claims, incidents, resolution, satisfaction,
    recovered payments) and as of `today` (overdue invoices; open claims past their deadline are
    counted at the current time). Seven queries."""
    today = today or timezone.localdate()
    by_cause = claims_by_cause(team=team, period=period)
    incidents = incidents_by_cause(team=team, period=period)
    return ServiceView(
        team=team,
        period=period,
        today=today,
        claims_by_cause=by_cause,
        claims_total=sum(row.count for row in by_cause),
        claims_amount=sum((row.amount or ZERO for row in by_cause), ZERO),
        incidents_by_cause=incidents,
        incidents_total=sum(row.count for row in incidents),
        resolution=resolution(team=team, period=period, now=timezone.now()),
        satisfaction=satisfaction(team=team, period=period),
        collections=collections(team=team, period=period, today=today),
    )
