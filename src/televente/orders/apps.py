from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "televente.orders"
    label = "orders"
    verbose_name = _("Commandes")

    def ready(self) -> None:
        from televente.accounts.permissions import is_signed_in
        from televente.core.navigation import NavEntry, register
        from televente.customers.actions import CompanyAction, register_reference
        from televente.customers.actions import register as register_action
        from televente.customers.signals import company_merged

        from . import messages
        from .signals import move_orders

        messages.register()
        register_reference("orders.order", "orders:detail")

        company_merged.connect(move_orders, dispatch_uid="orders.move_orders")

        register(NavEntry("orders", _("Commandes"), "orders:list", 12, is_signed_in, "g o"))
        register_action(
            CompanyAction(
                "order",
                _("Prendre une commande"),
                "orders:new",
                10,
                lambda user, company: company.status != "lost",
                shortcut="c",
                primary=True,
            )
        )
