"""Price resolution and promotions: one service answers the price of a product for a customer, a
quantity and a date, and says where it comes from.

Rules (documented in the user guide):
- a net price negotiated with the customer, valid on the date, wins;
- otherwise the lowest of: the base price, the price list of the customer's segment valid on the
  date, and the quantity breaks reached (general or of that price list). Taking the minimum makes
  the answer independent of the order in which rules are listed;
- prices are per base unit with 4 decimals; a line amount is rounded to the cent once, half up,
  after multiplying by the quantity and applying discounts (`line_amount`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from .choices import PromotionMechanic
from .models import CustomerPrice, PriceListItem, Product, Promotion, QuantityBreak

CENT = Decimal("0.01")
ZERO = Decimal("0")


def line_amount(unit_price: Decimal, base_quantity: int, discount: Decimal = ZERO) -> Decimal:
    """The one place where money is rounded to the cent (half up)."""
    amount = unit_price * base_quantity - discount
    return max(ZERO, amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class PriceAnswer:
    product_id: int
    unit_price: Decimal  # per base unit, excluding VAT
    source: str  # customer | price_list | quantity_break | base
    explanation: str
    candidates: tuple[tuple[str, Decimal], ...] = field(default_factory=tuple)


def _valid(valid_from: date | None, valid_until: date | None, on: date) -> bool:
    return (valid_from is None or valid_from <= on) and (valid_until is None or on <= valid_until)


def resolve_prices(*, company, items: Iterable[tuple[Product, int]], on: date) -> dict[int, PriceAnswer]:
    """Prices for (product, base quantity) pairs in a fixed number of queries (3), whatever the count."""
    items = list(items)
    products = {p.pk: p for p, _q in items}
    quantities: dict[int, int] = defaultdict(int)
    for product, quantity in items:
        quantities[product.pk] += quantity
    net: dict[int, Decimal] = {}
    for product_id, price, valid_from, valid_until in (
        CustomerPrice.objects.filter(company=company, product_id__in=products)
        .order_by("pk")
        .values_list("product_id", "price", "valid_from", "valid_until")
    ):
        if _valid(valid_from, valid_until, on):
            net[product_id] = price
    segment_id = getattr(company, "segment_id", None)
    list_prices: dict[int, list[tuple[str, Decimal, int]]] = defaultdict(list)
    if segment_id:
        for product_id, price, list_id, name, valid_from, valid_until in PriceListItem.objects.filter(
            product_id__in=products, price_list__segment_id=segment_id, price_list__is_active=True
        ).values_list(
            "product_id",
            "price",
            "price_list_id",
            "price_list__name",
            "price_list__valid_from",
            "price_list__valid_until",
        ):
            if _valid(valid_from, valid_until, on):
                list_prices[product_id].append((name, price, list_id))
    valid_lists = {pl_id for rows in list_prices.values() for _n, _p, pl_id in rows}
    breaks: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
    for product_id, min_quantity, price in (
        QuantityBreak.objects.filter(product_id__in=products)
        .filter(Q(price_list__isnull=True) | Q(price_list_id__in=valid_lists))
        .values_list("product_id", "min_quantity", "price")
    ):
        breaks[product_id].append((min_quantity, price))

    answers = {}
    for pid, product in products.items():
        if pid in net:
            price = net[pid]
            answers[pid] = PriceAnswer(
                pid, price, "customer", _("Prix net négocié avec le client"), (("customer", price),)
            )
            continue
        candidates: list[tuple[str, str, Decimal]] = [("base", _("Prix de base"), product.base_price)]
        for name, price, _pl in list_prices[pid]:
            candidates.append(("price_list", _("Tarif « %(name)s »") % {"name": name}, price))
        for min_quantity, break_price in breaks[pid]:
            if quantities[pid] >= min_quantity:
                label = _("Prix dégressif dès %(n)s %(unit)s") % {
                    "n": min_quantity,
                    "unit": product.base_unit,
                }
                candidates.append(("quantity_break", label, break_price))
        source, label, price = min(candidates, key=lambda c: (c[2], c[0], c[1]))
        answers[pid] = PriceAnswer(pid, price, source, label, tuple((c[1], c[2]) for c in candidates))
    return answers


# Promotions ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RankedPromotion:
    promotion: Promotion
    score: int
    reason: str


def promotions_for(
    *, company, on: date, habitual_product_ids: Sequence[int] = (), habitual_category_ids: Sequence[int] = ()
) -> list[RankedPromotion]:
    """Promotions open to this customer on this date, best fit with its habits first."""
    qs = (
        Promotion.objects.filter(valid_from__lte=on, valid_until__gte=on)
        .filter(promotion_customer_q(company))
        .distinct()
    )
    promos = [p for p in qs if p.budget is None or p.spent < p.budget]
    attach_targets(promos)
    habitual_products, habitual_categories = set(habitual_product_ids), set(habitual_category_ids)
    ranked = []
    for promo in promos:
        product_ids, category_ids = promo.target_product_ids, promo.target_category_ids
        score, reason = 0, _("Offre ouverte à ce client")
        if product_ids & habitual_products:
            score, reason = 3, _("Porte sur des articles que le client achète")
        elif category_ids & habitual_categories:
            score, reason = 2, _("Porte sur une famille que le client achète")
        ranked.append(RankedPromotion(promo, score, reason))
    return sorted(ranked, key=lambda r: (-r.score, r.promotion.valid_until, r.promotion.pk))


def promotion_customer_q(company) -> Q:
    """Promotions open to a customer: no customer targeting, or its segment, or the customer named.

    Segments and named customers add up (a segment plus three named customers of other segments).
    """
    q = Q(segments__isnull=True, companies__isnull=True) | Q(companies=company.pk)
    if getattr(company, "segment_id", None):
        q |= Q(segments=company.segment_id)
    return q


def targeted_companies(*, segment_ids: Iterable[int], company_ids: Iterable[int]):
    """The customers a promotion with this targeting is open to (same rule as `promotion_customer_q`)."""
    from televente.customers.models import Company

    segment_ids, company_ids = list(segment_ids), list(company_ids)
    if not segment_ids and not company_ids:
        return Company.objects.all()
    return Company.objects.filter(Q(segment_id__in=segment_ids) | Q(pk__in=company_ids))


def targeted_products(*, category_ids: Iterable[int], product_ids: Iterable[int]):
    """The articles a promotion with this targeting applies to (same rule as `promotion_applies_to`)."""
    category_ids, product_ids = expand_categories(category_ids), list(product_ids)
    if not category_ids and not product_ids:
        return Product.objects.all()
    return Product.objects.filter(Q(category_id__in=category_ids) | Q(pk__in=product_ids))


def expand_categories(category_ids: Iterable[int]) -> set[int]:
    """The categories and all their descendants: a promotion on a family covers its sub-categories."""
    from .models import Category

    found, frontier = set(category_ids), set(category_ids)
    while frontier:
        frontier = set(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return found


def attach_targets(promos: list[Promotion]) -> None:
    """Each promotion's targeted product and category ids as sets (categories with their
    descendants), in three queries at most (ids only)."""
    by_id = {p.pk: p for p in promos}
    for promo in promos:
        promo.target_product_ids, promo.target_category_ids = set(), set()
    if not by_id:
        return
    through = Promotion.products.through
    for promo_id, product_id in through.objects.filter(promotion_id__in=by_id).values_list(
        "promotion_id", "product_id"
    ):
        by_id[promo_id].target_product_ids.add(product_id)
    through = Promotion.categories.through
    for promo_id, category_id in through.objects.filter(promotion_id__in=by_id).values_list(
        "promotion_id", "category_id"
    ):
        by_id[promo_id].target_category_ids.add(category_id)
    if any(p.target_category_ids for p in promos):
        from .models import Category

        children: dict[int, set[int]] = defaultdict(set)
        for pk, parent_id in Category.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
            children[parent_id].add(pk)
        for promo in promos:
            stack = list(promo.target_category_ids)
            while stack:
                for child in children.get(stack.pop(), ()):
                    if child not in promo.target_category_ids:
                        promo.target_category_ids.add(child)
                        stack.append(child)


def promotion_applies_to(promo: Promotion, product: Product) -> bool:
    if not hasattr(promo, "target_product_ids"):
        attach_targets([promo])
    product_ids, category_ids = promo.target_product_ids, promo.target_category_ids
    if not product_ids and not category_ids:
        return True
    return product.pk in product_ids or product.category_id in category_ids


@dataclass(frozen=True)
class LineDiscount:
    discount: Decimal  # money off the line, before rounding
    free_quantity: int  # base units given on top
    applied: tuple[int, ...]  # promotion ids


def _single(promo: Promotion, unit_price: Decimal, base_quantity: int) -> tuple[Decimal, int]:
    gross = unit_price * base_quantity
    if promo.mechanic == PromotionMechanic.PERCENT and promo.percent:
        return min(gross, gross * promo.percent / 100), 0
    if promo.mechanic == PromotionMechanic.AMOUNT and promo.amount:
        return min(gross, promo.amount * base_quantity), 0
    if promo.mechanic == PromotionMechanic.SPECIAL_PRICE and promo.amount is not None:
        return max(ZERO, (unit_price - promo.amount) * base_quantity), 0
    if promo.mechanic == PromotionMechanic.FREE_GOODS and promo.buy_quantity and promo.free_quantity:
        return ZERO, (base_quantity // promo.buy_quantity) * promo.free_quantity
    return ZERO, 0


def best_line_discount(
    promotions: Iterable[Promotion], unit_price: Decimal, base_quantity: int
) -> LineDiscount:
    """The best non-cumulative offer, then every cumulative one on what remains.

    Deterministic whatever the order of `promotions`: candidates are sorted by value, then id.
    Never more than the line's gross amount (a price never goes below zero).
    """
    gross = unit_price * base_quantity
    line_level = [p for p in promotions if p.mechanic != PromotionMechanic.ORDER_THRESHOLD]
    scored = sorted(
        ((_single(p, unit_price, base_quantity), p) for p in line_level),
        key=lambda item: (-(item[0][0] + item[0][1] * unit_price), item[1].pk),
    )
    exclusive = [(value, p) for value, p in scored if not p.cumulative]
    cumulative = [(value, p) for value, p in scored if p.cumulative]
    discount, free, applied = ZERO, 0, []
    if exclusive and (exclusive[0][0][0] > 0 or exclusive[0][0][1] > 0):
        (d, f), p = exclusive[0]
        discount, free, applied = d, f, [p.pk]
    for (d, f), p in sorted(cumulative, key=lambda item: item[1].pk):
        if d <= 0 and f <= 0:
            continue
        if p.mechanic == PromotionMechanic.PERCENT:
            d = (gross - discount) * p.percent / 100  # stacks on what remains
        discount += d
        free += f
        applied.append(p.pk)
    return LineDiscount(min(discount, gross), free, tuple(applied))


def order_threshold_discount(
    promotions: Iterable[Promotion], order_amount: Decimal
) -> tuple[Decimal, int | None]:
    """The best "X % above Y €" offer reached by the order amount: (discount, promotion id)."""
    best: tuple[Decimal, int | None] = (ZERO, None)
    for p in sorted(promotions, key=lambda p: p.pk):
        if p.mechanic != PromotionMechanic.ORDER_THRESHOLD or not p.percent or p.threshold is None:
            continue
        if order_amount >= p.threshold:
            value = order_amount * p.percent / 100
            if value > best[0]:
                best = (value, p.pk)
    return best
