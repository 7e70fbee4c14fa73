"""Fast inserts for demo data at scale: plain `executemany`, no per-field ORM compilation.

Only for generated or computed data (the demo, the recommendation tables), never for user input:
values are adapted by the backend's own adapters but not validated. Primary keys are given by the caller (so children can point to their
parents without reading them back); the sequence is reset afterwards on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction


def next_id(model) -> int:
    from django.db.models import Max

    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _adapter(conn):
    ops, sqlite = conn.ops, conn.vendor == "sqlite"

    seen: dict[dt.datetime, object] = {}  # the same timestamps repeat on every row

    def adapt(value):
        if isinstance(value, dt.datetime):
            if value not in seen:
                seen[value] = ops.adapt_datetimefield_value(value)
            return seen[value]
        if isinstance(value, dt.date):
            return ops.adapt_datefield_value(value)
        if isinstance(value, Decimal) and sqlite:
            return str(value)
        return value

    return adapt


def insert_rows(model, fields: Sequence[str], rows: Iterable[Sequence], batch: int = 5000) -> int:
    """Inserts rows given as value tuples in the order of `fields` (model field names)."""
    meta = model._meta
    given = {meta.get_field(name).name for name in fields}
    columns = [meta.get_field(name).column for name in fields]
    # The other NOT NULL columns take the field's default ("" for text), prepared once.
    defaults = [f for f in meta.concrete_fields if f.name not in given and not f.null and not f.primary_key]
    columns += [f.column for f in defaults]
    tail = tuple(f.get_db_prep_save(f.get_default(), connection) for f in defaults)
    sql = 'INSERT INTO "{}" ({}) VALUES ({})'.format(
        meta.db_table, ", ".join(f'"{c}"' for c in columns), ", ".join(["%s"] * len(columns))
    )
    count = 0
    buffer: list[tuple] = []
    conn = connections[DEFAULT_DB_ALIAS]
    _adapt = _adapter(conn)
    with transaction.atomic(), conn.cursor() as cursor:
        for row in rows:
            buffer.append(tuple(_adapt(v) for v in row) + tail)
            if len(buffer) >= batch:
                cursor.executemany(sql, buffer)
                count += len(buffer)
                buffer.clear()
        if buffer:
            cursor.executemany(sql, buffer)
            count += len(buffer)
    return count


def reset_sequences(*models) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
