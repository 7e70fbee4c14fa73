"""The campaign's target: the portfolio's filters (stored as their querystring) evaluated for a team,
and who among the matched companies can be reached on the campaign's channel."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.http import QueryDict
from django.utils.translation import gettext as _

from televente.customers.filters import PortfolioFilter
from televente.customers.models import Company, Contact, Phone

from .choices import CampaignChannel

# The portfolio filters a campaign keeps (the sort and the page mean nothing for a target).
IGNORED_PARAMS = ("sort", "page")


def clean_query(params) -> str:
    """The filters' querystring from submitted data: only the portfolio's filter names, not empty."""
    names = [n for n in PortfolioFilter.base_filters if n not in IGNORED_PARAMS]
    query = QueryDict(mutable=True)
    for name in names:
        values = [v for v in params.getlist(name) if v not in ("", None)]
        if values:
            query.setlist(name, values)
    return query.urlencode()


def target_filter(*, query: str, user, data=None) -> PortfolioFilter:
    """The portfolio filter of a target, over what `user` may see."""
    params = data if data is not None else QueryDict(query or "")
    return PortfolioFilter(params, queryset=Company.objects.visible_to(user), user=user)


def matched_companies(*, query: str, user, team_id: int | None):
    """The companies the target matches, restricted to the campaign's team (None: every team)."""
    filterset = target_filter(query=query, user=user)
    qs = filterset.qs if filterset.is_valid() else Company.objects.none()
    if team_id is not None:
        qs = qs.filter(team_id=team_id)
    return qs.order_by()


@dataclass
class Reach:
    """Per company: the contact to address and, when it cannot be reached at all, why."""

    contact_id: dict[int, int | None] = field(default_factory=dict)
    email_contact_id: dict[int, int | None] = field(default_factory=dict)
    excluded: dict[int, str] = field(default_factory=dict)


def _chunks(ids: list[int], size: int = 900):
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def reach(company_ids: list[int], channel: str) -> Reach:
    """Who answers the phone and who reads emails among these companies, in three queries per chunk.

    A phone target is excluded when every contact refuses the phone or there is no number (as the
    call plan does); an email target when no contact has an email address it accepts mail at. With
    "email then call", a company is excluded only when neither works."""
    result = Reach()
    contacts: dict[int, list[tuple]] = defaultdict(list)
    with_phone: set[int] = set()
    for chunk in _chunks(sorted(company_ids)):
        for row in (
            Contact.objects.filter(company_id__in=chunk, is_active=True)
            .values_list(
                "pk", "company_id", "is_decision_maker", "is_order_contact", "opt_out_phone", "email",
                "opt_out_email",
            )
            .order_by("pk")
        ):  # fmt: skip
            contacts[row[1]].append(row)
        if channel != CampaignChannel.EMAIL:
            with_phone.update(
                Phone.objects.filter(company_id__in=chunk).values_list("company_id", flat=True).distinct()
            )

    def best(rows):
        rows = sorted(rows, key=lambda c: (not c[2], not c[3], c[0]))
        return rows[0][0] if rows else None

    for company_id in company_ids:
        rows = contacts.get(company_id, [])
        phone_ok, phone_why, email_ok, email_why = True, "", True, ""
        if channel != CampaignChannel.EMAIL:
            callable_ = [c for c in rows if not c[4]]
            if rows and not callable_:
                phone_ok, phone_why = False, _("Tous les interlocuteurs refusent le téléphone")
            elif company_id not in with_phone:
                phone_ok, phone_why = False, _("Aucun numéro de téléphone")
            result.contact_id[company_id] = best(callable_) if phone_ok else None
        if channel != CampaignChannel.PHONE:
            with_email = [c for c in rows if c[5]]
            mailable = [c for c in with_email if not c[6]]
            if not with_email:
                email_ok, email_why = False, _("Aucune adresse e-mail")
            elif not mailable:
                email_ok, email_why = False, _("Refuse les e-mails")
            result.email_contact_id[company_id] = best(mailable) if email_ok else None
        if channel == CampaignChannel.PHONE and not phone_ok:
            result.excluded[company_id] = phone_why
        elif channel == CampaignChannel.EMAIL and not email_ok:
            result.excluded[company_id] = email_why
        elif channel == CampaignChannel.BOTH and not phone_ok and not email_ok:
            result.excluded[company_id] = f"{email_why} ; {phone_why}"
        if company_id not in result.excluded and result.contact_id.get(company_id) is None:
            result.contact_id[company_id] = result.email_contact_id.get(company_id) or best(rows)
    return result
