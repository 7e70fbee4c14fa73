"""Demo order history: each customer has its own assortment, order cycle and usual quantities, and
has ordered on its cycle up to its last order date (set by the customers demo, which makes some of
them late). The habits are then computed from this history, as in production.

History depth: 2 years at `small`, 1 year at `medium`, 6 months at `large` (about 2,900,000 lines).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from televente.catalog.models import Product, SalesUnit
from televente.core.bulk import insert_rows, next_id, reset_sequences
from televente.core.demo import DemoContext
from televente.customers.choices import CompanyStatus
from televente.customers.models import Company, CompanyHabits
from televente.customers.services import habits_assign_abc

from . import habits
from .choices import LineOrigin, OrderSource, OrderStatus
from .models import Order, OrderLine

CENT = Decimal("0.01")
ZERO = Decimal("0")
ORDER_FIELDS = (
    "id", "created_at", "updated_at", "number", "company", "rep", "team", "source", "status", "delivery_date",
    "payment_terms", "version", "lines_count", "total_lines", "total_vat", "order_discount",
    "order_discount_vat", "max_manual_discount", "discount_approval", "confirmed_at", "delivered_at",
)  # fmt: skip
LINE_FIELDS = (
    "id", "created_at", "updated_at", "order", "position", "product", "unit", "quantity", "base_quantity",
    "unit_price", "price_source", "price_explanation", "manual_discount", "promotion_discount", "free_quantity",
    "promotions", "vat_rate", "amount", "vat_amount", "origin", "availability", "available_quantity", "reserved",
)  # fmt: skip


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    today = ctx.today
    depth = ctx.pick(small=730, medium=365, large=183)
    units = {u.product_id: u for u in SalesUnit.objects.filter(is_default=True)}
    catalogue = [
        p
        for p in Product.objects.exclude(status="discontinued").select_related("category").order_by("pk")
        if p.pk in units
    ]
    by_family: dict[int, list[Product]] = defaultdict(list)
    for p in catalogue:
        by_family[p.category.parent_id or p.category_id].append(p)
    families = sorted(by_family)
    companies = list(
        Company.objects.filter(
            status__in=[CompanyStatus.CUSTOMER, CompanyStatus.INACTIVE, CompanyStatus.LOST]
        )
        .order_by("pk")
        .values_list("pk", "rep_id", "team_id", "payment_terms")
    )
    known = {
        h.company_id: (h.order_cycle_days or 14, h.last_order_date)
        for h in CompanyHabits.objects.filter(company_id__in=[c[0] for c in companies])
    }
    now = timezone.now()
    order_id, line_id = next_id(Order), next_id(OrderLine)
    order_rows, line_rows = [], []
    for pk, rep_id, team_id, terms in companies:
        cycle, last = known.get(pk, (14, None))
        last = last or today - dt.timedelta(days=cycle)
        picked = rng.sample(families, min(len(families), rng.randint(2, 4)))
        pool = [p for f in picked for p in by_family[f]]
        assortment = [
            (p, rng.choice([1, 1, 1, 2, 2, 3, 4, 6]), rng.choice([0.9, 0.8, 0.6, 0.5, 0.35, 0.25]))
            for p in rng.sample(pool, min(len(pool), rng.randint(10, 28)))
        ]
        day = last
        while (today - day).days <= depth:
            lines = [
                (p, q * (2 if rng.random() < 0.08 else 1)) for p, q, prob in assortment if rng.random() < prob
            ]
            if not lines:
                lines = [(assortment[0][0], assortment[0][1])]
            total = vat_total = Decimal("0")
            for position, (product, quantity) in enumerate(lines, start=1):
                unit = units[product.pk]
                base = quantity * unit.base_quantity
                amount = (product.base_price * base).quantize(CENT, rounding=ROUND_HALF_UP)
                vat = (amount * product.vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                total += amount
                vat_total += vat
                line_rows.append(
                    (line_id, now, now, order_id, position, product.pk, unit.pk, quantity, base,
                     product.base_price, "base", "", ZERO, ZERO, 0, "[]", product.vat_rate, amount, vat,
                     LineOrigin.HABITUAL, "available", base, 0)
                )  # fmt: skip
                line_id += 1
            confirmed = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(10, 30)))
            delivered = confirmed + dt.timedelta(days=1)
            order_rows.append(
                (order_id, confirmed, delivered, f"H{day:%y%m}-{order_id:07d}", pk, rep_id, team_id, OrderSource.HISTORY,
                 OrderStatus.DELIVERED, day, terms, 1, len(lines), total, vat_total, ZERO, ZERO, ZERO, "",
                 confirmed, delivered)
            )  # fmt: skip
            order_id += 1
            day -= dt.timedelta(days=max(3, cycle + rng.randint(-2, 2)))
    total_orders = insert_rows(Order, ORDER_FIELDS, order_rows)
    total_lines = insert_rows(OrderLine, LINE_FIELDS, line_rows)
    reset_sequences(Order, OrderLine)
    ctx.log(f"  orders: {total_orders} orders, {total_lines} lines of history over {depth} days")
    count = habits.refresh(today=today)
    classes = habits_assign_abc()
    ctx.log(f"  orders: habits of {count} customers; ABC {classes}")
    _seed_follow_up(ctx)


def _seed_follow_up(ctx: DemoContext) -> None:
    """A few live cases for the demo rep, made through the services: a late order to warn about,
    a damaged delivery waiting for quality, an order from the shop to check (stock short), one
    confirmed by itself, and a discount waiting for the supervisor."""
    from django.db.models import F, Sum

    from televente.accounts.models import User
    from televente.catalog.models import Stock
    from televente.catalog.selectors import default_unit

    from . import incidents, services

    rep = User.objects.filter(username="televendeur").first()
    adv = User.objects.filter(username="adv").first()
    if rep is None or adv is None:
        return
    # The rep's customers with room under their credit limit, the smallest baskets first (the
    # benchmarks take the largest ones).
    customers = list(
        Company.objects.filter(
            rep=rep, status=CompanyStatus.CUSTOMER, credit_limit__gt=F("outstanding") + 3000
        ).order_by("-pk")[:5]
    )
    stocked = list(
        Stock.objects.values("product_id")
        .annotate(free=Sum(F("on_hand") - F("reserved")))
        .filter(free__gte=200)
        .order_by("product_id")
        .values_list("product_id", flat=True)[:40]
    )
    if len(customers) < 5 or len(stocked) < 10:
        return
    products = {p.pk: p for p in Product.objects.filter(pk__in=stocked)}
    pick = [products[pk] for pk in ctx.rng.sample(stocked, 10)]

    def confirmed(company, items):
        order = services.order_start(company=company, by=rep)
        for product in items:
            services.order_line_add(order=order, product=product, by=rep, version=order.version)
        return services.order_confirm(order=order, by=rep, version=order.version)

    late = confirmed(customers[0], pick[:3])
    Order.objects.filter(pk=late.pk).update(delivery_date=ctx.today - dt.timedelta(days=1))
    damaged = confirmed(customers[1], pick[3:6])
    damaged = services.order_set_status(
        order=damaged, status=OrderStatus.SHIPPED, by=adv, carrier="Transports Martin"
    )
    incidents.incident_open(
        order=damaged,
        by=rep,
        kind="damaged",
        cause="carrier",
        impact="major",
        description="Un carton écrasé à la livraison, le chef refuse de l'utiliser.",
        proposed_solution="Relivraison du carton demain matin",
        line_ids=[damaged.lines.order_by("position").first().pk],
    )

    def line(product, base_wanted=0):
        """The default unit's minimum, or enough units of it for `base_wanted` base units."""
        unit = default_unit(sorted(product.units.all(), key=lambda u: u.base_quantity))
        quantity = max(unit.min_quantity, -(-base_wanted // unit.base_quantity))
        quantity += -quantity % unit.multiple
        return services.IncomingLine(product.code, quantity, unit.code)

    short = pick[6]
    free = Stock.objects.filter(product=short).aggregate(f=Sum(F("on_hand") - F("reserved")))["f"] or 0
    services.order_create_incoming(
        company=customers[2],
        lines=[line(short, free + 48)],
        by=adv,
        idempotency_key="demo-web-1001",
        fingerprint="demo-web-1001",
        external_ref="WEB-1001",
    )
    services.order_create_incoming(
        company=customers[3],
        lines=[line(p) for p in pick[7:9]],
        by=adv,
        idempotency_key="demo-web-1002",
        fingerprint="demo-web-1002",
        source=OrderSource.ERP,
        external_ref="ERP-55120",
    )
    draft = services.order_start(company=customers[4], by=rep)
    line = services.order_line_add(order=draft, product=pick[9], by=rep, version=draft.version)
    line.order = draft
    services.order_line_update(line=line, by=rep, version=draft.version, manual_discount=Decimal("9"))
    services.order_request_discount_approval(
        order=draft, by=rep, note="Le concurrent fait -8 % sur cet article"
    )
    ctx.log("  orders: follow-up cases (late order, incident, orders received, discount request)")
