from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_evaluate(user) -> bool:
    from .permissions import can_evaluate

    return can_evaluate(user)


def _can_use(user) -> bool:
    from .permissions import can_use

    return can_use(user)


class QualityConfig(AppConfig):
    name = "televente.quality"
    label = "quality"
    verbose_name = _("Qualité et accompagnement")

    def ready(self) -> None:
        import datetime as dt

        from televente.core.navigation import NavEntry, register
        from televente.core.scheduler import register_job
        from televente.customers.actions import EntryLink, register_entry_link, register_reference

        register(NavEntry("quality", _("Qualité"), "quality:home", 27, _can_use, "g d"))
        # The supervisor evaluates a call from the customer's timeline (the journey's 14:00).
        register_entry_link(
            EntryLink(
                "quality.evaluate",
                _("Évaluer cet appel"),
                "quality:evaluate",
                ("call_out", "call_in"),
                _can_evaluate,
            )
        )
        register_reference("quality.evaluation", "quality:evaluation")
        register_job(
            "quality.certification_reminders",
            "televente.quality.certification.certification_send_reminders",
            daily_at=dt.time(7, 0),
            description=_("Rappels avant l'échéance des blocs de certification"),
        )
