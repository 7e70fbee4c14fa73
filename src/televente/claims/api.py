"""Claims over the API: the ERP, the online shop or the quality team log a customer's claim
(idempotent on `external_ref`), read the claims back with their lines, settlements and history, and
add their findings (the lab's analysis, the return receipt...). Every write goes through `services`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from televente.accounts.choices import BackOfficeService
from televente.core.errors import DomainError
from televente.customers.models import Company, Contact

from . import policy, selectors, services
from .choices import (
    OPEN_STATUSES,
    Channel,
    ClaimCause,
    ClaimStatus,
    ClaimType,
    Mood,
    Requested,
    Severity,
)
from .models import Claim

router = Router(tags=["Réclamations"])

MAX_PAGE = 200


# Input ---------------------------------------------------------------------------------------------------------------


class ClaimLineIn(Schema):
    line: int | None = Field(None, description="Identifiant de la ligne de commande")
    product: str | None = Field(
        None, min_length=1, max_length=30, description="Code article (à la place de `line`)"
    )
    quantity: int = Field(..., ge=1, le=100000, description="Quantité en cause, dans l'unité de la ligne")


class ClaimIn(Schema):
    company: int = Field(..., description="Identifiant du client")
    claim_type: ClaimType
    description: str = Field(..., min_length=1, max_length=4000, description="Ce que dit le client")
    contact: int | None = Field(None, description="Identifiant de l'interlocuteur")
    order: int | str | None = Field(None, description="Identifiant ou numéro de la commande en cause")
    lines: list[ClaimLineIn] = Field(default_factory=list, max_length=200)
    channel: Channel = Channel.API
    mood: Mood = Mood.CALM
    requested: Requested | Literal[""] | None = None
    request_note: str = Field("", max_length=300)
    severity: Severity = Severity.MEDIUM
    cause: ClaimCause = ClaimCause.UNKNOWN
    amount: Decimal | None = Field(
        None, ge=0, description="Montant en jeu (€ HT) ; par défaut la valeur des lignes en cause"
    )
    answers: dict[str, str | int | float | bool | None] = Field(
        default_factory=dict, description="Réponses au questionnaire du type (les autres clés sont ignorées)"
    )
    service: BackOfficeService | Literal[""] | None = Field(
        None, description="Service compétent ; absent : celui du type ; vide : non transmise"
    )
    external_ref: str = Field("", max_length=60, description="Référence chez l'émetteur (idempotence)")


class FindingIn(Schema):
    note: str
    source: str = Field("api", max_length=40)


class ClaimFilters(Schema):
    status: ClaimStatus | None = None
    service: BackOfficeService | None = None
    type: ClaimType | None = None
    company: int | None = None
    overdue: bool | None = Field(None, description="true : en retard seulement ; false : pas en retard")
    updated_since: dt.datetime | None = Field(None, description="Modifiées depuis (ISO 8601)")
    limit: int = Field(50, ge=1, le=MAX_PAGE)
    offset: int = Field(0, ge=0)


# Output --------------------------------------------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class OrderRef(Schema):
    id: int
    number: str


class ClaimOut(Schema):
    id: int
    number: str
    company: Ref
    status: str
    claim_type: str
    service: str
    assignee: Ref | None
    due_at: dt.datetime
    overdue: bool
    verdict: str
    amount: str = Field(..., description="Montant en jeu (€ HT), décimal en chaîne")
    created_at: dt.datetime
    updated_at: dt.datetime
    closed_at: dt.datetime | None
    satisfaction: str


class ClaimLineOut(Schema):
    id: int
    order_line: int | None
    product: str
    name: str
    quantity: int
    unit: str
    amount: str


class SettlementOut(Schema):
    id: int
    kind: str
    amount: str
    status: str
    note: str
    reference: str
    approver_role: str
    created_at: dt.datetime
    decided_at: dt.datetime | None


class EventOut(Schema):
    id: int
    kind: str
    note: str
    by: Ref | None
    service: str
    source: str
    created_at: dt.datetime


class ClaimDetailOut(ClaimOut):
    contact: Ref | None
    order: OrderRef | None
    channel: str
    cause: str
    severity: str
    mood: str
    description: str
    requested: str
    request_note: str
    answers: dict[str, Any]
    quantity: int
    verdict_note: str
    settled_at: dt.datetime | None
    customer_notified_at: dt.datetime | None
    external_ref: str
    url: str
    lines: list[ClaimLineOut]
    settlements: list[SettlementOut]
    events: list[EventOut]


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


def _person(user) -> Ref | None:
    return Ref(id=user.pk, name=user.get_full_name() or user.username) if user is not None else None


def _summary(claim: Claim, now: dt.datetime) -> dict:
    return {
        "id": claim.pk,
        "number": claim.number,
        "company": Ref(id=claim.company_id, name=claim.company.display_name),
        "status": claim.status,
        "claim_type": claim.claim_type,
        "service": claim.service,
        "assignee": _person(claim.assignee) if claim.assignee_id else None,
        "due_at": claim.due_at,
        "overdue": claim.is_open and claim.due_at < now,
        "verdict": claim.verdict,
        "amount": _money(claim.amount),
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
        "closed_at": claim.closed_at,
        "satisfaction": claim.satisfaction,
    }


def _event_out(event) -> EventOut:
    return EventOut(
        id=event.pk,
        kind=event.kind,
        note=event.note,
        by=_person(event.by) if event.by_id else None,
        service=event.service,
        source=event.source,
        created_at=event.created_at,
    )


def _detail(claim: Claim) -> ClaimDetailOut:
    page = selectors.claim_page(claim)
    return ClaimDetailOut(
        **_summary(claim, timezone.now()),
        contact=Ref(id=claim.contact_id, name=str(claim.contact)) if claim.contact_id else None,
        order=OrderRef(id=claim.order_id, number=claim.order.number) if claim.order_id else None,
        channel=claim.channel,
        cause=claim.cause,
        severity=claim.severity,
        mood=claim.mood,
        description=claim.description,
        requested=claim.requested,
        request_note=claim.request_note,
        answers=claim.answers or {},
        quantity=claim.quantity,
        verdict_note=claim.verdict_note,
        settled_at=claim.settled_at,
        customer_notified_at=claim.customer_notified_at,
        external_ref=claim.external_ref,
        url=reverse("claims:detail", args=[claim.pk]),
        lines=[
            ClaimLineOut(
                id=line.pk,
                order_line=line.order_line_id,
                product=line.product.code,
                name=line.product.name,
                quantity=line.quantity,
                unit=line.unit_label,
                amount=_money(line.amount),
            )
            for line in page["lines"]
        ],
        settlements=[
            SettlementOut(
                id=s.pk,
                kind=s.kind,
                amount=_money(s.amount),
                status=s.status,
                note=s.note,
                reference=s.reference,
                approver_role=s.approver_role,
                created_at=s.created_at,
                decided_at=s.decided_at,
            )
            for s in page["settlements"]
        ],
        events=[_event_out(event) for event in page["events"]],
    )


# Create --------------------------------------------------------------------------------------------------------------


def _order(user, ref: int | str):
    """The order by id or by number, if its customer is visible to this person (404 otherwise)."""
    from televente.orders.selectors import visible_orders

    orders = visible_orders(user)
    if isinstance(ref, int):
        return get_object_or_404(orders, pk=ref)
    ref = ref.strip()
    if not ref:  # drafts have no number: a blank one must not find them
        raise Http404
    order = orders.filter(number=ref.upper()).first()
    if order is None and ref.isdigit():
        order = orders.filter(pk=int(ref)).first()
    if order is None:
        raise Http404
    return order


def _lines(order, lines: list[ClaimLineIn]) -> list[tuple[int, int]]:
    """(order line id, quantity) for the service; a product code stands for its line of the order."""
    if lines and order is None:
        raise DomainError(_("Choisissez la commande des lignes en cause."), field="order")
    codes = {ln.product.strip().upper() for ln in lines if ln.line is None and ln.product}
    by_code: dict[str, list[int]] = {}
    if codes:
        for pk, code in order.lines.filter(product__code__in=codes).values_list("pk", "product__code"):
            by_code.setdefault(code, []).append(pk)
    chosen: list[tuple[int, int]] = []
    seen: set[int] = set()
    for index, ln in enumerate(lines):
        field = f"lines.{index}"
        if (ln.line is None) == (ln.product is None):
            raise DomainError(
                _("Indiquez soit la ligne de commande (line), soit le code article (product)."),
                code="validation_error",
                field=field,
            )
        if ln.line is not None:
            line_id = ln.line
        else:
            code = ln.product.strip().upper()
            found = by_code.get(code, [])
            if not found:
                raise DomainError(
                    _("L'article %(code)s n'est pas dans cette commande.") % {"code": code},
                    field=f"{field}.product",
                )
            if len(found) > 1:
                raise DomainError(
                    _("L'article %(code)s figure sur plusieurs lignes : indiquez la ligne (line).")
                    % {"code": code},
                    code="validation_error",
                    field=f"{field}.product",
                )
            line_id = found[0]
        if line_id in seen:
            raise DomainError(
                _("Cette ligne de commande est citée deux fois."), code="validation_error", field=field
            )
        seen.add(line_id)
        chosen.append((line_id, ln.quantity))
    return chosen


def _existing(user, external_ref: str, company: Company) -> Claim | None:
    """The claim already logged under this reference: answered again if it is the same customer's
    and visible; another customer's claim under the same reference is a conflict."""
    claim = Claim.objects.filter(external_ref=external_ref).first()
    if claim is None:
        return None
    if claim.company_id != company.pk or not Claim.objects.visible_to(user).filter(pk=claim.pk).exists():
        raise DomainError(
            _("Une réclamation porte déjà la référence %(ref)s.") % {"ref": external_ref},
            code="conflict",
            field="external_ref",
        )
    return claim


@router.post(
    "/claims",
    response={200: ClaimDetailOut, 201: ClaimDetailOut},
    summary="Réclamation d'un client (idempotente sur external_ref)",
)
def create_claim(request: HttpRequest, payload: ClaimIn):
    """Logs the claim through the same rules as a claim taken by phone: deadline from the type's
    policy, amount at stake from the lines, routed to the type's service unless `service` says
    otherwise (`""`: not routed). The same `external_ref` posted again answers the first claim (200)."""
    user = request.auth
    company = get_object_or_404(Company.objects.visible_to(user), pk=payload.company)
    external_ref = payload.external_ref.strip()
    if external_ref and (claim := _existing(user, external_ref, company)) is not None:
        return Status(200, _detail(selectors.claim_for(user=user, pk=claim.pk)))
    contact = None
    if payload.contact is not None:
        contact = get_object_or_404(
            Contact.objects.filter(company__in=Company.objects.visible_to(user)), pk=payload.contact
        )
    order_ref = payload.order.strip() if isinstance(payload.order, str) else payload.order
    order = _order(user, order_ref) if order_ref not in (None, "") else None  # "": no order
    service = policy.policy_for(payload.claim_type)[0] if payload.service is None else payload.service
    try:
        with transaction.atomic():
            claim = services.claim_create(
                company=company,
                by=user,
                claim_type=payload.claim_type,
                description=payload.description,
                channel=payload.channel,
                contact=contact,
                order=order,
                lines=_lines(order, payload.lines),
                mood=payload.mood,
                requested=payload.requested or "",
                request_note=payload.request_note,
                severity=payload.severity,
                cause=payload.cause,
                amount=payload.amount,
                answers=payload.answers,
                service=service,
                external_ref=external_ref,
            )
    except IntegrityError:
        # Two posts of the same reference at the same moment: the other one won, answer it.
        if not external_ref or (claim := _existing(user, external_ref, company)) is None:
            raise
        return Status(200, _detail(selectors.claim_for(user=user, pk=claim.pk)))
    return Status(201, _detail(selectors.claim_for(user=user, pk=claim.pk)))


# Read ----------------------------------------------------------------------------------------------------------------


@router.get(
    "/claims",
    response=list[ClaimOut],
    summary="Réclamations visibles, dernière modification en premier",
)
def list_claims(request: HttpRequest, filters: Query[ClaimFilters]):
    now = timezone.now()
    qs = selectors.visible_claims(request.auth).select_related("company", "assignee")
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.service:
        qs = qs.filter(service=filters.service)
    if filters.type:
        qs = qs.filter(claim_type=filters.type)
    if filters.company is not None:
        qs = qs.filter(company_id=filters.company)
    if filters.overdue is not None:
        late = Q(status__in=OPEN_STATUSES, due_at__lt=now)
        qs = qs.filter(late) if filters.overdue else qs.exclude(late)
    if filters.updated_since:
        qs = qs.filter(updated_at__gte=filters.updated_since)
    claims = qs.order_by("-updated_at", "-pk")[filters.offset : filters.offset + filters.limit]
    return [ClaimOut(**_summary(claim, now)) for claim in claims]


@router.get(
    "/claims/{claim_id}",
    response=ClaimDetailOut,
    summary="Une réclamation, ses lignes, règlements et historique",
)
def get_claim(request: HttpRequest, claim_id: int):
    return _detail(selectors.claim_for(user=request.auth, pk=claim_id))


# Findings ------------------------------------------------------------------------------------------------------------


@router.post(
    "/claims/{claim_id}/events",
    response={201: EventOut},
    summary="Constat ajouté à une réclamation (analyse qualité, retour reçu par l'ERP…)",
)
def add_finding(request: HttpRequest, claim_id: int, payload: FindingIn):
    claim = selectors.claim_for(user=request.auth, pk=claim_id)
    event = services.claim_add_finding(claim=claim, by=request.auth, note=payload.note, source=payload.source)
    return Status(201, _event_out(event))
