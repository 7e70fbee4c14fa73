from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    name = "televente.market"
    label = "market"
    verbose_name = _("Veille concurrentielle et enquêtes")

    def ready(self) -> None:
        pass
