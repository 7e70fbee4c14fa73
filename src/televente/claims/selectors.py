"""Reads for the claim screens, scoped to the person, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import User

from . import policy
from .choices import OPEN_STATUSES, ClaimStatus, SettlementKind, SettlementStatus
from .models import Claim, ClaimEvent, ClaimLine, Settlement

HISTORY_ORDERS = 8  # orders of the claimed products shown in the merit panel


def visible_claims(user):
    return Claim.objects.visible_to(user)


def claim_for(*, user, pk: int) -> Claim:
    """The claim if its customer is visible to this person (404 otherwise). The people around it
    (rep, supervisor, assignee, authors) come in one query rather than a ten-table join, which
    PostgreSQL took longer to plan than to run."""
    claim = get_object_or_404(
        visible_claims(user).select_related("company", "contact", "order", "team"), pk=pk
    )
    people_fields = ("assignee", "created_by", "verdict_by", "closed_by")
    ids = {getattr(claim, f"{f}_id") for f in people_fields}
    ids |= {claim.company.rep_id, claim.team.supervisor_id if claim.team else None}
    people = User.objects.in_bulk([i for i in ids if i])
    for name in people_fields:
        setattr(claim, name, people.get(getattr(claim, f"{name}_id")))
    claim.company.rep = people.get(claim.company.rep_id)
    if claim.team:
        claim.team.supervisor = people.get(claim.team.supervisor_id)
    claim.seen_by = user.pk  # read through `visible_to`: services.can_handle need not ask again
    return claim


def claim_page(claim: Claim) -> dict:
    """What the claim page shows besides the claim: its lines, hand-overs, settlements, files."""
    lines = list(claim.lines.select_related("product", "order_line__unit").order_by("pk"))
    events = list(claim.events.select_related("by", "assignee"))
    settlements = list(claim.settlements.select_related("proposed_by", "decided_by", "done_by"))
    attachments = list(claim.attachments.all())
    return {"lines": lines, "events": events, "settlements": settlements, "attachments": attachments}


@dataclass
class Merit:
    """The sales history next to the claim, so the merit is judged on facts (seed 000 Compétence 6)."""

    order: object | None = None
    order_lines: list = field(default_factory=list)
    claimed_line_ids: set[int] = field(default_factory=set)
    order_events: list = field(default_factory=list)
    incidents: list = field(default_factory=list)
    previous_claims: list = field(default_factory=list)
    product_history: list = field(default_factory=list)
    claims_12m: int = 0
    settled_12m: object = 0
    orders_12m: int = 0


def merit_history(claim: Claim, lines: list[ClaimLine] | None = None) -> Merit:
    """The order concerned (ordered, confirmed, delivered), its events and known delivery incidents,
    the customer's previous claims on the same order or products, the last orders of the claimed
    products, and the customer's claim rate over 12 months. Eight queries at most."""
    from televente.orders.choices import OrderStatus
    from televente.orders.models import DeliveryIncident, Order, OrderLine

    merit = Merit()
    lines = lines if lines is not None else list(claim.lines.all())
    product_ids = {line.product_id for line in lines}
    merit.claimed_line_ids = {line.order_line_id for line in lines if line.order_line_id}
    if claim.order_id:
        merit.order = claim.order
        merit.order_lines = list(
            OrderLine.objects.filter(order_id=claim.order_id)
            .select_related("product", "unit", "replaces")
            .order_by("position", "pk")
        )
        product_ids |= {line.product_id for line in merit.order_lines if line.pk in merit.claimed_line_ids}
        merit.order_events = list(claim.order.events.select_related("by").order_by("created_at", "pk"))
        merit.incidents = list(
            DeliveryIncident.objects.filter(order_id=claim.order_id)
            .select_related("reported_by")
            .prefetch_related("lines__product")
            .order_by("-created_at")
        )
    same = Q(order_id=claim.order_id) if claim.order_id else Q(pk__in=[])
    if product_ids:
        same |= Q(lines__product_id__in=product_ids)
    merit.previous_claims = list(
        Claim.objects.filter(company_id=claim.company_id)
        .exclude(pk=claim.pk)
        .filter(same)
        .distinct()
        .select_related("order")
        .order_by("-created_at")[:10]
    )
    if product_ids:
        merit.product_history = list(
            OrderLine.objects.filter(product_id__in=product_ids, order__company_id=claim.company_id)
            .exclude(order__status__in=[OrderStatus.DRAFT, OrderStatus.CANCELLED])
            .select_related("order", "product", "unit")
            .order_by("-order__confirmed_at", "-order_id")[:HISTORY_ORDERS]
        )
    since = timezone.now() - dt.timedelta(days=365)
    stats = Claim.objects.filter(company_id=claim.company_id, created_at__gte=since).aggregate(
        n=Count("pk"),
        settled=Sum(
            "settlements__amount",
            filter=Q(settlements__status=SettlementStatus.APPROVED) & ~Q(settlements__kind="refusal"),
        ),
    )
    merit.claims_12m, merit.settled_12m = stats["n"], stats["settled"] or 0
    merit.orders_12m = (
        Order.objects.filter(company_id=claim.company_id, confirmed_at__gte=since)
        .exclude(status=OrderStatus.CANCELLED)
        .count()
    )
    return merit


def intake_orders(company, limit: int = 8) -> list:
    """The customer's last orders a claim may be about (confirmed or further on)."""
    from televente.orders.selectors import recent_orders

    return recent_orders(company, limit)


# Queues --------------------------------------------------------------------------------------------------------------

QUEUES = ("mine", "service", "overdue", "approval", "execute", "open", "closed")


def default_queue(user) -> str:
    if user.role == Role.BACK_OFFICE:
        return "service"
    if user.role == Role.SUPERVISOR or user.is_superuser or user.role == Role.ADMIN:
        return "approval" if approvals_for(user).exists() else "overdue"
    return "mine"


def approvals_for(user):
    """Settlements waiting for this person's decision."""
    table = policy.limits()
    qs = Settlement.objects.filter(status=SettlementStatus.AWAITING)
    if user.is_superuser or user.role == Role.ADMIN:
        return qs
    if user.role != Role.SUPERVISOR:
        return qs.none()
    limit = table.get(Role.SUPERVISOR)
    qs = qs.filter(claim__team__supervisor=user)
    return qs if limit is None else qs.filter(amount__lte=limit)


def queue(
    *,
    user,
    name: str,
    service: str = "",
    claim_type: str = "",
    cause: str = "",
    query: str = "",
    limit: int = 100,
):
    qs = visible_claims(user)
    now = timezone.now()
    if name == "mine":
        qs = qs.open().filter(Q(assignee=user) | Q(created_by=user) | Q(company__rep=user))
    elif name == "service":
        qs = qs.open().filter(service=service or getattr(user, "service", "") or "-")
    elif name == "overdue":
        qs = qs.overdue(now)
    elif name == "approval":
        qs = qs.filter(pk__in=approvals_for(user).values("claim_id"))
    elif name == "execute":
        qs = qs.filter(Exists(to_carry_out().filter(claim=OuterRef("pk"))))
    elif name == "closed":
        qs = qs.filter(status=ClaimStatus.CLOSED)
    else:
        qs = qs.open()
    if service and name != "service":
        qs = qs.filter(service=service)
    if claim_type:
        qs = qs.filter(claim_type=claim_type)
    if cause:
        qs = qs.filter(cause=cause)
    if query:
        query = query.strip()
        qs = qs.filter(Q(number__icontains=query) | Q(company__name__icontains=query))
    order = ("-closed_at",) if name == "closed" else ("due_at", "pk")
    return list(qs.select_related("company", "assignee").order_by(*order)[:limit])


def queue_counts(user) -> dict[str, int]:
    qs = visible_claims(user)
    now = timezone.now()
    counts = qs.aggregate(
        mine=Count(
            "pk",
            filter=Q(status__in=OPEN_STATUSES)
            & (Q(assignee=user) | Q(created_by=user) | Q(company__rep=user)),
        ),
        service=Count("pk", filter=Q(status__in=OPEN_STATUSES, service=getattr(user, "service", "") or "-")),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, due_at__lt=now)),
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
    )
    counts["approval"] = approvals_for(user).count()
    counts["execute"] = qs.filter(Exists(to_carry_out().filter(claim=OuterRef("pk")))).count()
    return counts


def to_carry_out():
    """Settlements granted and not yet carried out (refusals need nothing more)."""
    return Settlement.objects.filter(status=SettlementStatus.APPROVED, done_at__isnull=True).exclude(
        kind=SettlementKind.REFUSAL
    )


def company_claims(*, company, limit: int = 5) -> dict:
    """The customer file's and the cockpit's panel: open claims first, then the last closed ones."""
    qs = Claim.objects.filter(company=company).select_related("assignee")
    open_claims = list(qs.filter(status__in=OPEN_STATUSES).order_by("due_at")[:limit])
    closed = list(
        qs.filter(status=ClaimStatus.CLOSED).order_by("-closed_at")[: max(0, limit - len(open_claims))]
    )
    pending = list(
        to_carry_out().filter(claim__company=company).select_related("claim").order_by("created_at")[:5]
    )
    return {"open": open_claims, "closed": closed, "pending": pending}


def recent_events(claim: Claim, limit: int = 50) -> list[ClaimEvent]:
    return list(claim.events.select_related("by").order_by("-created_at", "-id")[:limit])
