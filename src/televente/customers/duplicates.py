"""Likely duplicates: same SIRET, same phone number, or a similar name in the same postcode.

Names are compared with rapidfuzz (token_sort_ratio on folded names), only within a postcode, so
the work grows with the size of each town's list, not with the square of the portfolio.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from rapidfuzz import fuzz

from televente.core.text import fold

from .models import Company, Phone

NAME_SIMILARITY = 88  # out of 100


@dataclass(frozen=True)
class DuplicatePair:
    first: Company
    second: Company
    reason: object
    score: int

    @property
    def sides(self) -> list[tuple[Company, Company]]:
        return [(self.first, self.second), (self.second, self.first)]


def find_duplicates(*, user, limit: int = 200) -> list[DuplicatePair]:
    visible = Company.objects.visible_to(user)
    pairs: dict[tuple[int, int], tuple[object, int]] = {}

    def add(a: int, b: int, reason, score: int) -> None:
        key = (min(a, b), max(a, b))
        if key not in pairs or pairs[key][1] < score:
            pairs[key] = (reason, score)

    sirets = (
        visible.exclude(siret="")
        .values("siret")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
        .values_list("siret", flat=True)
    )
    by_siret = defaultdict(list)
    for pk, siret in visible.filter(siret__in=list(sirets)).values_list("pk", "siret"):
        by_siret[siret].append(pk)
    for ids in by_siret.values():
        for other in ids[1:]:
            add(ids[0], other, _("même SIRET"), 100)

    shared = (
        Phone.objects.filter(company__in=visible)
        .values("e164")
        .annotate(n=Count("company", distinct=True))
        .filter(n__gt=1)
    )
    by_phone = defaultdict(set)
    for e164, company_id in Phone.objects.filter(
        e164__in=shared.values("e164"), company__in=visible
    ).values_list("e164", "company_id"):
        by_phone[e164].add(company_id)
    for ids in by_phone.values():
        ordered = sorted(ids)
        for other in ordered[1:]:
            add(ordered[0], other, _("même téléphone"), 95)

    by_postcode = defaultdict(list)
    for pk, legal, trade, postcode in visible.exclude(postcode="").values_list(
        "pk", "legal_name", "trade_name", "postcode"
    ):
        by_postcode[postcode].append((pk, fold(trade or legal)))
    for rows in by_postcode.values():
        for i, (pk_a, name_a) in enumerate(rows):
            for pk_b, name_b in rows[i + 1 :]:
                score = fuzz.token_sort_ratio(name_a, name_b)
                if score >= NAME_SIMILARITY:
                    add(pk_a, pk_b, _("nom proche, même code postal"), int(score))

    ranked = sorted(pairs.items(), key=lambda item: (-item[1][1], item[0]))[:limit]
    ids = {pk for (a, b), _v in ranked for pk in (a, b)}
    companies = Company.objects.select_related("rep", "segment").in_bulk(ids)
    return [
        DuplicatePair(companies[a], companies[b], reason, score)
        for (a, b), (reason, score) in ranked
        if a in companies and b in companies
    ]
