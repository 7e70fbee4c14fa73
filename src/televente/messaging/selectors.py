"""Reads for the messaging screens: the outbox, a message, the templates and the records a template
is previewed with. Scoped to the person, with a bounded number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q
from django.db.models.functions import Length
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.customers.models import Company

from . import variables
from .choices import CANCELLABLE, PENDING_STATUSES, RETRYABLE, MessageStatus  # noqa: F401 - for the views
from .models import Message, MessageAttachment, MessageTemplate
from .permissions import can_watch_outbox

OUTBOX_PAGE = 50
PREVIEW_SAMPLES = 20

# The outbox's tabs: key in the URL, label, statuses shown (empty: all).
OUTBOX_TABS: list[tuple[str, object, tuple[str, ...]]] = [
    ("a-envoyer", _("À envoyer"), tuple(PENDING_STATUSES)),
    ("envoyes", _("Envoyés"), (MessageStatus.SENT,)),
    ("echecs", _("Échecs"), (MessageStatus.FAILED,)),
    ("non-envoyes", _("Non envoyés"), (MessageStatus.BLOCKED,)),
    ("annules", _("Annulés"), (MessageStatus.CANCELLED,)),
    ("tous", _("Tous"), ()),
]
TAB_STATUSES = {key: statuses for key, _label, statuses in OUTBOX_TABS}


# Outbox --------------------------------------------------------------------------------------------------------------


def visible_messages(user):
    """Every message for who watches the outbox; the messages of their customers for the others."""
    if can_watch_outbox(user):
        return Message.objects.all()
    return Message.objects.filter(Exists(Company.objects.visible_to(user).filter(pk=OuterRef("company_id"))))


def outbox_counts(*, user) -> dict[str, int]:
    """Messages per tab, in one query (an index-only count per status)."""
    per_status = {
        row["status"]: row["n"]
        for row in visible_messages(user).order_by().values("status").annotate(n=Count("pk"))
    }
    return {
        key: sum(n for status, n in per_status.items() if not statuses or status in statuses)
        for key, statuses in TAB_STATUSES.items()
    }


@dataclass
class OutboxPage:
    rows: list[Message]
    next_cursor: tuple[str, int] | None  # (created_at ISO, id) of the last row when there is more


def outbox(
    *,
    user,
    tab: str = "tous",
    channel: str = "",
    query: str = "",
    day_from: dt.date | None = None,
    day_to: dt.date | None = None,
    before: tuple[dt.datetime, int] | None = None,
    limit: int = OUTBOX_PAGE,
) -> OutboxPage:
    """One page of the outbox, newest first, after the cursor `before` (keyset: no OFFSET, no
    count of every match). The bodies in HTML are not read."""
    qs = visible_messages(user)
    statuses = TAB_STATUSES.get(tab, ())
    if statuses:
        qs = qs.filter(status__in=statuses)
    if channel:
        qs = qs.filter(channel=channel)
    query = query.strip()
    if query:
        qs = qs.filter(
            Q(to_address__icontains=query) | Q(to_name__icontains=query) | Q(subject__icontains=query)
        )
    zone = timezone.get_current_timezone()
    if day_from:
        qs = qs.filter(created_at__gte=dt.datetime.combine(day_from, dt.time.min, tzinfo=zone))
    if day_to:
        qs = qs.filter(
            created_at__lt=dt.datetime.combine(day_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        )
    if before is not None:
        at, pk = before
        qs = qs.filter(Q(created_at__lt=at) | Q(created_at=at, pk__lt=pk))
    rows = list(
        qs.select_related("company")
        .only(
            "pk",
            "created_at",
            "channel",
            "status",
            "to_name",
            "to_address",
            "subject",
            "body_text",
            "attempts",
            "next_attempt_at",
            "sent_at",
            "last_error",
            "company__id",
            "company__legal_name",
            "company__trade_name",
        )
        .order_by("-created_at", "-pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    cursor = (rows[-1].created_at.isoformat(), rows[-1].pk) if more else None
    return OutboxPage(rows=rows, next_cursor=cursor)


# A message -----------------------------------------------------------------------------------------------------------


def message_for(*, user, pk: int) -> Message:
    """The message if this person may read it (404 otherwise, no probing by id)."""
    return get_object_or_404(
        visible_messages(user).select_related("company", "contact", "template", "created_by", "interaction"),
        pk=pk,
    )


def message_attachments(message: Message) -> list[MessageAttachment]:
    """Names, types and sizes of the files joined when queued (the contents stay in the database)."""
    return list(message.attachments.defer("content").annotate(size=Length("content")).order_by("pk"))


def document_label(kind: str) -> str:
    from .documents import get_document

    try:
        return str(get_document(kind).label)
    except LookupError:
        return kind


# Templates -----------------------------------------------------------------------------------------------------------


def templates_by_context() -> list[tuple[str, list[MessageTemplate]]]:
    """Every template, grouped under the label of what it is about (in the order contexts are offered)."""
    labels = dict(variables.context_choices())
    groups: dict[str, list[MessageTemplate]] = {name: [] for name in labels}
    # A code's versions side by side, French first.
    for template in MessageTemplate.objects.order_by("context", "code", "channel", "-language"):
        groups.setdefault(template.context, []).append(template)
    return [(str(labels.get(name, name)), rows) for name, rows in groups.items() if rows]


# Preview with a real record ------------------------------------------------------------------------------------------


def preview_records(
    *, user, context_name: str, limit: int = PREVIEW_SAMPLES
) -> list[tuple[int, str, object]]:
    """The records a template of this context may be previewed with: (pk, description, record),
    newest first; for a customer, the most recently contacted customers this person sees."""
    if context_name == "company":
        companies = Company.objects.visible_to(user).order_by(
            F("last_contact_at").desc(nulls_last=True), "sort_name"
        )
        return [(c.pk, c.display_name, c) for c in companies[:limit]]
    try:
        context = variables.get_context(context_name)
    except LookupError:
        return []
    return [(record.pk, context.describe(record), record) for record in list(context.samples(user)[:limit])]


def preview_record(*, user, context_name: str, pk: int):
    """One record of this context this person may preview with, or None."""
    if context_name == "company":
        return Company.objects.visible_to(user).filter(pk=pk).first()
    try:
        context = variables.get_context(context_name)
    except LookupError:
        return None
    samples = context.samples(user)
    if hasattr(samples, "filter"):
        return samples.filter(pk=pk).first()
    return next((r for r in samples if r.pk == pk), None)


def record_company(context_name: str, record):
    if record is None:
        return None
    if context_name == "company":
        return record
    return variables.get_context(context_name).company(record)


def record_contacts(company) -> list:
    """The active contacts of the record's customer, to preview the message as one of them receives it."""
    if company is None:
        return []
    return list(company.contacts.filter(is_active=True).order_by("last_name", "first_name"))
