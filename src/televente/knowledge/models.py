"""The knowledge base (articles searched during a call) and the commercial documents sent to customers."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from televente.core.models import BaseModel

from .choices import ArticleTopic, DocumentKind, SendingStatus


class Article(BaseModel):
    """A piece of knowledge a rep reads during a call: product advice, regulation, procedure, terms."""

    title = models.CharField(_("titre"), max_length=200)
    topic = models.CharField(_("thème"), max_length=20, choices=ArticleTopic.choices)
    summary = models.CharField(_("en bref"), max_length=300, blank=True)
    body = models.TextField(_("contenu"))
    keywords = models.CharField(_("mots-clés"), max_length=300, blank=True)
    products = models.ManyToManyField(
        "catalog.Product",
        blank=True,
        verbose_name=_("articles du catalogue"),
        related_name="knowledge_articles",
    )
    is_published = models.BooleanField(_("publié"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    search_text = models.TextField(editable=False, default="")  # folded words (no accents, lower case)

    class Meta:
        verbose_name = _("article de la base de connaissances")
        verbose_name_plural = _("articles de la base de connaissances")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class CommercialDocument(BaseModel):
    """A document a rep may send: an uploaded file, or a product's technical sheet rendered on demand."""

    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=DocumentKind.choices)
    description = models.CharField(_("description"), max_length=300, blank=True)
    file = models.FileField(_("fichier"), upload_to="documents/", blank=True)
    product = models.ForeignKey(
        "catalog.Product",
        verbose_name=_("article (fiche technique)"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    segments = models.ManyToManyField(
        "customers.Segment", blank=True, verbose_name=_("typologies concernées"), related_name="+"
    )
    language = models.CharField(_("langue"), max_length=5, default="fr")
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("document commercial")
        verbose_name_plural = _("documents commerciaux")
        ordering = ["kind", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(file="") | models.Q(product__isnull=False),
                name="document_file_or_product",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentSending(BaseModel):
    """Documents promised to a customer: sent now from the call, or put on the rep's list for today."""

    company = models.ForeignKey(
        "customers.Company", on_delete=models.CASCADE, related_name="document_sendings"
    )
    contact = models.ForeignKey(
        "customers.Contact",
        verbose_name=_("destinataire"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    documents = models.ManyToManyField(
        CommercialDocument, verbose_name=_("documents"), related_name="sendings"
    )
    note = models.CharField(_("mot d'accompagnement"), max_length=500, blank=True)
    due_on = models.DateField(_("à envoyer le"), default=timezone.localdate)
    status = models.CharField(
        _("état"), max_length=12, choices=SendingStatus.choices, default=SendingStatus.TO_SEND, db_index=True
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        "calls.CallTask", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    message = models.ForeignKey(
        "messaging.Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("envoi de documentation")
        verbose_name_plural = _("envois de documentation")
        ordering = ["due_on", "pk"]
        indexes = [models.Index(fields=["requested_by", "status", "due_on"], name="docsending_rep_due")]

    def __str__(self) -> str:
        return f"{self.company} ({self.due_on})"
