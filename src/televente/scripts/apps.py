from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_read(user, company=None) -> bool:
    from .services import can_read_scripts

    return can_read_scripts(user)


class ScriptsConfig(AppConfig):
    name = "televente.scripts"
    label = "scripts"
    verbose_name = _("Scripts d'appel et objections")

    def ready(self) -> None:
        from televente.core.events import business_event
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import CompanyPanel, register_panel, register_reference

        from .services import on_business_event

        register(NavEntry("scripts", _("Scripts"), "scripts:list", 17, _can_read, "g y"))
        register_panel(CompanyPanel("scripts", "scripts:company_panel", 2, _can_read, during_call=True))
        register_reference("scripts.script", "scripts:detail")
        business_event.connect(on_business_event, dispatch_uid="scripts.call_completed")
