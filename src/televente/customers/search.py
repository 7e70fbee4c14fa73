"""Portfolio text search (see core/search.py for how it works on SQLite and PostgreSQL).

Each company carries `search_text`: its names, city, postcode, SIRET, phone digits and contact
names, folded and space-separated.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from televente.core.phones import search_tokens
from televente.core.search import TextIndex
from televente.core.text import fold


def build_search_text(company, contacts: Iterable = (), phones: Iterable = ()) -> str:
    parts = [company.legal_name, company.trade_name, company.city, company.postcode, company.siret]
    for contact in contacts:
        if contact.anonymised_at is None:
            parts += [contact.first_name, contact.last_name]
    words = fold(" ".join(p for p in parts if p)).split()
    for phone in phones:
        words += search_tokens(phone.e164)
    # Unique words, order kept: shorter text, same matches.
    return " " + " ".join(dict.fromkeys(words)) + " "


COMPANY_INDEX = TextIndex("customers_company")
install = COMPANY_INDEX.install  # used by migration 0002
uninstall = COMPANY_INDEX.uninstall


def filter_companies(queryset: QuerySet, query: str) -> QuerySet:
    return COMPANY_INDEX.filter(queryset, query)
