"""The catalogue over the API: search, availability, stock levels from the ERP, a customer's prices."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from televente.core.errors import DomainError
from televente.customers.models import Company

from . import selectors, services, units
from .availability import availability
from .models import Product, SalesUnit
from .pricing import line_amount, resolve_prices

router = Router(tags=["catalogue"])


class UnitOut(Schema):
    code: str
    label: str
    base_quantity: int
    min_quantity: int
    multiple: int
    is_default: bool


class ProductOut(Schema):
    id: int
    code: str
    ean: str
    name: str
    brand: str
    category: str
    status: str
    base_unit: str
    vat_rate: Decimal
    base_price: Decimal
    allergens: list[str]
    units: list[UnitOut]

    @staticmethod
    def resolve_category(obj) -> str:
        return obj.category.name


class SearchIn(Schema):
    search: str
    limit: int = 20


@router.get("/products", response=list[ProductOut], summary="Recherche d'articles (code, EAN ou mots)")
def list_products(request: HttpRequest, filters: Query[SearchIn]):
    rows = selectors.product_search(query=filters.search, limit=max(1, min(filters.limit, 50)))
    return [row.product for row in rows]


class AvailabilityIn(Schema):
    qty: int = 1
    unit: str | None = None
    date: dt.date | None = None


class AvailabilityOut(Schema):
    status: str
    label: str
    requested_base_units: int
    available_base_units: int
    missing_base_units: int
    eta: dt.date | None


@router.get("/products/{product_id}/availability", response=AvailabilityOut)
def product_availability(request: HttpRequest, product_id: int, params: Query[AvailabilityIn]):
    product = get_object_or_404(Product, pk=product_id)
    unit_qs = SalesUnit.objects.filter(product=product)
    unit = (
        unit_qs.filter(code=params.unit).first() if params.unit else unit_qs.filter(is_default=True).first()
    )
    if unit is None:
        unit = unit_qs.order_by("base_quantity").first()
    if unit is None or (params.unit and unit.code != params.unit):
        raise DomainError(_("Unité inconnue pour cet article."), field="unit")
    units.check_quantity(params.qty, unit)
    answer = availability(
        product_id=product.pk,
        quantity=units.to_base(params.qty, unit),
        on=params.date or selectors.next_delivery_date(),
    )
    return AvailabilityOut(
        status=answer.status,
        label=answer.label,
        requested_base_units=answer.requested,
        available_base_units=answer.available,
        missing_base_units=answer.missing,
        eta=answer.eta,
    )


class StockItemIn(Schema):
    product: str
    warehouse: str
    on_hand: int


class StockIn(Schema):
    items: list[StockItemIn]


class StockOut(Schema):
    received: int
    changed: int


@router.put(
    "/stock", response=StockOut, summary="Niveaux de stock poussés par l'ERP (idempotent, tout ou rien)"
)
def put_stock(request: HttpRequest, payload: StockIn):
    levels = [services.StockLevel(i.product, i.warehouse, i.on_hand) for i in payload.items]
    changed = services.stock_set_levels(levels=levels, by=request.auth)
    return StockOut(received=len(levels), changed=changed)


class PriceOut(Schema):
    product: str
    unit_price: Decimal
    source: str
    explanation: str
    quantity_base_units: int
    line_amount: Decimal


class PricesIn(Schema):
    products: str  # comma-separated codes
    qty: int = 1
    date: dt.date | None = None


@router.get(
    "/companies/{company_id}/prices", response=list[PriceOut], summary="Prix d'articles pour un client"
)
def company_prices(request: HttpRequest, company_id: int, params: Query[PricesIn]):
    company = get_object_or_404(
        Company.objects.visible_to(request.auth).select_related("segment"), pk=company_id
    )
    codes = [c.strip() for c in params.products.split(",") if c.strip()][:200]
    products = list(Product.objects.filter(code__in=codes))
    quantity = max(1, params.qty)
    answers = resolve_prices(
        company=company,
        items=[(p, quantity) for p in products],
        on=params.date or selectors.next_delivery_date(),
    )
    return [
        PriceOut(
            product=p.code,
            unit_price=answers[p.pk].unit_price,
            source=answers[p.pk].source,
            explanation=answers[p.pk].explanation,
            quantity_base_units=quantity,
            line_amount=line_amount(answers[p.pk].unit_price, quantity),
        )
        for p in products
    ]
