"""The indicators against a direct computation on a small known dataset (docs/INDICATORS.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.calls.choices import CallReason, PlanStatus, TaskStatus
from televente.calls.models import CallPlan, CallTask
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Interaction
from televente.customers.tests.factories import CompanyFactory, SegmentFactory
from televente.orders.choices import LineOrigin, LostSaleReason, OrderStatus
from televente.orders.models import LostSale, Order, OrderLine
from televente.orders.tests.factories import sellable
from televente.reporting import indicators, stats
from televente.reporting.choices import Metric, PeriodKind
from televente.reporting.models import Objective, RepDay
from televente.reporting.periods import Period

D1 = dt.date(2026, 10, 5)  # Monday
D2 = dt.date(2026, 10, 6)
TODAY = dt.date(2026, 10, 7)
OCTOBER = Period.containing(PeriodKind.MONTH, D1)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def make_order(
    company, rep, when, lines, *, status=OrderStatus.CONFIRMED, discount="0", promotion=None
) -> Order:
    """lines: (product, amount, origin, base_quantity, promotion_discount)."""
    order = Order.objects.create(
        company=company, rep=rep, team=rep.team, status=status, confirmed_at=when,
        total_lines=sum((Decimal(a) for _p, a, *_r in lines), Decimal("0")), order_discount=Decimal(discount),
        lines_count=len(lines), order_promotion=promotion,
    )  # fmt: skip
    for position, (product, amount, origin, base_quantity, promo) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=order, position=position, product=product, unit=product.units.get(code="UVC"),
            quantity=base_quantity, base_quantity=base_quantity, unit_price=Decimal(amount) / base_quantity,
            vat_rate=Decimal("5.5"), amount=Decimal(amount), origin=origin, promotion_discount=Decimal(promo),
        )  # fmt: skip
    return order


def call(rep, company, when, outcome, duration=None, **kw) -> Interaction:
    return Interaction.objects.create(
        company=company, author=rep, kind=InteractionKind.CALL_OUT, occurred_at=when, outcome=outcome,
        duration_seconds=duration, **kw,
    )  # fmt: skip


@pytest.fixture
def dataset(world):
    segment = SegmentFactory(code="test-quatre-minutes", name="Quatre minutes", call_minutes=4)
    c1 = CompanyFactory(rep=world.rep_a, segment=segment, trade_name="Boulangerie Une")
    c2 = CompanyFactory(rep=world.rep_a, segment=segment, trade_name="Brasserie Deux")
    c3 = CompanyFactory(rep=world.rep_a2, segment=segment, trade_name="Café Trois")
    cb = CompanyFactory(rep=world.rep_b, segment=segment, trade_name="Hôtel B")
    costed = sellable(code="COST", purchase_cost=Decimal("1.00"))
    plain = sellable(code="PLAIN")

    # rep_a, D1: c1's first order ever (new customer): 100 € with a known cost of 10 €, a 20 € complement.
    make_order(c1, world.rep_a, at(D1, 9, 5),
               [(costed, "100", LineOrigin.HABITUAL, 10, "0"), (plain, "20", LineOrigin.COMPLEMENT, 4, "0")])  # fmt: skip
    # c2 last ordered in June: reactivated (more than 60 days); a substitute, a promoted line, 10 € discount.
    make_order(c2, world.rep_a, at(dt.date(2026, 6, 1), 10), [(plain, "40", LineOrigin.HABITUAL, 8, "0")],
               status=OrderStatus.DELIVERED)  # fmt: skip
    make_order(c2, world.rep_a, at(D1, 11, 30),
               [(plain, "50", LineOrigin.SUBSTITUTE, 10, "0"), (plain, "30", LineOrigin.SEARCH, 6, "5")],
               discount="10")  # fmt: skip
    # Neither a cancelled order nor a draft counts.
    make_order(
        c1, world.rep_a, at(D1, 15), [(plain, "999", LineOrigin.SEARCH, 1, "0")], status=OrderStatus.CANCELLED
    )
    make_order(c1, world.rep_a, None, [(plain, "999", LineOrigin.SEARCH, 1, "0")], status=OrderStatus.DRAFT)
    lost = LostSale.objects.create(company=c1, product=costed, base_quantity=6, reason=LostSaleReason.SHORTAGE,
                                   by=world.rep_a)  # fmt: skip
    LostSale.objects.filter(pk=lost.pk).update(created_at=at(D1, 9, 6))

    # rep_a's calls of D1: two reached (300 s and 180 s), one not reached, a voicemail.
    call(world.rep_a, c1, at(D1, 9), Outcome.REACHED_ORDER, 300)
    call(world.rep_a, c2, at(D1, 11, 20), Outcome.REACHED_NO_ORDER, 180)
    call(world.rep_a, c1, at(D1, 14), Outcome.NOT_REACHED)
    call(world.rep_a, c2, at(D1, 16), Outcome.VOICEMAIL)
    # Callbacks promised for D1: one kept (20 min late), one made an hour late, one not made.
    for due, done in ((at(D1, 10), at(D1, 10, 20)), (at(D1, 14), at(D1, 15)), (at(D1, 16), None)):
        call(world.rep_a, c1, at(dt.date(2026, 9, 28), 9), Outcome.CALLBACK, 60,
             next_action=NextStepAction.CALLBACK, next_action_at=due, next_action_owner=world.rep_a,
             next_action_done_at=done)  # fmt: skip

    # The published plan of D1: two calls done (one inside its window 9:00-10:00), one failed, one unplanned.
    plan = CallPlan.objects.create(team=world.team_a, date=D1, status=PlanStatus.PUBLISHED)
    window = [[9 * 60, 10 * 60]]
    for company, status, started in (
        (c1, TaskStatus.DONE, at(D1, 9)),
        (c2, TaskStatus.DONE, at(D1, 11, 20)),
        (CompanyFactory(rep=world.rep_a), TaskStatus.FAILED, None),
        (CompanyFactory(rep=world.rep_a), TaskStatus.UNPLANNED, None),
    ):
        CallTask.objects.create(plan=plan, company=company, rep=world.rep_a, reason=CallReason.CALL_DAY,
                                windows=window, status=status, started_at=started)  # fmt: skip

    # rep_a2, D2: one order of 200 €, two reached calls. rep_b (other team) ordered too.
    make_order(c3, world.rep_a2, at(D2, 10), [(plain, "200", LineOrigin.HABITUAL, 40, "0")])
    call(world.rep_a2, c3, at(D2, 9, 50), Outcome.REACHED_ORDER, 240)
    call(world.rep_a2, c3, at(D2, 15), Outcome.INFORMATION, 120)
    make_order(cb, world.rep_b, at(D2, 10), [(plain, "500", LineOrigin.HABITUAL, 100, "0")])

    # Today (live, not stored): rep_a takes a 60 € order.
    make_order(c1, world.rep_a, at(TODAY, 9), [(plain, "60", LineOrigin.HABITUAL, 12, "0")])
    # September, for the variance's comparable range (1-7 September): rep_a 2 calls, 1 order of 300 €.
    september = dt.date(2026, 9, 2)
    c4 = CompanyFactory(rep=world.rep_a, segment=segment, trade_name="Traiteur Quatre")
    make_order(c4, world.rep_a, at(september, 10), [(plain, "300", LineOrigin.HABITUAL, 60, "0")])
    call(world.rep_a, c4, at(september, 9, 55), Outcome.REACHED_ORDER, 200)
    call(world.rep_a, c1, at(september, 11), Outcome.REACHED_NO_ORDER, 100)
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4}


def test_a_day_of_a_rep_in_figures(world, dataset):
    figures = stats.compute_day(D1)
    assert set(figures) == {world.rep_a.pk}
    assert figures[world.rep_a.pk] == {
        "calls_planned": 3, "planned_done": 2, "window_calls": 2, "in_window": 1,
        "calls_made": 4, "calls_reached": 2, "calls_ordered": 1,
        "talk_seconds": 480, "talk_calls": 2, "talk_target_seconds": 2 * 4 * 60,
        "callbacks_due": 3, "callbacks_kept": 1,
        "orders": 2, "revenue": Decimal("190"),  # 120 + 80 - 10 of discount
        "lines": 4, "complement_orders": 1, "complement_lines": 1, "substitute_lines": 1, "shortage_lost": 1,
        "promotion_orders": 1, "new_customers": 1, "reactivated": 1,
        "margin_revenue": Decimal("100"), "margin": Decimal("90"),
    }  # fmt: skip


def test_refresh_stores_the_days_and_replaces_them(world, dataset):
    assert stats.refresh_days(day_from=D1, day_to=D2) == 3  # rep_a on D1, rep_a2 and rep_b on D2
    RepDay.objects.filter(rep=world.rep_a).update(orders=99)
    stats.refresh_days(day_from=D1, day_to=D1)
    assert RepDay.objects.get(rep=world.rep_a, date=D1).orders == 2
    assert RepDay.objects.get(rep=world.rep_a2, date=D2).revenue == Decimal("200")
    assert RepDay.objects.get(rep=world.rep_b, date=D2).team == world.team_b


def test_the_team_dashboard_adds_stored_days_and_today_live(world, dataset):
    stats.refresh_days(day_from=D1, day_to=D2)
    Objective.objects.create(team=world.team_a, rep=world.rep_a, period_kind=PeriodKind.MONTH,
                             period_start=OCTOBER.start, metric=Metric.REVENUE, target=Decimal("2200"),
                             set_by=world.sup_a)  # fmt: skip
    Objective.objects.create(team=world.team_a, rep=world.rep_a2, period_kind=PeriodKind.MONTH,
                             period_start=OCTOBER.start, metric=Metric.REVENUE, target=Decimal("440"),
                             set_by=world.sup_a)  # fmt: skip
    view = indicators.team_dashboard(team=world.team_a, period=OCTOBER, today=TODAY)
    rows = {row.rep.pk: row for row in view.rows}
    assert set(rows) == {world.rep_a.pk, world.rep_a2.pk}  # not the field rep, not the other team
    lea = rows[world.rep_a.pk]
    assert lea.figures.revenue == Decimal("250")  # 190 on D1 + 60 today
    assert lea.figures.orders == 3
    assert lea.today.revenue == Decimal("60")
    assert lea.figures.reach_rate == pytest.approx(2 / 4)
    assert lea.figures.conversion == pytest.approx(1 / 2)
    assert lea.figures.average_basket == Decimal("83.33")
    assert lea.figures.cross_sell_rate == pytest.approx(1 / 3)
    assert lea.figures.substitution_acceptance == pytest.approx(1 / 2)
    assert lea.figures.in_window_share == pytest.approx(1 / 2)
    assert lea.figures.callbacks_kept_rate == pytest.approx(1 / 3)
    assert lea.figures.average_talk_seconds == 240
    assert lea.figures.margin_rate == pytest.approx(0.9)
    # October 2026: 22 working days, 5 of them gone by the evening of the 7th.
    progress = lea.progress_for(Metric.REVENUE)
    assert progress.expected == Decimal("500.00")  # 2200 × 5 / 22
    assert progress.actual == Decimal("250")
    assert progress.state == "behind"  # 50 % of the pace
    assert rows[world.rep_a2.pk].progress_for(Metric.REVENUE).state == "ok"  # 200 for 100 expected
    assert view.total.revenue == Decimal("450")
    # Without a team objective, the team's is the sum of its reps'.
    assert view.total_progress[0].target == Decimal("2640")
    assert view.metrics == [Metric.REVENUE]
    assert view.series[D1].revenue == Decimal("190") and view.series[TODAY].revenue == Decimal("60")


def test_the_dashboard_reads_a_fixed_number_of_queries(world, dataset, django_assert_max_num_queries):
    stats.refresh_days(day_from=D1, day_to=D2)
    with django_assert_max_num_queries(16):
        indicators.team_dashboard(team=world.team_a, period=OCTOBER, today=TODAY)


def test_variance_explains_the_revenue_change_by_its_factors(world, dataset):
    stats.refresh_days(day_from=dt.date(2026, 9, 1), day_to=D2)
    view = indicators.variance(team=world.team_a, rep=world.rep_a, period=OCTOBER, today=TODAY)
    assert view.reference_range == (dt.date(2026, 9, 1), dt.date(2026, 9, 7))
    assert view.reference.revenue == Decimal("300") and view.current.revenue == Decimal("250")
    # Calls made today are not in the dataset: 4 calls, 2 reached, 1 ordering call, 3 orders.
    contributions = float(sum(f.contribution for f in view.factors))
    assert contributions == pytest.approx(float(view.revenue_change), abs=0.05)
    by_key = {f.key: f for f in view.factors}
    assert by_key["fewer_calls"].current == 4 and by_key["fewer_calls"].reference == 2
    assert by_key["lower_reach"].current == pytest.approx(0.5) and by_key["lower_reach"].reference == 1.0
    # Three orders from one ordering call at 83 € instead of one at 300 €: the basket explains most.
    assert by_key["lower_reach"].contribution < 0 and by_key["lower_conversion"].contribution == 0
    assert view.main_cause == "smaller_baskets"
    # Traiteur Quatre ordered in early September and not since the month began.
    assert [(r["company"], r["revenue"]) for r in view.lost_customers] == [(dataset["c4"], Decimal("300"))]
    monday = view.weekdays[0]
    assert monday["current"].calls_made == 4 and monday["current"].reach_rate == pytest.approx(0.5)


def test_periods():
    week = Period.containing(PeriodKind.WEEK, dt.date(2026, 10, 7))
    assert (week.start, week.end) == (dt.date(2026, 10, 5), dt.date(2026, 10, 11))
    assert OCTOBER.working_days() == 22
    assert OCTOBER.elapsed_share(dt.date(2026, 11, 2)) == 1.0
    assert OCTOBER.comparable_previous(TODAY) == (dt.date(2026, 9, 1), dt.date(2026, 9, 7))
    assert Period.parse("month", "not a date", TODAY).start == dt.date(2026, 10, 1)
    assert Period.parse("year", "2026-02-10", TODAY) == Period.containing(
        PeriodKind.MONTH, dt.date(2026, 2, 10)
    )


def test_a_rep_who_left_still_counts_for_the_months_they_worked(world, dataset):
    stats.refresh_days(day_from=D1, day_to=D2)
    world.rep_a2.is_active = False
    world.rep_a2.team = world.team_b
    world.rep_a2.save()
    october = indicators.team_dashboard(team=world.team_a, period=OCTOBER, today=TODAY)
    assert world.rep_a2 in [row.rep for row in october.rows]
    assert october.total.revenue == Decimal("450")
    november = indicators.team_dashboard(team=world.team_a, period=OCTOBER.next(), today=dt.date(2026, 11, 3))
    assert world.rep_a2 not in [row.rep for row in november.rows]


def test_the_refresh_command(world, dataset):
    from io import StringIO

    from django.core.management import CommandError, call_command

    out = StringIO()
    call_command("reporting_refresh", "--from", "2026-10-05", "--to", "2026-10-06", stdout=out)
    assert out.getvalue().startswith("3 rep-days from 2026-10-05 to 2026-10-06")
    assert RepDay.objects.count() == 3
    with pytest.raises(CommandError):
        call_command("reporting_refresh", "--from", "2026-10-07", "--to", "2026-10-06")
