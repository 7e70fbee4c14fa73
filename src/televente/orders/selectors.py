"""Reads for the order screens: the order with its lines, the habitual basket, complements and
promotions for the panel, the read-back warnings, the order lists. Bounded queries."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from televente.accounts.permissions import can_approve_discounts, discount_limit
from televente.catalog.choices import LinkKind
from televente.catalog.models import Product, ProductLink, SalesUnit
from televente.catalog.pricing import promotions_for
from televente.customers.models import Company

from . import suggestions
from .choices import INCOMING_SOURCES, ApprovalStatus, IncidentStatus, OrderStatus
from .incidents import visible_incidents
from .models import Order, OrderLine, ProductHabit

UNITS = Prefetch("product__units", queryset=SalesUnit.objects.order_by("base_quantity"))
UNUSUAL_FACTOR = 3  # a quantity above 3x or below 1/3 of the usual one is read back


def visible_orders(user):
    """Orders of the customers this person sees. Written as EXISTS rather than `company__in`: the
    database then starts from the order side (a status, the last-changed index) and checks each
    order's customer by primary key, instead of probing every company of a 7,000-company team."""
    return Order.objects.filter(Exists(Company.objects.visible_to(user).filter(pk=OuterRef("company_id"))))


def order_for(*, user, pk: int) -> Order:
    """The order if its customer is visible to this person (404 otherwise)."""
    return get_object_or_404(
        visible_orders(user).select_related(
            "company", "company__segment", "contact", "delivery_address", "rep"
        ),
        pk=pk,
    )


def recent_orders(company, limit: int) -> list[Order]:
    """The customer's last orders past the draft (not cancelled), newest first, with what a list of
    them shows (the call preparation, the claim form)."""
    return list(
        Order.objects.filter(company=company)
        .exclude(status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
        .only(
            "pk",
            "number",
            "status",
            "confirmed_at",
            "delivery_date",
            "delivered_at",
            "total_lines",
            "order_discount",
            "company_id",
        )
        .order_by("-confirmed_at", "-pk")[:limit]
    )


def order_lines(order: Order) -> list[OrderLine]:
    return list(
        order.lines.select_related("product", "unit", "replaces")
        .prefetch_related(UNITS)
        .order_by("position", "pk")
    )


def line_for(order: Order, line_id: int) -> OrderLine:
    line = get_object_or_404(
        OrderLine.objects.select_related("product", "unit", "replaces").prefetch_related(UNITS),
        pk=line_id,
        order=order,
    )
    line.order = order
    return line


def habitual_basket(order: Order, in_order: set[int], limit: int = 40) -> list[ProductHabit]:
    """What this customer usually orders and is not in the order yet: from the registered provider
    (the trained recommendations), else the customer's own habits, due first."""
    registered = suggestions.provider()
    if registered is not None:
        return registered.habitual(order, in_order, limit)
    return own_habits(order, in_order, limit)


def own_habits(order: Order, in_order: set[int], limit: int = 40) -> list[ProductHabit]:
    """The customer's own habits not in the order yet, due first (no model needed)."""
    return list(
        ProductHabit.objects.filter(company_id=order.company_id)
        .exclude(product_id__in=in_order)
        .exclude(product__status="discontinued")
        .select_related("product", "unit")
        .order_by("-score")[:limit]
    )


def complements(in_order: set[int], exclude: set[int], limit: int = 8, *, order: Order | None = None) -> list:
    """Complements of the basket's articles that are neither in it nor among its habits: from the
    registered provider (explicit links then learned ones), else the catalogue's explicit links."""
    registered = suggestions.provider()
    if registered is not None:
        return registered.complements(order, in_order, exclude, limit)
    return linked_complements(in_order, exclude, limit)


def linked_complements(in_order: set[int], exclude: set[int], limit: int = 8) -> list[ProductLink]:
    """The catalogue's explicit complements of the basket's articles."""
    if not in_order:
        return []
    seen, found = set(), []
    for link in (
        ProductLink.objects.filter(kind=LinkKind.COMPLEMENT, product_id__in=in_order)
        .exclude(target_id__in=in_order | exclude)
        .select_related("target", "product")
        .order_by("rank")[: limit * 3]
    ):
        if link.target_id not in seen:
            seen.add(link.target_id)
            found.append(link)
    return found[:limit]


def substitutes(product_id: int) -> list:
    """A product's substitutes: from the registered provider (explicit links first, then learned
    ones), else the catalogue's explicit links."""
    registered = suggestions.provider()
    if registered is not None:
        return registered.substitutes(product_id)
    return linked_substitutes(product_id)


def linked_substitutes(product_id: int) -> list[ProductLink]:
    """The catalogue's explicit substitutes of a product, in their rank."""
    return list(
        ProductLink.objects.filter(kind=LinkKind.SUBSTITUTE, product_id=product_id)
        .select_related("target")
        .prefetch_related(Prefetch("target__units", queryset=SalesUnit.objects.order_by("base_quantity")))
        .order_by("rank")
    )


def substitute_options(order: Order, line: OrderLine) -> list[dict]:
    """A short line's substitutes, deliverable first: availability for the line's quantity on the
    delivery date, the customer's price and the difference with the line's price, why equivalent."""
    from televente.catalog.availability import availability_many
    from televente.catalog.pricing import resolve_prices

    links = substitutes(line.product_id)
    if not links:
        return []
    on = order.delivery_date or timezone.localdate()
    answers = availability_many([(link.target_id, line.base_quantity) for link in links], on=on)
    prices = resolve_prices(
        company=order.company, items=[(link.target, line.base_quantity) for link in links], on=on
    )
    options = [
        {
            "link": link,
            "availability": answers[link.target_id],
            "price": prices[link.target_id].unit_price,
            "difference": prices[link.target_id].unit_price - line.unit_price,
        }
        for link in links
    ]
    # The catalogue's explicit links always come first (issue 12), deliverable first within each kind.
    return sorted(
        options,
        key=lambda o: (
            bool(getattr(o["link"], "learned", False)),
            o["availability"].status != "available",
            o["link"].rank,
        ),
    )


def shortages(order: Order, lines: list[OrderLine]) -> list[dict]:
    """The lines the stock cannot cover on the delivery date as it is now (another rep may have just
    taken the last units), each with its substitutes and their availability, to replace in one click."""
    from televente.catalog.availability import availability_many

    if not lines:
        return []
    answers = availability_many(
        [(line.product_id, line.base_quantity + line.free_quantity) for line in lines],
        on=order.delivery_date or timezone.localdate(),
    )
    short, seen = [], set()
    for line in lines:
        answer = answers[line.product_id]
        if answer.status != "available" and line.product_id not in seen:
            seen.add(line.product_id)
            short.append({"line": line, "availability": answer, "options": substitute_options(order, line)})
    return short


def already_confirmed(order: Order) -> bool:
    """Confirmed (whatever happened since, but not cancelled): a confirmation posted again is a retry."""
    return order.confirmed_at is not None and order.status != OrderStatus.CANCELLED


def order_promotions(order: Order, habits: list[ProductHabit], samples: int = 3):
    """The promotions that fit this customer, best fit first, each with a few of its articles to
    add in one keystroke (the customer's habitual ones first)."""
    on = order.delivery_date or timezone.localdate()
    ranked = promotions_for(
        company=order.company,
        on=on,
        habitual_product_ids=[h.product_id for h in habits],
        habitual_category_ids=list({h.product.category_id for h in habits}),
    )[:6]
    habitual = [h.product_id for h in habits]
    wanted: dict[int, list[int]] = {}
    for r in ranked:
        promo = r.promotion
        ids = sorted(promo.target_product_ids, key=lambda pid: (pid not in habitual, pid))
        if not ids and promo.target_category_ids:
            ids = [h.product_id for h in habits if h.product.category_id in promo.target_category_ids]
        wanted[promo.pk] = ids[:samples]
    products = Product.objects.in_bulk({pid for ids in wanted.values() for pid in ids})
    for r in ranked:
        r.promotion.sample_products = [products[pid] for pid in wanted[r.promotion.pk] if pid in products]
    return ranked


@dataclass(frozen=True)
class Readback:
    substitutions: list[OrderLine]
    unusual: list[tuple[OrderLine, ProductHabit]]
    missing: list[ProductHabit]
    short: list[OrderLine]
    free_goods: list[OrderLine]


def readback(order: Order, lines: list[OrderLine]) -> Readback:
    """What to read back to the customer before confirming (seed 000: replacements and quantities)."""
    habits = {
        h.product_id: h
        for h in ProductHabit.objects.filter(company_id=order.company_id).select_related("unit", "product")
    }
    unusual = []
    for line in lines:
        habit = habits.get(line.product_id)
        if habit is None or habit.unit is None:
            continue
        usual = habit.usual_quantity * habit.unit.base_quantity
        if line.base_quantity > usual * UNUSUAL_FACTOR or line.base_quantity * UNUSUAL_FACTOR < usual:
            unusual.append((line, habit))
    in_order = {line.product_id for line in lines}
    replaced = {line.replaces_id for line in lines if line.replaces_id}
    missing = [
        h
        for h in sorted(habits.values(), key=lambda h: -h.score)
        if h.product_id not in in_order and h.product_id not in replaced and float(h.share) >= 0.5
    ][:10]
    return Readback(
        substitutions=[line for line in lines if line.replaces_id],
        unusual=unusual,
        missing=missing,
        short=[line for line in lines if line.availability and line.availability != "available"],
        free_goods=[line for line in lines if line.free_quantity],
    )


OPEN, ALL = "en_cours", "toutes"
OPEN_STATUSES = [OrderStatus.DRAFT, OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED]


def _with_status(qs, status: str):
    if status == OPEN:
        return qs.filter(status__in=OPEN_STATUSES)
    return qs if status == ALL else qs.filter(status=status)


def order_list(*, user, status: str = OPEN, company_id: int | None = None):
    """The orders this person sees, last changed first (the view pages them). By default the
    orders in progress; "toutes" adds the delivered and cancelled history."""
    qs = _with_status(visible_orders(user).prefetch_related("company", "rep"), status)
    if company_id:
        qs = qs.filter(company_id=company_id)
    if status in (ALL, OrderStatus.DELIVERED):
        return qs.order_by("-updated_at", "-pk")  # walks the last-changed index, stops at the page
    # Few orders are in progress or cancelled: find them by status, then sort them. Sorting by an
    # expression keeps SQLite (no value statistics) from walking the whole last-changed index for a
    # handful of orders (660 ms -> 4 ms at `large`).
    return qs.order_by(Coalesce("updated_at", "created_at").desc(), "-pk")


def order_count(*, user, status: str = OPEN) -> int:
    """The count behind the pages, written the way SQLite counts fastest (from the team's
    companies; EXISTS would scan every order)."""
    return _with_status(Order.objects.filter(company__in=Company.objects.visible_to(user)), status).count()


def my_drafts(user):
    return (
        Order.objects.filter(rep=user, status=OrderStatus.DRAFT)
        .select_related("company")
        .order_by("-updated_at")[:20]
    )


def late_orders(user, today=None):
    """Confirmed orders whose delivery date is passed and not delivered: warn the customer first."""
    today = today or timezone.localdate()
    return (
        visible_orders(user)
        .filter(
            status__in=[OrderStatus.CONFIRMED, OrderStatus.PREPARED, OrderStatus.SHIPPED],
            delivery_date__lt=today,
        )
        .annotate(open_incidents=Count("incidents", filter=~Q(incidents__status=IncidentStatus.RESOLVED)))
        .select_related("company")
        .order_by("delivery_date")[:50]
    )


def incoming_orders(user, *, to_check: bool = True, limit: int = 200):
    """Orders from the online platform or the ERP; `to_check`: those that stayed drafts."""
    qs = visible_orders(user).filter(source__in=INCOMING_SOURCES)
    if to_check:
        qs = qs.filter(status=OrderStatus.DRAFT)
    return qs.select_related("company").order_by("-created_at")[:limit]


def pending_approvals(user, limit: int = 100) -> list[Order]:
    """Drafts waiting for this supervisor's decision on a discount, with the discounted lines."""
    orders = list(
        visible_orders(user)
        .filter(status=OrderStatus.DRAFT, discount_approval=ApprovalStatus.REQUESTED)
        .select_related("company", "rep")
        .order_by("updated_at")[:limit]
    )
    discounted: dict[int, list[OrderLine]] = {o.pk: [] for o in orders}
    for line in (
        OrderLine.objects.filter(order__in=orders, manual_discount__gt=0)
        .select_related("product", "unit")
        .order_by("-manual_discount")
    ):
        discounted[line.order_id].append(line)
    for order in orders:
        order.discounted_lines = discounted[order.pk]
        order.rep_limit = discount_limit(order.rep) if order.rep else None
    return orders


def follow_up_counts(user) -> dict:
    """The figures on the order pages' tabs."""
    orders = visible_orders(user)
    may_approve = can_approve_discounts(user)
    return {
        "may_approve": may_approve,
        "to_check": orders.filter(status=OrderStatus.DRAFT, source__in=INCOMING_SOURCES).count(),
        "approvals": orders.filter(
            status=OrderStatus.DRAFT, discount_approval=ApprovalStatus.REQUESTED
        ).count()
        if may_approve
        else 0,
        "incidents": visible_incidents(user).exclude(status=IncidentStatus.RESOLVED).count(),
    }
