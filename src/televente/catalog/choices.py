from django.db import models
from django.utils.translation import gettext_lazy as _


class ProductStatus(models.TextChoices):
    ACTIVE = "active", _("Actif")
    SEASONAL = "seasonal", _("Saisonnier")
    DISCONTINUED = "discontinued", _("Arrêté")


class Allergen(models.TextChoices):
    """The 14 allergens of Regulation (EU) No 1169/2011, annex II."""

    GLUTEN = "gluten", _("Céréales contenant du gluten")
    CRUSTACEANS = "crustaceans", _("Crustacés")
    EGGS = "eggs", _("Œufs")
    FISH = "fish", _("Poissons")
    PEANUTS = "peanuts", _("Arachides")
    SOYBEANS = "soybeans", _("Soja")
    MILK = "milk", _("Lait")
    NUTS = "nuts", _("Fruits à coque")
    CELERY = "celery", _("Céleri")
    MUSTARD = "mustard", _("Moutarde")
    SESAME = "sesame", _("Graines de sésame")
    SULPHITES = "sulphites", _("Anhydride sulfureux et sulfites")
    LUPIN = "lupin", _("Lupin")
    MOLLUSCS = "molluscs", _("Mollusques")


class Availability(models.TextChoices):
    AVAILABLE = "available", _("Disponible")
    PARTIAL = "partial", _("Partiellement disponible")
    UNAVAILABLE = "unavailable", _("Indisponible")


class PromotionMechanic(models.TextChoices):
    PERCENT = "percent", _("Remise en %")
    AMOUNT = "amount", _("Remise en € par unité")
    SPECIAL_PRICE = "special_price", _("Prix spécial")
    FREE_GOODS = "free_goods", _("Unités gratuites (ex. 10 + 1)")
    ORDER_THRESHOLD = "order_threshold", _("Remise en % au-delà d'un montant de commande")


class LinkKind(models.TextChoices):
    SUBSTITUTE = "substitute", _("Produit de substitution")
    COMPLEMENT = "complement", _("Produit complémentaire")
