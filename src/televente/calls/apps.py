from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _is_rep(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "rep"


def _is_field_rep(user) -> bool:
    return getattr(user, "is_authenticated", False) and user.role == "field_rep"


def _can_book_visit(user, company) -> bool:
    return user.role in ("rep", "supervisor", "admin") and bool(
        company.field_rep_id or user.paired_field_rep_id
    )


class CallsConfig(AppConfig):
    name = "televente.calls"
    label = "calls"
    verbose_name = _("Plans d'appels")

    def ready(self) -> None:
        from televente.accounts.permissions import is_supervisor_or_admin
        from televente.core.navigation import NavEntry, PollRegion, register, register_poll
        from televente.customers.actions import CompanyAction
        from televente.customers.actions import register as register_action

        register(NavEntry("cockpit", _("Mes appels"), "calls:cockpit", 5, _is_rep, "g t"))
        register(NavEntry("inbound", _("Appel entrant"), "calls:inbound", 7, _is_rep, "g i"))
        register(NavEntry("plans", _("Plans d'appels"), "calls:plans", 6, is_supervisor_or_admin, "g j"))
        register(NavEntry("agenda", _("Mon agenda"), "calls:agenda", 5, _is_field_rep, "g r"))
        # The rep's pages ask every 3 s whether a call rings on their line (screen pop).
        register_poll(PollRegion("incoming", "calls:incoming", _is_rep, 3))
        register_action(
            CompanyAction(
                "appointment",
                _("Prendre rendez-vous pour le commercial"),
                "calls:appointment_new",
                20,
                _can_book_visit,
                method="get",
                shortcut="r",
            )
        )

        from datetime import time, timedelta

        from televente.core.scheduler import register_job

        register_job(
            "calls.daily_plans",
            "televente.calls.jobs.plans_generate_daily",
            daily_at=time(6, 0),
            lease=timedelta(hours=1),
            description=_("Plans d'appels du jour de chaque équipe, générés s'ils ne le sont pas encore"),
        )
