"""The daily figures per rep (`RepDay`) computed from the records of the day.

`compute_day()` reads one local day with a handful of grouped queries on time ranges (no date
truncation: the day's bounds are computed in the server's time zone, so indexes on the timestamps
are used); `refresh_days()` stores them, replacing what was there. Today's figures are computed live
with `compute_day()` by the indicators, so they are always current. The definitions are in
docs/INDICATORS.md; keep both in step.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import (
    Count,
    DecimalField,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from televente.accounts.models import User
from televente.calls.choices import PlanStatus, TaskStatus
from televente.calls.models import CallTask, PlanSettings
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Interaction
from televente.orders.choices import LineOrigin, LostSaleReason, OrderStatus
from televente.orders.models import LostSale, Order, OrderLine

from .models import RepDay

logger = logging.getLogger(__name__)

ZERO = Decimal("0")
CALL_KINDS = (InteractionKind.CALL_OUT, InteractionKind.CALL_IN)
# A call is "reached" when somebody answered: every outcome but these.
NOT_REACHED = (Outcome.NOT_REACHED, Outcome.VOICEMAIL, Outcome.WRONG_NUMBER, Outcome.NONE)
ORDER_TAKEN = (OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED, OrderStatus.DELIVERED)
CALLBACK_TOLERANCE = dt.timedelta(minutes=30)  # a callback made within 30 min of the promised time is kept
DEFAULT_CALL_MINUTES = 5  # the recommended duration when the customer has no segment
DEFAULT_INACTIVE_DAYS = 60  # a customer with no order for this long is inactive (PlanSettings)

COUNTERS = (
    "calls_planned", "planned_done", "calls_made", "calls_reached", "calls_ordered", "talk_seconds",
    "talk_calls", "talk_target_seconds", "window_calls", "in_window", "callbacks_due", "callbacks_kept",
    "orders", "lines", "complement_orders", "complement_lines", "substitute_lines", "shortage_lost",
    "promotion_orders", "new_customers", "reactivated",
)  # fmt: skip
AMOUNTS = ("revenue", "margin", "margin_revenue")
FIELDS = COUNTERS + AMOUNTS


def empty() -> dict:
    return {**dict.fromkeys(COUNTERS, 0), **dict.fromkeys(AMOUNTS, ZERO)}


def company_tz() -> ZoneInfo:
    """Days are the company's days (settings.TIME_ZONE), whatever the zone of the person looking."""
    return ZoneInfo(settings.TIME_ZONE)


def company_today() -> dt.date:
    return timezone.localdate(timezone=company_tz())


def day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    tz = company_tz()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=tz)
    return start, end


def compute_day(day: dt.date, *, rep_ids: Iterable[int] | None = None) -> dict[int, dict]:
    """{rep id: figures} for one local day, for every rep with anything that day (or only `rep_ids`)."""
    reps = None if rep_ids is None else list(rep_ids)
    start, end = day_bounds(day)
    rows: dict[int, dict] = defaultdict(empty)

    def only(qs, field: str):
        return qs if reps is None else qs.filter(**{f"{field}__in": reps})

    # The plan: calls planned in the published plan of the day, done, and placed inside a window.
    tasks = only(
        CallTask.objects.filter(plan__date=day, plan__status=PlanStatus.PUBLISHED, rep__isnull=False).exclude(
            status__in=(TaskStatus.UNPLANNED, TaskStatus.CANCELLED)
        ),
        "rep_id",
    )
    for rep_id, status, started_at, windows in tasks.values_list("rep_id", "status", "started_at", "windows"):
        row = rows[rep_id]
        row["calls_planned"] += 1
        if status == TaskStatus.DONE:
            row["planned_done"] += 1
            if windows and started_at:
                row["window_calls"] += 1
                local = timezone.localtime(started_at, company_tz())
                minute = local.hour * 60 + local.minute
                row["in_window"] += any(a <= minute < b for a, b in windows)

    # The calls made (planned or not): every call logged on a timeline by the rep that day.
    calls = only(
        Interaction.objects.filter(kind__in=CALL_KINDS, occurred_at__gte=start, occurred_at__lt=end),
        "author_id",
    ).exclude(author__isnull=True)
    for row_data in calls.values("author_id").annotate(
        made=Count("pk"),
        reached=Count("pk", filter=~Q(outcome__in=NOT_REACHED)),
        ordered=Count("pk", filter=Q(outcome=Outcome.REACHED_ORDER)),
        talk=Coalesce(Sum("duration_seconds", filter=~Q(outcome__in=NOT_REACHED)), 0),
        talk_calls=Count("duration_seconds", filter=~Q(outcome__in=NOT_REACHED)),
        target=Coalesce(
            Sum(
                Coalesce("company__segment__call_minutes", DEFAULT_CALL_MINUTES) * 60,
                filter=~Q(outcome__in=NOT_REACHED) & Q(duration_seconds__isnull=False),
                output_field=IntegerField(),
            ),
            0,
        ),
    ):
        row = rows[row_data["author_id"]]
        row["calls_made"] = row_data["made"]
        row["calls_reached"] = row_data["reached"]
        row["calls_ordered"] = row_data["ordered"]
        row["talk_seconds"] = row_data["talk"]
        row["talk_calls"] = row_data["talk_calls"]
        row["talk_target_seconds"] = row_data["target"]

    # Callbacks promised for that day, and kept (made within the tolerance of the promised time).
    callbacks = only(
        Interaction.objects.filter(
            next_action=NextStepAction.CALLBACK, next_action_at__gte=start, next_action_at__lt=end
        ),
        "next_action_owner_id",
    ).exclude(next_action_owner__isnull=True)
    for row_data in callbacks.values("next_action_owner_id").annotate(
        due=Count("pk"),
        kept=Count(
            "pk",
            filter=Q(next_action_done_at__gte=F("next_action_at") - CALLBACK_TOLERANCE)
            & Q(next_action_done_at__lte=F("next_action_at") + CALLBACK_TOLERANCE),
        ),
    ):
        row = rows[row_data["next_action_owner_id"]]
        row["callbacks_due"] = row_data["due"]
        row["callbacks_kept"] = row_data["kept"]

    # Orders taken that day (confirmed, whatever happened to them since, except a cancellation).
    orders = only(
        Order.objects.filter(confirmed_at__gte=start, confirmed_at__lt=end, status__in=ORDER_TAKEN),
        "rep_id",
    ).exclude(rep__isnull=True)
    previous = (
        Order.objects.filter(
            company_id=OuterRef("company_id"),
            status__in=ORDER_TAKEN,
            confirmed_at__lt=OuterRef("confirmed_at"),
        )
        .order_by("-confirmed_at")
        .values("confirmed_at")[:1]
    )
    inactive_days = _inactive_days()
    tz = company_tz()
    discount_share: dict[int, Decimal] = {}  # order id -> order discount / lines total
    new_seen: dict[int, set[int]] = defaultdict(set)
    reactivated_seen: dict[int, set[int]] = defaultdict(set)
    for order in orders.annotate(previous_at=Subquery(previous)).values(
        "pk", "rep_id", "team_id", "company_id", "total_lines", "order_discount", "lines_count",
        "order_promotion_id", "previous_at", "confirmed_at",
    ):  # fmt: skip
        row = rows[order["rep_id"]]
        row["orders"] += 1
        row["revenue"] += order["total_lines"] - order["order_discount"]
        if order["order_discount"] and order["total_lines"]:
            discount_share[order["pk"]] = order["order_discount"] / order["total_lines"]
        row["lines"] += order["lines_count"]
        if order["order_promotion_id"]:
            row["_promo_orders"] = row.get("_promo_orders", set()) | {order["pk"]}
        if order["previous_at"] is None:
            new_seen[order["rep_id"]].add(order["company_id"])
        else:
            gap = (
                timezone.localtime(order["confirmed_at"], tz).date()
                - timezone.localtime(order["previous_at"], tz).date()
            )
            if gap.days > inactive_days.get(order["team_id"], DEFAULT_INACTIVE_DAYS):
                reactivated_seen[order["rep_id"]].add(order["company_id"])
    for rep_id, companies in new_seen.items():
        rows[rep_id]["new_customers"] = len(companies)
    for rep_id, companies in reactivated_seen.items():
        rows[rep_id]["reactivated"] = len(companies)

    # The lines of those orders: cross-sell, substitutions, promotions, margin where the cost is known.
    lines = OrderLine.objects.filter(order__in=orders.values("pk"))
    cost = ExpressionWrapper(
        F("product__purchase_cost") * (F("base_quantity") + F("free_quantity")),
        output_field=DecimalField(max_digits=18, decimal_places=4),
    )
    known_cost = Q(product__purchase_cost__isnull=False)
    promoted = Q(promotion_discount__gt=0) | Q(free_quantity__gt=0) | Q(origin=LineOrigin.PROMOTION)
    for row_data in lines.values("order__rep_id", "order_id").annotate(
        complements=Count("pk", filter=Q(origin=LineOrigin.COMPLEMENT)),
        substitutes=Count("pk", filter=Q(origin=LineOrigin.SUBSTITUTE)),
        promotions=Count("pk", filter=promoted),
        costed=Coalesce(Sum("amount", filter=known_cost), ZERO),
        cost=Coalesce(Sum(cost, filter=known_cost), ZERO),
    ):
        row = rows[row_data["order__rep_id"]]
        row["complement_lines"] += row_data["complements"]
        row["complement_orders"] += row_data["complements"] > 0
        row["substitute_lines"] += row_data["substitutes"]
        if row_data["promotions"]:
            row["_promo_orders"] = row.get("_promo_orders", set()) | {row_data["order_id"]}
        # The order's discount lowers the lines' revenue (and so the margin) pro rata.
        costed = row_data["costed"] * (1 - discount_share.get(row_data["order_id"], ZERO))
        costed = Decimal(costed).quantize(Decimal("0.01"))
        row["margin_revenue"] += costed
        row["margin"] += costed - Decimal(row_data["cost"]).quantize(Decimal("0.01"))
    for row in rows.values():
        row["promotion_orders"] = len(row.pop("_promo_orders", ()))

    # Sales lost to a shortage (the substitute was refused), recorded by the rep that day.
    lost = only(
        LostSale.objects.filter(reason=LostSaleReason.SHORTAGE, created_at__gte=start, created_at__lt=end),
        "by_id",
    ).exclude(by__isnull=True)
    for row_data in lost.values("by_id").annotate(n=Count("pk")):
        rows[row_data["by_id"]]["shortage_lost"] = row_data["n"]

    return dict(rows)


def _inactive_days() -> dict[int, int]:
    return dict(PlanSettings.objects.values_list("team_id", "inactive_after_days"))


def refresh_days(*, day_from: dt.date, day_to: dt.date) -> int:
    """Recompute and store every rep's figures of each day from `day_from` to `day_to` included.
    Each day is replaced in one transaction, so a dashboard never reads half a day."""
    teams = dict(User.objects.values_list("pk", "team_id"))
    now = timezone.now()
    written = 0
    day = day_from
    while day <= day_to:
        figures = compute_day(day)
        with transaction.atomic():
            RepDay.objects.filter(date=day).delete()
            RepDay.objects.bulk_create(
                [
                    RepDay(date=day, rep_id=rep_id, team_id=teams.get(rep_id), computed_at=now, **values)
                    for rep_id, values in figures.items()
                ],
                batch_size=500,
            )
        written += len(figures)
        day += dt.timedelta(days=1)
    return written


def refresh_recent(days: int = 2) -> str:
    """The periodic refresh: the last `days` days up to today (late outcomes, cancellations)."""
    today = company_today()
    count = refresh_days(day_from=today - dt.timedelta(days=days - 1), day_to=today)
    return f"{count} rows"


def refresh_nightly() -> str:
    """Nightly: the last 40 days again, so a cancellation or a late outcome reaches last month's figures."""
    return refresh_recent(days=40)
