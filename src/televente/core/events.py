"""Business events: what happened, announced after commit for whoever listens (the automation rules).

Lower apps call `emit("order.confirmed", company_id=..., reference="orders.order:42", key=...)` inside
their transaction; listeners receive it only once the change is committed, so a rolled-back change
never fires a rule. `key` names the occurrence (a rule fires at most once per rule and key)."""

from __future__ import annotations

from functools import partial

from django.db import transaction
from django.dispatch import Signal

# sender: the event name; kwargs: company_id, reference, key, data (a dict of plain values)
business_event = Signal()


def emit(name: str, *, company_id: int | None, reference: str, key: str, **data) -> None:
    transaction.on_commit(
        partial(
            business_event.send,
            sender=name,
            company_id=company_id,
            reference=reference,
            key=key,
            data=data,
        )
    )
