"""Visits booked by telesales in the paired field rep's calendar (seed 000: "prise de RDV avec un
commercial"; issue 6): free slots from the field rep's hours, existing visits and a travel buffer,
conflicts refused, an invitation with an ICS file, and the visit report on the timeline.

Writes follow the services' rules (keyword-only, atomic, `DomainError`, mail after commit); the
reads for the screens are at the end.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import partial

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.accounts.permissions import is_admin
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import ClosurePeriod, Company, Contact
from televente.customers.services import interaction_record
from televente.messaging.services import message_queue

from .choices import AppointmentStatus, CallOutcome
from .models import Appointment, CallTask, FieldAgenda

SLOT_STEP_MINUTES = 30
BOOKING_NOTICE = dt.timedelta(hours=2)  # a visit is booked at least this long before it starts


def agenda_of(field_rep: User) -> FieldAgenda:
    return FieldAgenda.objects.filter(user=field_rep).first() or FieldAgenda(user=field_rep)


def field_rep_for(company: Company, by: User) -> User | None:
    """The company's field rep, else the one paired with the rep booking."""
    if company.field_rep_id:
        return company.field_rep
    return by.paired_field_rep if by.paired_field_rep_id else None


def _local(day: dt.date, at: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, at, tzinfo=timezone.get_current_timezone())


def _conflict(field_rep: User, start: dt.datetime, end: dt.datetime, travel: int, exclude: int | None = None):
    """The first visit that overlaps [start, end) once the travel time is kept around each visit."""
    gap = dt.timedelta(minutes=travel)
    qs = Appointment.objects.filter(
        field_rep=field_rep, status=AppointmentStatus.BOOKED, start__lt=end + gap, end__gt=start - gap
    )
    if exclude:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("start").first()


def _check_slot(*, field_rep: User, company: Company, start: dt.datetime, now: dt.datetime) -> dt.datetime:
    agenda = agenda_of(field_rep)
    local = timezone.localtime(start)
    end = start + dt.timedelta(minutes=agenda.visit_minutes)
    if start < now + BOOKING_NOTICE:
        raise DomainError(_("Un rendez-vous se prend au moins deux heures à l'avance."), field="start")
    if local.weekday() not in agenda.visit_weekdays:
        raise DomainError(_("%(rep)s ne fait pas de visite ce jour-là.") % {"rep": field_rep}, field="start")
    if local.time() < agenda.day_start or timezone.localtime(end).time() > agenda.day_end:
        raise DomainError(
            _("%(rep)s visite entre %(a)s et %(b)s.")
            % {
                "rep": field_rep,
                "a": agenda.day_start.strftime("%H:%M"),
                "b": agenda.day_end.strftime("%H:%M"),
            },
            field="start",
        )
    if ClosurePeriod.objects.filter(company=company, start__lte=local.date(), end__gte=local.date()).exists():
        raise DomainError(_("Le client est fermé ce jour-là."), field="start")
    clash = _conflict(field_rep, start, end, agenda.travel_minutes)
    if clash is not None:
        raise DomainError(
            _("%(rep)s a déjà un rendez-vous à %(time)s (%(company)s) : il faut aussi le temps du trajet.")
            % {"rep": field_rep, "time": timezone.localtime(clash.start).strftime("%d/%m %H:%M"), "company": clash.company},
            field="start",
        )  # fmt: skip
    return end


@transaction.atomic
def appointment_book(
    *,
    company: Company,
    by: User,
    start: dt.datetime,
    purpose: str,
    notes: str = "",
    contact: Contact | None = None,
    field_rep: User | None = None,
    task: CallTask | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Books a visit; from a planned call, the call is closed with the outcome "appointment"."""
    if not Company.objects.editable_by(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas prendre de rendez-vous pour ce client."))
    field_rep = field_rep or field_rep_for(company, by)
    if field_rep is None or field_rep.role != Role.FIELD_REP or not field_rep.is_active:
        raise DomainError(_("Aucun commercial itinérant n'est associé à ce client."), field="field_rep")
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    if not purpose.strip():
        raise DomainError(_("Indiquez l'objet de la visite."), field="purpose")
    # One booking at a time per field rep: two reps cannot take the same slot (row lock on the person).
    User.objects.select_for_update().filter(pk=field_rep.pk).first()
    now = now or timezone.now()
    end = _check_slot(field_rep=field_rep, company=company, start=start, now=now)
    appointment = Appointment.objects.create(
        company=company,
        contact=contact,
        field_rep=field_rep,
        booked_by=by,
        task=task,
        start=start,
        end=end,
        purpose=purpose.strip()[:200],
        notes=notes,
        uid=f"{uuid.uuid4()}@televente",
    )
    when = timezone.localtime(start)
    subject = _("Rendez-vous avec %(rep)s le %(day)s à %(time)s : %(purpose)s") % {
        "rep": field_rep, "day": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M"), "purpose": appointment.purpose,
    }  # fmt: skip
    if task is not None:
        from .services import call_outcome_record

        call_outcome_record(
            task=task, by=by, outcome=CallOutcome.APPOINTMENT, notes=f"{subject}\n{notes}".strip(),
            next_action=NextStepAction.VISIT, next_action_at=start, next_action_note=appointment.purpose,
            reference=f"calls.appointment:{appointment.pk}", now=now,
        )  # fmt: skip
    else:
        interaction_record(
            company=company, kind=InteractionKind.APPOINTMENT, by=by, outcome=Outcome.APPOINTMENT, subject=subject,
            notes=notes, contact=contact, next_action=NextStepAction.VISIT, next_action_at=start,
            next_action_owner=field_rep, next_action_note=appointment.purpose,
            reference=f"calls.appointment:{appointment.pk}",
        )  # fmt: skip
    _invite(appointment)
    return appointment


def _invite(appointment: Appointment) -> None:
    """The invitation (or its cancellation) with its ICS file: the customer's copy goes through the
    outbox in this transaction (its opt-out checked when it leaves, filed on the timeline when sent);
    the field rep's copy is a notice sent by a task after commit."""
    from .tasks import send_appointment_invitations

    contact = appointment.contact
    if contact is not None and contact.email:
        cancelled = appointment.status == AppointmentStatus.CANCELLED
        with translation.override(contact.language or "fr"):
            context = {
                "appointment": appointment,
                "cancelled": cancelled,
                "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
                "site_url": settings.SITE_URL,
            }
            subject = render_to_string("calls/email/appointment_customer_subject.txt", context).strip()
            body = render_to_string("calls/email/appointment_customer.txt", context).strip()
            timeline = (
                _("Annulation du rendez-vous envoyée à %(email)s")
                if cancelled
                else _("Invitation au rendez-vous envoyée à %(email)s")
            ) % {"email": contact.email}
        method = "CANCEL" if cancelled else "REQUEST"
        message_queue(
            channel="email",
            contact=contact,
            subject=subject,
            body=body,
            by=appointment.booked_by,
            key=f"calls.appointment:{appointment.pk}:{appointment.sequence}",
            reference=f"calls.appointment:{appointment.pk}",
            attachments=[
                ("rendez-vous.ics", ics(appointment), f"text/calendar; method={method}; charset=utf-8")
            ],
            timeline_subject=timeline,
        )
    transaction.on_commit(partial(send_appointment_invitations.enqueue, appointment_id=appointment.pk))


@transaction.atomic
def appointment_report(*, appointment: Appointment, by: User, report: str) -> Appointment:
    """The field rep writes the visit report; it goes on the customer's timeline."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",)).select_related("company").get(pk=appointment.pk)
    )
    if appointment.field_rep_id != by.pk and not is_admin(by):
        raise PermissionRefused(_("Seul le commercial qui a fait la visite en écrit le compte rendu."))
    if appointment.status == AppointmentStatus.CANCELLED:
        raise DomainError(_("Ce rendez-vous a été annulé."))
    if not report.strip():
        raise DomainError(_("Écrivez le compte rendu de la visite."), field="report")
    appointment.report = report.strip()
    appointment.reported_at = timezone.now()
    appointment.status = AppointmentStatus.DONE
    appointment.save(update_fields=["report", "reported_at", "status", "updated_at"])
    interaction_record(
        company=appointment.company,
        kind=InteractionKind.VISIT,
        by=by,
        contact=appointment.contact,
        occurred_at=appointment.start,
        subject=_("Compte rendu de visite : %(purpose)s") % {"purpose": appointment.purpose},
        notes=appointment.report,
        reference=f"calls.appointment:{appointment.pk}",
    )
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment, by: User, reason: str) -> Appointment:
    appointment = (
        Appointment.objects.select_for_update(of=("self",)).select_related("company").get(pk=appointment.pk)
    )
    allowed = appointment.field_rep_id == by.pk or Company.objects.editable_by(by).filter(
        pk=appointment.company_id
    )
    if not allowed:
        raise PermissionRefused(_("Vous ne pouvez pas annuler ce rendez-vous."))
    if appointment.status != AppointmentStatus.BOOKED:
        raise DomainError(_("Ce rendez-vous n'est plus à venir."))
    if not reason.strip():
        raise DomainError(_("Indiquez pourquoi le rendez-vous est annulé."), field="reason")
    appointment.status = AppointmentStatus.CANCELLED
    appointment.sequence += 1
    appointment.save(update_fields=["status", "sequence", "updated_at"])
    interaction_record(
        company=appointment.company,
        kind=InteractionKind.APPOINTMENT,
        by=by,
        subject=_("Rendez-vous du %(day)s annulé : %(reason)s")
        % {"day": timezone.localtime(appointment.start).strftime("%d/%m %H:%M"), "reason": reason.strip()},
        reference=f"calls.appointment:{appointment.pk}",
        touch_contact=False,
    )
    _invite(appointment)
    return appointment


def ics(appointment: Appointment) -> bytes:
    """The invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL), RFC 5545 via icalendar."""
    from icalendar import Calendar, Event, vCalAddress, vText

    cancelled = appointment.status == AppointmentStatus.CANCELLED
    cal = Calendar()
    cal.add("prodid", "-//Televente//Rendez-vous//FR")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if cancelled else "REQUEST")
    event = Event()
    event.add("uid", appointment.uid)
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start)
    event.add("dtend", appointment.end)
    company = appointment.company
    event.add("summary", f"{company.display_name} : {appointment.purpose}")
    address = ", ".join(p for p in (company.address_line1, f"{company.postcode} {company.city}".strip()) if p)
    if address:
        event["location"] = vText(address)
    description = [appointment.purpose]
    if appointment.contact:
        description.append(_("Interlocuteur : %(name)s") % {"name": appointment.contact})
    if appointment.notes:
        description.append(appointment.notes)
    event.add("description", "\n".join(description))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{settings.DEFAULT_FROM_EMAIL.split('<')[-1].rstrip('>')}")
    event["organizer"] = organizer
    if appointment.field_rep.email:
        event.add("attendee", f"mailto:{appointment.field_rep.email}")
    cal.add_component(event)
    return cal.to_ical()


# Reads ----------------------------------------------------------------------------------------------------------------


def free_slots(
    *,
    field_rep: User,
    company: Company | None = None,
    days: int = 7,
    now: dt.datetime | None = None,
    limit_per_day: int = 48,
) -> list[tuple[dt.date, list[dt.datetime]]]:
    """The next visit starts free in the field rep's calendar, day by day (2 queries)."""
    now = now or timezone.now()
    agenda = agenda_of(field_rep)
    first = timezone.localtime(now).date()
    last = first + dt.timedelta(days=days + 7)
    booked = list(
        Appointment.objects.filter(
            field_rep=field_rep, status=AppointmentStatus.BOOKED, start__gte=_local(first, dt.time.min), start__lt=_local(last, dt.time.min)
        ).values_list("start", "end")
    )  # fmt: skip
    closed = []
    if company is not None:
        closed = list(
            ClosurePeriod.objects.filter(company=company, end__gte=first).values_list("start", "end")
        )
    gap = dt.timedelta(minutes=agenda.travel_minutes)
    length = dt.timedelta(minutes=agenda.visit_minutes)
    out, day = [], first
    while len(out) < days and day < last:
        if day.weekday() in agenda.visit_weekdays and not any(a <= day <= b for a, b in closed):
            starts, t = [], _local(day, agenda.day_start)
            end_of_day = _local(day, agenda.day_end)
            while t + length <= end_of_day and len(starts) < limit_per_day:
                if t >= now + BOOKING_NOTICE and not any(
                    s < t + length + gap and t - gap < e for s, e in booked
                ):
                    starts.append(t)
                t += dt.timedelta(minutes=SLOT_STEP_MINUTES)
            if starts:
                out.append((day, starts))
        day += dt.timedelta(days=1)
    return out


def agenda(*, field_rep: User, now: dt.datetime | None = None) -> dict:
    """The field rep's visits: coming ones, and past ones still waiting for their report."""
    now = now or timezone.now()
    base = Appointment.objects.filter(field_rep=field_rep).select_related("company", "contact", "booked_by")
    return {
        "upcoming": list(base.filter(status=AppointmentStatus.BOOKED, end__gte=now).order_by("start")[:100]),
        "to_report": list(base.filter(status=AppointmentStatus.BOOKED, end__lt=now).order_by("start")[:100]),
        "done": list(base.filter(status=AppointmentStatus.DONE).order_by("-start")[:20]),
    }
