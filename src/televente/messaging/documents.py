"""Documents a message can carry (order confirmation, claim settlement, dunning letter, payment plan).

Each is rendered to PDF by the app that owns its record, registered from its `AppConfig.ready()`.
The outbox renders it at the first sending attempt and keeps the file, so a retry sends the same
document and the customer's timeline links to exactly what was sent."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class Document:
    kind: str  # "orders.confirmation"
    label: str | Promise
    context: str  # the template context whose record it renders ("order")
    # (object id, language) -> (file name, PDF bytes); raises LookupError when the record is gone.
    render: Callable[[str, str], tuple[str, bytes]]


_documents: dict[str, Document] = {}


def register_document(document: Document) -> None:
    _documents[document.kind] = document


def get_document(kind: str) -> Document:
    try:
        return _documents[kind]
    except KeyError:
        raise LookupError(kind) from None


def documents_for(context: str) -> list[Document]:
    return [d for d in _documents.values() if d.context == context]
