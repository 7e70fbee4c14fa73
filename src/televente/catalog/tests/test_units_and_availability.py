import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from televente.catalog import units
from televente.catalog.availability import availability, availability_many
from televente.catalog.models import Receipt, SalesUnit
from televente.catalog.tests.factories import ProductFactory, StockFactory, WarehouseFactory
from televente.core.errors import DomainError

TODAY = dt.date(2026, 11, 24)


@given(quantity=st.integers(min_value=0, max_value=10**6), size=st.integers(min_value=1, max_value=10**4))
def test_conversion_to_base_and_back_is_exact(quantity, size):
    unit = SalesUnit(base_quantity=size, label="u")
    base = units.to_base(quantity, unit)
    assert isinstance(base, int)
    assert units.from_base(base, unit) == (quantity, 0)


@given(
    quantity=st.integers(min_value=1, max_value=10**5),
    minimum=st.integers(min_value=1, max_value=50),
    multiple=st.integers(min_value=1, max_value=24),
)
def test_round_to_unit_gives_a_valid_quantity_at_or_above(quantity, minimum, multiple):
    unit = SalesUnit(base_quantity=6, min_quantity=minimum, multiple=multiple, label="carton")
    fixed = units.round_to_unit(quantity, unit)
    assert fixed >= quantity and fixed >= minimum
    units.check_quantity(fixed, unit)  # never raises


def test_minimum_and_multiple_are_explained():
    unit = SalesUnit(base_quantity=12, min_quantity=2, multiple=2, label="carton de 12")
    with pytest.raises(DomainError, match="Minimum de commande : 2 × carton de 12"):
        units.check_quantity(1, unit)
    with pytest.raises(DomainError, match="multiple de 2"):
        units.check_quantity(3, unit)


@pytest.mark.django_db
def test_available_partial_and_unavailable_with_eta():
    product = ProductFactory()
    StockFactory(product=product, on_hand=50, reserved=20)  # 30 free
    StockFactory(product=product, warehouse=WarehouseFactory(code="lyon", name="Lyon"), on_hand=10)
    Receipt.objects.create(
        product=product,
        warehouse_id=product.stocks.first().warehouse_id,
        quantity=100,
        expected_on=TODAY + dt.timedelta(days=3),
    )
    assert availability(product_id=product.pk, quantity=40, on=TODAY).status == "available"
    partial = availability(product_id=product.pk, quantity=60, on=TODAY)
    assert (partial.status, partial.available, partial.missing) == ("partial", 40, 20)
    assert partial.eta == TODAY + dt.timedelta(days=3)
    later = availability(product_id=product.pk, quantity=60, on=TODAY + dt.timedelta(days=3))
    assert later.status == "available"  # the receipt arrives before delivery


@pytest.mark.django_db
def test_unavailable_without_receipt_has_no_eta():
    product = ProductFactory()
    StockFactory(product=product, on_hand=5, reserved=5)
    answer = availability(product_id=product.pk, quantity=1, on=TODAY)
    assert (answer.status, answer.available, answer.eta) == ("unavailable", 0, None)


@pytest.mark.django_db
def test_availability_of_many_lines_is_two_queries(django_assert_num_queries):
    products = [ProductFactory() for _ in range(30)]
    for product in products:
        StockFactory(product=product)
    with django_assert_num_queries(2):
        answers = availability_many([(p.pk, 10) for p in products], on=TODAY)
    assert all(a.status == "available" for a in answers.values())
