from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "televente.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from televente.accounts.permissions import can_manage_catalogue, can_push_stock, is_signed_in
        from televente.core.navigation import NavEntry, register

        register(NavEntry("catalog", _("Catalogue"), "catalog:search", 15, is_signed_in, "g p"))
        register(
            NavEntry(
                "catalog_manage",
                _("Gestion catalogue"),
                "catalog:manage",
                70,
                lambda user: can_manage_catalogue(user) or can_push_stock(user),
                "",
            )
        )
