"""Text search that forgives accents and case and matches word prefixes, on SQLite and PostgreSQL.

A model keeps a folded `search_text` column (lower case, no accents, words separated by spaces,
with a leading and trailing space). A query's words must each start a word of it.
- SQLite: an FTS5 table over that column (external content, prefix indexes), kept in sync by
  triggers, queried with `"word"*` prefix terms.
- PostgreSQL: a trigram GIN index on the column, queried with `LIKE '% word%'`.
Both are created by a RunPython migration calling `TextIndex.install`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from .text import search_terms


@dataclass(frozen=True)
class TextIndex:
    table: str
    column: str = "search_text"

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def _sqlite_setup(self) -> list[str]:
        t, f, c = self.table, self.fts, self.column
        return [
            f"""CREATE VIRTUAL TABLE IF NOT EXISTS {f} USING fts5(
                {c}, content='{t}', content_rowid='id', tokenize='unicode61 remove_diacritics 2',
                prefix='2 3 4'
            )""",
            f"""CREATE TRIGGER IF NOT EXISTS {f}_ai AFTER INSERT ON {t} BEGIN
                INSERT INTO {f}(rowid, {c}) VALUES (new.id, new.{c});
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {f}_ad AFTER DELETE ON {t} BEGIN
                INSERT INTO {f}({f}, rowid, {c}) VALUES('delete', old.id, old.{c});
            END""",
            f"""CREATE TRIGGER IF NOT EXISTS {f}_au AFTER UPDATE OF {c} ON {t} BEGIN
                INSERT INTO {f}({f}, rowid, {c}) VALUES('delete', old.id, old.{c});
                INSERT INTO {f}(rowid, {c}) VALUES (new.id, new.{c});
            END""",
            f"INSERT INTO {f}({f}) VALUES('rebuild')",
        ]

    def _sqlite_teardown(self) -> list[str]:
        f = self.fts
        return [f"DROP TRIGGER IF EXISTS {f}_{s}" for s in ("ai", "ad", "au")] + [f"DROP TABLE IF EXISTS {f}"]

    def _postgres_setup(self) -> list[str]:
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"CREATE INDEX IF NOT EXISTS {self.table}_search_trgm ON {self.table} USING gin ({self.column} gin_trgm_ops)",
        ]

    def _postgres_teardown(self) -> list[str]:
        return [f"DROP INDEX IF EXISTS {self.table}_search_trgm"]

    def install(self, apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        statements = {"sqlite": self._sqlite_setup, "postgresql": self._postgres_setup}.get(vendor)
        for sql in statements() if statements else []:
            schema_editor.execute(sql)

    def uninstall(self, apps, schema_editor) -> None:
        vendor = schema_editor.connection.vendor
        statements = {"sqlite": self._sqlite_teardown, "postgresql": self._postgres_teardown}.get(vendor)
        for sql in statements() if statements else []:
            schema_editor.execute(sql)

    def filter(self, queryset: QuerySet, query: str) -> QuerySet:
        terms = search_terms(query)
        if not terms:
            return queryset
        if connection.vendor == "sqlite":
            match = " AND ".join(f'"{t}"*' for t in terms)
            return queryset.extra(
                where=[f"{self.table}.id IN (SELECT rowid FROM {self.fts} WHERE {self.fts} MATCH %s)"],
                params=[match],
            )
        for term in terms:
            queryset = queryset.filter(**{f"{self.column}__contains": f" {term}"})
        return queryset

    def optimize(self) -> None:
        """After a bulk load on SQLite: merge the FTS segments (faster queries)."""
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute(f"INSERT INTO {self.fts}({self.fts}) VALUES('optimize')")
