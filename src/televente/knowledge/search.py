"""Article search that forgives accents and case, ranked, on SQLite (FTS5) and PostgreSQL (full text).

Each article keeps `search_text`: its title (twice, so a word of the title weighs more), keywords,
summary and body, folded by `core.text.fold` (lower case, no accents). The query is folded the same
way, so "creme" finds "Crème" and "allergenes" finds "Allergènes".
- SQLite: an FTS5 table over that column (external content, kept in sync by triggers), queried with
  prefix terms and ranked by bm25.
- PostgreSQL: `to_tsvector('simple', search_text)` with a GIN index on that expression, queried
  with a raw tsquery (every word, the last one as a prefix) and ranked by `ts_rank`.
Both are created by migration 0002 (`install`).
"""

from __future__ import annotations

import html
import re

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import QuerySet
from django.utils.safestring import SafeString, mark_safe

from televente.core.search import TextIndex
from televente.core.text import fold

ARTICLE_INDEX = TextIndex("knowledge_article")
PG_INDEX = "knowledge_article_search_fts"


def build_search_text(*, title: str, keywords: str = "", summary: str = "", body: str = "") -> str:
    return " " + fold(" ".join([title, title, keywords, summary, body])) + " "


def terms_of(query: str) -> list[str]:
    return [t for t in fold(query).split() if t][:8]


def _vector() -> SearchVector:
    return SearchVector("search_text", config="simple")


def install(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        ARTICLE_INDEX.install(apps, schema_editor)
    elif vendor == "postgresql":
        # The same expression Django's SearchVector("search_text", config="simple") compiles to,
        # so the planner uses the index for the search's WHERE clause.
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {PG_INDEX} ON knowledge_article USING gin "
            "(to_tsvector('simple'::regconfig, COALESCE(search_text, '')))"
        )


def uninstall(apps, schema_editor) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "sqlite":
        ARTICLE_INDEX.uninstall(apps, schema_editor)
    elif vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")


def ranked_ids(queryset: QuerySet, query: str, *, limit: int = 50) -> list[int]:
    """The ids of the articles of `queryset` matching every word of `query`, best first."""
    terms = terms_of(query)
    if not terms:
        return []
    if connection.vendor == "sqlite":
        fts = ARTICLE_INDEX.fts
        match = " AND ".join(f'"{t}"*' for t in terms)
        # The queryset (published, topic) restricts the match before the limit: filtering the
        # best rows afterwards would lose matches of the chosen topic ranked behind other topics.
        allowed_sql, allowed_params = queryset.order_by().values("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid FROM {fts} WHERE {fts} MATCH %s AND rowid IN ({allowed_sql}) "
                f"ORDER BY bm25({fts}) LIMIT %s",
                [match, *allowed_params, limit],
            )
            return [row[0] for row in cursor.fetchall()]
    if connection.vendor == "postgresql":
        raw = " & ".join(terms[:-1] + [f"{terms[-1]}:*"])
        search = SearchQuery(raw, config="simple", search_type="raw")
        return list(
            queryset.annotate(document=_vector())
            .filter(document=search)
            .annotate(rank=SearchRank(_vector(), search))
            .order_by("-rank", "title")
            .values_list("pk", flat=True)[:limit]
        )
    qs = queryset  # another database: plain word-prefix filtering, by title
    for term in terms:
        qs = qs.filter(search_text__contains=f" {term}")
    return list(qs.order_by("title").values_list("pk", flat=True)[:limit])


_WORD = re.compile(r"\S+")


def snippet(text: str, query: str, *, words: int = 28) -> SafeString:
    """A short passage of `text` around the first word matching the query, matches in <mark>."""
    terms = terms_of(query)
    tokens = _WORD.findall(text or "")
    if not tokens:
        return mark_safe("")

    def hit(token: str) -> bool:
        folded = fold(token)
        return any(w.startswith(t) for t in terms for w in folded.split())

    first = next((i for i, tok in enumerate(tokens) if terms and hit(tok)), 0)
    start = max(0, first - words // 3)
    window = tokens[start : start + words]
    parts = [f"<mark>{html.escape(tok)}</mark>" if terms and hit(tok) else html.escape(tok) for tok in window]
    prefix = "… " if start > 0 else ""
    suffix = " …" if start + words < len(tokens) else ""
    return mark_safe(prefix + " ".join(parts) + suffix)
