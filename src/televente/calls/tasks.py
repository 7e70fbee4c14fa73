"""Background work of the call plans."""

from __future__ import annotations

import logging

from django.tasks import task
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


@task
def generate_plan(
    *, plan_id: int, by_id: int | None, rest_of_day: bool = False, keep_published: bool = False
) -> dict:
    """Generates a team's plan, reporting progress on the plan row the supervisor's screen polls."""
    from televente.accounts.models import User

    from .choices import PlanStatus
    from .models import CallPlan
    from .services import plan_build

    plan = CallPlan.objects.select_related("team").get(pk=plan_id)
    by = User.objects.filter(pk=by_id).first() if by_id else None

    def progress(done: int, total: int) -> None:
        pct = 5 + int(90 * done / max(1, total))
        CallPlan.objects.filter(pk=plan_id).update(
            progress=pct,
            message=_("Optimisation : %(done)s / %(total)s télévendeurs") % {"done": done, "total": total},
        )

    CallPlan.objects.filter(pk=plan_id).update(progress=2, message=_("Lecture des appels à passer…"))
    try:
        stats = plan_build(
            plan=plan, by=by, rest_of_day=rest_of_day, keep_published=keep_published, progress=progress
        )
    except Exception:
        logger.exception("Plan %s failed", plan_id)
        CallPlan.objects.filter(pk=plan_id).update(
            status=PlanStatus.FAILED,
            message=_("La génération a échoué ; réessayez ou prévenez l'administrateur."),
        )
        raise
    return stats


@task
def send_appointment_invitations(*, appointment_id: int) -> int:
    """The field rep's copy of the invitation (or its cancellation) with its ICS file. The customer's
    copy goes through the outbox (queued with the booking, see `appointments._invite`)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from .appointments import ics
    from .choices import AppointmentStatus
    from .models import Appointment

    appointment = (
        Appointment.objects.select_related("company", "contact", "field_rep", "booked_by")
        .filter(pk=appointment_id)
        .first()
    )
    if appointment is None or not appointment.field_rep.email:
        return 0
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    with translation.override(appointment.field_rep.language or "fr"):
        context = {
            "appointment": appointment,
            "cancelled": cancelled,
            "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("calls/email/appointment_field_rep_subject.txt", context).strip()
        body = render_to_string("calls/email/appointment_field_rep.txt", context)
    message = EmailMessage(
        subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[appointment.field_rep.email]
    )
    method = "CANCEL" if cancelled else "REQUEST"
    message.attach("rendez-vous.ics", ics(appointment), f"text/calendar; method={method}; charset=utf-8")
    message.send()
    return 1


@task
def notify_transfer(*, interaction_id: int) -> int:
    """Tells the person an inbound request was transferred to (a next step in their name)."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.template.loader import render_to_string
    from django.utils import translation

    from televente.customers.models import Interaction

    interaction = (
        Interaction.objects.select_related("company", "author", "next_action_owner")
        .filter(pk=interaction_id)
        .first()
    )
    if (
        interaction is None
        or interaction.next_action_owner is None
        or not interaction.next_action_owner.email
    ):
        return 0
    owner = interaction.next_action_owner
    with translation.override(owner.language or "fr"):
        context = {"interaction": interaction, "user": owner, "site_url": settings.SITE_URL}
        subject = _("Demande transmise : %(company)s") % {"company": interaction.company.display_name}
        body = render_to_string("calls/email/transfer.txt", context)
    EmailMessage(
        subject=str(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[owner.email]
    ).send()
    return 1
