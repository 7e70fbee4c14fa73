"""A published plan of today for team A with one call of rep_a to an inactive bakery, and the demo's
reactivation script (steps 1-12, "Êtes-vous satisfait… ?" Non -> 9, Oui -> 10)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from televente.calls.choices import CallReason, PlanStatus, TaskStatus
from televente.calls.models import CallPlan, CallTask
from televente.customers.choices import CompanyStatus
from televente.customers.tests.factories import CompanyFactory, ContactFactory, PhoneFactory
from televente.scripts import demo
from televente.scripts.selection import _CHOOSERS


@pytest.fixture(autouse=True)
def _no_foreign_choosers():
    """Choosers registered by higher apps (campaigns) must not choose for these tests."""
    saved = list(_CHOOSERS)
    _CHOOSERS.clear()
    yield
    _CHOOSERS[:] = saved


@pytest.fixture
def bakery(world, reference_data):
    company = CompanyFactory(
        rep=world.rep_a, trade_name="Boulangerie Dupain", status=CompanyStatus.INACTIVE, needs="Farine T55"
    )
    ContactFactory(company=company, is_decision_maker=True)
    PhoneFactory(company=company, e164="+33142685300")
    return company


def make_call(world, company, *, reason=CallReason.INACTIVE, rep=None, team=None, day=None):
    plan, _created = CallPlan.objects.get_or_create(
        team=team or world.team_a,
        date=day or timezone.localdate(),
        defaults={"status": PlanStatus.PUBLISHED, "published_at": timezone.now()},
    )
    now = timezone.now()
    return CallTask.objects.create(
        plan=plan, company=company, rep=rep or world.rep_a, reason=reason, reasons=[reason],
        planned_start=now + dt.timedelta(minutes=5), status=TaskStatus.PLANNED,
        windows=[[0, 24 * 60]],
    )  # fmt: skip


@pytest.fixture
def call(world, bakery):
    return make_call(world, bakery)


@pytest.fixture
def reactivation(world):
    return demo.build_script(demo.REACTIVATION_SCRIPT, by=world.sup_a)


@pytest.fixture
def other_team_call(world, reference_data):
    company = CompanyFactory(rep=world.rep_b, trade_name="Café B")
    return make_call(world, company, rep=world.rep_b, team=world.team_b)
