"""Reads for the customer screens, always scoped to the person asking (`visible_to`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import QueryDict
from django.utils import timezone

from televente.core.phones import to_e164

from .actions import attach_entry_links
from .choices import CompanyStatus
from .filters import PortfolioFilter
from .models import NO_CONTACT_PURGE_AFTER, Company, CompanyHabits, Contact, Interaction, Phone

TIMELINE_PAGE = 15


def portfolio(*, user, params: QueryDict) -> PortfolioFilter:
    """The filtered portfolio; `.qs` is ordered and ready for pagination."""
    base = (
        Company.objects.visible_to(user)
        .select_related("segment", "zone", "rep", "habits")
        .only(
            "id",
            "legal_name",
            "trade_name",
            "sort_name",
            "city",
            "postcode",
            "status",
            "last_contact_at",
            "potential",
            "segment__name",
            "zone__name",
            "rep__first_name",
            "rep__last_name",
            "rep__username",
            "habits__abc_class",
            "habits__revenue_12m",
            "habits__next_expected_order",
            "habits__last_order_date",
        )
    )
    data = params.copy()
    if not data.get("sort"):
        data["sort"] = "name"
    return PortfolioFilter(data, queryset=base, user=user)


@dataclass(frozen=True)
class CompanyFile:
    company: Company
    contacts: list[Contact]
    company_phones: list[Phone]
    habits: CompanyHabits | None
    open_next_steps: list[Interaction]
    timeline: list[Interaction]
    timeline_has_more: bool
    latest_notes: list[Interaction]


def company_file(*, user, pk: int) -> CompanyFile | None:
    """Everything the customer file shows, in a bounded number of queries (see test_selectors)."""
    company = (
        Company.objects.visible_to(user)
        .select_related("segment", "zone", "rep", "field_rep", "team")
        .prefetch_related(
            Prefetch(
                "contacts",
                queryset=Contact.objects.filter(is_active=True).prefetch_related("phones"),
            ),
            "call_windows",
            "closures",
            "delivery_addresses",
        )
        .filter(pk=pk)
        .first()
    )
    if company is None:
        return None
    habits = CompanyHabits.objects.filter(company=company).first()
    company_phones = list(Phone.objects.filter(company=company, contact__isnull=True))
    timeline, has_more = timeline_page(company=company)
    attach_entry_links(user, timeline)
    open_steps = list(
        Interaction.objects.filter(company=company, next_action_done_at__isnull=True)
        .exclude(next_action="")
        .select_related("next_action_owner")
        .order_by("next_action_at")[:5]
    )
    notes = [i for i in timeline if i.notes][:3]
    today = timezone.localdate()
    company.closures_current = [c for c in company.closures.all() if c.end >= today]
    return CompanyFile(
        company=company,
        contacts=list(company.contacts.all()),
        company_phones=company_phones,
        habits=habits,
        open_next_steps=open_steps,
        timeline=timeline,
        timeline_has_more=has_more,
        latest_notes=notes,
    )


def timeline_page(
    *, company: Company, before: tuple[datetime, int] | None = None
) -> tuple[list[Interaction], bool]:
    """One page of the timeline, newest first; keyset pagination so page 50 costs what page 1 does."""
    qs = Interaction.objects.filter(company=company).select_related("author", "contact", "next_action_owner")
    if before is not None:
        at, pk = before
        qs = qs.filter(occurred_at__lte=at).exclude(occurred_at=at, id__gte=pk)
    rows = list(qs.order_by("-occurred_at", "-id")[: TIMELINE_PAGE + 1])
    return rows[:TIMELINE_PAGE], len(rows) > TIMELINE_PAGE


def companies_by_phone(*, user, raw: str) -> QuerySet:
    """Companies having this number (company or contact), whatever format it was typed in."""
    e164 = to_e164(raw)
    if e164 is None:
        return Company.objects.none()
    ids = Phone.objects.filter(e164=e164).values("company_id")
    return Company.objects.visible_to(user).filter(pk__in=ids).select_related("rep")


def purgeable_prospects(*, user) -> QuerySet:
    """Prospects and suspects with no contact for 3 years (CNIL guideline), for review and purge."""
    limit = timezone.now() - NO_CONTACT_PURGE_AFTER
    return (
        Company.objects.visible_to(user)
        .filter(status__in=[CompanyStatus.SUSPECT, CompanyStatus.PROSPECT], created_at__lt=limit)
        .exclude(last_contact_at__gte=limit)
        .select_related("rep")
        .order_by("last_contact_at", "sort_name")
    )
