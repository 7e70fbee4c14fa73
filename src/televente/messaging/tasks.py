"""Background work of the outbox."""

from __future__ import annotations

from django.tasks import task


@task
def send_message(message_id: int) -> str:
    """First attempt, right after the change that queued the message was committed."""
    from .services import outbox_send

    return outbox_send(message_id)


@task
def flush_outbox() -> dict:
    from .services import outbox_flush

    return outbox_flush()
