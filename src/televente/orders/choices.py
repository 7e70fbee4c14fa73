from django.db import models
from django.utils.translation import gettext_lazy as _


class OrderStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    CONFIRMED = "confirmed", _("Confirmée")
    PREPARED = "prepared", _("Préparée")
    SHIPPED = "shipped", _("Expédiée")
    DELIVERED = "delivered", _("Livrée")
    CANCELLED = "cancelled", _("Annulée")


class OrderSource(models.TextChoices):
    PHONE = "phone", _("Téléphone")
    FIELD = "field", _("Visite")
    PLATFORM = "platform", _("Plateforme en ligne")
    ERP = "erp", _("ERP")
    HISTORY = "history", _("Historique")


# Orders that arrive by the API rather than being taken by a person
INCOMING_SOURCES = (OrderSource.PLATFORM, OrderSource.ERP)


class LineOrigin(models.TextChoices):
    HABITUAL = "habitual", _("Habituel")
    SEARCH = "search", _("Recherche")
    SUBSTITUTE = "substitute", _("Substitution")
    COMPLEMENT = "complement", _("Vente additionnelle")
    PROMOTION = "promotion", _("Promotion")
    API = "api", _("API")


class LostSaleReason(models.TextChoices):
    SHORTAGE = "shortage", _("Rupture, substitut refusé")
    PRICE = "price", _("Prix")
    COMPETITOR = "competitor", _("Acheté chez un concurrent")
    NOT_NEEDED = "not_needed", _("Pas besoin cette fois")
    OTHER = "other", _("Autre")


class ApprovalStatus(models.TextChoices):
    NONE = "", _("Sans objet")
    REQUESTED = "requested", _("Demandée")
    APPROVED = "approved", _("Accordée")
    REFUSED = "refused", _("Refusée")


class IncidentType(models.TextChoices):
    LATE = "late", _("Retard de livraison")
    MISSING = "missing", _("Produit manquant")
    DAMAGED = "damaged", _("Produit abîmé")
    WRONG_PRODUCT = "wrong_product", _("Erreur de produit")
    WRONG_QUANTITY = "wrong_qty", _("Erreur de quantité")
    NOT_DELIVERED = "not_delivered", _("Commande non livrée")
    OTHER = "other", _("Autre")


class IncidentCause(models.TextChoices):
    CARRIER = "carrier", _("Transport")
    PICKING = "picking", _("Erreur de préparation")
    STOCK = "stock", _("Rupture ou erreur de stock")
    SUPPLIER = "supplier", _("Fournisseur")
    ADDRESS = "address", _("Adresse ou accès")
    CUSTOMER = "customer", _("Client absent ou refus")
    ORDER_ENTRY = "order_entry", _("Erreur de saisie de la commande")
    UNKNOWN = "unknown", _("À déterminer")


class IncidentImpact(models.TextChoices):
    MINOR = "minor", _("Faible : le client n'est pas gêné")
    MAJOR = "major", _("Important : le client est gêné")
    BLOCKING = "blocking", _("Bloquant : le client ne peut pas travailler")


class IncidentStatus(models.TextChoices):
    OPEN = "open", _("Ouvert : solution à valider")
    VALIDATED = "validated", _("Solution validée")
    RESOLVED = "resolved", _("Résolu")


class AlertChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Téléphone")
