from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "televente.customers"
    label = "customers"
    verbose_name = _("Clients et prospects")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from televente.accounts.permissions import can_import, is_signed_in, is_supervisor_or_admin
        from televente.core.navigation import NavEntry, register

        from .models import CallWindow, Company, Contact, DeliveryAddress, Phone

        auditlog.register(
            Company, exclude_fields=["search_text", "sort_name", "updated_at", "last_contact_at"]
        )
        auditlog.register(Contact, exclude_fields=["updated_at"])
        auditlog.register(Phone)
        auditlog.register(CallWindow)
        auditlog.register(DeliveryAddress)

        register(NavEntry("customers", _("Clients"), "customers:portfolio", 10, is_signed_in, "g l"))
        register(
            NavEntry("import", _("Import"), "customers:import_start", 60, can_import, "", secondary=True)
        )
        register(
            NavEntry(
                "duplicates",
                _("Doublons"),
                "customers:duplicates",
                61,
                is_supervisor_or_admin,
                "",
                secondary=True,
            )
        )
        register(
            NavEntry("gdpr", _("RGPD"), "customers:gdpr", 62, is_supervisor_or_admin, "", secondary=True)
        )

        from datetime import time

        from televente.core.scheduler import register_job

        # The task's body, run in the scheduler's process (not enqueued).
        register_job(
            "customers.abc_classes",
            "televente.customers.tasks.recompute_abc_classes",
            daily_at=time(2, 30),
            description=_("Classes ABC des clients (Pareto du chiffre d'affaires sur 12 mois)"),
        )
