"""Writes of the messaging app: templates, and the outbox every customer email or SMS goes through.

Callers queue a message inside their own transaction (`message_queue`, `message_from_template`):
if their change rolls back, so does the message. After commit a task sends it (`outbox_send`); a
failure is retried with back-off by the periodic `outbox_flush`, and a message is only ever taken
by one sender at a time (row lock, then the "sending" state with a lease)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from hashlib import sha1

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import escape, linebreaks
from django.utils.translation import gettext as _

from televente.accounts.models import User
from televente.core.errors import DomainError, PermissionRefused

from . import variables
from .choices import CANCELLABLE, RETRYABLE, MessageChannel, MessageStatus
from .documents import get_document
from .models import Message, MessageAttachment, MessageTemplate
from .permissions import can_manage_templates, can_watch_outbox
from .sms import MAX_SMS_LENGTH, get_backend

logger = logging.getLogger(__name__)

# Minutes to wait after the 1st, 2nd... failed attempt; after the last one the message has failed.
RETRY_DELAYS = (1, 5, 15, 60, 180, 360)
MAX_ATTEMPTS = len(RETRY_DELAYS) + 1
# A sender that died in the middle of an attempt leaves its message "sending": after this lease
# another sender takes it again.
SENDING_LEASE = timedelta(minutes=10)


# ---------------------------------------------------------------------------------------------- #
# Templates


@dataclass
class TemplateData:
    code: str
    name: str
    channel: str
    language: str
    context: str
    subject: str
    body: str
    document: str = ""
    is_active: bool = True


def template_check(data: TemplateData) -> dict[str, list[str]]:
    """Errors per field; empty when the template can be saved."""
    errors: dict[str, list[str]] = {}
    known = {name for name, _label in variables.context_choices()}
    if data.context not in known:
        errors["context"] = [_("Choisissez sur quoi porte le modèle.")]
        return errors
    if data.channel == MessageChannel.EMAIL and not data.subject.strip():
        errors["subject"] = [_("Un e-mail a besoin d'un objet.")]
    for name in ("subject", "body"):
        found = variables.validate(getattr(data, name), data.context)
        if found:
            errors.setdefault(name, []).extend(found)
    if data.channel == MessageChannel.SMS:
        if data.document:
            errors["document"] = [_("Un SMS ne peut pas porter de document joint.")]
        if len(data.body) > MAX_SMS_LENGTH:
            errors.setdefault("body", []).append(
                _("Un SMS est limité à %(max)s caractères (%(count)s ici).")
                % {"max": MAX_SMS_LENGTH, "count": len(data.body)}
            )
    if data.document:
        try:
            document = get_document(data.document)
        except LookupError:
            errors["document"] = [_("Document inconnu.")]
        else:
            if document.context != data.context:
                errors["document"] = [_("Ce document ne porte pas sur le même type de fiche que le modèle.")]
    return errors


@transaction.atomic
def template_save(
    *, by: User, data: TemplateData, template: MessageTemplate | None = None
) -> MessageTemplate:
    """Creates or changes a template; a text with an unknown variable is refused before saving."""
    if not can_manage_templates(by):
        raise PermissionRefused(_("Seuls les superviseurs et administrateurs modifient les modèles."))
    errors = template_check(data)
    if errors:
        field, messages = next(iter(errors.items()))
        raise DomainError(" ".join(messages), field=field, code="invalid_template")
    if template is not None and template.is_system and data.code != template.code:
        raise DomainError(
            _("Le code d'un modèle fourni ne change pas : le logiciel l'utilise."), field="code"
        )
    clash = MessageTemplate.objects.filter(code=data.code, channel=data.channel, language=data.language)
    if template is not None:
        clash = clash.exclude(pk=template.pk)
    if clash.exists():
        raise DomainError(
            _("Un modèle « %(code)s » existe déjà pour ce canal et cette langue.") % {"code": data.code},
            field="code",
        )
    template = template or MessageTemplate()
    for name, value in data.__dict__.items():
        setattr(template, name, value)
    template.updated_by = by
    template.save()
    return template


def template_preview(*, data: TemplateData, record, contact=None) -> dict:
    """The message as the customer would receive it for this real record (nothing is saved)."""
    resolved = variables.resolve(data.context, record, contact=contact)
    language = data.language or "fr"
    with translation.override(language):
        subject = variables.render(data.subject, resolved.values)
        text = variables.render(data.body, resolved.values)
        html = _layout_html(variables.render(data.body, resolved.values, html=True), subject)
    return {"subject": subject, "text": text, "html": html, "contact": resolved.contact}


def find_template(
    code: str, *, channel: str = MessageChannel.EMAIL, language: str = "fr"
) -> MessageTemplate | None:
    """The active template in this language, else in French (always complete)."""
    rows = {
        t.language: t
        for t in MessageTemplate.objects.filter(
            code=code, channel=channel, is_active=True, language__in=[language, "fr"]
        )
    }
    return rows.get(language) or rows.get("fr")


# ---------------------------------------------------------------------------------------------- #
# Queueing (inside the caller's transaction)


def _layout_html(body_html: str, subject: str) -> str:
    return render_to_string(
        "messaging/email/layout.html",
        {"body": body_html, "subject": subject, "seller": getattr(settings, "COMPANY_NAME", "")},
    )


def _layout_text(body_text: str) -> str:
    return render_to_string(
        "messaging/email/layout.txt", {"body": body_text, "seller": getattr(settings, "COMPANY_NAME", "")}
    )


def message_queue(
    *,
    channel: str,
    body: str,
    subject: str = "",
    company=None,
    contact=None,
    to_address: str = "",
    to_name: str = "",
    language: str = "",
    key: str | None = None,
    reference: str = "",
    document: tuple[str, object] | None = None,
    attachments: Iterable[tuple[str, bytes, str]] = (),
    by: User | None = None,
    template: MessageTemplate | None = None,
    html: str = "",
    file_on_timeline: bool = True,
    timeline_subject: str = "",
) -> Message:
    """Stores a message in the caller's transaction and sends it after commit.

    `body` is the plain text, put in the company's layout here (as HTML too, unless `html` is given).
    The address defaults to the contact's (email or mobile); the contact's opt-out is checked when
    the message is sent, not now. The same `key` twice returns the first message (never sent twice)."""
    if key:
        existing = Message.objects.filter(idempotency_key=key).first()
        if existing is not None:
            return existing
    if contact is not None:
        company = company or contact.company
        if not to_address:
            to_address = contact.email if channel == MessageChannel.EMAIL else _contact_mobile(contact)
        to_name = to_name or " ".join(x for x in (contact.first_name, contact.last_name) if x)
        language = language or contact.language or "fr"
    language = language or "fr"
    if channel == MessageChannel.EMAIL:
        with translation.override(language):
            body_text = _layout_text(body)
            body_html = html or _layout_html(linebreaks(escape(body)), subject)
    else:
        body_text, body_html = body, ""
    message = Message(
        channel=channel,
        idempotency_key=key or None,
        company=company,
        contact=contact,
        to_address=to_address or "",
        to_name=to_name[:160],
        language=language,
        subject=subject[:250],
        body_text=body_text,
        body_html=body_html,
        template=template,
        template_code=template.code if template else "",
        reference=reference,
        document_kind=document[0] if document else "",
        document_object_id=str(document[1]) if document else "",
        file_on_timeline=file_on_timeline,
        timeline_subject=timeline_subject[:250],
        created_by=by,
    )
    try:
        with transaction.atomic():
            message.save()
            for filename, content, content_type in attachments:
                MessageAttachment.objects.create(
                    message=message, filename=filename, content=content, content_type=content_type
                )
    except IntegrityError:
        if key:  # another request queued the same message a moment ago
            return Message.objects.get(idempotency_key=key)
        raise
    transaction.on_commit(partial(_enqueue_send, message.pk))
    return message


def _enqueue_send(message_id: int) -> None:
    from .tasks import send_message

    send_message.enqueue(message_id)


def _contact_mobile(contact) -> str:
    phones = [p for p in contact.phones.all() if p.e164]
    mobiles = [p for p in phones if p.e164.startswith(("+336", "+337"))]  # French mobiles first
    candidates = mobiles or phones
    return candidates[0].e164 if candidates else ""


def message_from_template(
    *,
    code: str,
    record,
    context: str,
    contact=None,
    channel: str = MessageChannel.EMAIL,
    key: str | None = None,
    by: User | None = None,
    reference: str = "",
    timeline_subject: str = "",
    attachments: Iterable[tuple[str, bytes, str]] = (),
) -> Message | None:
    """Renders the company's template `code` for this record and queues it; None when the record has
    nobody to send it to or the template is switched off (the caller's change goes on regardless)."""
    if key and (existing := Message.objects.filter(idempotency_key=key).first()) is not None:
        return existing
    resolved = variables.resolve(context, record, contact=contact)
    contact = resolved.contact
    language = (contact.language if contact is not None else "") or "fr"
    template = find_template(code, channel=channel, language=language)
    if template is None or contact is None:
        return None
    language = template.language
    with translation.override(language):
        subject = variables.render(template.subject, resolved.values)
        body = variables.render(template.body, resolved.values)
        html = _layout_html(variables.render(template.body, resolved.values, html=True), subject)
    return message_queue(
        channel=channel,
        body=body,
        html=html if channel == MessageChannel.EMAIL else "",
        subject=subject,
        company=resolved.company,
        contact=contact,
        language=language,
        key=key,
        reference=reference,
        document=(template.document, record.pk) if template.document else None,
        attachments=attachments,
        by=by,
        template=template,
        timeline_subject=timeline_subject,
    )


# ---------------------------------------------------------------------------------------------- #
# Sending


def _claim(message_id: int, now: datetime) -> Message | None:
    """Takes the message for one attempt, or None when it is not due or another sender has it."""
    with transaction.atomic():
        message = (
            Message.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(
                pk=message_id,
                status__in=[MessageStatus.QUEUED, MessageStatus.SENDING],
                next_attempt_at__lte=now,
            )
            .select_related("contact", "company")
            .first()
        )
        if message is None:
            return None
        message.status = MessageStatus.SENDING
        message.attempts += 1
        message.next_attempt_at = now + SENDING_LEASE
        message.save(update_fields=["status", "attempts", "next_attempt_at", "updated_at"])
    return message


def _refusal(message: Message) -> str:
    """Why the message must not go (checked at send time), or ''."""
    if not message.to_address:
        return _("Pas d'adresse pour ce destinataire.")
    contact = message.contact
    if contact is not None and not contact.allows(message.channel):
        if message.channel == MessageChannel.EMAIL:
            return _("L'interlocuteur refuse les e-mails.")
        return _("L'interlocuteur refuse les SMS.")
    return ""


def _message_id_header(message: Message) -> str:
    domain = settings.DEFAULT_FROM_EMAIL.rsplit("@", 1)[-1].strip(">") or "televente.local"
    token = sha1(f"{message.pk}:{message.created_at.isoformat()}".encode()).hexdigest()[:16]
    return f"<televente.{message.pk}.{token}@{domain}>"


def _document(message: Message) -> tuple[str, bytes] | None:
    """The message's document, rendered once and kept."""
    if not message.document_kind:
        return None
    if message.document_file:
        with message.document_file.open("rb") as f:
            return message.document_name, f.read()
    filename, content = get_document(message.document_kind).render(
        message.document_object_id, message.language
    )
    message.document_name = filename[:120]
    message.document_file.save(filename, ContentFile(content), save=False)
    Message.objects.filter(pk=message.pk).update(
        document_name=message.document_name, document_file=message.document_file.name
    )
    return filename, content


def _deliver(message: Message) -> str:
    if message.channel == MessageChannel.SMS:
        return get_backend().send(message.to_address, message.body_text)
    header = _message_id_header(message)
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[f"{message.to_name} <{message.to_address}>" if message.to_name else message.to_address],
        headers={"Message-ID": header},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    document = _document(message)
    if document is not None:
        email.attach(document[0], document[1], "application/pdf")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    email.send()
    return header


def _file_on_timeline(message: Message) -> None:
    from televente.customers.choices import InteractionKind
    from televente.customers.services import interaction_record

    if not message.file_on_timeline or message.company is None:
        return
    if message.channel == MessageChannel.SMS:
        kind = InteractionKind.SMS
        subject = message.timeline_subject or _("SMS envoyé au %(to)s") % {"to": message.to_address}
    else:
        has_file = bool(message.document_kind) or message.attachments.exists()
        kind = InteractionKind.DOCUMENT if has_file else InteractionKind.EMAIL
        subject = message.timeline_subject or _("E-mail « %(subject)s » envoyé à %(to)s") % {
            "subject": message.subject,
            "to": message.to_address,
        }
    contact = (
        message.contact if message.contact and message.contact.company_id == message.company_id else None
    )
    # Sent by the system (a rule, a dunning step): filed in the name of the customer's rep.
    author = message.created_by or message.company.rep
    if author is None:
        author = User.objects.filter(is_active=True, role="admin").order_by("pk").first()
    if author is None:
        logger.warning("Message %s not filed: nobody to file it in the name of", message.pk)
        return
    interaction = interaction_record(
        company=message.company,
        kind=kind,
        by=author,
        contact=contact,
        subject=subject[:200],
        notes=message.body_text[:2000],
        reference=f"messaging.message:{message.pk}",
        touch_contact=False,
    )
    Message.objects.filter(pk=message.pk).update(interaction=interaction)


def outbox_send(message_id: int, *, now: datetime | None = None) -> str:
    """One attempt at sending this message; answers its state afterwards ('' when not taken)."""
    now = now or timezone.now()
    message = _claim(message_id, now)
    if message is None:
        return ""
    refusal = _refusal(message)
    if refusal:
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.BLOCKED, last_error=refusal, updated_at=timezone.now()
        )
        return MessageStatus.BLOCKED
    try:
        with translation.override(message.language or "fr"):
            provider_id = _deliver(message)
    except LookupError:
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.FAILED,
            last_error=_("Le document à joindre n'existe plus."),
            updated_at=timezone.now(),
        )
        return MessageStatus.FAILED
    except Exception as exc:  # the server or provider refused: retry later
        logger.warning("Message %s attempt %s failed: %s", message.pk, message.attempts, exc)
        if message.attempts >= MAX_ATTEMPTS:
            status, next_at = MessageStatus.FAILED, now
        else:
            status = MessageStatus.QUEUED
            next_at = now + timedelta(minutes=RETRY_DELAYS[message.attempts - 1])
        Message.objects.filter(pk=message.pk).update(
            status=status,
            next_attempt_at=next_at,
            last_error=str(exc)[:2000] or exc.__class__.__name__,
            updated_at=timezone.now(),
        )
        return status
    with transaction.atomic():
        Message.objects.filter(pk=message.pk).update(
            status=MessageStatus.SENT,
            sent_at=timezone.now(),
            provider_id=str(provider_id)[:200],
            last_error="",
            updated_at=timezone.now(),
        )
        _file_on_timeline(message)
    return MessageStatus.SENT


def outbox_flush(*, now: datetime | None = None, limit: int = 500) -> dict:
    """Sends what is due: retries after a failure, and messages whose sender died mid-attempt."""
    now = now or timezone.now()
    ids = list(
        Message.objects.filter(
            status__in=[MessageStatus.QUEUED, MessageStatus.SENDING], next_attempt_at__lte=now
        )
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    counts: dict[str, int] = {}
    for message_id in ids:
        state = outbox_send(message_id, now=now) or "skipped"
        counts[state] = counts.get(state, 0) + 1
    return counts


# ---------------------------------------------------------------------------------------------- #
# People acting on the outbox


@transaction.atomic
def message_retry(*, message: Message, by: User) -> Message:
    """A failed or blocked message goes again now (after the contact opted back in, for example)."""
    if not can_watch_outbox(by):
        raise PermissionRefused(_("Vous ne pouvez pas agir sur la boîte d'envoi."))
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in RETRYABLE:
        raise DomainError(_("Ce message est déjà envoyé ou en cours d'envoi."))
    message.status = MessageStatus.QUEUED
    message.next_attempt_at = timezone.now()
    if message.attempts >= MAX_ATTEMPTS:
        message.attempts = MAX_ATTEMPTS - 1
    message.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
    transaction.on_commit(partial(_enqueue_send, message.pk))
    return message


@transaction.atomic
def message_cancel(*, message: Message, by: User) -> Message:
    if not can_watch_outbox(by):
        raise PermissionRefused(_("Vous ne pouvez pas agir sur la boîte d'envoi."))
    message = Message.objects.select_for_update().get(pk=message.pk)
    if message.status not in CANCELLABLE:
        raise DomainError(_("Ce message est déjà envoyé ou en cours d'envoi."))
    message.status = MessageStatus.CANCELLED
    message.last_error = _("Annulé par %(name)s.") % {"name": by.get_full_name() or by.get_username()}
    message.save(update_fields=["status", "last_error", "updated_at"])
    return message
