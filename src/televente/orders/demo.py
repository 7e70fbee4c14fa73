"""Demo order history: each customer has its own assortment, order cycle and usual quantities, and
has ordered on its cycle up to its last order date (set by the customers demo, which makes some of
them late). Each customer buys what its trade buys (`TRADES`: a bakery flour, butter, eggs...). The
habits are then computed from this history, as in production.

Orders are delivered Monday to Friday and confirmed on the working day before, at a time of the
working day, mostly inside the customer's call windows (the calls demo puts the ordering call just
before). About one order in four has a complement line, 3 % a substitute, 8 % a promotion line,
2 % a sale lost to a shortage; a few customers are new (first order in the last weeks) or came back
after more than two months without ordering.

History depth: 2 years at `small`, 1 year at `medium`, 6 months at `large` (about 2,900,000 lines).
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from televente.catalog.choices import LinkKind
from televente.catalog.models import Product, ProductLink, SalesUnit
from televente.core.bulk import insert_rows, next_id, reset_sequences
from televente.core.demo import SEED, DemoContext
from televente.customers.choices import CompanyStatus
from televente.customers.models import CallWindow, Company, CompanyHabits
from televente.customers.services import habits_assign_abc

from . import habits
from .choices import LineOrigin, LostSaleReason, OrderSource, OrderStatus
from .models import LostSale, Order, OrderLine

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
    "replaces",
)  # fmt: skip
LOST_FIELDS = ("id", "created_at", "updated_at", "company", "product", "order", "base_quantity", "reason", "note",
               "by")  # fmt: skip
# The working day (minutes of the local day) in which history orders are confirmed, lunch excluded.
DAY_START, DAY_END, LUNCH = 8 * 60 + 30, 17 * 60 + 30, (12 * 60 + 30, 13 * 60 + 30)
IN_WINDOW = 0.88  # share of the ordering calls placed inside one of the customer's call windows
COMPLEMENT, SUBSTITUTE, PROMOTION, SHORTAGE = 0.25, 0.03, 0.08, 0.02  # shares of the orders
NEW_CUSTOMERS, REACTIVATED = 0.015, 0.015  # shares of the customers
# What each trade buys, by sub-category of the demo catalogue and weight: a bakery orders flour,
# butter, eggs and cream, a butcher meat and cleaning products... so the habitual baskets and the
# complements learnt from this history read as a rep expects (issue 12).
TRADES: dict[str, dict[str, int]] = {
    "boulangerie": {"Sucre et farine": 6, "Beurres": 5, "Œufs": 4, "Crèmes": 4, "Laits": 3, "Fromages": 1,
                    "Desserts surgelés": 2, "Fruits frais": 1, "Café et thé": 1, "Hygiène des mains": 1,
                    "Sols et surfaces": 1},
    "restaurant": {"Bœuf": 3, "Volaille": 3, "Charcuterie": 1, "Légumes frais": 4, "Fruits frais": 2, "Crèmes": 2,
                   "Beurres": 2, "Fromages": 2, "Huiles et vinaigres": 2, "Sauces et condiments": 2,
                   "Pâtes et riz": 1, "Frites et pommes de terre": 2, "Poissons surgelés": 2, "Desserts surgelés": 1,
                   "Eaux": 1, "Café et thé": 1, "Vaisselle": 1},
    "hotel": {"Bœuf": 2, "Volaille": 2, "Légumes frais": 3, "Fruits frais": 3, "Crèmes": 2, "Beurres": 2,
              "Fromages": 2, "Laits": 2, "Œufs": 2, "Café et thé": 3, "Sodas et jus": 2, "Eaux": 2,
              "Huiles et vinaigres": 1, "Poissons surgelés": 1, "Desserts surgelés": 1, "Vaisselle": 1,
              "Sols et surfaces": 1},
    "brasserie": {"Bières": 4, "Sodas et jus": 3, "Eaux": 3, "Café et thé": 3, "Charcuterie": 2, "Fromages": 2,
                  "Frites et pommes de terre": 3, "Bœuf": 2, "Sauces et condiments": 2, "Légumes frais": 1,
                  "Desserts surgelés": 1, "Vaisselle": 1},
    "epicerie": {"Conserves": 4, "Pâtes et riz": 4, "Huiles et vinaigres": 2, "Sauces et condiments": 3,
                 "Café et thé": 3, "Sucre et farine": 2, "Eaux": 3, "Sodas et jus": 3, "Bières": 2, "Laits": 2,
                 "Fromages": 1, "Œufs": 1, "Hygiène des mains": 1, "Sols et surfaces": 1, "Vaisselle": 1},
    "traiteur": {"Charcuterie": 3, "Volaille": 3, "Bœuf": 1, "Légumes frais": 3, "Crèmes": 3, "Fromages": 2,
                 "Œufs": 2, "Beurres": 2, "Sauces et condiments": 2, "Huiles et vinaigres": 2, "Pâtes et riz": 1,
                 "Poissons surgelés": 2, "Vaisselle": 1},
    "restauration-collective": {"Légumes surgelés": 4, "Frites et pommes de terre": 3, "Poissons surgelés": 3,
                                "Volaille": 3, "Pâtes et riz": 3, "Conserves": 2, "Laits": 2, "Fromages": 2,
                                "Desserts surgelés": 2, "Fruits frais": 2, "Eaux": 1, "Sols et surfaces": 1,
                                "Vaisselle": 1},
    "restauration-rapide": {"Frites et pommes de terre": 5, "Bœuf": 3, "Volaille": 3, "Sauces et condiments": 4,
                            "Fromages": 2, "Sodas et jus": 4, "Eaux": 2, "Légumes frais": 1, "Desserts surgelés": 1,
                            "Huiles et vinaigres": 2, "Vaisselle": 1},
    "boucherie": {"Bœuf": 6, "Volaille": 5, "Charcuterie": 5, "Sauces et condiments": 1, "Huiles et vinaigres": 1,
                  "Hygiène des mains": 2, "Sols et surfaces": 2},
    "primeur": {"Fruits frais": 7, "Légumes frais": 7, "Sodas et jus": 1, "Hygiène des mains": 1},
}  # fmt: skip


def seed(ctx: DemoContext) -> None:
    rng = ctx.rng
    # What this history adds to the original draws (times, line origins, lost sales, new and
    # reactivated customers) comes from its own generator: the shared one gives every later demo
    # (claims, receivables) the same draws as before.
    extra = random.Random(f"{SEED}:orders")
    today = ctx.today
    tz = timezone.get_current_timezone()
    depth = ctx.pick(small=730, medium=365, large=183)
    units = {u.product_id: u for u in SalesUnit.objects.filter(is_default=True)}
    catalogue = [
        p
        for p in Product.objects.exclude(status="discontinued").select_related("category").order_by("pk")
        if p.pk in units
    ]
    products = {p.pk: p for p in catalogue}
    by_family: dict[int, list[Product]] = defaultdict(list)
    for p in catalogue:
        by_family[p.category.parent_id or p.category_id].append(p)
    family_of = {p.pk: family for family, members in by_family.items() for p in members}
    families = sorted(by_family)
    links: dict[str, dict[int, list[int]]] = {
        LinkKind.COMPLEMENT: defaultdict(list),
        LinkKind.SUBSTITUTE: defaultdict(list),
    }
    for kind, product_id, target_id in ProductLink.objects.order_by("product_id", "rank", "pk").values_list(
        "kind", "product_id", "target_id"
    ):
        if kind in links and target_id in products:
            links[kind][product_id].append(target_id)
    windows = _call_windows()
    companies = list(
        Company.objects.filter(
            status__in=[CompanyStatus.CUSTOMER, CompanyStatus.INACTIVE, CompanyStatus.LOST]
        )
        .order_by("pk")
        .values_list("pk", "rep_id", "team_id", "payment_terms", "status", "segment__code")
    )
    by_category: dict[str, list[Product]] = defaultdict(list)
    for p in catalogue:
        by_category[p.category.name].append(p)
    known = {
        h.company_id: (h.order_cycle_days or 14, h.last_order_date)
        for h in CompanyHabits.objects.filter(company_id__in=[c[0] for c in companies])
    }
    now = timezone.now()
    order_id, line_id, lost_id = next_id(Order), next_id(OrderLine), next_id(LostSale)
    order_rows, line_rows, lost_rows = [], [], []
    counts = dict.fromkeys(("complement", "substitute", "promotion", "new", "reactivated"), 0)
    for pk, rep_id, team_id, terms, status, segment in companies:
        cycle, last = known.get(pk, (14, None))
        last = last or today - dt.timedelta(days=cycle)
        picked = rng.sample(families, min(len(families), rng.randint(2, 4)))
        pool = [p for f in picked for p in by_family[f]]
        assortment = [
            (p, rng.choice([1, 1, 1, 2, 2, 3, 4, 6]), rng.choice([0.9, 0.8, 0.6, 0.5, 0.35, 0.25]))
            for p in rng.sample(pool, min(len(pool), rng.randint(10, 28)))
        ]
        # The draws above stay as they were (the later demos share `rng`); the products follow the trade.
        trade_pool = _trade_pool(TRADES.get(segment), by_category)
        if trade_pool:
            assortment = _fit_to_trade(assortment, trade_pool, extra)
        # A few customers are new (first order a few weeks ago), a few came back after a long gap:
        # their other orders are drawn all the same and left out.
        first_day, gap_from = today - dt.timedelta(days=depth), last
        if status == CompanyStatus.CUSTOMER:
            draw = extra.random()
            if draw < NEW_CUSTOMERS:
                first_day = min(last, today - dt.timedelta(days=extra.randint(5, 80)))
                counts["new"] += 1
            elif draw < NEW_CUSTOMERS + REACTIVATED:
                gap_from = last - dt.timedelta(days=extra.randint(65, 110))
                counts["reactivated"] += 1
        spans = windows.get(pk, {})
        day = last
        while (today - day).days <= depth:
            chosen = [
                (p, q * (2 if rng.random() < 0.08 else 1)) for p, q, prob in assortment if rng.random() < prob
            ]
            step = max(3, cycle + rng.randint(-2, 2))
            if day < first_day or gap_from < day < last:
                day -= dt.timedelta(days=step)
                continue
            items = [[p, q, LineOrigin.HABITUAL, None, 0] for p, q in chosen] or [
                [assortment[0][0], assortment[0][1], LineOrigin.HABITUAL, None, 0]
            ]
            _extras(extra, items, links, products, by_family, family_of, trade_pool or catalogue, counts)
            in_order = {item[0].pk for item in items}
            # Delivered Monday to Friday (a weekend day moves to a near weekday without passing the
            # customer's previous or next order: they are at least 5 days apart), confirmed on the
            # working day before, just after the ordering call.
            delivery = day
            if day.weekday() == 5:
                delivery = day - dt.timedelta(days=extra.randint(1, 3))
            elif day.weekday() == 6:
                delivery = day + dt.timedelta(days=extra.randint(1, 2))
            confirm_day = delivery - dt.timedelta(days=3 if delivery.weekday() == 0 else 1)
            minute = _call_minute(extra, spans.get(confirm_day.weekday()) or spans.get(None, ()))
            confirmed = dt.datetime.combine(confirm_day, dt.time.min, tzinfo=tz) + dt.timedelta(
                minutes=minute + extra.randint(4, 10), seconds=extra.randint(0, 59)
            )
            delivered = dt.datetime.combine(delivery, dt.time(7), tzinfo=tz) + dt.timedelta(
                minutes=order_id * 37 % 300
            )
            total = vat_total = ZERO
            for position, (product, quantity, origin, replaces, percent) in enumerate(items, start=1):
                unit = units[product.pk]
                base = quantity * unit.base_quantity
                gross = product.base_price * base
                discount = (gross * percent / 100).quantize(CENT, rounding=ROUND_HALF_UP) if percent else ZERO
                amount = (gross - discount).quantize(CENT, rounding=ROUND_HALF_UP)
                vat = (amount * product.vat_rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
                total += amount
                vat_total += vat
                line_rows.append(
                    (line_id, now, now, order_id, position, product.pk, unit.pk, quantity, base,
                     product.base_price, "base", f"Promotion -{percent} %" if percent else "", ZERO, discount, 0,
                     "[]", product.vat_rate, amount, vat, origin, "available", base, 0, replaces)
                )  # fmt: skip
                line_id += 1
            if extra.random() < SHORTAGE:  # an article out of stock, its substitute refused
                missing = [p for p, _q, _prob in assortment if p.pk not in in_order] or catalogue
                product = extra.choice(missing)
                lost_rows.append(
                    (lost_id, confirmed, confirmed, pk, product.pk, order_id, units[product.pk].base_quantity,
                     LostSaleReason.SHORTAGE, "Rupture, substitut refusé par le client", rep_id)
                )  # fmt: skip
                lost_id += 1
            order_rows.append(
                (order_id, confirmed, delivered, f"H{delivery:%y%m}-{order_id:07d}", pk, rep_id, team_id,
                 OrderSource.HISTORY, OrderStatus.DELIVERED, delivery, terms, 1, len(items), total, vat_total, ZERO,
                 ZERO, ZERO, "", confirmed, delivered)
            )  # fmt: skip
            order_id += 1
            day -= dt.timedelta(days=step)
    total_orders = insert_rows(Order, ORDER_FIELDS, order_rows)
    total_lines = insert_rows(OrderLine, LINE_FIELDS, line_rows)
    lost = insert_rows(LostSale, LOST_FIELDS, lost_rows)
    reset_sequences(Order, OrderLine, LostSale)
    ctx.log(f"  orders: {total_orders} orders, {total_lines} lines of history over {depth} days")
    ctx.log(
        f"  orders: {counts['complement']} with a complement, {counts['substitute']} a substitute, "
        f"{counts['promotion']} a promotion, {lost} lost sales; {counts['new']} new and "
        f"{counts['reactivated']} reactivated customers"
    )
    count = habits.refresh(today=today)
    classes = habits_assign_abc()
    ctx.log(f"  orders: habits of {count} customers; ABC {classes}")
    _seed_follow_up(ctx)


def _trade_pool(weights: dict[str, int] | None, by_category: dict[str, list[Product]]) -> list[Product]:
    """The products a trade buys, each sub-category's products repeated by its weight (drawn from)."""
    if not weights:
        return []
    return [p for name, weight in weights.items() for p in by_category.get(name, ()) for _ in range(weight)]


def _fit_to_trade(assortment: list[tuple], pool: list[Product], extra: random.Random) -> list[tuple]:
    """The same assortment (quantities, probabilities) with products a customer of this trade buys,
    all different, the most likely sub-categories most often."""
    chosen: list[Product] = []
    seen: set[int] = set()
    for _attempt in range(len(assortment) * 20):
        if len(chosen) == len(assortment):
            break
        product = extra.choice(pool)
        if product.pk not in seen:
            seen.add(product.pk)
            chosen.append(product)
    return [(p, q, prob) for p, (_old, q, prob) in zip(chosen, assortment, strict=False)]


def _extras(extra, items: list[list], links, products, by_family, family_of, catalogue, counts) -> None:
    """Marks the lines of one order (in place): a substitute (3 % of the orders), a line at a
    promotional price (8 %), a complement proposed and taken (25 %: a catalogue complement of the
    basket, else an article of the customer's trade)."""
    in_order = {item[0].pk for item in items}
    if extra.random() < SUBSTITUTE:  # an article short, replaced by its substitute
        item = extra.choice(items)
        options = [t for t in links[LinkKind.SUBSTITUTE].get(item[0].pk, ()) if t not in in_order]
        if not options:
            options = [p.pk for p in by_family[family_of[item[0].pk]] if p.pk not in in_order]
        if options:
            item[3], item[0] = item[0].pk, products[extra.choice(options)]
            item[2] = LineOrigin.SUBSTITUTE
            in_order.add(item[0].pk)
            counts["substitute"] += 1
    if extra.random() < PROMOTION:  # a line at a promotional price
        habitual = [item for item in items if item[2] == LineOrigin.HABITUAL]
        if habitual:
            item = extra.choice(habitual)
            item[2], item[4] = LineOrigin.PROMOTION, extra.choice([5, 8, 10, 15])
            counts["promotion"] += 1
    if extra.random() < COMPLEMENT:  # one complement proposed and taken
        options = [
            t for item in items for t in links[LinkKind.COMPLEMENT].get(item[0].pk, ()) if t not in in_order
        ]
        target = options[0] if options else extra.choice(catalogue).pk
        if target not in in_order:
            items.append([products[target], 1, LineOrigin.COMPLEMENT, None, 0])
            counts["complement"] += 1


def _call_windows() -> dict[int, dict[int | None, list[tuple[int, int]]]]:
    """{company: {weekday: [(start, end) minutes], None: every window}} (as the call plan reads them)."""
    found: dict[int, dict[int | None, list[tuple[int, int]]]] = defaultdict(lambda: defaultdict(list))
    for company_id, weekday, start, end in CallWindow.objects.values_list(
        "company_id", "weekday", "start", "end"
    ):
        span = (start.hour * 60 + start.minute, end.hour * 60 + end.minute)
        found[company_id][weekday].append(span)
        found[company_id][None].append(span)
    return found


def _call_minute(rng, spans) -> int:
    """When the ordering call starts (minute of the day): mostly inside one of the customer's call
    windows within working hours, else anywhere in the working day but lunch."""
    usable = [(max(a, DAY_START), min(b, DAY_END)) for a, b in spans]
    usable = [(a, b) for a, b in usable if b - a >= 15]
    if usable and rng.random() < IN_WINDOW:
        a, b = rng.choice(usable)
        return rng.randint(a, b - 10)
    while True:
        minute = rng.randint(DAY_START, DAY_END - 15)
        if not LUNCH[0] <= minute < LUNCH[1]:
            return minute


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
