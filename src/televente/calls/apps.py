from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CallsConfig(AppConfig):
    name = "televente.calls"
    label = "calls"
    verbose_name = _("Plans d'appels")

    def ready(self) -> None:
        from televente.accounts.permissions import is_signed_in, is_supervisor_or_admin
        from televente.core.navigation import NavEntry, register

        register(
            NavEntry(
                "cockpit",
                _("Mes appels"),
                "calls:cockpit",
                5,
                lambda u: is_signed_in(u) and u.role == "rep",
                "g t",
            )
        )
        register(NavEntry("plans", _("Plans d'appels"), "calls:plans", 6, is_supervisor_or_admin, "g j"))
