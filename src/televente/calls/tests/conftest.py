"""A planned day for team A (see the world fixture in televente/conftest.py):

    rep_a owns: window_customer (Tue 9:00-9:30), callback_customer (promised 10:00),
                closed_customer (closed that day), opted_out_customer (contact refuses calls),
                late_customer (late against its cycle, window 14:00-16:00)
    rep_a2 owns: prospect (never contacted)
The day is the next Tuesday after today; 8:30-17:30, lunch 12:30-13:30, slack 11:00-11:30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from televente.calls.models import PlanSettings
from televente.customers.choices import CompanyStatus, InteractionKind, NextStepAction
from televente.customers.models import CallWindow, ClosurePeriod, CompanyHabits, Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory, PhoneFactory


def next_weekday(weekday: int, after: dt.date | None = None) -> dt.date:
    day = (after or timezone.localdate()) + dt.timedelta(days=1)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def at(day: dt.date, hh: int, mm: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hh, mm), tzinfo=timezone.get_current_timezone())


@dataclass
class Day:
    day: dt.date
    window_customer: object
    callback_customer: object
    closed_customer: object
    opted_out_customer: object
    late_customer: object
    prospect: object
    callback: object


def customer(
    rep, *, status=CompanyStatus.CUSTOMER, windows=(), name=None, opt_out=False, phone="+33142685300"
):
    company = CompanyFactory(rep=rep, status=status, **({"trade_name": name} if name else {}))
    contact = ContactFactory(company=company, is_decision_maker=True, opt_out_phone=opt_out)
    PhoneFactory(company=company, e164=phone)
    for weekday, start, end in windows:
        CallWindow.objects.create(company=company, weekday=weekday, start=start, end=end)
    company.decider = contact
    return company


@pytest.fixture
def plan_day(world, reference_data) -> Day:
    day = next_weekday(1)
    PlanSettings.objects.create(
        team=world.team_a,
        breaks=[["12:30", "13:30"]],
        slack_periods=[["11:00", "11:30"]],
    )
    window_customer = customer(
        world.rep_a, windows=[(1, dt.time(9), dt.time(9, 30))], name="Brasserie du Port"
    )
    callback_customer = customer(world.rep_a, name="Boulangerie Martin")
    callback = Interaction.objects.create(
        company=callback_customer,
        kind=InteractionKind.CALL_OUT,
        author=world.rep_a,
        next_action=NextStepAction.CALLBACK,
        next_action_at=at(day, 10),
        next_action_owner=world.rep_a,
        next_action_note="Rappeler pour le devis",
    )
    closed_customer = customer(world.rep_a, windows=[(1, dt.time(9), dt.time(12))], name="Hôtel Fermé")
    ClosurePeriod.objects.create(company=closed_customer, start=day, end=day + dt.timedelta(days=7))
    opted_out_customer = customer(
        world.rep_a, windows=[(1, dt.time(9), dt.time(12))], name="Traiteur Silence", opt_out=True
    )
    late_customer = customer(world.rep_a, windows=[(3, dt.time(14), dt.time(16))], name="Épicerie Lente")
    CompanyHabits.objects.create(
        company=late_customer,
        order_cycle_days=7,
        next_expected_order=day - dt.timedelta(days=5),
        abc_class="A",
    )
    prospect = customer(world.rep_a2, status=CompanyStatus.PROSPECT, name="Snack Nouveau")
    return Day(day, window_customer, callback_customer, closed_customer, opted_out_customer, late_customer,
               prospect, callback)  # fmt: skip
