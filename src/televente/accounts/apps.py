from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "televente.accounts"
    label = "accounts"
    verbose_name = _("Comptes et équipes")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from televente.core.navigation import NavEntry, register

        from . import permissions
        from .models import ApiToken, Team, User

        auditlog.register(User, exclude_fields=["password", "last_login"])
        auditlog.register(Team)
        auditlog.register(ApiToken, exclude_fields=["key_hash", "last_used_at"])

        register(NavEntry("home", _("Accueil"), "accounts:home", 0, permissions.is_signed_in, "g h"))
        register(NavEntry("team", _("Mon équipe"), "accounts:my_team", 20, permissions.has_team_page, "g e"))
        register(
            NavEntry(
                "account",
                _("Mon compte"),
                "accounts:profile",
                90,
                permissions.is_signed_in,
                "g c",
                secondary=True,
            )
        )
        register(
            NavEntry(
                "admin", _("Administration"), "admin:index", 100, permissions.is_admin, "g a", secondary=True
            )
        )
