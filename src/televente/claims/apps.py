from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_log_claim(user, company=None) -> bool:
    from .services import can_log_claim

    return can_log_claim(user)


class ClaimsConfig(AppConfig):
    name = "televente.claims"
    label = "claims"
    verbose_name = _("Réclamations")

    def ready(self) -> None:
        from televente.calls.sources import register as register_source
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import (
            CompanyAction,
            CompanyPanel,
            register_panel,
            register_reference,
        )
        from televente.customers.actions import register as register_action
        from televente.customers.signals import company_merged

        from . import messages, signals, sources

        messages.register()

        register(NavEntry("claims", _("Réclamations"), "claims:list", 30, _can_log_claim, "g s"))
        register_action(
            CompanyAction(
                "claim", _("Réclamation"), "claims:new", 15, _can_log_claim, method="get", shortcut="e"
            )
        )
        register_panel(CompanyPanel("claims", "claims:company_panel", 10, _can_log_claim))
        register_reference("claims.claim", "claims:detail")
        register_source("claims", sources.claim_calls)
        company_merged.connect(signals.move_claims, dispatch_uid="claims.move_claims")

        from datetime import timedelta

        from televente.core.scheduler import register_job

        register_job(
            "claims.check_deadlines",
            "televente.claims.services.claims_check_deadlines",
            every=timedelta(minutes=5),
            description=_("Rappels avant échéance et escalade des réclamations en retard"),
        )
