"""Writes of the knowledge app: articles, the documents library, and documentation sent to customers."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import Company, Contact

from .choices import ArticleTopic, DocumentKind, SendingStatus
from .models import Article, CommercialDocument, DocumentSending
from .search import build_search_text

MAX_FILE_BYTES = 10 * 1024 * 1024


# Who may do what ---------------------------------------------------------------------------------------------------


def can_manage(user) -> bool:
    """Supervisors, admins and back office write articles and documents; reps read them."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.SUPERVISOR, Role.ADMIN, Role.BACK_OFFICE))
    )


def can_send(user) -> bool:
    """Documentation goes out from a call: reps, supervisors, admins (and field reps)."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or user.role in (Role.REP, Role.SUPERVISOR, Role.ADMIN, Role.FIELD_REP))
    )


def _check_manage(user) -> None:
    if not can_manage(user):
        raise PermissionRefused(
            _("Seuls les superviseurs, le back office et l'administrateur modifient la base.")
        )


# Articles ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def article_save(
    *,
    by,
    title: str,
    topic: str,
    body: str,
    summary: str = "",
    keywords: str = "",
    products: Iterable = (),
    is_published: bool = True,
    article: Article | None = None,
) -> Article:
    """Creates or updates an article and its folded search text (the FTS index follows by trigger)."""
    _check_manage(by)
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError(_("Donnez un titre à l'article."), field="title")
    if not body:
        raise DomainError(_("L'article est vide."), field="body")
    if topic not in ArticleTopic.values:
        raise DomainError(_("Choisissez un thème."), field="topic")
    article = article or Article(author=by)
    article.title = title[:200]
    article.topic = topic
    article.summary = (summary or "").strip()[:300]
    article.body = body
    article.keywords = (keywords or "").strip()[:300]
    article.is_published = is_published
    article.search_text = build_search_text(
        title=article.title, keywords=article.keywords, summary=article.summary, body=article.body
    )
    article.save()
    article.products.set(list(products))
    return article


@transaction.atomic
def article_publish(*, article: Article, by, published: bool) -> Article:
    """Unpublishing hides an article from the reps without losing it."""
    _check_manage(by)
    article.is_published = published
    article.save(update_fields=["is_published", "updated_at"])
    return article


# Documents library -------------------------------------------------------------------------------------------------


def _check_pdf(upload) -> bytes:
    if upload.size > MAX_FILE_BYTES:
        raise DomainError(_("Fichier trop lourd : 10 Mo au plus."), field="file")
    if upload.size == 0:
        raise DomainError(_("Le fichier est vide."), field="file")
    upload.seek(0)
    content = upload.read()
    if not content.startswith(b"%PDF-"):  # what the content is, not what the browser says
        raise DomainError(_("Seuls les documents PDF sont acceptés."), field="file")
    return content


@transaction.atomic
def document_save(
    *,
    by,
    title: str,
    kind: str,
    description: str = "",
    upload=None,
    product=None,
    segments: Iterable = (),
    language: str = "fr",
    is_active: bool = True,
    document: CommercialDocument | None = None,
) -> CommercialDocument:
    """An uploaded PDF, or a product whose technical sheet is rendered when it is sent."""
    _check_manage(by)
    title = (title or "").strip() or (product.name if product is not None else "")
    if not title:
        raise DomainError(_("Donnez un titre au document."), field="title")
    if kind not in DocumentKind.values:
        raise DomainError(_("Choisissez un type de document."), field="kind")
    document = document or CommercialDocument()
    content = _check_pdf(upload) if upload is not None else None
    if kind == DocumentKind.TECHNICAL_SHEET and product is None and not content and not document.file:
        raise DomainError(_("Indiquez l'article dont c'est la fiche technique."), field="product_code")
    if kind != DocumentKind.TECHNICAL_SHEET and not content and not document.file:
        raise DomainError(_("Joignez le fichier PDF du document."), field="file")
    document.title = title[:200]
    document.kind = kind
    document.description = (description or "").strip()[:300]
    document.product = product
    document.language = language or "fr"
    document.is_active = is_active
    if content is not None:
        document.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(content), save=False)
    document.save()
    document.segments.set(list(segments))
    return document


@transaction.atomic
def document_activate(*, document: CommercialDocument, by, active: bool) -> CommercialDocument:
    _check_manage(by)
    document.is_active = active
    document.save(update_fields=["is_active", "updated_at"])
    return document


# Sending documentation ---------------------------------------------------------------------------------------------


def signature(user) -> str:
    """The rep's signature at the end of the email: name, email, phone, company."""
    lines = [user.get_full_name() or user.username]
    if user.email:
        lines.append(user.email)
    if getattr(user, "phone", ""):
        lines.append(_("Tél. %(phone)s") % {"phone": user.phone})
    lines.append(getattr(settings, "COMPANY_NAME", "Télévente"))
    return "\n".join(lines)


def _check_recipient(company: Company, contact: Contact | None) -> None:
    if contact is None or contact.company_id != company.pk:
        raise DomainError(_("Choisissez le destinataire parmi les contacts du client."), field="contact")
    if not contact.email:
        raise DomainError(
            _("%(name)s n'a pas d'adresse e-mail : ajoutez-la sur la fiche client.") % {"name": contact},
            field="contact",
        )
    if not contact.allows("email"):
        raise DomainError(
            _("%(name)s refuse les e-mails : on ne peut pas lui envoyer de documentation.")
            % {"name": contact},
            field="contact",
        )


def _check_documents(documents: list[CommercialDocument]) -> None:
    if not documents:
        raise DomainError(_("Cochez au moins un document à envoyer."), field="documents")
    inactive = [d.title for d in documents if not d.is_active]
    if inactive:
        raise DomainError(
            _("Document retiré, on ne peut plus l'envoyer : %(titles)s.") % {"titles": ", ".join(inactive)},
            field="documents",
        )


def _queue(sending: DocumentSending, documents: list[CommercialDocument], by) -> None:
    """One email carrying every document, through the outbox (opt-out checked again at send time)."""
    from televente.messaging.services import message_queue

    from .documents import document_content

    contact = sending.contact
    language = contact.language or "fr"
    requester = sending.requested_by
    with translation.override(language):
        attachments = [document_content(d, language) for d in documents]
        titles = "\n".join(f"- {d.title}" for d in documents)
        greeting = (
            _("Bonjour %(name)s,") % {"name": contact.first_name or contact.last_name}
            if (contact.first_name or contact.last_name)
            else _("Bonjour,")
        )
        intro = sending.note.strip() or _(
            "Comme convenu lors de notre échange, voici la documentation promise :"
        )
        body = "\n\n".join(
            [
                greeting,
                intro,
                titles,
                _("Je reste à votre disposition pour toute question."),
                _("Bien cordialement,"),
                signature(requester),
            ]
        )
        seller = getattr(settings, "COMPANY_NAME", "Télévente")
        subject = _("Votre documentation %(seller)s") % {"seller": seller}
        timeline_subject = _("Documentation envoyée : %(titles)s") % {
            "titles": ", ".join(d.title for d in documents)
        }
    from televente.messaging.models import Message

    # One message per attempt: a sending sent again after the outbox gave up gets a new key.
    reference = f"knowledge.documentsending:{sending.pk}"
    key = f"knowledge.sending:{sending.pk}"
    if sending.message_id is None:
        earlier = Message.objects.filter(reference=reference).count()
        key += f":{earlier + 1}" if earlier else ""
    message = message_queue(
        channel="email",
        contact=contact,
        company=sending.company,
        subject=subject,
        body=body,
        attachments=attachments,
        key=key,
        reference=reference,
        by=by,
        timeline_subject=timeline_subject[:250],
    )
    sending.message = message
    sending.status = SendingStatus.QUEUED
    sending.sent_at = timezone.now()
    sending.save(update_fields=["message", "status", "sent_at", "updated_at"])


def _check_sender(company: Company, by) -> None:
    if not can_send(by) or not Company.objects.editable_by(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas envoyer de documentation à ce client."))


@transaction.atomic
def documents_send(
    *,
    company: Company,
    contact: Contact | None,
    documents: Iterable[CommercialDocument],
    by,
    note: str = "",
    task=None,
    due_on: dt.date | None = None,
    now: bool = True,
) -> DocumentSending:
    """From a call: email the ticked documents now, or put them on the rep's list for `due_on`."""
    _check_sender(company, by)
    if task is not None and task.company_id != company.pk:
        raise DomainError(_("Cet appel concerne une autre fiche."))
    documents = list(documents)
    _check_documents(documents)
    _check_recipient(company, contact)
    today = timezone.localdate()
    due_on = today if now else (due_on or today)
    if due_on < today:
        raise DomainError(_("La date d'envoi est déjà passée."), field="due_on")
    # A double click on "send now" emails nothing twice: the same documents sent to the same person
    # by the same rep within two minutes are the same sending.
    doc_ids = sorted(d.pk for d in documents)
    for recent in (
        DocumentSending.objects.select_for_update(of=("self",))
        .filter(
            company=company,
            contact=contact,
            requested_by=by,
            status__in=[SendingStatus.QUEUED, SendingStatus.SENT],
            created_at__gte=timezone.now() - dt.timedelta(minutes=2),
        )
        .prefetch_related("documents")
        if now
        else ()
    ):
        if sorted(d.pk for d in recent.documents.all()) == doc_ids:
            return recent
    sending = DocumentSending.objects.create(
        company=company,
        contact=contact,
        note=(note or "").strip()[:500],
        due_on=due_on,
        requested_by=by,
        task=task,
    )
    sending.documents.set(documents)
    if now:
        _queue(sending, documents, by)
    return sending


def _locked(sending: DocumentSending) -> DocumentSending:
    return (
        DocumentSending.objects.select_for_update(of=("self",))
        .select_related("company", "contact", "requested_by")
        .get(pk=sending.pk)
    )


@transaction.atomic
def sending_send(*, sending: DocumentSending, by) -> DocumentSending:
    """From the "documents to send" list: one click sends what was promised."""
    sending = _locked(sending)
    _check_sender(sending.company, by)
    if sending.status != SendingStatus.TO_SEND:
        raise DomainError(
            _("Cet envoi n'est plus à faire (%(status)s).") % {"status": sending.get_status_display()}
        )
    documents = list(sending.documents.all())
    _check_documents(documents)
    _check_recipient(sending.company, sending.contact)
    _queue(sending, documents, by)
    return sending


@transaction.atomic
def sending_cancel(*, sending: DocumentSending, by) -> DocumentSending:
    sending = _locked(sending)
    _check_sender(sending.company, by)
    if sending.status != SendingStatus.TO_SEND:
        raise DomainError(
            _("Cet envoi n'est plus à faire (%(status)s).") % {"status": sending.get_status_display()}
        )
    sending.status = SendingStatus.CANCELLED
    sending.save(update_fields=["status", "updated_at"])
    return sending


def sendings_sync() -> int:
    """Periodic: sendings whose email the outbox has sent become "sent" (with the time it left); those
    it could not send are to send again."""
    from televente.messaging.choices import MessageStatus

    done = 0
    rows = DocumentSending.objects.filter(
        status=SendingStatus.QUEUED, message__status=MessageStatus.SENT
    ).values_list("pk", "message__sent_at")
    for pk, sent_at in rows:
        done += DocumentSending.objects.filter(pk=pk, status=SendingStatus.QUEUED).update(
            status=SendingStatus.SENT, sent_at=sent_at, updated_at=timezone.now()
        )
    # An email the outbox gave up on (failed, or blocked by an opt-out) goes back on the rep's list,
    # where sending it again says why it cannot go, instead of staying "in progress" forever.
    done += DocumentSending.objects.filter(
        status=SendingStatus.QUEUED, message__status__in=[MessageStatus.FAILED, MessageStatus.BLOCKED]
    ).update(status=SendingStatus.TO_SEND, message=None, updated_at=timezone.now())
    return done
