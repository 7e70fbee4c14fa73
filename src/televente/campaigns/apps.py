from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_view(user, company=None) -> bool:
    from .services import can_view

    return can_view(user)


def _can_build(user) -> bool:
    from .services import can_build

    return can_build(user)


def _script_for(*, task, company, user):
    from .scripting import campaign_script

    return campaign_script(task=task, company=company, user=user)


class CampaignsConfig(AppConfig):
    name = "televente.campaigns"
    label = "campaigns"
    verbose_name = _("Campagnes")

    def ready(self) -> None:
        from televente.calls.sources import register as register_source
        from televente.core.events import business_event
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import (
            CompanyPanel,
            PortfolioLink,
            register_panel,
            register_portfolio_link,
            register_reference,
        )
        from televente.scripts.selection import register_chooser

        from . import services, sources

        register(NavEntry("campaigns", _("Campagnes"), "campaigns:list", 25, _can_view, "g n"))
        register_panel(CompanyPanel("campaigns", "campaigns:company_panel", 1, _can_view, during_call=True))
        register_reference("campaigns.campaign", "campaigns:detail")
        register_portfolio_link(
            PortfolioLink("campaign", _("Créer une campagne avec ce filtre"), "campaigns:new", 10, _can_build)
        )
        register_chooser(_script_for)  # a target's call gets the campaign's script
        register_source("campaigns", sources.campaign_calls)
        business_event.connect(services.on_business_event, dispatch_uid="campaigns.follow_calls")

        from televente.customers.signals import company_merged

        from . import signals

        company_merged.connect(signals.move_targets, dispatch_uid="campaigns.move_targets")

        import datetime as dt

        from televente.core.scheduler import register_job

        register_job(
            "campaigns.close_ended",
            "televente.campaigns.services.campaigns_close_ended",
            daily_at=dt.time(0, 30),
            description=_("Clôture des campagnes dont la période est terminée"),
        )
