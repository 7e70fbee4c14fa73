import datetime as dt

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_watch_outbox(user) -> bool:
    from .permissions import can_watch_outbox

    return can_watch_outbox(user)


class MessagingConfig(AppConfig):
    name = "televente.messaging"
    label = "messaging"
    verbose_name = _("Messages")

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from televente.core.navigation import NavEntry, register
        from televente.core.scheduler import register_job
        from televente.customers.actions import register_reference

        from . import signals

        register_job(
            "messaging.outbox",
            "televente.messaging.services.outbox_flush",
            every=dt.timedelta(minutes=1),
            description=_("Boîte d'envoi : nouvelles tentatives des messages en échec"),
        )
        register(NavEntry("messages", _("Messages"), "messaging:outbox", 40, _can_watch_outbox, "g m"))
        register_reference("messaging.message", "messaging:detail")
        post_migrate.connect(signals.install_default_templates, sender=self)
