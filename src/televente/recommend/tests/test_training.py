"""The training reads the order history and rebuilds the three score tables."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.catalog.tests.factories import CategoryFactory
from televente.core.scheduler import get_job
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import OrderSource, OrderStatus
from televente.orders.models import Order, OrderLine
from televente.orders.tests.factories import sellable, unit
from televente.recommend import engine, training
from televente.recommend.choices import RunStatus, RunTrigger
from televente.recommend.models import BasketScore, ComplementScore, ModelRun, SubstituteScore
from televente.recommend.tasks import train_models

TODAY = dt.date(2026, 6, 15)


def order(company, days_ago: int, *lines, status=OrderStatus.DELIVERED) -> Order:
    """A done order delivered `days_ago` days before TODAY; lines are (product, unit code, quantity)
    or (product, unit code, quantity, replaced product)."""
    created = Order.objects.create(
        company=company, status=status, source=OrderSource.HISTORY,
        delivery_date=TODAY - dt.timedelta(days=days_ago), total_lines=Decimal("50"),
    )  # fmt: skip
    for position, (product, code, quantity, *replaces) in enumerate(lines, start=1):
        OrderLine.objects.create(
            order=created, position=position, product=product, unit=unit(product, code), quantity=quantity,
            base_quantity=quantity, unit_price=Decimal("2"), vat_rate=Decimal("5.5"), amount=Decimal("10"),
            replaces=replaces[0] if replaces else None,
        )  # fmt: skip
    return created


@pytest.fixture
def shop(world):
    """Three restaurants that order butter, bread and cream weekly (the first, cream every other
    week); two of them also buy cheese, which the first never ordered. Bread is in another category."""
    cremerie = CategoryFactory(code="cremerie", name="Crèmerie")
    boulangerie = CategoryFactory(code="boulangerie", name="Boulangerie")
    p = {
        "butter": sellable(code="BEU001", name="Beurre doux plaquette", category=cremerie),
        "cream": sellable(code="CRE001", name="Crème fraîche épaisse", category=cremerie),
        "cheese": sellable(code="FRO001", name="Fromage comté", category=cremerie),
        "bread": sellable(code="PAI001", name="Pain de campagne", category=boulangerie),
        "baguette": sellable(code="PAI002", name="Baguette tradition", category=boulangerie),
    }
    a, b, c = (CompanyFactory(rep=world.rep_a, team=world.team_a) for _ in range(3))
    for week, qty in enumerate([3, 3, 2, 3, 5, 3, 3, 4]):
        cream = [(p["cream"], "UVC", 2)] if week % 2 else []
        order(a, 7 * (week + 1), (p["butter"], "CAR", qty), *cream, (p["bread"], "UVC", 1))
    order(a, 60, (p["butter"], "UVC", 10))  # once in units: the carton stays its usual unit
    for company in (b, c):
        for week in range(6):
            order(
                company, 7 * (week + 1), (p["butter"], "CAR", 1), (p["cream"], "UVC", 2),
                (p["cheese"], "UVC", 4), (p["bread"], "UVC", 2),
            )  # fmt: skip
    return p, (a, b, c)


@pytest.mark.django_db
def test_the_basket_puts_the_habit_first_with_its_usual_unit_and_quantity(shop):
    p, (a, _b, _c) = shop
    run = training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    assert run.status == RunStatus.DONE and run.customers == 3 and run.orders == 9 + 12
    assert run.lines == 8 * 2 + 4 + 1 + 12 * 4 and run.basket_rows == BasketScore.objects.count() > 0
    rows = list(BasketScore.objects.filter(company=a).order_by("rank").select_related("product", "unit"))
    first = rows[0]
    assert (first.product, first.own, first.unit.code, first.quantity) == (p["butter"], True, "CAR", 3)
    cheese = next(r for r in rows if r.product == p["cheese"])
    # Only similar customers bought it: their usual unit and quantity, not the customer's own.
    assert (cheese.own, cheese.unit.code, cheese.quantity) == (False, "UVC", 4)
    assert [r.rank for r in rows] == list(range(1, len(rows) + 1))


@pytest.mark.django_db
def test_complements_pair_products_bought_together(shop):
    p, _companies = shop
    training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    targets = list(
        ComplementScore.objects.filter(product=p["bread"]).order_by("rank").values_list("target", flat=True)
    )
    # Butter is in every order with bread, cream in 16 of them, cheese in 12.
    assert targets == [p["butter"].pk, p["cream"].pk, p["cheese"].pk]
    assert p["baguette"].pk not in targets  # never ordered
    assert not ComplementScore.objects.filter(product=p["baguette"]).exists()


@pytest.mark.django_db
def test_substitutes_stay_within_the_category_and_accepted_ones_come_first(shop):
    p, (a, b, _c) = shop
    cremerie = p["butter"].category
    short = sellable(code="BEU010", name="Beurre demi-sel plaquette", category=cremerie, stock=0)
    close_name = sellable(code="BEU011", name="Beurre demi-sel motte", category=cremerie)
    accepted = sellable(code="MAR001", name="Margarine végétale", category=cremerie)
    sellable(code="OLD001", name="Beurre demi-sel ancien", category=cremerie, status="discontinued")
    for days in (5, 12, 19):
        order(a, days, (short, "UVC", 1))
        order(b, days + 1, (accepted, "UVC", 1, short))
    training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)

    pairs = SubstituteScore.objects.select_related("product", "target")
    assert pairs.exists()
    assert all(s.product.category_id == s.target.category_id for s in pairs)
    assert not pairs.filter(target__code="OLD001").exists()  # discontinued: never proposed
    ranked = list(pairs.filter(product=short).order_by("rank"))
    assert (ranked[0].target, ranked[0].accepted) == (accepted, 3)
    assert close_name in [s.target for s in ranked]
    assert next(s for s in ranked if s.target == close_name).name_similarity > ranked[0].name_similarity


@pytest.mark.django_db
def test_an_empty_history_gives_a_done_run_and_empty_tables(world):
    run = training.train(trigger=RunTrigger.NIGHTLY, today=TODAY)
    assert run.status == RunStatus.DONE and run.finished_at is not None and run.seconds >= 0
    assert (run.lines, run.customers, run.basket_rows, run.complement_rows, run.substitute_rows) == (0,) * 5
    assert not BasketScore.objects.exists() and not ComplementScore.objects.exists()
    assert not SubstituteScore.objects.exists()


@pytest.mark.django_db
def test_drafts_and_old_orders_are_not_history(shop):
    p, (a, _b, _c) = shop
    other = sellable(code="VIN001", name="Vin rouge")
    order(a, 3, (other, "UVC", 1), status=OrderStatus.DRAFT)
    order(a, 800, (other, "UVC", 1))  # more than two years ago
    run = training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    assert run.orders == 21
    assert not BasketScore.objects.filter(product=other).exists()


@pytest.mark.django_db
def test_an_order_confirmed_for_a_later_delivery_is_the_latest_history(shop):
    """Confirmed yesterday for delivery in three days: it is the customer's latest order, weighted as
    today's (not left out until its delivery day)."""
    p, (a, _b, _c) = shop
    wine = sellable(code="VIN001", name="Vin rouge")
    order(a, -3, (wine, "UVC", 6), status=OrderStatus.CONFIRMED)
    run = training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    assert run.orders == 22
    row = BasketScore.objects.get(company=a, product=wine)
    assert row.own and row.quantity == 6


@pytest.mark.django_db
def test_a_failure_marks_the_run_failed_and_keeps_the_former_tables(shop, monkeypatch):
    training.train(trigger=RunTrigger.NIGHTLY, today=TODAY)
    before = (BasketScore.objects.count(), ComplementScore.objects.count(), SubstituteScore.objects.count())
    assert all(before)

    def broken(**kwargs):
        raise RuntimeError("matrice impossible")

    monkeypatch.setattr(engine, "fit_complements", broken)
    with pytest.raises(RuntimeError):
        training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    failed = ModelRun.objects.order_by("-pk").first()
    assert failed.status == RunStatus.FAILED and "matrice impossible" in failed.error
    assert failed.finished_at is not None
    after = (BasketScore.objects.count(), ComplementScore.objects.count(), SubstituteScore.objects.count())
    assert after == before


@pytest.mark.django_db
def test_the_task_trains_and_records_who_asked(shop, world, run_tasks):
    train_models.enqueue(RunTrigger.ON_DEMAND, world.sup_a.pk)
    run_tasks()
    run = ModelRun.objects.get()
    assert (run.status, run.trigger, run.requested_by) == (RunStatus.DONE, RunTrigger.ON_DEMAND, world.sup_a)
    assert BasketScore.objects.exists()


@pytest.mark.django_db
def test_the_nightly_job_runs_the_training_at_half_past_two(shop):
    job = get_job("recommend.train")
    assert job is not None and job.daily_at == dt.time(2, 30)
    job.resolve()()
    run = ModelRun.objects.get()
    assert (run.trigger, run.status, run.requested_by) == (RunTrigger.NIGHTLY, RunStatus.DONE, None)
    assert run.started_at <= timezone.now()


@pytest.mark.django_db
def test_the_demo_trains_on_the_demo_history(shop):
    from types import SimpleNamespace

    from televente.recommend import demo

    logged: list[str] = []
    demo.build(SimpleNamespace(today=TODAY, log=logged.append))
    run = ModelRun.objects.get()
    assert (run.trigger, run.status) == (RunTrigger.DEMO, RunStatus.DONE) and run.basket_rows > 0
    assert logged and "recommend" in logged[0]


@pytest.mark.django_db
def test_a_product_deleted_during_the_training_is_left_out_of_the_tables(shop, monkeypatch):
    """A never-ordered product deleted between the read and the write must not fail the run on the
    tables' foreign keys (checked at commit)."""
    p, _companies = shop
    twin = sellable(code="BEU002", name="Beurre doux plaquette bio", category=p["butter"].category)
    computed = training._substitute_rows

    def deleted_meanwhile(*args, **kwargs):
        rows = computed(*args, **kwargs)
        assert any(twin.pk in row[:2] for row in rows)  # it was a substitute when read
        twin.delete()
        return rows

    monkeypatch.setattr(training, "_substitute_rows", deleted_meanwhile)
    run = training.train(trigger=RunTrigger.ON_DEMAND, today=TODAY)
    assert run.status == RunStatus.DONE
    assert SubstituteScore.objects.filter(product=p["butter"]).exists()
    assert not SubstituteScore.objects.filter(target_id=twin.pk).exists()
