from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_collect(user) -> bool:
    from .services import can_collect

    return can_collect(user)


class ReceivablesConfig(AppConfig):
    name = "televente.receivables"
    label = "receivables"
    verbose_name = _("Recouvrement")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from televente.calls.sources import register as register_source
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import CompanyPanel, register_panel, register_reference

        from . import messages, signals, sources

        post_migrate.connect(signals.install_default_ladder, sender=self)

        messages.register()
        register_source("receivables", sources.collection_calls)

        register(NavEntry("receivables", _("Recouvrement"), "receivables:dashboard", 35, _can_collect, "g f"))
        # After the claims' card on the customer file, the cockpit and the inbound screen.
        register_panel(CompanyPanel("receivables", "receivables:panel", 20, _can_collect))
        register_reference("receivables.plan", "receivables:plan")
        register_reference("receivables.company", "receivables:call")

        from datetime import time, timedelta

        from televente.core.scheduler import register_job

        register_job(
            "receivables.collection_daily",
            "televente.receivables.services.collection_daily",
            daily_at=time(6, 30),
            lease=timedelta(hours=1),
            description=_("Promesses et échéances arrivées à date, puis relances des factures échues"),
        )
