"""A customer of team A (rep_a, supervisor sup_a) that orders every 7 days and last ordered on
1 March 2025, and a rule factory."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from televente.customers.models import CompanyHabits
from televente.customers.tests.factories import CompanyFactory, ContactFactory, SegmentFactory

LAST_ORDER = dt.date(2025, 3, 1)
CYCLE = 7


@pytest.fixture
def company(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Bistrot du Port")
    company.chef = ContactFactory(
        company=company, is_order_contact=True, email="chef@bistrot.fr", language="fr"
    )
    CompanyHabits.objects.create(
        company=company,
        order_cycle_days=CYCLE,
        last_order_date=LAST_ORDER,
        next_expected_order=LAST_ORDER + dt.timedelta(days=CYCLE),
        average_basket=Decimal("450.00"),
    )
    return company


@pytest.fixture
def other_company(world):
    """A bakery of team B, late too."""
    company = CompanyFactory(
        rep=world.rep_b,
        team=world.team_b,
        trade_name="Boulangerie Martin",
        segment=SegmentFactory(code="boulangerie", name="Boulangerie"),
    )
    CompanyHabits.objects.create(
        company=company,
        order_cycle_days=CYCLE,
        last_order_date=LAST_ORDER,
        next_expected_order=LAST_ORDER + dt.timedelta(days=CYCLE),
        average_basket=Decimal("120.00"),
    )
    return company


@pytest.fixture
def make_rule(world):
    """A rule saved through the service by sup_a (active unless told otherwise)."""
    from televente.automation import services

    def make(by=None, **data):
        return services.rule_save(by=by or world.sup_a, data={"name": "Règle", "is_active": True, **data})

    return make


@pytest.fixture
def run_tasks(run_tasks):
    """Commit as the real request would (run what services queued with `on_commit`), then run the
    queued background tasks, until nothing is left."""
    from django.db import connection

    def run() -> None:
        for _round in range(5):
            while connection.run_on_commit:
                callbacks, connection.run_on_commit = connection.run_on_commit, []
                for _sids, callback, _robust in callbacks:
                    callback()
            run_tasks()
            if not connection.run_on_commit:
                return

    return run
