from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_manage_rules(user) -> bool:
    from .permissions import can_manage_rules

    return can_manage_rules(user)


class AutomationConfig(AppConfig):
    name = "televente.automation"
    label = "automation"
    verbose_name = _("Automatisations")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from televente.core.events import business_event
        from televente.core.navigation import NavEntry, register
        from televente.customers.signals import company_merged

        from . import messages, signals
        from .models import AutomationRule

        auditlog.register(AutomationRule, exclude_fields=["updated_at"], m2m_fields={"segments", "teams"})
        messages.register()
        register(
            NavEntry(
                "automation",
                _("Automatisations"),
                "automation:list",
                45,
                _can_manage_rules,
                "g u",
                secondary=True,
            )
        )
        business_event.connect(signals.on_business_event, dispatch_uid="automation.on_business_event")
        company_merged.connect(signals.move_firings, dispatch_uid="automation.move_firings")

        from datetime import timedelta

        from televente.core.scheduler import register_job

        register_job(
            "automation.scan",
            "televente.automation.services.rules_scan",
            every=timedelta(hours=1),
            description=_(
                "Règles d'automatisation périodiques (retards, inactivité, impayés, messages sans réponse)"
            ),
        )
