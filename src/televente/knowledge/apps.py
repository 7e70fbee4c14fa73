from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def _panel_allowed(user) -> bool:
    from televente.accounts.choices import Role

    return _signed_in(user) and (user.is_superuser or user.role in (Role.REP, Role.SUPERVISOR, Role.ADMIN))


class KnowledgeConfig(AppConfig):
    name = "televente.knowledge"
    label = "knowledge"
    verbose_name = _("Base de connaissances et documentation")

    def ready(self) -> None:
        from televente.core.navigation import NavEntry, register
        from televente.core.scheduler import register_job
        from televente.customers.actions import CompanyPanel, register_panel, register_reference

        register(NavEntry("knowledge", _("Savoir"), "knowledge:home", 16, _signed_in, "g k"))
        register_panel(CompanyPanel("knowledge", "knowledge:company_panel", 3, _panel_allowed))
        register_reference("knowledge.documentsending", "knowledge:sending")
        register_job(
            "knowledge.sync_sendings",
            "televente.knowledge.services.sendings_sync",
            every=timedelta(minutes=5),
            description=_("Marque comme envoyés les envois de documentation partis par la messagerie"),
        )
