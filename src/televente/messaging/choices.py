from django.db import models
from django.utils.translation import gettext_lazy as _


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    SMS = "sms", _("SMS")


class Language(models.TextChoices):
    FR = "fr", _("Français")
    EN = "en", _("Anglais")


class MessageStatus(models.TextChoices):
    QUEUED = "queued", _("En attente d'envoi")
    SENDING = "sending", _("En cours d'envoi")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec définitif")
    BLOCKED = "blocked", _("Non envoyé (refus ou adresse manquante)")
    CANCELLED = "cancelled", _("Annulé")


# A message waiting for the outbox: picked up by the sender when its time has come.
PENDING_STATUSES = (MessageStatus.QUEUED, MessageStatus.SENDING)

# What a person may do with a message in each state (the services decide, the screens show it).
RETRYABLE = (MessageStatus.FAILED, MessageStatus.BLOCKED, MessageStatus.QUEUED)
CANCELLABLE = (MessageStatus.QUEUED, MessageStatus.FAILED, MessageStatus.BLOCKED)
