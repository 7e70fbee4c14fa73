"""The team's portfolio (reporting.portfolio) against a hand computation on a small known dataset."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.customers.choices import CompanyStatus
from televente.customers.models import Company, CompanyHabits
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import OrderStatus
from televente.orders.models import Order
from televente.reporting.choices import PeriodKind
from televente.reporting.models import RepDay
from televente.reporting.periods import Period
from televente.reporting.portfolio import MAX_POINTS, pareto_of, portfolio

TODAY = dt.date(2026, 10, 7)  # a Wednesday
OCTOBER = Period.containing(PeriodKind.MONTH, TODAY)


def at(day: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def order(company, when, amount, *, discount="0", status=OrderStatus.CONFIRMED, rep=None) -> Order:
    rep = rep or company.rep
    return Order.objects.create(
        company=company,
        rep=rep,
        team=rep.team if rep else None,
        status=status,
        confirmed_at=when,
        total_lines=Decimal(amount),
        order_discount=Decimal(discount),
        lines_count=1,
    )


def habits(company, abc_class="", expected=None, basket="0", last=None) -> CompanyHabits:
    return CompanyHabits.objects.create(
        company=company,
        abc_class=abc_class,
        next_expected_order=expected,
        average_basket=Decimal(basket),
        last_order_date=last,
    )


@pytest.fixture
def dataset(world):
    """Team A: ten companies with 12-month revenue 1000, 900 ... 100 € (C1..C10), a customer
    without revenue (C11), a lost company, a suspect and two prospects. Team B: one big customer."""
    a, a2 = world.rep_a, world.rep_a2
    c = {}
    for i in range(1, 12):
        status = CompanyStatus.INACTIVE if i == 10 else CompanyStatus.CUSTOMER
        c[i] = CompanyFactory(rep=a2 if i == 2 else a, status=status, trade_name=f"Client {i:02d}")
    lost = CompanyFactory(rep=a, status=CompanyStatus.LOST, trade_name="Perdu")
    CompanyFactory(rep=a, status=CompanyStatus.SUSPECT)
    CompanyFactory(rep=a, status=CompanyStatus.PROSPECT)
    CompanyFactory(rep=a2, status=CompanyStatus.PROSPECT)
    other = CompanyFactory(rep=world.rep_b, trade_name="Équipe B")

    # C1: 600 + (450 - 50 discount) = 1000; neither a cancellation, a draft, nor an order 365 days ago count.
    order(c[1], at(dt.date(2026, 6, 10)), "600")
    order(c[1], at(dt.date(2026, 9, 15)), "450", discount="50", status=OrderStatus.DELIVERED)
    order(c[1], at(dt.date(2026, 9, 16)), "9999", status=OrderStatus.CANCELLED)
    order(c[1], None, "5000", status=OrderStatus.DRAFT)
    order(c[1], at(dt.date(2025, 10, 7), 12), "777")  # TODAY - 365 days: outside the 12 months
    # C2: its oldest order is 364 days back, just after midnight (inside); it ordered again in October.
    order(c[2], at(dt.date(2025, 10, 8), 0, 30), "500", status=OrderStatus.SHIPPED)
    order(c[2], at(dt.date(2026, 10, 6)), "400", rep=a)
    for i, amount in ((3, "800"), (4, "700"), (5, "600"), (6, "500"), (7, "400"), (10, "100")):
        order(
            c[i],
            at(dt.date(2026, 5, 4)),
            amount,
            status=OrderStatus.PREPARED if i == 5 else OrderStatus.CONFIRMED,
        )
    # New customers of October: C8 (created in September, a prospect converted) and C9 (its record
    # was created after its first order, from the ERP's history: new, not converted). C9's
    # cancelled September order does not make it an older customer.
    order(c[8], at(dt.date(2026, 10, 5)), "300")
    Company.objects.filter(pk=c[8].pk).update(created_at=at(dt.date(2026, 9, 1)))
    order(c[9], at(dt.date(2026, 9, 20)), "250", status=OrderStatus.CANCELLED)
    order(c[9], at(dt.date(2026, 10, 2)), "200")
    Company.objects.filter(pk=c[9].pk).update(created_at=at(dt.date(2026, 10, 3)))
    # Team B is not counted, though it ordered for the first time in October.
    order(other, at(dt.date(2026, 10, 1)), "10000")

    # Habits: classes, and the next expected order (late when before TODAY, for customers only).
    habits(c[1], "A", expected=TODAY - dt.timedelta(days=10), basket="500.00", last=dt.date(2026, 9, 15))
    habits(c[2], "A", expected=TODAY - dt.timedelta(days=3), basket="450.00", last=dt.date(2026, 10, 6))
    habits(c[3], "A", expected=TODAY)
    habits(c[4], "B", expected=TODAY + dt.timedelta(days=5))
    habits(c[5], "B")
    habits(c[6], "B")
    for i in (7, 8, 9):
        habits(c[i], "C")
    habits(c[11], "")
    habits(lost, "A", expected=TODAY - dt.timedelta(days=30))  # lost: neither late nor in the classes
    habits(other, "A", expected=TODAY - dt.timedelta(days=40))

    # Reactivated accounts, from the reps' stored days: 2 + 1 in October (not rep_b, not September).
    for rep, day, count in (
        (a, dt.date(2026, 10, 1), 2),
        (a2, dt.date(2026, 10, 3), 1),
        (world.rep_b, dt.date(2026, 10, 2), 5),
        (a, dt.date(2026, 9, 30), 4),
    ):
        RepDay.objects.create(date=day, rep=rep, team=rep.team, reactivated=count)
    return c


def test_status_counts_include_every_status(world, dataset):
    view = portfolio(team=world.team_a, period=OCTOBER, today=TODAY)
    assert view.companies == 15
    assert view.status_counts == [
        ("suspect", "Suspect", 1),
        ("prospect", "Prospect", 2),
        ("customer", "Client", 10),
        ("inactive", "Inactif", 1),
        ("lost", "Perdu", 1),
    ]


def test_late_customers_are_customers_past_their_expected_order(world, dataset):
    view = portfolio(team=world.team_a, period=OCTOBER, today=TODAY)
    assert view.late_count == 2
    rows = [(r.company, r.rep, r.days_late, r.usual_basket, r.expected_on) for r in view.late_customers]
    assert rows == [
        (dataset[1], world.rep_a, 10, Decimal("500.00"), dt.date(2026, 9, 27)),
        (dataset[2], world.rep_a2, 3, Decimal("450.00"), dt.date(2026, 10, 4)),
    ]


def test_pareto_of_the_twelve_months(world, dataset):
    pareto = portfolio(team=world.team_a, period=OCTOBER, today=TODAY).pareto
    assert pareto.total == Decimal("5500.00")
    assert pareto.customers == 10
    # 20 % of 10 customers = the 2 biggest: 1000 + 900 of 5500.
    assert pareto.top20_customers == 2
    assert pareto.top20_share == pytest.approx(1900 / 5500)
    # Ten customers: every one is a point, after (0, 0).
    running, expected = 0, [(0.0, 0.0)]
    for rank, revenue in enumerate(range(1000, 0, -100), start=1):
        running += revenue
        expected.append((rank / 10, running / 5500))
    assert len(pareto.points) == len(expected)
    for point, wanted in zip(pareto.points, expected, strict=True):
        assert point == pytest.approx(wanted)
    assert pareto.points[2] == pytest.approx((0.2, 1900 / 5500))


def test_abc_classes_and_their_share_of_revenue(world, dataset):
    abc = portfolio(team=world.team_a, period=OCTOBER, today=TODAY).abc
    rows = [(r.abc_class, r.customers, r.revenue) for r in abc]
    # A: C1-C3; B: C4-C6; C: C7-C9; not classed: C10 (inactive, with revenue, no habits) and C11
    # (a customer without revenue). The lost company of class A has no revenue: not counted.
    assert rows == [
        ("A", 3, Decimal("2700.00")),
        ("B", 3, Decimal("1800.00")),
        ("C", 3, Decimal("900.00")),
        ("", 2, Decimal("100.00")),
    ]
    assert [r.share for r in abc] == pytest.approx([2700 / 5500, 1800 / 5500, 900 / 5500, 100 / 5500])
    assert abc[3].label == "Non classé"


def test_new_converted_and_reactivated_customers(world, dataset):
    view = portfolio(team=world.team_a, period=OCTOBER, today=TODAY)
    assert view.new_customers == 2  # C8 and C9
    assert view.prospects_converted == 1  # C8, created before its first order
    assert view.reactivated == 3
    september = portfolio(team=world.team_a, period=OCTOBER.previous(), today=TODAY)
    assert (september.new_customers, september.prospects_converted, september.reactivated) == (0, 0, 4)


def test_a_team_without_companies(world):
    view = portfolio(team=world.team_b, period=OCTOBER, today=TODAY)
    assert view.companies == 0
    assert [count for _s, _l, count in view.status_counts] == [0, 0, 0, 0, 0]
    assert view.pareto.total == 0 and view.pareto.top20_share is None and view.pareto.points == []
    assert [(r.customers, r.share) for r in view.abc] == [(0, None)] * 4
    assert (view.late_count, view.new_customers, view.reactivated) == (0, 0, 0)


@pytest.mark.parametrize("count", [1, 7, 15, 48, 49, 1000, 1003])
def test_pareto_curve_is_reduced_to_at_most_fifty_points(count):
    revenues = [Decimal(count - i) for i in range(count)]  # count, count - 1, ... 1
    pareto = pareto_of([*revenues, Decimal("0")])  # no revenue: not a customer of the curve
    total = count * (count + 1) // 2
    top = {1: 1, 7: 2, 15: 3, 48: 10, 49: 10, 1000: 200, 1003: 201}[count]  # 20 %, rounded up
    assert pareto.customers == count
    assert pareto.total == total
    assert pareto.top20_customers == top
    assert pareto.top20_share == pytest.approx(sum(range(count, count - top, -1)) / total)
    assert len(pareto.points) <= MAX_POINTS
    if count <= MAX_POINTS - 2:
        assert len(pareto.points) == count + 1  # every customer, after (0, 0)
    assert pareto.points[0] == (0.0, 0.0)
    assert pareto.points[-1] == pytest.approx((1.0, 1.0))
    assert pytest.approx((top / count, pareto.top20_share)) in pareto.points
    xs = [x for x, _y in pareto.points]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def test_portfolio_queries(world, dataset, django_assert_max_num_queries):
    # Companies, late count and rows, revenue, new customers, reps, stored days: 7; today's live
    # figures (the period contains TODAY): 7 more (stats.compute_day).
    with django_assert_max_num_queries(14):
        view = portfolio(team=world.team_a, period=OCTOBER, today=TODAY)
        for row in view.late_customers:
            str(row.company), str(row.rep)
    # A past period has no live day.
    with django_assert_max_num_queries(7):
        portfolio(team=world.team_a, period=OCTOBER.previous(), today=TODAY)
