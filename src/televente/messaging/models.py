"""Messages to customers: the company's templates and the outbox every email or SMS goes through.

A message is written in the same transaction as the business change that causes it (an order
confirmed, a claim settled, a dunning step), then sent by a background task; failures are retried
with back-off, and an idempotency key makes a second request for the same message a no-op."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import Language, MessageChannel, MessageStatus


class MessageTemplate(BaseModel):
    """A letter-type (lettre-type) in one language for one channel, with personalisation variables
    such as `{{ contact.first_name }}`. `context` says which record it is written about (an order, a
    claim, an invoice...), which decides the variables it may use."""

    code = models.SlugField(_("code"), max_length=60)
    channel = models.CharField(_("canal"), max_length=10, choices=MessageChannel.choices)
    language = models.CharField(_("langue"), max_length=5, choices=Language.choices, default=Language.FR)
    name = models.CharField(_("nom"), max_length=120)
    context = models.CharField(_("porte sur"), max_length=30)
    subject = models.CharField(_("objet"), max_length=200, blank=True)
    body = models.TextField(_("texte"))
    document = models.CharField(_("document joint"), max_length=60, blank=True)
    is_active = models.BooleanField(_("actif"), default=True)
    is_system = models.BooleanField(_("modèle fourni"), default=False, editable=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("modèle de message")
        verbose_name_plural = _("modèles de message")
        ordering = ["context", "code", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["code", "channel", "language"], name="messaging_template_code_channel_language"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_channel_display()}, {self.language})"


class Message(BaseModel):
    """One email or SMS in the outbox, with its delivery state."""

    channel = models.CharField(_("canal"), max_length=10, choices=MessageChannel.choices)
    status = models.CharField(
        _("état"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.QUEUED
    )
    # The same key twice gives back the first message: "never sent twice".
    idempotency_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    company = models.ForeignKey(
        "customers.Company", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    to_address = models.CharField(_("destinataire"), max_length=254, blank=True)
    to_name = models.CharField(_("nom du destinataire"), max_length=160, blank=True)
    language = models.CharField(_("langue"), max_length=5, default=Language.FR)
    subject = models.CharField(_("objet"), max_length=250, blank=True)
    body_text = models.TextField(_("texte"))
    body_html = models.TextField(blank=True)
    template = models.ForeignKey(
        MessageTemplate, on_delete=models.SET_NULL, null=True, blank=True, related_name="messages"
    )
    template_code = models.CharField(max_length=60, blank=True)
    # What the message is about, as "app.model:pk" (the timeline's reference).
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    # A document rendered by the sender at the first attempt, then kept: retries send the same file.
    document_kind = models.CharField(max_length=60, blank=True)
    document_object_id = models.CharField(max_length=40, blank=True)
    document_file = models.FileField(upload_to="messages/%Y/%m", blank=True)
    document_name = models.CharField(max_length=120, blank=True)
    file_on_timeline = models.BooleanField(default=True)
    timeline_subject = models.CharField(max_length=250, blank=True)
    interaction = models.ForeignKey(
        "customers.Interaction", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    provider_id = models.CharField(max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                name="messaging_message_due",
                condition=Q(status__in=["queued", "sending"]),
            ),
            models.Index(fields=["status", "-created_at"], name="messaging_message_status"),
            models.Index(fields=["company", "-created_at"], name="messaging_message_company"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} → {self.to_address}: {self.subject or self.body_text[:40]}"

    @property
    def is_pending(self) -> bool:
        return self.status in (MessageStatus.QUEUED, MessageStatus.SENDING)


class MessageAttachment(BaseModel):
    """A file known when the message is queued (an invitation's ICS, a file the rep chose)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=160)
    content_type = models.CharField(max_length=100)
    content = models.BinaryField()

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
