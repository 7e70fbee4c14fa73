from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignGoal(models.TextChoices):
    PROMOTE = "promote", _("Promouvoir une offre")
    PROSPECT = "prospect", _("Prospecter une cible")
    REACTIVATE = "reactivate", _("Relancer les comptes inactifs")
    SURVEY = "survey", _("Mener une enquête")
    NEW_PRODUCTS = "new_products", _("Annoncer des nouveautés")


class CampaignChannel(models.TextChoices):
    PHONE = "phone", _("Appels")
    EMAIL = "email", _("E-mails")
    BOTH = "both", _("E-mail puis appel")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    RUNNING = "running", _("Lancée")
    CLOSED = "closed", _("Terminée")


class TargetStatus(models.TextChoices):
    PENDING = "pending", _("À appeler")
    EXCLUDED = "excluded", _("Exclu")  # opt-out, no number, no email...
    NOT_REACHED = "not_reached", _("Non joint")
    REACHED = "reached", _("Joint")
    POSITIVE = "positive", _("Issue positive")
    REFUSED = "refused", _("Refus")
    EMAILED = "emailed", _("E-mail envoyé")
