from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_record(user) -> bool:
    from .services import can_record

    return can_record(user)


def _can_manage(user) -> bool:
    from .services import can_manage_surveys

    return can_manage_surveys(user)


class MarketConfig(AppConfig):
    name = "televente.market"
    label = "market"
    verbose_name = _("Veille concurrentielle et enquêtes")

    def ready(self) -> None:
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import CompanyPanel, register_panel, register_reference

        register(NavEntry("market", _("Enquêtes et veille"), "market:home", 26, _can_manage, "g q"))
        register_panel(CompanyPanel("market", "market:company_panel", 4, _can_record))
        register_reference("market.competitorobservation", "market:observation")
        register_reference("market.surveyresponse", "market:response")

        from televente.customers.signals import company_merged

        from . import signals

        company_merged.connect(signals.move_market, dispatch_uid="market.move_market")
