"""Reads for the catalogue screens: search, product sheet. Bounded queries, no per-row query."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from televente.core.text import fold, search_terms

from .availability import AvailabilityAnswer, availability_many
from .choices import LinkKind, ProductStatus
from .models import Product, ProductLink, Receipt, SalesUnit
from .pricing import PriceAnswer, RankedPromotion, promotion_applies_to, promotions_for, resolve_prices
from .search import PRODUCT_INDEX

CANDIDATES = 200  # ranked in Python after the index match


def next_delivery_date(today: dt.date | None = None) -> dt.date:
    """Tomorrow, or Monday after a Friday/Saturday (until the orders issue brings delivery days)."""
    today = today or timezone.localdate()
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class ProductRow:
    product: Product
    default_unit: SalesUnit | None
    units: list[SalesUnit]
    availability: AvailabilityAnswer
    price: PriceAnswer | None
    free_stock: int


def _default_unit(units: list[SalesUnit]) -> SalesUnit | None:
    return next((u for u in units if u.is_default), units[0] if units else None)


def product_search(
    *, query: str, company=None, on: dt.date | None = None, limit: int = 20
) -> list[ProductRow]:
    """Exact code or EAN first, then word-prefix matches by name; discontinued articles last."""
    on = on or next_delivery_date()
    query = (query or "").strip()
    if not query:
        return []
    base = Product.objects.select_related("category").prefetch_related(
        Prefetch("units", queryset=SalesUnit.objects.order_by("base_quantity"))
    )
    exact = list(base.filter(Q(code__iexact=query) | Q(ean=query.replace(" ", "")))[:limit])
    seen = {p.pk for p in exact}
    # The index matches names, brands and category words; rank a bounded set of light candidates
    # (id, name, status) so that articles whose *name* carries the words come before those matched
    # by their family only, then load the page's articles in full.
    candidates = list(
        PRODUCT_INDEX.filter(Product.objects.exclude(pk__in=seen), query)
        .order_by("name")
        .values_list("pk", "name", "status")[:CANDIDATES]
    )
    terms = search_terms(query)
    folded_query = fold(query)

    def rank(candidate: tuple) -> tuple:
        _pk, name, status = candidate
        folded = fold(name)
        in_name = sum(any(w.startswith(t) for w in folded.split()) for t in terms)
        return (status == ProductStatus.DISCONTINUED, -in_name, not folded.startswith(folded_query), name)

    top = [pk for pk, _n, _s in sorted(candidates, key=rank)[: max(0, limit - len(exact))]]
    loaded = base.in_bulk(top)
    rows = exact + [loaded[pk] for pk in top if pk in loaded]
    return _rows(rows, company=company, on=on)


def _rows(products: list[Product], *, company, on: dt.date) -> list[ProductRow]:
    units = {p.pk: list(p.units.all()) for p in products}
    defaults = {p.pk: _default_unit(units[p.pk]) for p in products}
    wanted = [(p.pk, defaults[p.pk].base_quantity if defaults[p.pk] else 1) for p in products]
    answers = availability_many(wanted, on=on)
    free = dict(
        Product.objects.filter(pk__in=[p.pk for p in products])
        .annotate(free=Sum("stocks__on_hand") - Sum("stocks__reserved"))
        .values_list("pk", "free")
    )
    prices = resolve_prices(company=company, items=wanted_pairs(products, defaults), on=on) if company else {}
    return [
        ProductRow(p, defaults[p.pk], units[p.pk], answers[p.pk], prices.get(p.pk), free.get(p.pk) or 0)
        for p in products
    ]


def wanted_pairs(products: list[Product], defaults: dict) -> list[tuple[Product, int]]:
    return [(p, defaults[p.pk].base_quantity if defaults[p.pk] else 1) for p in products]


@dataclass(frozen=True)
class ProductSheet:
    row: ProductRow
    receipts: list[Receipt]
    substitutes: list[tuple[ProductLink, ProductRow]]
    complements: list[tuple[ProductLink, ProductRow]]
    promotions: list[RankedPromotion]


def product_sheet(*, product_id: int, company=None, on: dt.date | None = None) -> ProductSheet | None:
    on = on or next_delivery_date()
    product = (
        Product.objects.select_related("category", "category__parent")
        .prefetch_related(Prefetch("units", queryset=SalesUnit.objects.order_by("base_quantity")))
        .filter(pk=product_id)
        .first()
    )
    if product is None:
        return None
    links = list(
        ProductLink.objects.filter(product=product)
        .select_related("target", "target__category")
        .prefetch_related(Prefetch("target__units", queryset=SalesUnit.objects.order_by("base_quantity")))
    )
    targets = [link.target for link in links]
    rows = {r.product.pk: r for r in _rows([product, *targets], company=company, on=on)}
    # Substitutes that can be delivered come first (seed 000: propose a substitute in stock).
    substitutes = sorted(
        ((link, rows[link.target_id]) for link in links if link.kind == LinkKind.SUBSTITUTE),
        key=lambda pair: (pair[1].availability.status != "available", pair[0].rank),
    )
    complements = [(link, rows[link.target_id]) for link in links if link.kind == LinkKind.COMPLEMENT]
    promotions = []
    if company is not None:
        promotions = [
            r for r in promotions_for(company=company, on=on) if promotion_applies_to(r.promotion, product)
        ]
    receipts = list(
        Receipt.objects.filter(product=product, received=False, expected_on__gte=timezone.localdate())
    )
    return ProductSheet(rows[product.pk], receipts, substitutes, complements, promotions)


def catalogue_rows() -> tuple[list[str], object]:
    """Header and rows of the catalogue export, streamed in chunks (no per-product query)."""
    from django.utils.translation import gettext as _

    from .choices import Allergen

    labels = dict(Allergen.choices)
    header = [
        _("Code"),
        _("EAN"),
        _("Article"),
        _("Marque"),
        _("Famille"),
        _("Catégorie"),
        _("Statut"),
        _("Unité de base"),
        _("TVA (%)"),
        _("Prix de base HT"),
        _("Unités commercialisables"),
        _("Stock libre"),
        _("Allergènes"),
    ]
    products = (
        Product.objects.select_related("category", "category__parent")
        .prefetch_related(Prefetch("units", queryset=SalesUnit.objects.order_by("base_quantity")))
        .annotate(free=Sum("stocks__on_hand") - Sum("stocks__reserved"))
        .order_by("code")
    )

    def rows():
        for p in products.iterator(chunk_size=1000):
            yield [
                p.code,
                p.ean,
                p.name,
                p.brand,
                p.category.parent.name if p.category.parent_id else "",
                p.category.name,
                str(p.get_status_display()),
                p.base_unit,
                p.vat_rate,
                p.base_price,
                ", ".join(f"{u.label} ({u.base_quantity})" for u in p.units.all()),
                p.free or 0,
                ", ".join(str(labels.get(a, a)) for a in p.allergens),
            ]

    return header, rows()
