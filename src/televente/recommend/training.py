"""The nightly training: done orders of the last two years in, the three score tables out.

`train()` reads the history with two `values_list` queries (orders, then their lines), encodes the
ids to integer codes with numpy, fits the engine's models (the same code as the offline evaluation,
with the parameters tuned there on real data) and replaces the tables in one transaction, so a
screen reads either the former tables or the new ones, never a mix. The `ModelRun` row is written
in its own transactions: it says "running" while the work goes on and keeps the error of a failure.

Work per order line is vectorised (numpy); Python loops run per customer or per product only.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections import Counter

import numpy as np
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from scipy import sparse

from televente.catalog.choices import ProductStatus
from televente.catalog.models import Product
from televente.core.bulk import insert_rows
from televente.orders.habits import DONE
from televente.orders.models import Order, OrderLine

from . import engine
from .choices import RunStatus
from .models import BasketScore, ComplementScore, ModelRun, SubstituteScore

logger = logging.getLogger(__name__)

HISTORY_DAYS = 2 * 365
PARAMS = {
    "history_days": HISTORY_DAYS,
    "next_basket": {"half_life": 180.0, "neighbours": 50, "alpha": 0.5, "keep": 30},
    "complements": {"shrink": 5.0, "keep": 10, "per_product": 10},
    "substitutes": {"keep": 10},
}
CHUNK = 20_000  # rows fetched per round trip
BATCH = 5_000  # rows per executemany
NO_ALLERGEN = "sans allergène"
BASKET_FIELDS = ("company", "product", "rank", "score", "own", "unit", "quantity")
COMPLEMENT_FIELDS = ("product", "target", "rank", "score")
SUBSTITUTE_FIELDS = (
    "product", "target", "rank", "score", "name_similarity", "attribute_similarity", "buyer_similarity", "accepted",
)  # fmt: skip


def train(*, trigger: str, by=None, today: dt.date | None = None) -> ModelRun:
    """Rebuilds BasketScore, ComplementScore and SubstituteScore from the history; returns the
    finished run. On any error the run is marked failed (with the error), the former tables stay as
    they were, and the error is raised again."""
    today = today or timezone.localdate()
    started = time.perf_counter()
    with transaction.atomic():
        run = ModelRun.objects.create(
            trigger=trigger,
            requested_by=by,
            started_at=timezone.now(),
            status=RunStatus.RUNNING,
            params={**PARAMS, "today": today.isoformat()},
        )
    try:
        counts = _train(today=today)
    except Exception as exc:
        logger.exception("Recommendation training %s failed", run.pk)
        ModelRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            finished_at=timezone.now(),
            seconds=time.perf_counter() - started,
            error=f"{type(exc).__name__}: {exc}"[:4000],
        )
        raise
    ModelRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE, finished_at=timezone.now(), seconds=time.perf_counter() - started, **counts
    )
    run.refresh_from_db()
    return run


# --- reading the history ---------------------------------------------------------------------------------------------


def _order_day():
    return Coalesce("delivery_date", TruncDate("confirmed_at"))


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _read_history(today: dt.date) -> dict[str, np.ndarray]:
    """One entry per order line of a done order of the window: order id, company id, product id,
    order day (days before `today`, negative; an order confirmed for a later delivery counts as
    today's: it is the customer's latest), unit id, quantity."""
    since = today - dt.timedelta(days=HISTORY_DAYS)
    orders = (
        Order.objects.filter(status__in=DONE)
        .annotate(day=_order_day())
        .filter(day__gte=since)
        .order_by("pk")
        .values_list("pk", "company_id", "day")
    )
    order_rows = list(orders.iterator(chunk_size=CHUNK))
    if not order_rows:
        empty = np.empty(0, dtype=np.int64)
        return dict.fromkeys(("order", "company", "product", "day", "unit", "quantity"), empty)
    order_ids = np.fromiter((r[0] for r in order_rows), dtype=np.int64, count=len(order_rows))
    order_company = np.fromiter((r[1] for r in order_rows), dtype=np.int64, count=len(order_rows))
    order_day = (
        np.array([r[2] for r in order_rows], dtype="datetime64[D]") - np.datetime64(today, "D")
    ).astype(np.float64)
    order_day = np.minimum(order_day, 0.0)
    del order_rows

    lines = (
        OrderLine.objects.filter(order__status__in=DONE)
        .filter(
            Q(order__delivery_date__gte=since)
            | Q(order__delivery_date__isnull=True, order__confirmed_at__gte=_start_of(since))
        )
        .values_list("order_id", "product_id", "unit_id", "quantity")
    )
    columns: list[list[int]] = [[], [], [], []]
    for row in lines.iterator(chunk_size=CHUNK):
        for column, value in zip(columns, row, strict=True):
            column.append(value)
    line_order = np.asarray(columns[0], dtype=np.int64)
    product = np.asarray(columns[1], dtype=np.int64)
    unit = np.asarray(columns[2], dtype=np.int64)
    quantity = np.asarray(columns[3], dtype=np.int64)
    # Lines whose order is outside the window (confirmed too long ago, or since the first read) are dropped.
    where = np.searchsorted(order_ids, line_order)
    where[where >= len(order_ids)] = 0
    known = order_ids[where] == line_order if len(order_ids) else np.zeros(len(line_order), dtype=bool)
    where = where[known]
    return {
        "order": line_order[known],
        "company": order_company[where],
        "product": product[known],
        "day": order_day[where],
        "unit": unit[known],
        "quantity": quantity[known],
    }


def _usual(keys: np.ndarray, unit: np.ndarray, quantity: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per distinct key: the most frequent unit (the smallest unit id on a tie) and the median
    (low) quantity of the lines in that unit. Returns (sorted keys, unit, quantity)."""
    if not len(keys):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty, empty
    order = np.lexsort((quantity, unit, keys))
    k, u, q = keys[order], unit[order], quantity[order]
    new_group = np.ones(len(k), dtype=bool)
    new_group[1:] = (k[1:] != k[:-1]) | (u[1:] != u[:-1])
    starts = np.flatnonzero(new_group)
    sizes = np.diff(np.append(starts, len(k)))
    g_key, g_unit = k[starts], u[starts]
    g_qty = q[starts + (sizes - 1) // 2]
    # The largest group of each key first (then the smallest unit id, already sorted so).
    best = np.lexsort((g_unit, -sizes, g_key))
    g_key, g_unit, g_qty = g_key[best], g_unit[best], g_qty[best]
    first = np.ones(len(g_key), dtype=bool)
    first[1:] = g_key[1:] != g_key[:-1]
    return g_key[first], g_unit[first], np.maximum(g_qty[first], 1)


def _lookup(keys: np.ndarray, found: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions of `found` in the sorted `keys`, and whether each is there."""
    if not len(keys):
        return np.zeros(len(found), dtype=np.int64), np.zeros(len(found), dtype=bool)
    where = np.minimum(np.searchsorted(keys, found), len(keys) - 1)
    return where, keys[where] == found


# --- training --------------------------------------------------------------------------------------------------------


def _train(*, today: dt.date) -> dict[str, int]:
    history = _read_history(today)
    active = list(
        Product.objects.exclude(status=ProductStatus.DISCONTINUED)
        .order_by("pk")
        .values_list(
            "pk", "category_id", "name", "brand", "base_unit", "storage", "origin", "labels", "allergens"
        )
    )
    active_ids = np.array([p[0] for p in active], dtype=np.int64)
    product_ids = np.union1d(np.unique(history["product"]), active_ids)
    company_ids, customer = np.unique(history["company"], return_inverse=True)
    order_ids, order_code = np.unique(history["order"], return_inverse=True)
    product = np.searchsorted(product_ids, history["product"])
    n_customers, n_products = len(company_ids), len(product_ids)

    # Distinct (order, product): a product twice in an order counts once.
    _keys, distinct = np.unique(order_code * max(n_products, 1) + product, return_index=True)
    counts = {
        "lines": int(len(product)),
        "orders": int(len(order_ids)),
        "customers": int(n_customers),
        "products": int(len(np.unique(product))),
    }

    baskets: list[tuple] = []
    complements: list[tuple] = []
    if len(product):
        baskets = _basket_rows(history, customer, order_code, product, distinct, company_ids, product_ids)
        complements = _complement_rows(order_code[distinct], product[distinct], product_ids)
    substitutes = _substitute_rows(active, active_ids, history, customer, n_customers, today)

    with transaction.atomic():
        # One writer at a time (a nightly run and an on-demand one may overlap): both lock the oldest
        # run's row first, so the second deletes what the first wrote instead of colliding with it.
        ModelRun.objects.select_for_update().order_by("pk").values_list("pk", flat=True).first()
        # A product deleted since it was read (one never ordered: ordered ones are protected) would
        # break the tables' foreign keys at commit and fail the whole run: its rows are dropped.
        alive = set(Product.objects.values_list("pk", flat=True))
        baskets = [row for row in baskets if row[1] in alive]
        complements = [row for row in complements if row[0] in alive and row[1] in alive]
        substitutes = [row for row in substitutes if row[0] in alive and row[1] in alive]
        BasketScore.objects.all().delete()
        ComplementScore.objects.all().delete()
        SubstituteScore.objects.all().delete()
        # Plain `executemany` of computed numbers (no user input): 3x faster than bulk_create here.
        insert_rows(BasketScore, BASKET_FIELDS, baskets, batch=BATCH)
        insert_rows(ComplementScore, COMPLEMENT_FIELDS, complements, batch=BATCH)
        insert_rows(SubstituteScore, SUBSTITUTE_FIELDS, substitutes, batch=BATCH)
    return {
        **counts,
        "basket_rows": len(baskets),
        "complement_rows": len(complements),
        "substitute_rows": len(substitutes),
    }


def _basket_rows(history, customer, order, product, distinct, company_ids, product_ids) -> list[tuple]:
    params = PARAMS["next_basket"]
    n_customers, n_products = len(company_ids), len(product_ids)
    model = engine.fit_next_basket(
        customer=customer[distinct],
        order=order[distinct],
        product=product[distinct],
        day=history["day"][distinct],
        n_customers=n_customers,
        n_products=n_products,
        now=0.0,
        half_life=params["half_life"],
        neighbours=params["neighbours"],
        alpha=params["alpha"],
    )
    found = engine.recommend_many(model, np.arange(n_customers), params["keep"])
    rec_customer, rec_product, rec_score, rec_own, rec_rank = [], [], [], [], []
    for c, items in found.items():
        for rank, (p, score, own) in enumerate(items, start=1):
            rec_customer.append(c)
            rec_product.append(p)
            rec_score.append(score)
            rec_own.append(own)
            rec_rank.append(rank)
    if not rec_customer:
        return []
    rc, rp = np.asarray(rec_customer, dtype=np.int64), np.asarray(rec_product, dtype=np.int64)

    unit, quantity = history["unit"], history["quantity"]
    own_keys, own_unit, own_qty = _usual(customer * n_products + product, unit, quantity)
    all_keys, all_unit, all_qty = _usual(product, unit, quantity)
    at_own, is_own = _lookup(own_keys, rc * n_products + rp)
    at_all, is_sold = _lookup(all_keys, rp)
    units = np.where(
        is_own, own_unit[at_own] if len(own_unit) else 0, all_unit[at_all] if len(all_unit) else 0
    )
    quantities = np.where(
        is_own, own_qty[at_own] if len(own_qty) else 1, all_qty[at_all] if len(all_qty) else 1
    )
    has_unit = is_own | is_sold
    return [
        (
            int(company_ids[c]),
            int(product_ids[p]),
            rank,
            score,
            own,
            int(u) if has else None,
            max(1, int(q)) if has else 1,
        )
        for c, p, rank, score, own, u, q, has in zip(
            rc, rp, rec_rank, rec_score, rec_own, units, quantities, has_unit, strict=True
        )
    ]


def _complement_rows(order: np.ndarray, product: np.ndarray, product_ids: np.ndarray) -> list[tuple]:
    params = PARAMS["complements"]
    model = engine.fit_complements(
        order=order,
        product=product,
        n_products=len(product_ids),
        shrink=params["shrink"],
        keep=params["keep"],
    )
    return [
        (int(product_ids[p]), int(product_ids[t]), rank, float(score))
        for p, t, score, rank in model.pairs(params["per_product"])
    ]


def _attributes(brand, base_unit, storage, origin, labels, allergens) -> set[str]:
    found = {f"{name}:{value.strip().lower()}" for name, value in (
        ("brand", brand), ("unit", base_unit), ("storage", storage), ("origin", origin)
    ) if value and value.strip()}  # fmt: skip
    found |= {f"label:{str(label).lower()}" for label in labels or []}
    found |= {f"allergen:{str(a).lower()}" for a in allergens or []} or {NO_ALLERGEN}
    return found


def _substitute_rows(active, active_ids, history, customer, n_customers, today) -> list[tuple]:
    if len(active_ids) < 2:
        return []
    category = np.array([p[1] if p[1] is not None else -1 for p in active], dtype=np.int64)
    names = [f"{p[2]} {p[3]}".strip() for p in active]
    attributes = [_attributes(*p[3:]) for p in active]
    at, known = _lookup(active_ids, history["product"])
    buyers = sparse.csr_matrix(
        (np.ones(int(known.sum()), dtype=engine.FLOAT), (at[known], customer[known])),
        shape=(len(active_ids), max(n_customers, 1)),
    )
    since = today - dt.timedelta(days=HISTORY_DAYS)
    replaced = Counter(
        OrderLine.objects.filter(order__status__in=DONE, replaces__isnull=False)
        .annotate(day=Coalesce("order__delivery_date", TruncDate("order__confirmed_at")))
        .filter(day__gte=since)
        .values_list("replaces_id", "product_id")
        .iterator(chunk_size=CHUNK)
    )
    position = {int(pk): i for i, pk in enumerate(active_ids)}
    accepted = {
        (position[src], position[dst]): times
        for (src, dst), times in replaced.items()
        if src in position and dst in position and src != dst
    }
    found = engine.fit_substitutes(
        category=category,
        names=names,
        attributes=attributes,
        buyers=buyers,
        accepted=accepted,
        keep=PARAMS["substitutes"]["keep"],
    )
    rows = []
    for src, targets in found.items():
        for rank, (dst, score, parts) in enumerate(targets, start=1):
            rows.append(
                (
                    int(active_ids[src]),
                    int(active_ids[dst]),
                    rank,
                    score,
                    parts.get("text", 0.0),
                    parts.get("attributes", 0.0),
                    parts.get("buyers", 0.0),
                    accepted.get((src, dst), 0),
                )
            )
    return rows


# --- the status page ---------------------------------------------------------------------------------------------------


def status_summary(*, limit: int = 20) -> dict:
    """The last runs (with who asked) and the current size of each table: 4 queries."""
    return {
        "runs": list(ModelRun.objects.select_related("requested_by").order_by("-started_at", "-pk")[:limit]),
        "sizes": {
            "basket": BasketScore.objects.count(),
            "complements": ComplementScore.objects.count(),
            "substitutes": SubstituteScore.objects.count(),
        },
    }
