"""Visits booked for the field rep: free slots, conflicts, ICS invitation, report on the timeline."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse

from televente.calls import appointments, services
from televente.calls.choices import AppointmentStatus, CallOutcome, TaskStatus
from televente.calls.models import Appointment, CallPlan, CallTask, FieldAgenda
from televente.calls.tests.conftest import at, customer, next_weekday
from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import InteractionKind
from televente.customers.models import ClosurePeriod, Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def visit_day():
    return next_weekday(3)  # a Thursday


@pytest.fixture
def prospect(world, reference_data):
    company = customer(world.rep_a, name="Restaurant Le Quarante")
    company.field_rep = world.field_a
    company.save(update_fields=["field_rep"])
    return company


def book(world, company, start, **kw):
    return appointments.appointment_book(
        company=company, by=world.rep_a, start=start, purpose="Présentation de la gamme", **kw
    )


def test_booking_puts_the_visit_in_the_agenda_and_on_the_timeline(world, prospect, visit_day, mailoutbox,
                                                                  django_capture_on_commit_callbacks):  # fmt: skip
    with django_capture_on_commit_callbacks(execute=False) as queued:
        appointment = book(world, prospect, at(visit_day, 14), contact=prospect.decider)
    assert appointment.field_rep == world.field_a and appointment.end == at(visit_day, 15)
    entry = Interaction.objects.get(company=prospect, kind=InteractionKind.APPOINTMENT)
    assert entry.next_action_owner == world.field_a and "Présentation de la gamme" in entry.subject
    assert len(queued) == 2  # the customer's copy (outbox) and the field rep's notice

    from televente.calls.tasks import send_appointment_invitations

    assert send_appointment_invitations.call(appointment_id=appointment.pk) == 1  # the field rep's copy
    to_rep = next(m for m in mailoutbox if m.to == [world.field_a.email])
    name, content, mimetype = to_rep.attachments[0]
    assert name == "rendez-vous.ics" and mimetype.startswith("text/calendar")
    text = content.decode() if isinstance(content, bytes) else content
    assert "BEGIN:VEVENT" in text and appointment.uid in text and "METHOD:REQUEST" in text
    # The customer's copy went into the outbox with the booking; filed on the timeline once sent.
    from televente.messaging.models import Message
    from televente.messaging.services import outbox_send

    invitation = Message.objects.get(reference=f"calls.appointment:{appointment.pk}")
    assert outbox_send(invitation.pk) == "sent"
    to_customer = mailoutbox[-1]
    assert to_customer.to[0].endswith(f"<{prospect.decider.email}>")
    assert to_customer.attachments[0][0] == "rendez-vous.ics"
    assert Interaction.objects.filter(company=prospect, kind=InteractionKind.DOCUMENT).exists()


def test_no_invitation_to_a_customer_who_refused_emails(world, prospect, visit_day, mailoutbox):
    prospect.decider.opt_out_email = True
    prospect.decider.save()
    appointment = book(world, prospect, at(visit_day, 9), contact=prospect.decider)
    from televente.calls.tasks import send_appointment_invitations

    assert send_appointment_invitations.call(appointment_id=appointment.pk) == 1
    from televente.messaging.services import outbox_flush

    assert outbox_flush() == {"blocked": 1}  # the opt-out is checked when the customer's copy leaves
    assert [m.to for m in mailoutbox] == [[world.field_a.email]]


def test_conflicts_with_travel_time_are_refused(world, prospect, visit_day):
    book(world, prospect, at(visit_day, 14))
    other = customer(world.rep_a2, name="Hôtel Voisin")
    with pytest.raises(DomainError, match="trajet"):
        appointments.appointment_book(
            company=other,
            by=world.rep_a2,
            start=at(visit_day, 15, 15),
            purpose="Visite",
            field_rep=world.field_a,
        )
    # After the visit and the 30 minutes of travel: free.
    later = appointments.appointment_book(
        company=other, by=world.rep_a2, start=at(visit_day, 15, 30), purpose="Visite", field_rep=world.field_a
    )
    assert later.start == at(visit_day, 15, 30)


def test_hours_days_notice_and_closures_are_checked(world, prospect, visit_day):
    FieldAgenda.objects.create(user=world.field_a, day_start=dt.time(9), day_end=dt.time(17))
    with pytest.raises(DomainError, match="entre 09:00 et 17:00"):
        book(world, prospect, at(visit_day, 16, 30))
    with pytest.raises(DomainError, match="ne fait pas de visite"):
        book(world, prospect, at(next_weekday(6), 10))
    with pytest.raises(DomainError, match="deux heures"):
        book(world, prospect, at(visit_day, 10), now=at(visit_day, 9))
    ClosurePeriod.objects.create(company=prospect, start=visit_day, end=visit_day)
    with pytest.raises(DomainError, match="fermé"):
        book(world, prospect, at(visit_day, 10))
    with pytest.raises(PermissionRefused):
        appointments.appointment_book(company=prospect, by=world.rep_b, start=at(visit_day, 10), purpose="x")


def test_free_slots_skip_booked_visits_with_their_travel(world, prospect, visit_day):
    book(world, prospect, at(visit_day, 14))
    slots = dict(appointments.free_slots(field_rep=world.field_a, company=prospect, days=10))
    thursday = [s.time() for s in slots[visit_day]]
    assert dt.time(12, 30) in thursday and dt.time(13, 0) not in thursday
    assert dt.time(15, 0) not in thursday and dt.time(15, 30) in thursday


def test_booking_from_a_planned_call_closes_the_call(world, plan_day):
    plan = CallPlan.objects.create(team=world.team_a, date=plan_day.day)
    services.plan_build(plan=plan, by=world.sup_a)
    task = CallTask.objects.get(plan=plan, company=plan_day.window_customer)
    company = plan_day.window_customer  # no field rep on the file: the rep's paired field rep
    appointment = appointments.appointment_book(
        company=company, by=world.rep_a, start=at(plan_day.day + dt.timedelta(days=2), 10), purpose="Dégustation",
        task=task, now=task.planned_start,
    )  # fmt: skip
    task.refresh_from_db()
    assert appointment.field_rep == world.field_a
    assert task.status == TaskStatus.DONE and task.outcome == CallOutcome.APPOINTMENT
    assert task.interaction.reference == f"calls.appointment:{appointment.pk}"


def test_field_rep_reports_the_visit(client, world, prospect, visit_day):
    appointment = book(world, prospect, at(visit_day, 10))
    with pytest.raises(PermissionRefused):
        appointments.appointment_report(appointment=appointment, by=world.rep_a, report="x")
    client.force_login(world.field_a)
    page = html.unescape(client.get(reverse("calls:agenda")).content.decode())
    assert "Restaurant Le Quarante" in page
    Appointment.objects.filter(pk=appointment.pk).update(
        start=at(visit_day, 10) - dt.timedelta(days=14), end=at(visit_day, 11) - dt.timedelta(days=14)
    )
    response = client.post(
        reverse("calls:appointment_report", args=[appointment.pk]), {"report": "40 couverts, intéressé"}
    )
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.DONE
    assert Interaction.objects.filter(
        company=prospect, kind=InteractionKind.VISIT, notes="40 couverts, intéressé"
    ).exists()


def test_booking_screen_lists_slots_and_keeps_input_on_error(client, world, prospect, visit_day):
    client.force_login(world.rep_a)
    url = reverse("calls:appointment_new", args=[prospect.pk])
    page = html.unescape(client.get(url).content.decode())
    assert "Créneaux libres" in page and "Présentation de nos produits" in page
    response = client.post(url, {"start": "", "purpose": "Nouvelle carte", "notes": "Chef pressé"})
    body = html.unescape(response.content.decode())
    assert response.status_code == 200 and "Nouvelle carte" in body and "Chef pressé" in body
    response = client.post(url, {"start": f"{visit_day.isoformat()}T10:00", "purpose": "Nouvelle carte"})
    assert response.status_code == 302 and Appointment.objects.filter(company=prospect).count() == 1


def test_booking_and_agenda_reads_are_bounded(world, prospect, visit_day, django_assert_max_num_queries):
    book(world, prospect, at(visit_day, 10))
    with django_assert_max_num_queries(3):
        appointments.free_slots(field_rep=world.field_a, company=prospect)
    with django_assert_max_num_queries(3):
        data = appointments.agenda(field_rep=world.field_a)
        [(a.company.display_name, a.booked_by, a.contact) for a in data["upcoming"]]
