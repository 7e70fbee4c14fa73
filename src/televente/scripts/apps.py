from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScriptsConfig(AppConfig):
    name = "televente.scripts"
    label = "scripts"
    verbose_name = _("Scripts d'appel et objections")

    def ready(self) -> None:
        pass
