"""The cockpit and the plan screens through the Django test client."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.calls import selectors, services
from televente.calls.choices import PlanStatus, TaskStatus
from televente.calls.models import CallPlan, CallTask
from televente.calls.tests.conftest import customer
from televente.customers.choices import Outcome
from televente.customers.models import Interaction

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_plan(world, reference_data):
    """A published plan for today: three customers of rep_a, whatever weekday today is."""
    today = timezone.localdate()
    wd = today.weekday()
    companies = [
        customer(world.rep_a, windows=[(wd, dt.time(8, 30), dt.time(17, 30))], name=f"Client {n}")
        for n in range(3)
    ]
    plan = CallPlan.objects.create(team=world.team_a, date=today)
    services.plan_build(plan=plan, by=world.sup_a)
    services.plan_publish(plan=plan, by=world.sup_a)
    plan.companies = companies
    return plan


def login(client, user):
    client.force_login(user)
    return client


def test_cockpit_without_a_published_plan_says_so(client, world):
    response = login(client, world.rep_a).get(reverse("calls:cockpit"))
    assert response.status_code == 200
    assert "Aucun plan d'appels publié" in html.unescape(response.content.decode())


def test_cockpit_shows_the_next_call_ready(client, world, today_plan):
    response = login(client, world.rep_a).get(reverse("calls:cockpit"))
    body = html.unescape(response.content.decode())
    first = CallTask.objects.filter(plan=today_plan, rep=world.rep_a).order_by("planned_start", "pk").first()
    assert first.company.display_name in body
    assert "tel:+33142685300" in body and "décideur" in body
    assert "Issue de l'appel" in body and "Jour d'appel" in body
    # Another call can be taken out of order.
    other = CallTask.objects.filter(plan=today_plan, rep=world.rep_a).exclude(pk=first.pk).first()
    body = client.get(reverse("calls:cockpit"), {"appel": other.pk}).content.decode()
    assert f'action="{reverse("calls:outcome", args=[other.pk])}"' in body


def test_outcome_then_next_call_comes_up(client, world, today_plan):
    login(client, world.rep_a)
    task = selectors.cockpit(user=world.rep_a).task
    client.post(reverse("calls:start", args=[task.pk]))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = client.post(
        reverse("calls:outcome", args=[task.pk]),
        {"outcome": "reached_no_order", "no_order_reason": "stocked", "next_action": "callback",
         "next_action_date": tomorrow.isoformat(), "next_action_time": "10:00", "notes": "Stock plein"},
    )  # fmt: skip
    assert response.status_code == 302 and response["Location"] == reverse("calls:cockpit")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and task.outcome == "reached_no_order"
    assert Interaction.objects.filter(company=task.company, outcome=Outcome.REACHED_NO_ORDER).exists()
    assert selectors.cockpit(user=world.rep_a).task.pk != task.pk


def test_bad_outcome_keeps_what_was_typed(client, world, today_plan):
    login(client, world.rep_a)
    task = selectors.cockpit(user=world.rep_a).task
    response = client.post(
        reverse("calls:outcome", args=[task.pk]),
        {"outcome": "reached_no_order", "notes": "Le chef hésite", "next_action": ""},
    )
    body = html.unescape(response.content.decode())
    assert response.status_code == 200
    assert "Indiquez pourquoi le client n'a pas commandé." in body
    assert "Le chef hésite" in body
    task.refresh_from_db()
    assert task.status == TaskStatus.PLANNED


def test_another_reps_call_is_not_reachable(client, world, today_plan):
    task = CallTask.objects.filter(plan=today_plan, rep=world.rep_a).first()
    response = login(client, world.rep_b).post(
        reverse("calls:outcome", args=[task.pk]), {"outcome": "refused"}
    )
    assert response.status_code == 404


def test_plans_are_for_supervisors(client, world):
    assert login(client, world.rep_a).get(reverse("calls:plans")).status_code == 403
    assert login(client, world.sup_a).get(reverse("calls:plans")).status_code == 200


def test_supervisor_generates_then_publishes(client, world, plan_day, django_capture_on_commit_callbacks):
    login(client, world.sup_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("calls:plans"), {"date": plan_day.day.isoformat(), "team": world.team_a.pk}
        )
    plan = CallPlan.objects.get(team=world.team_a, date=plan_day.day)
    assert response.status_code == 302 and response["Location"] == reverse("calls:plan", args=[plan.pk])
    from televente.calls.tasks import generate_plan

    if plan.status == PlanStatus.GENERATING:  # the immediate backend of tests may already have run it
        generate_plan.call(plan_id=plan.pk, by_id=world.sup_a.pk)
    body = client.get(reverse("calls:plan", args=[plan.pk])).content.decode()
    assert "Publier le plan" in body
    rows = html.unescape(
        client.get(reverse("calls:rep_calls", args=[plan.pk, world.rep_a.pk])).content.decode()
    )
    assert "Brasserie du Port" in rows and "Jour d'appel" in rows
    assert "Client fermé ce jour-là" in body  # the unplanned, with why
    client.post(reverse("calls:publish", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PUBLISHED


def test_generate_refuses_a_past_date_with_a_message(client, world):
    response = login(client, world.sup_a).post(
        reverse("calls:plans"), {"date": (timezone.localdate() - dt.timedelta(days=2)).isoformat()}
    )
    assert "On ne planifie pas un jour passé." in html.unescape(response.content.decode())


def test_move_form_shows_the_rule_broken(client, world, plan_day):
    plan = CallPlan.objects.create(team=world.team_a, date=plan_day.day)
    services.plan_build(plan=plan, by=world.sup_a)
    task = CallTask.objects.get(plan=plan, company=plan_day.window_customer)
    response = login(client, world.sup_a).post(
        reverse("calls:move", args=[task.pk]), {"rep": world.rep_a.pk, "start": "15:00"}
    )
    assert "hors des créneaux d'appel du client" in html.unescape(response.content.decode())
    response = client.post(reverse("calls:move", args=[task.pk]), {"rep": world.rep_a2.pk, "start": "09:05"})
    assert response.status_code == 302
    # Another team's supervisor cannot even see it.
    assert login(client, world.sup_b).get(reverse("calls:move", args=[task.pk])).status_code == 404


def test_settings_form_validates_ranges(client, world):
    login(client, world.sup_a)
    response = client.post(
        reverse("calls:settings"),
        {"day_start": "08:30", "day_end": "17:30", "slot_minutes": 5, "max_attempts": 3, "retry_after_minutes": 45,
         "prospects_per_rep": 6, "relaunches_per_rep": 4, "inactive_after_days": 60, "prospect_recontact_days": 21,
         "breaks_text": "12h30-13h30", "slack_text": "11:00-10:00"},
    )  # fmt: skip
    body = html.unescape(response.content.decode())
    assert "n'est pas une plage horaire valide" in body and "12h30-13h30" in body
    response = client.post(
        reverse("calls:settings"),
        {"day_start": "08:30", "day_end": "17:30", "slot_minutes": 5, "max_attempts": 3, "retry_after_minutes": 45,
         "prospects_per_rep": 6, "relaunches_per_rep": 4, "inactive_after_days": 60, "prospect_recontact_days": 21,
         "breaks_text": "12h30-13h30", "slack_text": "10:30-11:00"},
    )  # fmt: skip
    assert response.status_code == 302
    from televente.calls.models import PlanSettings

    assert PlanSettings.objects.get(team=world.team_a).slack_periods == [["10:30", "11:00"]]


def test_cockpit_queries_are_bounded(world, today_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(22):
        data = selectors.cockpit(user=world.rep_a)
        selectors.call_preparation(company=data.task.company)


def test_plan_board_queries_are_bounded(world, today_plan, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        board = selectors.plan_board(user=world.sup_a, plan=today_plan)
        [t.company.display_name for t in board.unplanned]
    assert sum(col.planned for col in board.columns) == 3
    with django_assert_max_num_queries(1):
        calls = selectors.rep_calls(plan=today_plan, rep_id=world.rep_a.pk)
        [t.company.display_name for t in calls]


def test_pause_then_resume_from_the_cockpit(client, world, today_plan):
    login(client, world.rep_a)
    client.post(reverse("calls:pause"), {"reason": "work"})
    body = html.unescape(client.get(reverse("calls:cockpit")).content.decode())
    assert "En pause depuis" in body and "Travaux associés" in body
    client.post(reverse("calls:pause"), {"action": "end"})
    assert "En pause depuis" not in html.unescape(client.get(reverse("calls:cockpit")).content.decode())


def test_plan_page_shows_the_days_adherence(client, world, today_plan):
    task = CallTask.objects.filter(plan=today_plan, rep=world.rep_a).first()
    services.call_outcome_record(task=task, by=world.rep_a, outcome="refused")
    body = html.unescape(
        login(client, world.sup_a).get(reverse("calls:plan", args=[today_plan.pk])).content.decode()
    )
    assert "Issues par motif d'appel" in body and "Refus, ne plus appeler" in body


@pytest.mark.parametrize(
    "model",
    ["fieldagenda", "plansettings", "repabsence", "callplan", "appointment", "phonecall", "telephonyevent"],
)
def test_admin_lists_open(client, world, today_plan, model):
    response = login(client, world.admin).get(f"/admin/calls/{model}/")
    assert response.status_code == 200
