"""A customer of team A (rep_a, supervisor sup_a) with a delivered two-line order, and the claim
rules of a fresh installation (deadlines per type, authority per role)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.utils import timezone

from televente.claims.models import AuthorityLimit, ClaimPolicy
from televente.claims.policy import DEFAULT_LIMITS, DEFAULT_POLICIES
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.orders import services as order_services
from televente.orders.choices import OrderStatus
from televente.orders.models import Order
from televente.orders.tests.factories import sellable


@pytest.fixture
def claim_rules(db):
    """Data migrations' rows (transactional tests truncate them)."""
    for claim_type, (service, days, remind) in DEFAULT_POLICIES.items():
        ClaimPolicy.objects.get_or_create(
            claim_type=claim_type,
            defaults={"service": service, "deadline_days": days, "remind_days_before": remind},
        )
    for role, amount in DEFAULT_LIMITS.items():
        AuthorityLimit.objects.get_or_create(role=role, defaults={"amount": amount})


@pytest.fixture
def company(world, claim_rules):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, delivery_weekdays=[0, 1, 2, 3, 4])
    company.chef = ContactFactory(
        company=company, is_order_contact=True, email="chef@resto.fr", language="fr"
    )
    return company


@pytest.fixture
def delivered(company, world, run_tasks) -> Order:
    """12 cartons of butter (6 € per carton... 2 € a unit) and 4 cartons of cream, delivered."""
    order = order_services.order_start(company=company, by=world.rep_a)
    order_services.order_line_add(
        order=order,
        product=sellable(code="BEU001", name="Beurre doux 250 g"),
        by=world.rep_a,
        version=order.version,
    )
    order_services.order_line_add(
        order=order,
        product=sellable(code="CRE001", name="Crème 35 % 1 L"),
        by=world.rep_a,
        version=order.version,
    )
    order = order_services.order_confirm(order=order, by=world.rep_a, version=order.version)
    Order.objects.filter(pk=order.pk).update(status=OrderStatus.DELIVERED, delivered_at=timezone.now())
    order.refresh_from_db()
    run_tasks()  # the confirmation email and habits, done before the claim starts
    mail.outbox.clear()
    return order


@pytest.fixture
def make_claim(company, delivered, world):
    """A damaged-goods claim on the first line of the delivered order, logged by rep_a."""
    from televente.claims import services

    def make(**kw):
        line = delivered.lines.order_by("position", "pk").first()
        args = {
            "company": company,
            "by": world.rep_a,
            "claim_type": "damaged",
            "description": "Deux cartons de beurre écrasés à la livraison.",
            "contact": company.chef,
            "order": delivered,
            "lines": [(line.pk, 1)],
        }
        args.update(kw)
        return services.claim_create(**args)

    return make


@pytest.fixture
def run_tasks(run_tasks):
    """Commit as the real request would (the on_commit callbacks), then run the queued tasks."""
    from televente.core.testing import run_commit_callbacks

    def run() -> None:
        run_commit_callbacks()
        run_tasks()

    return run
