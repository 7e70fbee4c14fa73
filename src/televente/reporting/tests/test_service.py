"""The team's service quality (reporting.service) against a hand computation on a small known dataset."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.accounts.choices import BackOfficeService
from televente.claims.choices import ClaimCause, ClaimStatus, Satisfaction
from televente.claims.models import Claim
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import IncidentCause, IncidentType, OrderStatus
from televente.orders.models import DeliveryIncident, Order
from televente.receivables.choices import InvoiceKind, InvoiceStatus
from televente.receivables.models import Invoice, Payment
from televente.reporting.choices import PeriodKind
from televente.reporting.periods import Period
from televente.reporting.service import service_quality

TODAY = dt.date(2026, 10, 20)
OCTOBER = Period.containing(PeriodKind.MONTH, TODAY)


def at(day: dt.date, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def claim(
    company, created, cause, amount="0", *, closed=None, due=None, satisfaction="", answered=None
) -> Claim:
    made = Claim.objects.create(
        company=company,
        team=company.team,
        claim_type="damaged",
        description="Cartons écrasés.",
        cause=cause,
        amount=Decimal(amount),
        status=ClaimStatus.CLOSED if closed else ClaimStatus.ROUTED,
        closed_at=closed,
        due_at=due or created + dt.timedelta(days=5),
        satisfaction=satisfaction,
        satisfaction_at=answered,
    )
    Claim.objects.filter(pk=made.pk).update(created_at=created)
    return made


def incident(company, created, cause) -> DeliveryIncident:
    order = Order.objects.create(company=company, rep=company.rep, status=OrderStatus.DELIVERED)
    made = DeliveryIncident.objects.create(
        order=order,
        company=company,
        kind=IncidentType.DAMAGED,
        cause=cause,
        service=BackOfficeService.LOGISTICS,
    )
    DeliveryIncident.objects.filter(pk=made.pk).update(created_at=created)
    return made


def invoice(company, number, due, amount, paid="0", **kw) -> Invoice:
    return Invoice.objects.create(
        number=number,
        company=company,
        issued_on=due - dt.timedelta(days=30),
        due_on=due,
        amount=Decimal(amount),
        paid_amount=Decimal(paid),
        **kw,
    )


def payment(company, reference, paid_on, amount, on=None) -> Payment:
    return Payment.objects.create(
        reference=reference, company=company, invoice=on, paid_on=paid_on, amount=Decimal(amount)
    )


@pytest.fixture
def dataset(world):
    x = CompanyFactory(rep=world.rep_a, trade_name="Brasserie X")
    y = CompanyFactory(rep=world.rep_a2, trade_name="Café Y")
    b = CompanyFactory(rep=world.rep_b, trade_name="Hôtel B")
    now = timezone.now()
    yes, no = Satisfaction.SATISFIED, Satisfaction.NOT_SATISFIED

    # Claims of October (team A): carrier 3 (120 + 80 + 10 €), picking 2 (300 + 50 €), unknown 1.
    # Closed in October: 2.0, 1.0, 7.6 days, and one received in September after 11.0 days.
    claim(x, at(dt.date(2026, 10, 2), 9), ClaimCause.CARRIER, "120", closed=at(dt.date(2026, 10, 4), 9),
          satisfaction=yes, answered=at(dt.date(2026, 10, 5), 9))  # fmt: skip
    claim(y, at(dt.date(2026, 10, 3), 10), ClaimCause.CARRIER, "80", closed=at(dt.date(2026, 10, 4), 10),
          satisfaction=no, answered=at(dt.date(2026, 10, 6), 9))  # fmt: skip
    claim(x, at(dt.date(2026, 10, 5), 8), ClaimCause.PICKING, "300", closed=at(dt.date(2026, 10, 12), 22, 24),
          satisfaction=yes, answered=at(dt.date(2026, 10, 13), 9))  # fmt: skip
    # Open: one past its deadline, two not yet.
    claim(y, at(dt.date(2026, 10, 10), 11), ClaimCause.UNKNOWN, due=now - dt.timedelta(days=1))
    claim(x, at(dt.date(2026, 10, 6), 11), ClaimCause.PICKING, "50", due=now + dt.timedelta(days=2))
    claim(x, at(dt.date(2026, 10, 30), 15), ClaimCause.CARRIER, "10", due=now + dt.timedelta(days=2))
    claim(y, at(dt.date(2026, 9, 20)), ClaimCause.SUPPLIER, "999", closed=at(dt.date(2026, 10, 1)),
          satisfaction=yes, answered=at(dt.date(2026, 9, 30), 23))  # fmt: skip
    # September only; open since September past its deadline (counted as overdue now).
    claim(x, at(dt.date(2026, 9, 10)), ClaimCause.CARRIER, "40", closed=at(dt.date(2026, 9, 25)))
    claim(y, at(dt.date(2026, 9, 12)), ClaimCause.STORAGE, "60", due=now - dt.timedelta(days=5))
    # Team B: nothing of it counts.
    claim(b, at(dt.date(2026, 10, 5), 9), ClaimCause.CARRIER, "500", closed=at(dt.date(2026, 10, 6), 9),
          satisfaction=yes, answered=at(dt.date(2026, 10, 7), 9))  # fmt: skip
    claim(b, at(dt.date(2026, 10, 5), 9), ClaimCause.PICKING, "500", due=now - dt.timedelta(days=3))

    # Delivery incidents of October: carrier 2, picking 1 (not September's, not team B's).
    incident(x, at(dt.date(2026, 10, 1), 8), IncidentCause.CARRIER)
    incident(y, at(dt.date(2026, 10, 31), 23, 30), IncidentCause.CARRIER)
    incident(x, at(dt.date(2026, 10, 15), 8), IncidentCause.PICKING)
    incident(x, at(dt.date(2026, 9, 30), 23, 30), IncidentCause.STOCK)
    incident(b, at(dt.date(2026, 10, 15), 8), IncidentCause.CARRIER)

    # Invoices (TODAY = 20 October). Overdue: 1000 - 400, 200 - 50, 500 - 50 = 1200 € for 2 customers.
    inv1 = invoice(x, "F1", dt.date(2026, 10, 1), "1000", "400")
    inv2 = invoice(x, "F2", dt.date(2026, 10, 19), "200", "50")
    inv3 = invoice(x, "F3", TODAY, "300", "100")  # due today: not overdue yet
    inv4 = invoice(y, "F4", dt.date(2026, 9, 1), "500", "50")
    inv5 = invoice(y, "F5", dt.date(2026, 9, 1), "700", "700", status=InvoiceStatus.PAID)
    invoice(y, "F6", dt.date(2026, 9, 1), "800", status=InvoiceStatus.CANCELLED)
    invoice(y, "A7", dt.date(2026, 9, 1), "150", kind=InvoiceKind.CREDIT_NOTE)
    invb = invoice(b, "F8", dt.date(2026, 9, 1), "999")
    # Recovered in October: payments after their invoice's due date, 400 + 700 = 1100 € from 2 customers.
    payment(x, "P1", dt.date(2026, 10, 5), "400", inv1)
    payment(y, "P2", dt.date(2026, 10, 10), "700", inv5)
    payment(x, "P3", dt.date(2026, 10, 15), "100", inv3)  # before its due date
    payment(y, "P4", dt.date(2026, 9, 25), "50", inv4)  # in September
    payment(x, "P5", dt.date(2026, 10, 12), "80")  # not allocated to an invoice
    payment(b, "P6", dt.date(2026, 10, 10), "99", invb)  # team B
    payment(x, "P7", dt.date(2026, 10, 19), "50", inv2)  # on its due date: not late
    return {"x": x, "y": y}


def test_claims_by_cause(world, dataset):
    view = service_quality(team=world.team_a, period=OCTOBER, today=TODAY)
    rows = [(r.cause, r.label, r.count, r.amount) for r in view.claims_by_cause]
    assert rows == [
        ("carrier", "Transport", 3, Decimal("210.00")),
        ("picking", "Erreur de préparation", 2, Decimal("350.00")),
        ("unknown", "À déterminer", 1, Decimal("0.00")),
    ]
    assert view.claims_total == 6
    assert view.claims_amount == Decimal("560.00")


def test_incidents_by_cause(world, dataset):
    view = service_quality(team=world.team_a, period=OCTOBER, today=TODAY)
    assert [(r.cause, r.label, r.count) for r in view.incidents_by_cause] == [
        ("carrier", "Transport", 2),
        ("picking", "Erreur de préparation", 1),
    ]
    assert view.incidents_total == 3


def test_resolution_times(world, dataset):
    resolution = service_quality(team=world.team_a, period=OCTOBER, today=TODAY).resolution
    # 2.0, 1.0, 7.6 and 11.0 days: mean 21.6 / 4 = 5.4; median (2.0 + 7.6) / 2 = 4.8.
    assert resolution.closed == 4
    assert resolution.average_days == 5.4
    assert resolution.median_days == 4.8
    assert resolution.overdue_open == 2


def test_satisfaction_of_the_answers_given_in_the_period(world, dataset):
    satisfaction = service_quality(team=world.team_a, period=OCTOBER, today=TODAY).satisfaction
    assert satisfaction.rows == [("satisfied", "Satisfait", 2), ("not_satisfied", "Pas satisfait", 1)]
    assert (satisfaction.answered, satisfaction.satisfied) == (3, 2)
    assert satisfaction.satisfied_share == pytest.approx(2 / 3)


def test_collections(world, dataset):
    collections = service_quality(team=world.team_a, period=OCTOBER, today=TODAY).collections
    assert collections.overdue_amount == Decimal("1200.00")
    assert collections.overdue_customers == 2
    assert collections.recovered_amount == Decimal("1100.00")
    assert collections.recovered_customers == 2


def test_an_empty_period(world, dataset):
    view = service_quality(team=world.team_a, period=Period.containing(PeriodKind.WEEK, dt.date(2026, 8, 3)),
                           today=TODAY)  # fmt: skip
    assert (view.claims_by_cause, view.claims_total, view.incidents_by_cause) == ([], 0, [])
    assert (view.resolution.closed, view.resolution.average_days, view.resolution.median_days) == (
        0,
        None,
        None,
    )
    assert view.resolution.overdue_open == 2  # now, whatever the period
    assert view.satisfaction.answered == 0 and view.satisfaction.satisfied_share is None
    assert view.collections.recovered_amount == 0
    assert view.collections.overdue_amount == Decimal("1200.00")


def test_service_quality_queries(world, dataset, django_assert_max_num_queries):
    with django_assert_max_num_queries(7):
        service_quality(team=world.team_a, period=OCTOBER, today=TODAY)
