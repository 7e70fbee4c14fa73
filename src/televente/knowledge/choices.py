from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleTopic(models.TextChoices):
    """What an article of the knowledge base is about (seed 004 2.3; DOMAIN capability 7)."""

    PRODUCT = "product", _("Conseil produit")
    HYGIENE = "hygiene", _("Hygiène")
    COLD_CHAIN = "cold_chain", _("Chaîne du froid")
    ALLERGENS = "allergens", _("Allergènes")
    SAFETY = "safety", _("Sécurité")
    PROCEDURE = "procedure", _("Procédure interne")
    TERMS = "terms", _("Conditions commerciales")


class DocumentKind(models.TextChoices):
    """The commercial documents a rep sends (seed 000 Prospection: diffusion de la documentation)."""

    CATALOGUE = "catalogue", _("Catalogue")
    TECHNICAL_SHEET = "technical_sheet", _("Fiche technique")
    PRICE_LIST = "price_list", _("Tarif")
    OFFER = "offer", _("Offre commerciale")
    OTHER = "other", _("Autre document")


class SendingStatus(models.TextChoices):
    TO_SEND = "to_send", _("À envoyer")
    QUEUED = "queued", _("Envoi en cours")
    SENT = "sent", _("Envoyé")
    CANCELLED = "cancelled", _("Annulé")
