from django.db import models
from django.utils.translation import gettext_lazy as _


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("Facture")
    CREDIT_NOTE = "credit_note", _("Avoir")


class InvoiceStatus(models.TextChoices):
    OPEN = "open", _("À payer")
    PAID = "paid", _("Payée")
    CANCELLED = "cancelled", _("Annulée")


class DunningAction(models.TextChoices):
    EMAIL = "email", _("E-mail de relance")
    SMS = "sms", _("SMS de relance")
    CALL = "call", _("Appel du télévendeur")
    LETTER = "letter", _("Lettre de mise en demeure (PDF)")
    HOLD = "hold", _("Blocage des nouvelles commandes")


class PromiseStatus(models.TextChoices):
    PENDING = "pending", _("En attente")
    KEPT = "kept", _("Tenue")
    BROKEN = "broken", _("Non tenue")
    REPLACED = "replaced", _("Remplacée par une nouvelle promesse")


class PlanStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposé, en attente d'accord")
    ACTIVE = "active", _("En cours")
    COMPLETED = "completed", _("Soldé")
    BROKEN = "broken", _("Rompu")
    CANCELLED = "cancelled", _("Annulé")


class InstalmentStatus(models.TextChoices):
    PENDING = "pending", _("À venir")
    PAID = "paid", _("Payée")
    MISSED = "missed", _("Impayée")


class CollectionOutcome(models.TextChoices):
    """How a collection call ended (seed 004 1.8: recouvrement, échéancier)."""

    PAID = "paid", _("Déjà payé / paie maintenant")
    PROMISE = "promise", _("Promesse de paiement")
    PLAN = "plan", _("Échéancier négocié")
    DISPUTE = "dispute", _("Litige (ouvre une réclamation)")
    REFUSAL = "refusal", _("Refus de payer (escalade)")
    NOT_REACHED = "not_reached", _("Non joint")


# Age of the overdue amount, in days after the due date, for the collection dashboard.
AGE_BUCKETS = ((1, 30), (31, 60), (61, 90), (91, None))
