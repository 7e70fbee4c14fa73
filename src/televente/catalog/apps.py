from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "televente.catalog"
    label = "catalog"
    verbose_name = _("Catalogue")

    def ready(self) -> None:
        from televente.accounts.permissions import is_admin, is_signed_in
        from televente.core.navigation import NavEntry, register

        register(NavEntry("catalog", _("Catalogue"), "catalog:search", 15, is_signed_in, "g p"))
        register(NavEntry("price_import", _("Tarifs"), "catalog:price_import_start", 70, is_admin, ""))
