from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecommendConfig(AppConfig):
    name = "televente.recommend"
    label = "recommend"
    verbose_name = _("Recommandations")
