"""Orders over the API: the online platform and the ERP post orders (idempotent), read them back,
move them along (prepared, shipped, delivered) and report delivery incidents."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Header, Query, Router, Schema
from ninja.responses import Status

from televente.core.errors import DomainError
from televente.customers.models import Company

from . import incidents, selectors, services
from .choices import INCOMING_SOURCES, IncidentCause, IncidentImpact, OrderSource, OrderStatus
from .models import OrderLine

router = Router(tags=["commandes"])


class LineIn(Schema):
    product: str = Field(..., min_length=1, max_length=30, description="Code article")
    quantity: int = Field(..., ge=1, le=100000)
    unit: str = Field("", max_length=10, description="Code de l'unité de vente (vide : l'unité par défaut)")


class OrderIn(Schema):
    company: int = Field(..., description="Identifiant du client")
    lines: list[LineIn] = Field(..., min_length=1, max_length=1000)
    source: OrderSource = OrderSource.PLATFORM
    delivery_date: dt.date | None = None
    customer_reference: str = Field("", max_length=40)
    external_ref: str = Field("", max_length=60, description="Référence de la commande chez l'émetteur")


class LineOut(Schema):
    product: str
    name: str
    quantity: int
    unit: str
    base_quantity: int
    unit_price: Decimal
    amount: Decimal
    replaces: str | None


class OrderOut(Schema):
    id: int
    number: str
    company: int
    status: OrderStatus
    source: OrderSource
    delivery_date: dt.date | None
    customer_reference: str
    external_ref: str
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    review_note: str
    carrier: str
    expected_delivery_at: dt.datetime | None
    delivered_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    updated_at: dt.datetime
    url: str
    lines: list[LineOut]


def _out(order, lines=None) -> OrderOut:
    if lines is None:
        lines = list(order.lines.select_related("product", "unit", "replaces").order_by("position", "pk"))
    return OrderOut(
        id=order.pk,
        number=order.number,
        company=order.company_id,
        status=order.status,
        source=order.source,
        delivery_date=order.delivery_date,
        customer_reference=order.customer_reference,
        external_ref=order.external_ref,
        total_ht=order.total_ht,
        total_vat=order.vat_amount,
        total_ttc=order.total_ttc,
        review_note=order.review_note,
        carrier=order.carrier,
        expected_delivery_at=order.expected_delivery_at,
        delivered_at=order.delivered_at,
        confirmed_at=order.confirmed_at,
        updated_at=order.updated_at,
        url=reverse("orders:detail", args=[order.pk]),
        lines=[
            LineOut(
                product=line.product.code,
                name=line.product.name,
                quantity=line.quantity,
                unit=line.unit.code,
                base_quantity=line.base_quantity,
                unit_price=line.unit_price,
                amount=line.amount,
                replaces=line.replaces.code if line.replaces_id else None,
            )
            for line in lines
        ],
    )


@router.post(
    "/orders",
    response={200: OrderOut, 201: OrderOut},
    summary="Commande reçue de la plateforme ou de l'ERP (en-tête Idempotency-Key obligatoire)",
)
def create_order(
    request: HttpRequest, payload: OrderIn, idempotency_key: str = Header("", alias="Idempotency-Key")
):
    """Creates and confirms the order through the same rules as an order taken by phone. The same
    `Idempotency-Key` sent again answers the first order (200) instead of making a second one; the
    same key with another content is refused (409). When confirming is refused (stock, credit),
    the order stays a draft with `review_note` and is listed for checking."""
    key = idempotency_key.strip()
    if not key or len(key) > 100:
        raise DomainError(
            _("En-tête Idempotency-Key obligatoire (1 à 100 caractères) : il évite les commandes en double."),
            field="Idempotency-Key",
        )
    if payload.source not in INCOMING_SOURCES:
        raise DomainError(_("Origine : « platform » ou « erp »."), field="source")
    company = get_object_or_404(Company.objects.visible_to(request.auth), pk=payload.company)
    order, created = services.order_create_incoming(
        company=company,
        lines=[services.IncomingLine(ln.product, ln.quantity, ln.unit) for ln in payload.lines],
        by=request.auth,
        idempotency_key=key,
        fingerprint=services.request_fingerprint(payload.dict()),
        source=payload.source,
        delivery_date=payload.delivery_date,
        customer_reference=payload.customer_reference,
        external_ref=payload.external_ref,
    )
    return Status(201 if created else 200, _out(order))


class OrderFilters(Schema):
    company: int | None = None
    status: OrderStatus | None = None
    since: dt.datetime | None = Field(None, description="Modifiées depuis (ISO 8601)")
    number: str | None = None
    limit: int = Field(100, ge=1, le=500)
    offset: int = Field(0, ge=0)


@router.get(
    "/orders", response=list[OrderOut], summary="Commandes, pour l'ERP (triées par date de modification)"
)
def list_orders(request: HttpRequest, filters: Query[OrderFilters]):
    qs = selectors.visible_orders(request.auth).select_related("company")
    if filters.company:
        qs = qs.filter(company_id=filters.company)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.since:
        qs = qs.filter(updated_at__gte=filters.since)
    if filters.number:
        qs = qs.filter(number=filters.number.strip().upper())
    orders = list(qs.order_by("updated_at", "pk")[filters.offset : filters.offset + filters.limit])
    lines_by_order: dict[int, list] = {o.pk: [] for o in orders}
    for line in (
        OrderLine.objects.filter(order__in=orders)
        .select_related("product", "unit", "replaces")
        .order_by("position", "pk")
    ):
        lines_by_order[line.order_id].append(line)
    return [_out(o, lines_by_order[o.pk]) for o in orders]


@router.get("/orders/{order_id}", response=OrderOut, summary="Une commande")
def get_order(request: HttpRequest, order_id: int):
    return _out(selectors.order_for(user=request.auth, pk=order_id))


class StatusIn(Schema):
    status: OrderStatus
    note: str = Field("", max_length=250)
    carrier: str = Field("", max_length=80)
    expected_delivery_at: dt.datetime | None = None


@router.post(
    "/orders/{order_id}/status",
    response=OrderOut,
    summary="Suivi : préparée, expédiée, livrée, annulée (idempotent)",
)
def set_status(request: HttpRequest, order_id: int, payload: StatusIn):
    order = selectors.order_for(user=request.auth, pk=order_id)
    order = services.order_set_status(
        order=order,
        status=payload.status,
        by=request.auth,
        note=payload.note,
        carrier=payload.carrier,
        expected_at=payload.expected_delivery_at,
    )
    return _out(order)


class IncidentIn(Schema):
    kind: str = Field(
        ..., description="late, missing, damaged, wrong_product, wrong_qty, not_delivered, other"
    )
    cause: str = IncidentCause.UNKNOWN
    impact: str = IncidentImpact.MAJOR
    service: str = ""
    description: str = Field("", max_length=2000)
    proposed_solution: str = Field("", max_length=300)
    products: list[str] = Field(default_factory=list, description="Codes des articles concernés")


class IncidentOut(Schema):
    id: int
    order: int
    kind: str
    cause: str
    impact: str
    service: str
    status: str
    proposed_solution: str
    customer_alerted_at: dt.datetime | None
    resolution: str
    resolved_at: dt.datetime | None
    url: str


@router.post(
    "/orders/{order_id}/incidents",
    response={201: IncidentOut},
    summary="Incident de livraison signalé par l'entrepôt ou l'ERP",
)
def create_incident(request: HttpRequest, order_id: int, payload: IncidentIn):
    order = selectors.order_for(user=request.auth, pk=order_id)
    codes = {c.strip().upper() for c in payload.products if c.strip()}
    line_ids = list(order.lines.filter(product__code__in=codes).values_list("pk", flat=True))
    if codes and len(set(order.lines.filter(pk__in=line_ids).values_list("product__code", flat=True))) != len(
        codes
    ):
        raise DomainError(_("Des articles ne sont pas dans cette commande."), field="products")
    incident = incidents.incident_open(
        order=order,
        by=request.auth,
        kind=payload.kind,
        service=payload.service,
        cause=payload.cause,
        impact=payload.impact,
        description=payload.description,
        proposed_solution=payload.proposed_solution,
        line_ids=line_ids,
    )
    return Status(
        201,
        IncidentOut(
            id=incident.pk,
            order=order.pk,
            kind=incident.kind,
            cause=incident.cause,
            impact=incident.impact,
            service=incident.service,
            status=incident.status,
            proposed_solution=incident.proposed_solution,
            customer_alerted_at=incident.customer_alerted_at,
            resolution=incident.resolution,
            resolved_at=incident.resolved_at,
            url=reverse("orders:incident", args=[incident.pk]),
        ),
    )
