from datetime import time, timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _has_own_performance(user) -> bool:
    from .services import has_own_performance

    return has_own_performance(user)


def _is_manager(user) -> bool:
    from .services import is_manager

    return is_manager(user)


class ReportingConfig(AppConfig):
    name = "televente.reporting"
    label = "reporting"
    verbose_name = _("Objectifs et tableaux de bord")

    def ready(self) -> None:
        from televente.core.navigation import NavEntry, register
        from televente.core.scheduler import register_job

        register(
            NavEntry("performance", _("Ma performance"), "reporting:mine", 8, _has_own_performance, "g v")
        )
        register(NavEntry("dashboard", _("Tableau de bord"), "reporting:team", 4, _is_manager, "g b"))
        register_job(
            "reporting.refresh_recent",
            "televente.reporting.stats.refresh_recent",
            every=timedelta(minutes=15),
            lease=timedelta(minutes=10),
            description=_("Chiffres du jour et de la veille par télévendeur (tableaux de bord)"),
        )
        register_job(
            "reporting.refresh_nightly",
            "televente.reporting.stats.refresh_nightly",
            daily_at=time(3, 0),
            lease=timedelta(hours=1),
            description=_(
                "Chiffres des 40 derniers jours recalculés (annulations, issues saisies en retard)"
            ),
        )
