"""A customer of team A with an order contact."""

from __future__ import annotations

import pytest

from televente.customers.tests.factories import CompanyFactory, ContactFactory


@pytest.fixture
def company(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Le Bistrot", city="Lyon")
    company.chef = ContactFactory(
        company=company,
        civility="Madame",
        first_name="Lucie",
        last_name="Martin",
        is_order_contact=True,
        email="lucie@bistrot.fr",
        language="fr",
    )
    return company


@pytest.fixture
def run_tasks(run_tasks):
    """Commit as the real request would (the on_commit callbacks), then run the queued tasks."""
    from televente.core.testing import run_commit_callbacks

    def run() -> None:
        run_commit_callbacks()
        run_tasks()

    return run
