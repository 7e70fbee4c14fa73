"""The provider serving the order screen from the trained tables: ordering, exclusions, the
fallbacks with no model, and bounded queries."""

import datetime as dt
from decimal import Decimal

import pytest

from televente.catalog.models import ProductLink
from televente.customers.tests.factories import CompanyFactory
from televente.orders import selectors as order_selectors
from televente.orders import suggestions
from televente.orders.models import Order, ProductHabit
from televente.orders.tests.factories import sellable, unit
from televente.recommend.models import BasketScore, ComplementScore, SubstituteScore
from televente.recommend.selectors import substitute_reason, trained_suggestions


@pytest.fixture
def provider():
    """The trained provider registered for the test, the previous one restored after."""
    previous = suggestions.provider()
    suggestions.register(trained_suggestions)
    yield trained_suggestions
    suggestions.register(previous)


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, team=world.team_a)


@pytest.fixture
def order(company):
    return Order.objects.create(company=company)


def basket_row(company, product, rank, *, own=True, quantity=2, code="CAR"):
    return BasketScore.objects.create(
        company=company, product=product, rank=rank, score=1.0 / rank, own=own,
        unit=unit(product, code), quantity=quantity,
    )  # fmt: skip


def habit(company, product, *, cycle=7, last=dt.date(2026, 3, 2), score=1.0):
    return ProductHabit.objects.create(
        company=company, product=product, unit=unit(product, "UVC"), usual_quantity=5, orders_count=4,
        share=Decimal("0.8"), cycle_days=cycle, last_ordered=last, score=score,
    )  # fmt: skip


# Habitual basket ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_habitual_follows_the_model_rank_and_tells_why(
    provider, company, order, django_assert_max_num_queries
):
    a, b, c, d = (sellable(code=f"HAB{n}", name=f"Habituel {n}") for n in range(4))
    gone = sellable(code="OLD", status="discontinued")
    basket_row(company, b, 1, quantity=3)
    basket_row(company, c, 2, own=False, quantity=1)
    basket_row(company, a, 3)
    basket_row(company, gone, 4)
    basket_row(company, d, 5)  # in the order
    basket_row(CompanyFactory(), a, 1)  # another customer's row
    habit(company, b, cycle=14)
    with django_assert_max_num_queries(2):
        rows = order_selectors.habitual_basket(order, {d.pk}, limit=10)
    assert [r.product_id for r in rows] == [b.pk, c.pk, a.pk]
    first, similar, third = rows
    assert (first.usual_quantity, first.unit.code, first.unit_id) == (3, "CAR", unit(b, "CAR").pk)
    assert (first.cycle_days, first.last_ordered, first.own, first.reason) == (
        14,
        dt.date(2026, 3, 2),
        True,
        "",
    )
    assert not similar.own and similar.reason == "Commandé par des clients comparables"
    assert (similar.cycle_days, similar.last_ordered) == (None, None)
    assert third.cycle_days is None  # an own product with no habit row yet
    assert [r.product_id for r in order_selectors.habitual_basket(order, set(), limit=2)] == [b.pk, c.pk]


@pytest.mark.django_db
def test_habitual_falls_back_to_own_habits_without_model(provider, company, order):
    a, b = sellable(code="HAB1"), sellable(code="HAB2")
    habit(company, a, score=1.0)
    habit(company, b, score=2.0)
    basket_row(CompanyFactory(), a, 1)  # the model knows other customers only
    rows = provider.habitual(order, set(), 10)
    assert [r.product_id for r in rows] == [b.pk, a.pk]
    assert all(isinstance(r, ProductHabit) for r in rows)


@pytest.mark.django_db
def test_habitual_is_empty_when_everything_proposed_is_already_ordered(provider, company, order):
    a, b = sellable(code="HAB1"), sellable(code="HAB2")
    basket_row(company, a, 1)
    habit(company, b)
    assert provider.habitual(order, {a.pk}, 10) == []


# Complements -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_complements_explicit_first_then_learned_summed_over_the_basket(
    provider, order, django_assert_max_num_queries
):
    bread, cheese = sellable(code="PAIN", name="Pain"), sellable(code="FROM", name="Comté")
    butter, jam, wine, ham = (
        sellable(code=c, name=c.title()) for c in ("BEURRE", "CONFITURE", "VIN", "JAMBON")
    )
    ProductLink.objects.create(kind="complement", product=bread, target=ham, reason="Sandwich")
    ComplementScore.objects.create(product=bread, target=butter, rank=1, score=0.5)
    ComplementScore.objects.create(product=bread, target=wine, rank=2, score=0.3)
    ComplementScore.objects.create(product=cheese, target=wine, rank=1, score=0.4)  # wine: 0.7 in all
    ComplementScore.objects.create(product=cheese, target=jam, rank=2, score=0.1)
    ComplementScore.objects.create(product=bread, target=ham, rank=3, score=0.9)  # explicit already
    with django_assert_max_num_queries(4):
        found = order_selectors.complements({bread.pk, cheese.pk}, set(), 8, order=order)
    assert [link.target_id for link in found] == [ham.pk, wine.pk, butter.pk, jam.pk]
    assert not getattr(found[0], "learned", False)
    wine_link = found[1]
    assert wine_link.learned and wine_link.product == cheese  # 0.4 with the cheese, 0.3 with the bread
    assert wine_link.reason == "souvent commandé avec Comté"
    assert [link.rank for link in found[1:]] == [2, 3, 4]


@pytest.mark.django_db
def test_complements_keep_one_of_two_variants(provider, order):
    """Two variants of one article (a learned substitute of each other) make one suggestion."""
    flour = sellable(code="FARINE", name="Farine T55")
    yeast, yeast_bis, sugar = (sellable(code=c, name=c.title()) for c in ("LEVURE", "LEVURE2", "SUCRE"))
    ComplementScore.objects.create(product=flour, target=yeast, rank=1, score=0.6)
    ComplementScore.objects.create(product=flour, target=yeast_bis, rank=2, score=0.5)
    ComplementScore.objects.create(product=flour, target=sugar, rank=3, score=0.4)
    SubstituteScore.objects.create(product=yeast_bis, target=yeast, rank=1, score=0.9)
    found = provider.complements(order, {flour.pk}, set(), 8)
    assert [link.target_id for link in found] == [yeast.pk, sugar.pk]


@pytest.mark.django_db
def test_complement_reason_is_the_basket_article_contributing_most(provider, order):
    bread, cheese, wine = (
        sellable(code="PAIN", name="Pain"),
        sellable(code="FROM", name="Comté"),
        sellable(code="VIN"),
    )
    ComplementScore.objects.create(product=bread, target=wine, rank=1, score=0.2)
    ComplementScore.objects.create(product=cheese, target=wine, rank=1, score=0.6)
    [link] = provider.complements(order, {bread.pk, cheese.pk}, set(), 8)
    assert link.product == cheese and link.reason == "souvent commandé avec Comté"
    assert link.score == pytest.approx(0.8) and link.target.code == "VIN"


@pytest.mark.django_db
def test_complements_exclude_habits_substitutes_and_discontinued(provider, order):
    bread = sellable(code="PAIN", name="Pain")
    habitual, linked_sub, learned_sub, gone, kept = (
        sellable(code=c) for c in ("HAB", "SUBX", "SUBL", "OLD", "OK")
    )
    gone.status = "discontinued"
    gone.save()
    ProductLink.objects.create(kind="substitute", product=bread, target=linked_sub)
    SubstituteScore.objects.create(product=bread, target=learned_sub, rank=1, score=0.5)
    for n, target in enumerate((habitual, linked_sub, learned_sub, gone, kept), start=1):
        ComplementScore.objects.create(product=bread, target=target, rank=n, score=1.0 - n / 10)
    found = provider.complements(order, {bread.pk}, {habitual.pk}, 8)
    assert [link.target_id for link in found] == [kept.pk]
    assert provider.complements(order, set(), set(), 8) == []


@pytest.mark.django_db
def test_complements_respect_the_limit_and_use_explicit_links_without_model(provider, order):
    bread = sellable(code="PAIN")
    targets = [sellable(code=f"C{n}") for n in range(4)]
    ProductLink.objects.create(kind="complement", product=bread, target=targets[0], rank=1)
    assert [link.target_id for link in provider.complements(order, {bread.pk}, set(), 8)] == [targets[0].pk]
    for n, target in enumerate(targets[1:], start=1):
        ComplementScore.objects.create(product=bread, target=target, rank=n, score=1.0 / n)
    found = provider.complements(order, {bread.pk}, set(), 2)
    assert [link.target_id for link in found] == [targets[0].pk, targets[1].pk]


# Substitutes -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_substitutes_explicit_first_then_learned_with_their_reason(provider, django_assert_max_num_queries):
    short = sellable(code="CRE001", name="Crème épaisse", stock=0)
    explicit, close, far, gone = (sellable(code=c) for c in ("CRE002", "CRE003", "CRE004", "CRE005"))
    gone.status = "discontinued"
    gone.save()
    ProductLink.objects.create(kind="substitute", product=short, target=explicit, reason="Même usage", rank=2)
    SubstituteScore.objects.create(product=short, target=explicit, rank=1, score=0.9)  # linked already
    SubstituteScore.objects.create(product=short, target=gone, rank=2, score=0.8)
    SubstituteScore.objects.create(
        product=short, target=far, rank=4, score=0.2, name_similarity=0.1, buyer_similarity=0.05
    )
    SubstituteScore.objects.create(
        product=short, target=close, rank=3, score=0.6, name_similarity=0.7, attribute_similarity=0.6,
        buyer_similarity=0.4, accepted=3,
    )  # fmt: skip
    with django_assert_max_num_queries(4):
        found = order_selectors.substitutes(short.pk)
        units = [[u.code for u in link.target.units.all()] for link in found]  # prefetched
    assert [link.target_id for link in found] == [explicit.pk, close.pk, far.pk]
    assert units == [["UVC", "CAR"]] * 3
    assert not getattr(found[0], "learned", False)
    assert [link.rank for link in found] == [2, 3, 4]
    assert found[1].learned and found[1].reason == (
        "même rayon · désignation proche · mêmes caractéristiques · mêmes acheteurs · déjà accepté 3 fois"
    )
    assert found[2].reason == "même rayon"


@pytest.mark.django_db
def test_substitute_options_put_explicit_before_a_better_stocked_learned_one(provider, world):
    short = sellable(code="CRE001", stock=0)
    explicit_short = sellable(code="CRE002", stock=0)
    learned = sellable(code="CRE003", stock=500)
    ProductLink.objects.create(kind="substitute", product=short, target=explicit_short)
    SubstituteScore.objects.create(product=short, target=learned, rank=1, score=0.9)
    from televente.orders import services

    company = CompanyFactory(rep=world.rep_a, team=world.team_a)
    order = services.order_start(company=company, by=world.rep_a)
    line = services.order_line_add(order=order, product=short, by=world.rep_a, version=order.version)
    options = order_selectors.substitute_options(order, line)
    assert [o["link"].target_id for o in options] == [explicit_short.pk, learned.pk]
    assert options[1]["availability"].status == "available"


def test_substitute_reason_accepted_once():
    assert (
        substitute_reason(name_similarity=0, attribute_similarity=0, buyer_similarity=0.25, accepted=1)
        == "même rayon · mêmes acheteurs · déjà accepté 1 fois"
    )


@pytest.mark.django_db
def test_without_registration_orders_use_their_own_links(order):
    bread, butter = sellable(code="PAIN"), sellable(code="BEURRE")
    ComplementScore.objects.create(product=bread, target=butter, rank=1, score=0.9)
    previous = suggestions.provider()
    suggestions.register(None)
    try:
        assert order_selectors.complements({bread.pk}, set(), order=order) == []
    finally:
        suggestions.register(previous)


@pytest.mark.django_db
def test_a_single_learned_complement_that_is_a_variant_of_an_explicit_one_is_left_out(provider, order):
    """Even when it is the only learned candidate (review: the one-candidate shortcut skipped the check)."""
    flour = sellable(code="FARINE", name="Farine T55")
    yeast, yeast_bis = sellable(code="LEVURE"), sellable(code="LEVURE2")
    ProductLink.objects.create(kind="complement", product=flour, target=yeast, rank=1)
    ComplementScore.objects.create(product=flour, target=yeast_bis, rank=1, score=0.6)
    SubstituteScore.objects.create(product=yeast_bis, target=yeast, rank=1, score=0.9)
    assert [link.target_id for link in provider.complements(order, {flour.pk}, set(), 8)] == [yeast.pk]


@pytest.mark.django_db
def test_complements_leave_out_the_customers_own_habits_beyond_the_habitual_list(
    provider, company, order, django_assert_max_num_queries
):
    """`exclude` is the habitual list shown (at most the model's 30 best); a regular item of the
    customer that is not in it is still not a complement to propose."""
    bread = sellable(code="PAIN", name="Pain")
    regular, other = sellable(code="REG"), sellable(code="NEW")
    habit(company, regular)
    ComplementScore.objects.create(product=bread, target=regular, rank=1, score=0.9)
    ComplementScore.objects.create(product=bread, target=other, rank=2, score=0.5)
    with django_assert_max_num_queries(4):
        found = provider.complements(order, {bread.pk}, set(), 8)
    assert [link.target_id for link in found] == [other.pk]
    # Without an order (no customer known), nothing more is left out.
    assert [link.target_id for link in provider.complements(None, {bread.pk}, set(), 8)] == [
        regular.pk,
        other.pk,
    ]
