from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    RUNNING = "running", _("En cours")
    DONE = "done", _("Terminé")
    FAILED = "failed", _("En échec")


class RunTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Calcul de nuit")
    ON_DEMAND = "on_demand", _("À la demande")
    DEMO = "demo", _("Données de démonstration")
