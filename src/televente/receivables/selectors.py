"""Reads of the receivables screens, scoped to the person, each with a bounded number of queries:
the customer's card (customer file, cockpit, inbound call), the collection call, a payment plan,
the collection dashboard and the API's summary of a customer."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Exists, F, Min, OuterRef, Q, Sum
from django.shortcuts import get_object_or_404
from django.utils import timezone

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.errors import DomainError
from televente.customers.models import Company

from .choices import AGE_BUCKETS, InstalmentStatus, InvoiceKind, InvoiceStatus, PlanStatus, PromiseStatus
from .models import DunningEvent, Instalment, Invoice, Payment, PaymentPlan, PaymentPromise

ZERO = Decimal("0")
BALANCE = F("amount") - F("paid_amount")
CURRENT_PLANS = (PlanStatus.PROPOSED, PlanStatus.ACTIVE)
PANEL_INVOICES = 8
CALL_INVOICES = 100
DASHBOARD_ROWS = 25
PERIOD_DAYS = 30


def _days_late(invoices, today: dt.date) -> list[Invoice]:
    for invoice in invoices:
        invoice.days_late = max(0, (today - invoice.due_on).days)
    return invoices


def collection_company(*, user, pk: int) -> Company:
    """The customer if this person sees it (404 otherwise)."""
    return get_object_or_404(Company.objects.visible_to(user).select_related("rep", "team"), pk=pk)


def current_plan(company_id: int) -> PaymentPlan | None:
    """The plan being proposed or paid, with its instalments (two queries)."""
    plan = (
        PaymentPlan.objects.filter(company_id=company_id, status__in=CURRENT_PLANS)
        .order_by("-created_at", "-pk")
        .first()
    )
    if plan is not None:
        plan.instalment_list = list(plan.instalments.order_by("position"))
        plan.next_instalment = next(
            (i for i in plan.instalment_list if i.status == InstalmentStatus.PENDING), None
        )
        plan.missed = [i for i in plan.instalment_list if i.status == InstalmentStatus.MISSED]
    return plan


# The customer's card ------------------------------------------------------------------------------------------------


def overdue_figures(company: Company, today: dt.date) -> dict:
    """Overdue amount, age of the oldest overdue invoice and counts, in one aggregate query."""
    late = Q(due_on__lt=today, kind=InvoiceKind.INVOICE)
    figures = Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN).aggregate(
        overdue=Sum(BALANCE, filter=late),
        oldest=Min("due_on", filter=late),
        open_count=Count("pk"),
        overdue_count=Count("pk", filter=late),
    )
    oldest = figures.pop("oldest")
    figures["overdue"] = figures["overdue"] or ZERO
    figures["oldest_days"] = (today - oldest).days if oldest else 0
    return figures


def company_card(*, company: Company, today: dt.date | None = None) -> dict:
    """What the rep needs on the phone: overdue amount and age, open invoices (overdue first), the
    current promise and plan, the last reminders. Six queries."""
    today = today or timezone.localdate()
    figures = overdue_figures(company, today)
    open_invoices = Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN)
    invoices = _days_late(list(open_invoices.order_by("due_on", "number")[:PANEL_INVOICES]), today)
    promise = (
        PaymentPromise.objects.filter(company=company, status=PromiseStatus.PENDING)
        .order_by("-created_at", "-pk")
        .first()
    )
    events = list(DunningEvent.objects.filter(company=company).order_by("-created_at", "-pk")[:3])
    return {
        **figures,
        "more_invoices": max(0, figures["open_count"] - len(invoices)),
        "invoices": invoices,
        "promise": promise,
        "plan": current_plan(company.pk),
        "events": events,
    }


# The collection call ------------------------------------------------------------------------------------------------


def call_invoices(company: Company, today: dt.date | None = None) -> list[Invoice]:
    """The customer's open invoices, oldest due date first, each with its days late and whether a
    current plan already covers it."""
    today = today or timezone.localdate()
    in_plan = PaymentPlan.objects.filter(invoices=OuterRef("pk"), status__in=CURRENT_PLANS)
    invoices = (
        Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN)
        .annotate(in_plan=Exists(in_plan))
        .select_related("order")
        .order_by("due_on", "number")[:CALL_INVOICES]
    )
    return _days_late(list(invoices), today)


def default_choice(invoices: list[Invoice]) -> list[int]:
    """The invoices a plan or a dispute is about unless the rep changes it: the overdue ones not yet
    in a plan nor disputed."""
    return [
        i.pk
        for i in invoices
        if i.days_late > 0 and i.kind == InvoiceKind.INVOICE and not i.in_plan and not i.disputed
    ]


def call_history(company: Company) -> dict:
    """The people to ask for with their numbers, then the reminders, promises and plans of this
    customer, newest first (six queries)."""
    return {
        "contacts": list(
            company.contacts.filter(is_active=True)
            .prefetch_related("phones")
            .order_by("-is_order_contact", "-is_decision_maker", "last_name")[:6]
        ),
        "events": list(DunningEvent.objects.filter(company=company).order_by("-created_at", "-pk")[:20]),
        "promises": list(
            PaymentPromise.objects.filter(company=company)
            .select_related("recorded_by")
            .order_by("-created_at", "-pk")[:10]
        ),
        "plans": list(
            PaymentPlan.objects.filter(company=company)
            .prefetch_related("instalments")
            .order_by("-created_at", "-pk")[:5]
        ),
    }


def debt_of(company: Company, invoice_ids) -> Decimal:
    """What the chosen open invoices still owe: the total a plan's instalments must reach."""
    ids = [int(i) for i in invoice_ids if str(i).isdigit()]
    if not ids:
        return ZERO
    total = Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN, pk__in=ids).aggregate(
        t=Sum(BALANCE)
    )["t"]
    return total or ZERO


@dataclass
class PlanTotal:
    """The instalments typed so far against the debt they must add up to."""

    total: Decimal
    debt: Decimal
    count: int = 0  # amounts typed
    invalid: list[int] = field(default_factory=list)  # positions whose amount cannot be read

    @property
    def gap(self) -> Decimal:
        return self.debt - self.total

    @property
    def excess(self) -> Decimal:
        return self.total - self.debt

    @property
    def matches(self) -> bool:
        return not self.invalid and self.gap == 0 and self.debt > 0


def plan_total(amounts: list[str], debt: Decimal) -> PlanTotal:
    from .services import _money

    total, invalid, count = ZERO, [], 0
    for position, raw in enumerate(amounts, start=1):
        if not str(raw).strip():
            continue
        count += 1
        try:
            total += _money(raw, "instalments")
        except DomainError:
            invalid.append(position)
    return PlanTotal(total=total, debt=debt, count=count, invalid=invalid)


# A payment plan -----------------------------------------------------------------------------------------------------


def plan_for(*, user, pk: int) -> PaymentPlan:
    """The plan if its customer is visible to this person (404 otherwise)."""
    return get_object_or_404(
        PaymentPlan.objects.filter(company__in=Company.objects.visible_to(user)).select_related(
            "company", "created_by"
        ),
        pk=pk,
    )


def plan_page(plan: PaymentPlan) -> dict:
    """Its instalments, invoices and the message that took it to the customer (three queries)."""
    from televente.messaging.models import Message

    return {
        "instalments": list(plan.instalments.order_by("position")),
        "invoices": list(plan.invoices.order_by("due_on", "number")),
        "message": Message.objects.filter(reference=f"receivables.plan:{plan.pk}").order_by("-pk").first(),
    }


# The collection dashboard -------------------------------------------------------------------------------------------


def sees_all(user) -> bool:
    return bool(user.is_superuser or user.role in (Role.ADMIN, Role.BACK_OFFICE))


def scope(user, *, team: int | None = None, rep: int | None = None, prefix: str = "company__") -> Q:
    """The customers of the dashboard as a filter on a relation to Company (`prefix`): everything for
    back office and admin, the led teams for a supervisor, a rep's own portfolio."""
    q = Q()
    if sees_all(user):
        pass
    elif user.role == Role.SUPERVISOR:
        q &= Q(**{f"{prefix}team__supervisor": user})
    elif user.role == Role.REP:
        q &= Q(**{f"{prefix}rep": user})
    else:
        return Q(pk__in=[])
    if team:
        q &= Q(**{f"{prefix}team_id": team})
    if rep:
        q &= Q(**{f"{prefix}rep_id": rep})
    return q


def filter_choices(user) -> dict:
    """Teams and reps a person may filter the dashboard on (none for a rep: it is their portfolio)."""
    if user.role == Role.REP and not user.is_superuser:
        return {"teams": [], "reps": []}
    teams = list(Team.objects.visible_to(user).order_by("name"))
    reps = list(
        User.objects.filter(role=Role.REP, is_active=True, team__in=[t.pk for t in teams]).order_by(
            "last_name", "first_name"
        )
    )
    return {"teams": teams, "reps": reps}


@dataclass
class Bucket:
    low: int
    high: int | None
    amount: Decimal
    customers: int
    share: int = 0  # percent of the overdue total


def dashboard(*, user, team: int | None = None, rep: int | None = None, today: dt.date | None = None) -> dict:
    """Every figure is an aggregate query (nothing loops over invoices in Python): overdue by age,
    promises of the last 30 days, amounts recovered, plans, missed instalments, customers on hold,
    and the customers to call first. Eleven queries."""
    today = today or timezone.localdate()
    since = today - dt.timedelta(days=PERIOD_DAYS)
    in_scope = scope(user, team=team, rep=rep)
    overdue = Invoice.objects.filter(
        in_scope, status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE, due_on__lt=today
    )

    aggregates = {"total": Sum(BALANCE), "customers": Count("company_id", distinct=True)}
    for i, (low, high) in enumerate(AGE_BUCKETS):
        age = Q(due_on__lte=today - dt.timedelta(days=low))
        if high is not None:
            age &= Q(due_on__gte=today - dt.timedelta(days=high))
        aggregates[f"amount_{i}"] = Sum(BALANCE, filter=age)
        aggregates[f"customers_{i}"] = Count("company_id", filter=age, distinct=True)
    figures = overdue.aggregate(**aggregates)
    buckets = [
        Bucket(low, high, figures[f"amount_{i}"] or ZERO, figures[f"customers_{i}"])
        for i, (low, high) in enumerate(AGE_BUCKETS)
    ]
    total = figures["total"] or ZERO
    for bucket in buckets:
        bucket.share = int(bucket.amount * 100 / total) if total else 0

    promises = PaymentPromise.objects.filter(in_scope, promised_on__gte=since).aggregate(
        kept=Count("pk", filter=Q(status=PromiseStatus.KEPT)),
        kept_amount=Sum("amount", filter=Q(status=PromiseStatus.KEPT)),
        broken=Count("pk", filter=Q(status=PromiseStatus.BROKEN)),
        broken_amount=Sum("amount", filter=Q(status=PromiseStatus.BROKEN)),
        pending=Count("pk", filter=Q(status=PromiseStatus.PENDING)),
        pending_amount=Sum("amount", filter=Q(status=PromiseStatus.PENDING)),
    )
    settled = promises["kept"] + promises["broken"]
    promises["kept_rate"] = round(promises["kept"] * 100 / settled) if settled else None

    recovered = Payment.objects.filter(
        in_scope, paid_on__gte=since, paid_on__lte=today, invoice__due_on__lt=F("paid_on")
    ).aggregate(amount=Sum("amount"), customers=Count("company_id", distinct=True))

    plans = PaymentPlan.objects.filter(in_scope).aggregate(
        proposed=Count("pk", filter=Q(status=PlanStatus.PROPOSED), distinct=True),
        active=Count("pk", filter=Q(status=PlanStatus.ACTIVE), distinct=True),
        active_amount=Sum("total", filter=Q(status=PlanStatus.ACTIVE, instalments__position=1)),
        broken=Count("pk", filter=Q(status=PlanStatus.BROKEN), distinct=True),
        completed=Count(
            "pk", filter=Q(status=PlanStatus.COMPLETED, updated_at__date__gte=since), distinct=True
        ),
        with_missed=Count(
            "pk",
            filter=Q(status__in=CURRENT_PLANS, instalments__status=InstalmentStatus.MISSED),
            distinct=True,
        ),
    )
    missed_instalments = list(
        Instalment.objects.filter(
            scope(user, team=team, rep=rep, prefix="plan__company__"),
            status=InstalmentStatus.MISSED,
            plan__status__in=CURRENT_PLANS,
        )
        .select_related("plan__company")
        .order_by("due_on", "pk")[:DASHBOARD_ROWS]
    )

    companies = Company.objects.filter(scope(user, team=team, rep=rep, prefix=""))
    on_hold = companies.filter(orders_on_hold=True)
    hold_count = on_hold.count()
    held = list(on_hold.select_related("rep").order_by("-outstanding", "pk")[:DASHBOARD_ROWS])

    top = list(
        overdue.values("company_id")
        .annotate(amount=Sum(BALANCE), oldest=Min("due_on"), invoices=Count("pk"))
        .order_by("-amount", "company_id")[:DASHBOARD_ROWS]
    )
    ids = [row["company_id"] for row in top]
    names = Company.objects.select_related("rep").in_bulk(ids)
    promised = set(
        PaymentPromise.objects.filter(company_id__in=ids, status=PromiseStatus.PENDING).values_list(
            "company_id", flat=True
        )
    )
    planned = set(
        PaymentPlan.objects.filter(company_id__in=ids, status__in=CURRENT_PLANS).values_list(
            "company_id", flat=True
        )
    )
    to_call = [
        {
            "company": names[row["company_id"]],
            "amount": row["amount"],
            "days": (today - row["oldest"]).days,
            "invoices": row["invoices"],
            "promise": row["company_id"] in promised,
            "plan": row["company_id"] in planned,
        }
        for row in top
        if row["company_id"] in names
    ]
    return {
        "today": today,
        "since": since,
        "overdue_total": total,
        "overdue_customers": figures["customers"],
        "buckets": buckets,
        "promises": promises,
        "recovered": recovered["amount"] or ZERO,
        "recovered_customers": recovered["customers"],
        "plans": plans,
        "missed_instalments": missed_instalments,
        "hold_count": hold_count,
        "held": held,
        "to_call": to_call,
    }


# The API's summary of a customer ------------------------------------------------------------------------------------


def company_receivables(*, company: Company, today: dt.date | None = None, limit: int = 500) -> dict:
    """Outstanding, overdue and the open invoices of one customer (two queries)."""
    today = today or timezone.localdate()
    open_invoices = Invoice.objects.filter(company=company, status=InvoiceStatus.OPEN)
    late = Q(due_on__lt=today, kind=InvoiceKind.INVOICE)
    figures = open_invoices.aggregate(overdue=Sum(BALANCE, filter=late), oldest=Min("due_on", filter=late))
    invoices = _days_late(
        list(open_invoices.select_related("order").order_by("due_on", "number")[:limit]),
        today,
    )
    oldest = figures["oldest"]
    return {
        "outstanding": company.outstanding,
        "overdue": figures["overdue"] or ZERO,
        "oldest_due_on": oldest,
        "days_overdue": (today - oldest).days if oldest else 0,
        "invoices": invoices,
    }
