from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrdersConfig(AppConfig):
    name = "televente.orders"
    label = "orders"
    verbose_name = _("Commandes")

    def ready(self) -> None:

        pass  # the navigation entry comes with the order list
