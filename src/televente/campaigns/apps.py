from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "televente.campaigns"
    label = "campaigns"
    verbose_name = _("Campagnes")

    def ready(self) -> None:
        pass
