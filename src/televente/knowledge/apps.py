from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "televente.knowledge"
    label = "knowledge"
    verbose_name = _("Base de connaissances et documentation")

    def ready(self) -> None:
        pass
