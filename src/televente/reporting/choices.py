from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodKind(models.TextChoices):
    WEEK = "week", _("Semaine")
    MONTH = "month", _("Mois")


class Metric(models.TextChoices):
    """What an objective can be set on (issue 9); each is defined in docs/INDICATORS.md."""

    REVENUE = "revenue", _("Chiffre d'affaires HT")
    MARGIN = "margin", _("Marge brute")
    ORDERS = "orders", _("Commandes")
    CALLS = "calls", _("Appels passés")
    NEW_CUSTOMERS = "new_customers", _("Nouveaux clients")
    REACTIVATED = "reactivated", _("Comptes réactivés")
    PROMOTION = "promotion", _("Commandes avec promotion")
    CROSS_SELL = "cross_sell", _("Taux de vente additionnelle (%)")


class Cause(models.TextChoices):
    """The breakdown of a gap (variance analysis): which factor explains it."""

    FEWER_CALLS = "fewer_calls", _("Moins d'appels passés")
    LOWER_REACH = "lower_reach", _("Moins de clients joints")
    LOWER_CONVERSION = "lower_conversion", _("Moins de commandes par client joint")
    SMALLER_BASKETS = "smaller_baskets", _("Paniers plus petits")
    LOST_CUSTOMERS = "lost_customers", _("Clients perdus ou en retard")
    SHORTAGES = "shortages", _("Ruptures de stock")
    OTHER = "other", _("Autre")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("En cours")
    DONE = "done", _("Faite")
    DROPPED = "dropped", _("Abandonnée")
