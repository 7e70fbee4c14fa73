"""Reads for the catalogue screens: search, product sheet. Bounded queries, no per-row query."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from televente.core.text import fold, search_terms

from .availability import AvailabilityAnswer, availability_many
from .choices import LinkKind, ProductStatus
from .models import Product, ProductLink, Receipt, SalesUnit
from .pricing import PriceAnswer, RankedPromotion, promotion_applies_to, promotions_for, resolve_prices
from .search import PRODUCT_INDEX

CANDIDATES = 200  # ranked in Python after the index match
# What a result row shows: the technical sheet's long texts are left for the product sheet.
LIST_FIELDS = (
    "pk", "code", "ean", "name", "brand", "category_id", "category__name", "status", "base_unit", "vat_rate",
    "base_price", "allergens",
)  # fmt: skip
UNIT_FIELDS = ("pk", "product_id", "code", "label", "base_quantity", "min_quantity", "multiple", "is_default")


@dataclass(frozen=True)
class ListedCategory:
    name: str


@dataclass(frozen=True)
class ListedUnit:
    """A sales unit as a result list shows it (plain values: search is the hottest read)."""

    pk: int
    code: str
    label: str
    base_quantity: int
    min_quantity: int
    multiple: int
    is_default: bool


@dataclass(frozen=True)
class ListedProduct:
    """An article as a result list shows it, without building full model instances."""

    pk: int
    code: str
    ean: str
    name: str
    brand: str
    category_id: int
    category: ListedCategory
    status: str
    base_unit: str
    vat_rate: Decimal
    base_price: Decimal
    allergens: list
    units: list[ListedUnit]

    @property
    def id(self) -> int:
        return self.pk


def listed_products(ids: list[int]) -> list[ListedProduct]:
    """The articles of `ids`, in that order, with their units sorted by size (two queries)."""
    units: dict[int, list[ListedUnit]] = defaultdict(list)
    for pk, product_id, *rest in (
        SalesUnit.objects.filter(product_id__in=ids).order_by("base_quantity").values_list(*UNIT_FIELDS)
    ):
        units[product_id].append(ListedUnit(pk, *rest))
    found = {}
    for pk, code, ean, name, brand, category_id, category_name, *rest in Product.objects.filter(
        pk__in=ids
    ).values_list(*LIST_FIELDS):
        found[pk] = ListedProduct(
            pk, code, ean, name, brand, category_id, ListedCategory(category_name), *rest, units=units[pk]
        )
    return [found[pk] for pk in ids if pk in found]


def next_delivery_date(today: dt.date | None = None) -> dt.date:
    """Tomorrow, or Monday after a Friday/Saturday (until the orders issue brings delivery days)."""
    today = today or timezone.localdate()
    day = today + dt.timedelta(days=1)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class ProductRow:
    product: Product | ListedProduct
    default_unit: SalesUnit | ListedUnit | None
    units: list[SalesUnit] | list[ListedUnit]
    availability: AvailabilityAnswer
    price: PriceAnswer | None
    free_stock: int


def default_unit(units: list[SalesUnit]) -> SalesUnit | None:
    """The unit proposed by default: the one marked so, else the smallest (units sorted by size)."""
    return next((u for u in units if u.is_default), units[0] if units else None)


def product_search(
    *, query: str, company=None, on: dt.date | None = None, limit: int = 20
) -> list[ProductRow]:
    """Exact code or EAN first, then word-prefix matches by name; discontinued articles last."""
    on = on or next_delivery_date()
    query = (query or "").strip()
    if not query:
        return []
    # Codes are stored in capitals: equality (not iexact, a LIKE) keeps the code index usable.
    exact = list(
        Product.objects.filter(
            Q(code__in={query, query.upper()}) | Q(ean=query.replace(" ", ""))
        ).values_list("pk", flat=True)[:limit]
    )
    # The index matches names, brands and category words; rank a bounded set of light candidates
    # (id, name, status) so that articles whose *name* carries the words come before those matched
    # by their family only, then load the page's articles in full (with the exact matches).
    candidates = list(
        PRODUCT_INDEX.filter(Product.objects.exclude(pk__in=exact), query)
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

    top = exact + [pk for pk, _n, _s in sorted(candidates, key=rank)[: max(0, limit - len(exact))]]
    return _rows(listed_products(top), company=company, on=on)


def _rows(products: list, *, company, on: dt.date) -> list[ProductRow]:
    """Rows for full products (units prefetched) or listed ones (units as a list)."""
    units = {p.pk: p.units if isinstance(p.units, list) else list(p.units.all()) for p in products}
    defaults = {p.pk: default_unit(units[p.pk]) for p in products}
    wanted = [(p.pk, defaults[p.pk].base_quantity if defaults[p.pk] else 1) for p in products]
    answers = availability_many(wanted, on=on)
    prices = resolve_prices(company=company, items=wanted_pairs(products, defaults), on=on) if company else {}
    return [
        ProductRow(p, defaults[p.pk], units[p.pk], answers[p.pk], prices.get(p.pk), answers[p.pk].free_now)
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


# Catalogue management -----------------------------------------------------------------------------------------------


def managed_products(*, query: str = "", status: str = ""):
    """The management list: exact code or EAN, or words; every status (discontinued included)."""
    qs = Product.objects.select_related("category", "category__parent").prefetch_related(
        Prefetch("units", queryset=SalesUnit.objects.order_by("base_quantity"))
    )
    if status:
        qs = qs.filter(status=status)
    query = (query or "").strip()
    if query:
        exact = qs.filter(Q(code__iexact=query) | Q(ean=query.replace(" ", "")))
        if exact.exists():
            return exact
        qs = PRODUCT_INDEX.filter(qs, query)
    return qs.order_by("code")


def price_lists():
    from django.db.models import Count

    from .models import PriceList

    return (
        PriceList.objects.select_related("segment")
        .annotate(item_count=Count("items"))
        .order_by("-is_active", "name")
    )


def price_list_items(*, price_list, query: str = ""):
    qs = price_list.items.select_related("product").order_by("product__code")
    query = (query or "").strip()
    if query:
        qs = qs.filter(
            Q(product__code__iexact=query)
            | Q(product_id__in=PRODUCT_INDEX.filter(Product.objects.all(), query).values("pk"))
        )
    return qs


@dataclass(frozen=True)
class PromotionRow:
    promotion: object
    state: str  # running | upcoming | ended
    customers: int
    products: int


def promotions_overview(today: dt.date | None = None) -> list[PromotionRow]:
    """Every promotion with its state and how many customers and articles it reaches."""
    from .models import Promotion
    from .pricing import targeted_companies, targeted_products

    today = today or timezone.localdate()
    promos = list(Promotion.objects.prefetch_related("segments", "companies", "categories", "products"))
    rows = []
    for promo in promos:
        state = (
            "upcoming" if promo.valid_from > today else "ended" if promo.valid_until < today else "running"
        )
        customers = targeted_companies(
            segment_ids=[s.pk for s in promo.segments.all()],
            company_ids=[c.pk for c in promo.companies.all()],
        ).count()
        products = targeted_products(
            category_ids=[c.pk for c in promo.categories.all()],
            product_ids=[p.pk for p in promo.products.all()],
        ).count()
        rows.append(PromotionRow(promo, state, customers, products))
    order = {"running": 0, "upcoming": 1, "ended": 2}
    return sorted(rows, key=lambda r: (order[r.state], r.promotion.valid_until))


@dataclass(frozen=True)
class TargetPreview:
    customers: int
    active_customers: int
    customer_sample: list
    products: int
    product_sample: list
    all_customers: bool
    all_products: bool


def promotion_preview(
    *, segment_ids, company_ids, category_ids, product_ids, sample: int = 8
) -> TargetPreview:
    """Who and what a promotion reaches, before it is saved (same rules as at order time)."""
    from televente.customers.choices import CompanyStatus

    from .pricing import targeted_companies, targeted_products

    companies = targeted_companies(segment_ids=segment_ids, company_ids=company_ids)
    products = targeted_products(category_ids=category_ids, product_ids=product_ids)
    return TargetPreview(
        customers=companies.count(),
        active_customers=companies.filter(status=CompanyStatus.CUSTOMER).count(),
        customer_sample=list(companies.select_related("segment").order_by("sort_name")[:sample]),
        products=products.count(),
        product_sample=list(products.order_by("name")[:sample]),
        all_customers=not segment_ids and not company_ids,
        all_products=not category_ids and not product_ids,
    )
