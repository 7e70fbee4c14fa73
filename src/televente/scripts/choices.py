from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    """The stages of a telephone interview (seed 001 A1.3; seed 000 Prospection)."""

    GREETING = "greeting", _("Accueil")
    IDENTIFICATION = "identification", _("Identification de l'interlocuteur")
    HOOK = "hook", _("Accroche")
    DISCOVERY = "discovery", _("Questions de découverte")
    PRESENTATION = "presentation", _("Présentation de l'offre")
    OBJECTIONS = "objections", _("Traitement des objections")
    CLOSING = "closing", _("Conclusion")
    LEAVE_TAKING = "leave_taking", _("Prise de congé")


class AnswerType(models.TextChoices):
    NONE = "none", _("Pas de réponse à noter")
    TEXT = "text", _("Texte libre")
    CHOICE = "choice", _("Choix dans une liste")
    YES_NO = "yes_no", _("Oui / Non")
    NUMBER = "number", _("Nombre")


class SavesTo(models.TextChoices):
    """Where a discovery answer lands in the customer file."""

    NOTHING = "", _("Nulle part (réponse gardée avec l'appel)")
    NEEDS = "needs", _("Besoins exprimés")
    COMPETITOR = "competitor", _("Fournisseur actuel / concurrent")
    BUYING_MOTIVES = "buying_motives", _("Mobiles d'achat (SONCAS)")
    POTENTIAL = "potential", _("Potentiel")
    ENGAGEMENT = "engagement", _("Étape du cycle de vente")
    NOTES = "notes", _("Notes")


class ObjectionFamily(models.TextChoices):
    PRICE = "price", _("Prix")
    NEED = "need", _("Pas de besoin")
    COMPETITOR = "competitor", _("Concurrent en place")
    TIMING = "timing", _("Pas le moment")
    TRUST = "trust", _("Confiance, qualité")
    DECISION = "decision", _("Pas le décideur")
    OTHER = "other", _("Autre")
