from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    REP = "rep", _("Télévendeur")
    SUPERVISOR = "supervisor", _("Superviseur")
    FIELD_REP = "field_rep", _("Commercial itinérant")
    BACK_OFFICE = "back_office", _("Back office")
    ADMIN = "admin", _("Administrateur")


class BackOfficeService(models.TextChoices):
    """The services a claim or an incident can be routed to (seed 000 Compétence 6)."""

    SALES_ADMIN = "sales_admin", _("Administration des ventes (ADV)")
    LOGISTICS = "logistics", _("Logistique")
    QUALITY = "quality", _("Qualité")
    PURCHASING = "purchasing", _("Achats")
    ACCOUNTING = "accounting", _("Comptabilité")


class Language(models.TextChoices):
    FRENCH = "fr", _("Français")
    ENGLISH = "en", _("English")
