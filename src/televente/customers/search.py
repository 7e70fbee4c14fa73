"""Portfolio text search that forgives accents and case and matches word prefixes.

Each company carries `search_text`: its names, city, postcode, SIRET, phone digits and contact
names, folded (lower case, no accents) and space-separated. A query's words must each start a word
of it. SQLite answers from an FTS5 index (prefix queries), PostgreSQL from a trigram GIN index on
`LIKE '% word%'`; both are created by migration 0002 and stay O(matches), not O(portfolio).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from django.db.models import QuerySet

from televente.core.phones import search_tokens
from televente.core.text import fold, search_terms


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


def filter_companies(queryset: QuerySet, query: str) -> QuerySet:
    terms = search_terms(query)
    if not terms:
        return queryset
    if connection.vendor == "sqlite":
        match = " AND ".join(f'"{t}"*' for t in terms)
        return queryset.extra(
            where=[
                "customers_company.id IN (SELECT rowid FROM customers_company_fts WHERE customers_company_fts MATCH %s)"
            ],
            params=[match],
        )
    for term in terms:
        queryset = queryset.filter(search_text__contains=f" {term}")
    return queryset


SQLITE_SETUP = [
    """CREATE VIRTUAL TABLE IF NOT EXISTS customers_company_fts USING fts5(
        search_text, content='customers_company', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
        prefix='2 3 4'
    )""",
    """CREATE TRIGGER IF NOT EXISTS customers_company_fts_ai AFTER INSERT ON customers_company BEGIN
        INSERT INTO customers_company_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS customers_company_fts_ad AFTER DELETE ON customers_company BEGIN
        INSERT INTO customers_company_fts(customers_company_fts, rowid, search_text) VALUES('delete', old.id, old.search_text);
    END""",
    """CREATE TRIGGER IF NOT EXISTS customers_company_fts_au AFTER UPDATE OF search_text ON customers_company BEGIN
        INSERT INTO customers_company_fts(customers_company_fts, rowid, search_text) VALUES('delete', old.id, old.search_text);
        INSERT INTO customers_company_fts(rowid, search_text) VALUES (new.id, new.search_text);
    END""",
    "INSERT INTO customers_company_fts(customers_company_fts) VALUES('rebuild')",
]
SQLITE_TEARDOWN = [
    "DROP TRIGGER IF EXISTS customers_company_fts_ai",
    "DROP TRIGGER IF EXISTS customers_company_fts_ad",
    "DROP TRIGGER IF EXISTS customers_company_fts_au",
    "DROP TABLE IF EXISTS customers_company_fts",
]
POSTGRES_SETUP = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS customers_company_search_trgm ON customers_company USING gin (search_text gin_trgm_ops)",
]
POSTGRES_TEARDOWN = ["DROP INDEX IF EXISTS customers_company_search_trgm"]


def install(apps, schema_editor) -> None:
    statements = SQLITE_SETUP if schema_editor.connection.vendor == "sqlite" else POSTGRES_SETUP
    if schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        return
    for sql in statements:
        schema_editor.execute(sql)


def uninstall(apps, schema_editor) -> None:
    statements = SQLITE_TEARDOWN if schema_editor.connection.vendor == "sqlite" else POSTGRES_TEARDOWN
    if schema_editor.connection.vendor not in ("sqlite", "postgresql"):
        return
    for sql in statements:
        schema_editor.execute(sql)
