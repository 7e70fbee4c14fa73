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
