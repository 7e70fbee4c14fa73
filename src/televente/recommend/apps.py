from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _can_manage(user) -> bool:
    from .permissions import can_manage

    return can_manage(user)


class RecommendConfig(AppConfig):
    name = "televente.recommend"
    label = "recommend"
    verbose_name = _("Recommandations")

    def ready(self) -> None:
        import datetime as dt

        from televente.core.navigation import NavEntry, register
        from televente.core.scheduler import register_job

        # An occasional page, under « Plus » with the other settings pages (no "g" shortcut).
        register(
            NavEntry(
                "recommend", _("Recommandations"), "recommend:status", 63, _can_manage, "", secondary=True
            )
        )
        # The task's body, run in the scheduler's process (not enqueued).
        register_job(
            "recommend.train",
            "televente.recommend.tasks.train_models",
            daily_at=dt.time(2, 30),
            lease=dt.timedelta(hours=2),
            description=_("Recalcul des recommandations (panier habituel, compléments, substituts)"),
        )
        # The order screen's habitual basket, complements and substitutes come from the trained tables.
        from televente.orders import suggestions

        from .selectors import trained_suggestions

        suggestions.register(trained_suggestions)
