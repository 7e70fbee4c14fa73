"""Customers to call about their debt, offered to the day's call plan (`calls.sources`): overdue
invoices the dunning ladder put at the "call" step or beyond, a promise whose date has passed, a
missed instalment. The dunning's callbacks already reach the plan as callbacks; this source adds
the customers whose debt is still open with nobody planned to call them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from .choices import DunningAction, InstalmentStatus, InvoiceStatus, PromiseStatus
from .models import DunningStep, Instalment, Invoice, PaymentPromise


def collection_calls(team, day: dt.date, rep_ids: set[int]) -> Iterator[tuple[int, str, str]]:
    call_levels = DunningStep.objects.filter(action=DunningAction.CALL).values_list("level", flat=True)
    first_call_level = min(call_levels, default=None)
    due = Q(pk__in=[])
    if first_call_level is not None:
        due = Q(dunning_level__gte=first_call_level)
    overdue = (
        Invoice.objects.filter(company__team=team, status=InvoiceStatus.OPEN, due_on__lt=day, disputed=False)
        .filter(due)
        .values("company_id")
        .annotate(total=Sum("amount") - Sum("paid_amount"))
        .order_by("-total")[:200]
    )
    seen: set[int] = set()
    for row in overdue:
        seen.add(row["company_id"])
        yield row["company_id"], "collection", _("Impayés : %(amount)s € échus") % {"amount": row["total"]}
    broken = PaymentPromise.objects.filter(
        company__team=team, status=PromiseStatus.BROKEN, checked_at__date__gte=day - dt.timedelta(days=3)
    ).values_list("company_id", "amount")
    for company_id, amount in broken:
        if company_id not in seen:
            seen.add(company_id)
            yield (
                company_id,
                "collection",
                _("Promesse de paiement non tenue (%(amount)s €)") % {"amount": amount},
            )
    missed = Instalment.objects.filter(
        plan__company__team=team,
        status=InstalmentStatus.MISSED,
        missed_at__date__gte=day - dt.timedelta(days=3),
    ).values_list("plan__company_id", "plan__number")
    for company_id, number in missed:
        if company_id not in seen:
            seen.add(company_id)
            yield company_id, "collection", _("Échéance impayée (échéancier %(number)s)") % {"number": number}
