"""A customer of team A (rep_a) with an accounting contact, and invoices as the ERP sends them."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.receivables.models import DunningLadder
from televente.receivables.signals import install_default_ladder


@pytest.fixture
def ladder(db):
    """The default ladder (installed after migrate; transactional tests truncate it)."""
    install_default_ladder()
    return DunningLadder.objects.get(segment__isnull=True)


@pytest.fixture
def company(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, legal_name="Brasserie du Port SARL")
    company.compta = ContactFactory(
        company=company,
        civility="Monsieur",
        first_name="Paul",
        last_name="Durand",
        is_order_contact=True,
        email="compta@brasserie.fr",
        language="fr",
    )
    return company


def day(offset: int) -> dt.date:
    return timezone.localdate() + dt.timedelta(days=offset)


def invoice_row(company, number: str, amount: str, due_in: int, payments=(), **extra) -> dict:
    return {
        "number": number,
        "customer_id": company.pk,
        "issued_on": day(due_in - 30).isoformat(),
        "due_on": day(due_in).isoformat(),
        "amount": amount,
        "payments": list(payments),
        **extra,
    }


@pytest.fixture
def run_tasks(run_tasks):
    """Commit as the real request would (the on_commit callbacks), then run the queued tasks."""
    from televente.core.testing import run_commit_callbacks

    def run() -> None:
        run_commit_callbacks()
        run_tasks()

    return run
