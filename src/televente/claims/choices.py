from django.db import models
from django.utils.translation import gettext_lazy as _


class ClaimType(models.TextChoices):
    QUALITY = "quality", _("Qualité du produit")
    LATE = "late", _("Retard de livraison")
    MISSING = "missing", _("Produit manquant")
    DAMAGED = "damaged", _("Produit abîmé")
    WRONG_PRODUCT = "wrong_product", _("Erreur de produit")
    INVOICING = "invoicing", _("Erreur de facturation")
    PRICE = "price", _("Contestation de prix")
    SERVICE = "service", _("Service (accueil, délai de réponse…)")


class ClaimCause(models.TextChoices):
    UNKNOWN = "unknown", _("À déterminer")
    SUPPLIER = "supplier", _("Fournisseur / fabrication")
    STORAGE = "storage", _("Stockage (entrepôt, chaîne du froid)")
    PICKING = "picking", _("Erreur de préparation")
    CARRIER = "carrier", _("Transport")
    ORDER_ENTRY = "order_entry", _("Erreur de saisie de la commande")
    PRICING = "pricing", _("Tarif ou remise mal appliqué")
    INVOICING = "invoicing", _("Facturation")
    CUSTOMER = "customer", _("Côté client (usage, stockage, réception)")
    COMMUNICATION = "communication", _("Information mal transmise")


class Channel(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    EMAIL = "email", _("E-mail")
    VISIT = "visit", _("Visite")
    API = "api", _("ERP / API")
    BACK_OFFICE = "back_office", _("Back office")


class Mood(models.TextChoices):
    CALM = "calm", _("Calme")
    ANNOYED = "annoyed", _("Mécontent")
    ANGRY = "angry", _("En colère")


class Severity(models.TextChoices):
    LOW = "low", _("Faible")
    MEDIUM = "medium", _("Moyenne")
    HIGH = "high", _("Élevée")
    CRITICAL = "critical", _("Critique (sécurité, santé, client bloqué)")


class Requested(models.TextChoices):
    """What the customer asks for (they may ask for something the company will not grant)."""

    CREDIT_NOTE = "credit_note", _("Un avoir")
    REPLACEMENT = "replacement", _("Un remplacement")
    DISCOUNT = "discount", _("Une remise")
    PICKUP = "pickup", _("Une reprise de la marchandise")
    EXPLANATION = "explanation", _("Une explication")
    OTHER = "other", _("Autre")


class Verdict(models.TextChoices):
    PENDING = "", _("À examiner")
    FOUNDED = "founded", _("Fondée")
    PARTLY = "partly", _("Partiellement fondée")
    UNFOUNDED = "unfounded", _("Non fondée")


class ClaimStatus(models.TextChoices):
    NEW = "new", _("Reçue")
    ROUTED = "routed", _("Transmise au service")
    AWAITING_APPROVAL = "approval", _("En attente d'accord")
    SETTLED = "settled", _("Règlement décidé")
    CLOSED = "closed", _("Close")


OPEN_STATUSES = (ClaimStatus.NEW, ClaimStatus.ROUTED, ClaimStatus.AWAITING_APPROVAL, ClaimStatus.SETTLED)


class SettlementKind(models.TextChoices):
    CREDIT_NOTE = "credit_note", _("Avoir")
    REPLACEMENT = "replacement", _("Livraison de remplacement")
    DISCOUNT = "discount", _("Remise sur la prochaine commande")
    PICKUP = "pickup", _("Reprise / retour de la marchandise")
    REFUSAL = "refusal", _("Refus motivé")


class SettlementStatus(models.TextChoices):
    AWAITING = "awaiting", _("En attente d'accord")
    APPROVED = "approved", _("Accordé")
    REFUSED = "refused", _("Refusé")


class EventKind(models.TextChoices):
    CREATED = "created", _("Réclamation reçue")
    QUALIFIED = "qualified", _("Qualification")
    VERDICT = "verdict", _("Bien-fondé")
    ROUTED = "routed", _("Transmission")
    REMINDER = "reminder", _("Rappel d'échéance")
    ESCALATED = "escalated", _("Escalade au superviseur")
    SETTLEMENT = "settlement", _("Règlement proposé")
    APPROVAL = "approval", _("Décision sur le règlement")
    CUSTOMER = "customer", _("Client informé")
    CLOSED = "closed", _("Clôture")
    REOPENED = "reopened", _("Réouverture")
    SATISFACTION = "satisfaction", _("Satisfaction")
    FINDING = "finding", _("Constat / commentaire")
    ATTACHMENT = "attachment", _("Pièce jointe")


class NoticeStep(models.TextChoices):
    """The moments the customer is told about (a prefilled message for each)."""

    RECEIVED = "received", _("Réclamation bien reçue")
    PROGRESS = "progress", _("Point d'avancement")
    SETTLEMENT = "settlement", _("Règlement décidé")


class NoticeChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Appel maintenant")
    CALL_TASK = "call_task", _("Appel à planifier")


class Satisfaction(models.TextChoices):
    NONE = "", _("Pas encore de réponse")
    SATISFIED = "satisfied", _("Satisfait")
    NOT_SATISFIED = "not_satisfied", _("Pas satisfait")
