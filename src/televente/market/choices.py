from django.db import models
from django.utils.translation import gettext_lazy as _


class Satisfaction(models.TextChoices):
    """What the customer says of a competitor's service."""

    SATISFIED = "satisfied", _("Satisfait")
    NEUTRAL = "neutral", _("Mitigé")
    DISSATISFIED = "dissatisfied", _("Insatisfait")


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("Satisfaction")
    MARKET = "market", _("Étude de marché")


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("En préparation")
    OPEN = "open", _("Ouverte")
    CLOSED = "closed", _("Close")


class QuestionKind(models.TextChoices):
    CHOICE = "choice", _("Choix dans une liste")
    SCALE = "scale", _("Note de 0 à 10")
    TEXT = "text", _("Texte libre")


class QuestionRole(models.TextChoices):
    """How a question counts in the results."""

    PLAIN = "", _("Question simple")
    NPS = "nps", _("Recommandation (NPS)")
    CSAT = "csat", _("Satisfaction globale (CSAT)")
    CRITERION = "criterion", _("Critère (points forts et faibles)")


class ResponseChannel(models.TextChoices):
    PHONE = "phone", _("Par téléphone")
    EMAIL = "email", _("Par lien e-mail")


class ActionStatus(models.TextChoices):
    PLANNED = "planned", _("Prévue")
    DONE = "done", _("Réalisée")
