"""Purchase habits computed from order history (a background task, never during a request).

Per customer and article: how many of its orders contain it, the usual sales unit and quantity
(the most frequent unit, the median quantity in it), its own repurchase cycle (median gap between
the orders that contain it), when it was last ordered, and a score that puts first what is due
now. Per customer: its order cycle, usual order days, average basket, revenue, last order, next
expected order (the call plan's lateness signal) and main articles.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from televente.catalog.models import Product
from televente.customers.models import CompanyHabits

from .choices import OrderStatus
from .models import Order, OrderLine, ProductHabit

DONE = [OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED, OrderStatus.DELIVERED]
WINDOW_DAYS = 365
MIN_ORDERS = 2  # an article ordered once is not a habit
MIN_SHARE = 0.15  # ... nor one in fewer than 15 % of the orders
CHUNK = 400


def _cycle(dates: list[dt.date]) -> int | None:
    if len(dates) < 2:
        return None
    gaps = [(b - a).days for a, b in zip(dates, dates[1:], strict=False) if (b - a).days > 0]
    return max(1, int(statistics.median(gaps))) if gaps else None


def refresh(company_ids: Iterable[int] | None = None, today: dt.date | None = None) -> int:
    """Recomputes the habits of these customers (all with orders when None); returns how many."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=2 * WINDOW_DAYS)
    orders = Order.objects.filter(status__in=DONE, delivery_date__gte=since)
    if company_ids is not None:
        orders = orders.filter(company_id__in=list(company_ids))
    ids = sorted(set(orders.values_list("company_id", flat=True)))
    for start in range(0, len(ids), CHUNK):
        _refresh_chunk(ids[start : start + CHUNK], since, today)
    return len(ids)


@transaction.atomic
def _refresh_chunk(company_ids: list[int], since: dt.date, today: dt.date) -> None:
    year_ago = today - dt.timedelta(days=WINDOW_DAYS)
    orders: dict[int, list[tuple[int, dt.date, Decimal]]] = defaultdict(list)
    for pk, company_id, day, total, discount in (
        Order.objects.filter(company_id__in=company_ids, status__in=DONE, delivery_date__gte=since)
        .order_by("delivery_date", "pk")
        .values_list("pk", "company_id", "delivery_date", "total_lines", "order_discount")
    ):
        orders[company_id].append((pk, day, total - discount))
    lines: dict[int, dict[int, list[tuple[dt.date, int, int]]]] = defaultdict(lambda: defaultdict(list))
    dates = {pk: day for rows in orders.values() for pk, day, _t in rows}
    for company_id, order_id, product_id, unit_id, quantity in (
        OrderLine.objects.filter(
            order__company_id__in=company_ids, order__status__in=DONE, order__delivery_date__gte=year_ago
        )
        .values_list("order__company_id", "order_id", "product_id", "unit_id", "quantity")
        .iterator(chunk_size=5000)
    ):
        lines[company_id][product_id].append((dates[order_id], unit_id, quantity))

    habits, company_habits = [], []
    for company_id in company_ids:
        history = orders.get(company_id, [])
        recent = [(pk, day, total) for pk, day, total in history if day >= year_ago]
        previous = [total for _pk, day, total in history if day < year_ago]
        recent_days = sorted({day for _pk, day, _t in recent})
        count = len({pk for pk, _d, _t in recent})
        cycle = _cycle(recent_days)
        last = history[-1][1] if history else None
        products = lines.get(company_id, {})
        ranked = []
        for product_id, rows in products.items():
            days = sorted({d for d, _u, _q in rows})
            share = len(days) / count if count else 0
            if len(days) < MIN_ORDERS or share < MIN_SHARE:
                continue
            unit_id = Counter(u for _d, u, _q in rows).most_common(1)[0][0]
            quantity = int(statistics.median_low([q for _d, u, q in rows if u == unit_id]))
            product_cycle = _cycle(days) or cycle
            last_ordered = days[-1]
            due = (today - last_ordered).days / product_cycle if product_cycle else 1.0
            habits.append(
                ProductHabit(
                    company_id=company_id,
                    product_id=product_id,
                    unit_id=unit_id,
                    usual_quantity=max(1, quantity),
                    orders_count=len(days),
                    share=Decimal(str(round(share, 3))),
                    cycle_days=product_cycle,
                    last_ordered=last_ordered,
                    next_expected=last_ordered + dt.timedelta(days=product_cycle) if product_cycle else None,
                    score=round(share * min(2.0, max(0.1, due)), 4),
                )
            )
            ranked.append((share, product_id))
        revenue = sum((t for _pk, _d, t in recent), Decimal("0"))
        company_habits.append(
            CompanyHabits(
                company_id=company_id,
                order_cycle_days=cycle,
                usual_weekdays=sorted({d.weekday() for d in recent_days[-12:]}) if recent_days else [],
                average_basket=(revenue / count).quantize(Decimal("0.01")) if count else Decimal("0"),
                orders_12m=count,
                revenue_12m=revenue,
                revenue_prev_12m=sum(previous, Decimal("0")),
                last_order_date=last,
                next_expected_order=last + dt.timedelta(days=cycle) if last and cycle else None,
                top_products=[
                    pid for _s, pid in sorted(ranked, key=lambda r: (-r[0], r[1]))[:4]
                ],  # names below
                computed_at=timezone.now(),
            )
        )
    top_ids = {pid for h in company_habits for pid in h.top_products}
    names = dict(Product.objects.filter(pk__in=top_ids).values_list("pk", "name"))
    for h in company_habits:
        h.top_products = [names[pid] for pid in h.top_products if pid in names]
    ProductHabit.objects.filter(company_id__in=company_ids).delete()
    ProductHabit.objects.bulk_create(habits, batch_size=2000)
    CompanyHabits.objects.bulk_create(
        company_habits,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["company"],
        update_fields=[
            "order_cycle_days",
            "usual_weekdays",
            "average_basket",
            "orders_12m",
            "revenue_12m",
            "revenue_prev_12m",
            "last_order_date",
            "next_expected_order",
            "top_products",
            "computed_at",
        ],
    )
