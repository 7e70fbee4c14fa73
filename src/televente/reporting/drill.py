"""Drill-downs: the customers and the calls behind a number of the dashboards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, F, Q, QuerySet, Sum

from televente.customers.models import Company, Interaction
from televente.orders.models import Order

from . import stats
from .periods import Period

ZERO = Decimal("0")


@dataclass
class CustomerRow:
    company: Company
    revenue: Decimal
    orders: int
    reference_revenue: Decimal
    reference_orders: int

    @property
    def change(self) -> Decimal:
        return self.revenue - self.reference_revenue


def _range(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    return stats.day_bounds(start)[0], stats.day_bounds(end)[1]


def customers_behind_revenue(
    *, rep_ids: list[int], period: Period, today: dt.date, order: str = "change"
) -> list[CustomerRow]:
    """Every customer with revenue (now or in the previous period at a comparable date) for these
    reps: this period's revenue and orders beside the reference's, the biggest drops first."""
    current_end = min(period.end, today)
    ref_start, ref_end = period.comparable_previous(today)
    revenue = F("total_lines") - F("order_discount")
    base = Order.objects.filter(rep_id__in=rep_ids, status__in=stats.ORDER_TAKEN)
    rows: dict[int, dict] = {}
    for key, (start, end) in (("cur", (period.start, current_end)), ("ref", (ref_start, ref_end))):
        low, high = _range(start, end)
        for row in (
            base.filter(confirmed_at__gte=low, confirmed_at__lt=high)
            .values("company_id")
            .annotate(amount=Sum(revenue), n=Count("pk"))
        ):
            entry = rows.setdefault(row["company_id"], {"cur": (ZERO, 0), "ref": (ZERO, 0)})
            entry[key] = (row["amount"] or ZERO, row["n"])
    companies = Company.objects.select_related("rep", "habits").in_bulk(list(rows))
    result = [
        CustomerRow(companies[pk], v["cur"][0], v["cur"][1], v["ref"][0], v["ref"][1])
        for pk, v in rows.items()
        if pk in companies
    ]
    if order == "revenue":
        result.sort(key=lambda r: (-r.revenue, r.company.sort_name))
    else:
        result.sort(key=lambda r: (r.change, r.company.sort_name))
    return result


CALL_FILTERS = {
    "reached": ~Q(outcome__in=stats.NOT_REACHED),
    "not_reached": Q(outcome__in=stats.NOT_REACHED),
    "ordered": Q(outcome="reached_order"),
}


def calls_behind(
    *, rep_ids: list[int], period: Period, today: dt.date, outcome: str = "", weekday: int | None = None
) -> QuerySet[Interaction]:
    """The calls made by these reps in the period (newest first), optionally only the reached /
    not reached / ordering ones, or those of one weekday (0 = Monday)."""
    low, high = _range(period.start, min(period.end, today))
    qs = (
        Interaction.objects.filter(
            author_id__in=rep_ids, kind__in=stats.CALL_KINDS, occurred_at__gte=low, occurred_at__lt=high
        )
        .select_related("company", "author", "contact")
        .order_by("-occurred_at", "-pk")
    )
    if outcome in CALL_FILTERS:
        qs = qs.filter(CALL_FILTERS[outcome])
    if weekday is not None and 0 <= weekday <= 6:
        qs = qs.filter(occurred_at__week_day=(weekday + 1) % 7 + 1)  # Django: 1 = Sunday ... 7 = Saturday
    return qs
