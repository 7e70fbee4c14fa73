"""Can we deliver Q base units of P on date D? Available, partially (how much), or not (and when)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Sum

from .choices import Availability
from .models import Receipt, Stock


@dataclass(frozen=True)
class AvailabilityAnswer:
    status: str
    requested: int
    available: int  # base units that can be delivered on the date (at most `requested`)
    eta: date | None  # when the whole quantity can be delivered, if not on the date
    free_now: int = 0  # base units in stock and not reserved today, all warehouses

    @property
    def missing(self) -> int:
        return self.requested - self.available

    @property
    def label(self) -> str:
        return str(Availability(self.status).label)


def _answer(requested: int, free_now: int, receipts: list[tuple[date, int]], on: date) -> AvailabilityAnswer:
    by_date = free_now + sum(q for d, q in receipts if d <= on)
    if requested <= by_date:
        return AvailabilityAnswer(Availability.AVAILABLE, requested, requested, None, free_now)
    eta, running = None, by_date
    for when, quantity in receipts:
        if when <= on:
            continue
        running += quantity
        if running >= requested:
            eta = when
            break
    usable = max(0, min(by_date, requested))
    status = Availability.PARTIAL if usable > 0 else Availability.UNAVAILABLE
    return AvailabilityAnswer(status, requested, usable, eta, free_now)


def availability_many(items: Iterable[tuple[int, int]], *, on: date) -> dict[int, AvailabilityAnswer]:
    """For (product id, base quantity) pairs: two queries whatever the number of lines."""
    wanted: dict[int, int] = defaultdict(int)
    for product_id, quantity in items:
        wanted[product_id] += quantity
    if not wanted:
        return {}
    free = dict(
        Stock.objects.filter(product_id__in=wanted)
        .values("product_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .values_list("product_id", "free")
    )
    receipts: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for product_id, when, quantity in (
        Receipt.objects.filter(product_id__in=wanted, received=False)
        .order_by("expected_on")
        .values_list("product_id", "expected_on", "quantity")
    ):
        receipts[product_id].append((when, quantity))
    return {pid: _answer(q, free.get(pid) or 0, receipts[pid], on) for pid, q in wanted.items()}


def availability(*, product_id: int, quantity: int, on: date) -> AvailabilityAnswer:
    return availability_many([(product_id, quantity)], on=on)[product_id]
