"""The delivery date proposed for an order: the customer's delivery days, the order cut-off time,
the longest lead time of the articles, and the customer's closure periods."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

MAX_DAYS_AHEAD = 60


def cutoff() -> dt.time:
    hour, minute = (int(x) for x in getattr(settings, "ORDER_CUTOFF", "16:00").split(":"))
    return dt.time(hour, minute)


def propose_delivery_date(
    *, company, now: dt.datetime | None = None, lead_days: int = 0, closures: list | None = None
) -> dt.date:
    """The first possible day: after tomorrow once the cut-off is passed, after the lead time, on
    one of the customer's delivery days (Monday to Friday if it has none), outside its closures."""
    now = timezone.localtime(now or timezone.now())
    first = now.date() + dt.timedelta(days=1 if now.time() < cutoff() else 2)
    first += dt.timedelta(days=max(0, lead_days))
    weekdays = set(company.delivery_weekdays or []) or {0, 1, 2, 3, 4}
    if closures is None:
        closures = list(company.closures.filter(end__gte=first).values_list("start", "end"))
    day = first
    for _ in range(MAX_DAYS_AHEAD):
        closed = any(start <= day <= end for start, end in closures)
        if day.weekday() in weekdays and not closed:
            return day
        day += dt.timedelta(days=1)
    return first


def is_deliverable(company, day: dt.date, closures: list | None = None) -> bool:
    weekdays = set(company.delivery_weekdays or []) or {0, 1, 2, 3, 4}
    if closures is None:
        closures = list(company.closures.filter(end__gte=day, start__lte=day).values_list("start", "end"))
    return day.weekday() in weekdays and not any(start <= day <= end for start, end in closures)
