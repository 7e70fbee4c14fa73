import datetime as dt
import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from televente.catalog.choices import PromotionMechanic
from televente.catalog.models import CustomerPrice, PriceList, PriceListItem, Promotion, QuantityBreak
from televente.catalog.pricing import (
    best_line_discount,
    line_amount,
    order_threshold_discount,
    promotions_for,
    resolve_prices,
)
from televente.catalog.tests.factories import CategoryFactory, ProductFactory
from televente.customers.tests.factories import CompanyFactory, SegmentFactory

TODAY = dt.date(2026, 11, 24)


@pytest.fixture
def setup(world):
    segment = SegmentFactory(code="boulangerie", name="Boulangerie")
    company = CompanyFactory(rep=world.rep_a, segment=segment)
    product = ProductFactory(base_price=Decimal("2.0000"))
    price_list = PriceList.objects.create(
        name="Boulangeries 2026", segment=segment, valid_from=TODAY - dt.timedelta(days=30)
    )
    PriceListItem.objects.create(price_list=price_list, product=product, price=Decimal("1.9000"))
    QuantityBreak.objects.create(product=product, min_quantity=100, price=Decimal("1.7500"))
    return company, product, price_list


@pytest.mark.django_db
def test_price_sources_and_explanations(setup):
    company, product, price_list = setup
    small = resolve_prices(company=company, items=[(product, 10)], on=TODAY)[product.pk]
    assert (small.unit_price, small.source) == (Decimal("1.9000"), "price_list")
    assert "Boulangeries 2026" in small.explanation
    big = resolve_prices(company=company, items=[(product, 120)], on=TODAY)[product.pk]
    assert (big.unit_price, big.source) == (Decimal("1.7500"), "quantity_break")
    price_list.valid_until = TODAY - dt.timedelta(days=1)
    price_list.save()
    expired = resolve_prices(company=company, items=[(product, 10)], on=TODAY)[product.pk]
    assert expired.source == "base"
    CustomerPrice.objects.create(company=company, product=product, price=Decimal("2.1000"))
    net = resolve_prices(company=company, items=[(product, 120)], on=TODAY)[product.pk]
    assert (net.unit_price, net.source) == (Decimal("2.1000"), "customer")  # negotiated, even if higher


@pytest.mark.django_db
def test_fifty_lines_cost_three_queries(setup, django_assert_num_queries):
    company, _product, _pl = setup
    products = [ProductFactory() for _ in range(50)]
    with django_assert_num_queries(3):
        answers = resolve_prices(company=company, items=[(p, 12) for p in products], on=TODAY)
    assert len(answers) == 50


def make_promo(pk, mechanic, cumulative=False, **values):
    promo = Promotion(
        pk=pk, name=f"P{pk}", mechanic=mechanic, cumulative=cumulative, valid_from=TODAY, valid_until=TODAY
    )
    for key, value in values.items():
        setattr(promo, key, value)
    return promo


promotions = st.lists(
    st.one_of(
        st.builds(
            lambda pk, pct, cum: make_promo(pk, PromotionMechanic.PERCENT, cum, percent=Decimal(pct)),
            st.integers(1, 10**6),
            st.integers(1, 100),
            st.booleans(),
        ),
        st.builds(
            lambda pk, amt, cum: make_promo(pk, PromotionMechanic.AMOUNT, cum, amount=Decimal(amt) / 100),
            st.integers(1, 10**6),
            st.integers(1, 10_000),
            st.booleans(),
        ),
        st.builds(
            lambda pk, price: make_promo(pk, PromotionMechanic.SPECIAL_PRICE, amount=Decimal(price) / 100),
            st.integers(1, 10**6),
            st.integers(0, 10_000),
        ),
        st.builds(
            lambda pk, n, m: make_promo(pk, PromotionMechanic.FREE_GOODS, buy_quantity=n, free_quantity=m),
            st.integers(1, 10**6),
            st.integers(1, 20),
            st.integers(1, 5),
        ),
    ),
    max_size=6,
    unique_by=lambda p: p.pk,
)


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=200)
@given(
    promos=promotions,
    cents=st.integers(0, 100_000),
    quantity=st.integers(1, 10_000),
    seed=st.integers(0, 1000),
)
def test_discount_never_makes_a_negative_price_and_ignores_rule_order(promos, cents, quantity, seed):
    unit_price = Decimal(cents) / 100
    result = best_line_discount(promos, unit_price, quantity)
    shuffled = list(promos)
    random.Random(seed).shuffle(shuffled)
    assert best_line_discount(shuffled, unit_price, quantity) == result
    assert result.discount >= 0 and result.free_quantity >= 0
    assert line_amount(unit_price, quantity, result.discount) >= 0


@given(cents=st.integers(0, 10**8), quantity=st.integers(0, 10**5))
def test_line_amount_is_rounded_once_to_the_cent(cents, quantity):
    amount = line_amount(Decimal(cents) / 10000, quantity)
    assert amount == amount.quantize(Decimal("0.01"))
    assert abs(amount - Decimal(cents) / 10000 * quantity) <= Decimal("0.005")


def test_free_goods_ten_plus_one():
    promo = make_promo(1, PromotionMechanic.FREE_GOODS, buy_quantity=10, free_quantity=1)
    assert best_line_discount([promo], Decimal("3"), 25).free_quantity == 2


def test_order_threshold():
    promo = make_promo(1, PromotionMechanic.ORDER_THRESHOLD, percent=Decimal("5"), threshold=Decimal("500"))
    assert order_threshold_discount([promo], Decimal("499.99")) == (Decimal("0"), None)
    assert order_threshold_discount([promo], Decimal("600")) == (Decimal("30"), 1)


@pytest.mark.django_db
def test_promotions_for_a_customer_are_targeted_dated_and_ranked_by_habits(setup, world):
    company, product, _pl = setup
    other_segment = SegmentFactory(code="hotel", name="Hôtel")
    general = Promotion.objects.create(
        name="Tout le monde", mechanic="percent", percent=5, valid_from=TODAY, valid_until=TODAY
    )
    habitual = Promotion.objects.create(
        name="Crème -15 %", mechanic="percent", percent=15, valid_from=TODAY, valid_until=TODAY
    )
    habitual.products.add(product)
    family = Promotion.objects.create(
        name="Crèmerie", mechanic="percent", percent=10, valid_from=TODAY, valid_until=TODAY
    )
    family.categories.add(CategoryFactory())
    hotels = Promotion.objects.create(
        name="Hôtels", mechanic="percent", percent=10, valid_from=TODAY, valid_until=TODAY
    )
    hotels.segments.add(other_segment)
    spent = Promotion.objects.create(
        name="Épuisée",
        mechanic="percent",
        percent=10,
        valid_from=TODAY,
        valid_until=TODAY,
        budget=100,
        spent=100,
    )
    past = Promotion.objects.create(
        name="Passée",
        mechanic="percent",
        percent=10,
        valid_from=TODAY - dt.timedelta(days=9),
        valid_until=TODAY - dt.timedelta(days=1),
    )
    ranked = promotions_for(
        company=company,
        on=TODAY,
        habitual_product_ids=[product.pk],
        habitual_category_ids=[product.category_id],
    )
    names = [r.promotion.name for r in ranked]
    assert names[0] == "Crème -15 %"
    assert names[1] == "Crèmerie"
    assert "Tout le monde" in names
    assert not {"Hôtels", "Épuisée", "Passée"} & set(names)
    assert general and spent and past
