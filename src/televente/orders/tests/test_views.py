"""Order screen views: bounded queries whatever the order size, and the htmx endpoints."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.catalog.models import ProductLink, Receipt
from televente.customers.tests.factories import CompanyFactory
from televente.orders import services
from televente.orders.models import LostSale, OrderLine
from televente.orders.tests.factories import sellable, stock_of


@pytest.fixture
def company(world):
    return CompanyFactory(rep=world.rep_a, team=world.team_a)


def fill(order, by, count, start=0):
    for n in range(start, start + count):
        order.refresh_from_db()
        services.order_line_add(order=order, product=sellable(code=f"P{n:04d}"), by=by, version=order.version)


def screen_queries(client, order, django_assert_max_num_queries, limit=26):
    with django_assert_max_num_queries(limit):
        response = client.get(reverse("orders:detail", args=[order.pk]))
    assert response.status_code == 200
    return response


@pytest.mark.django_db
def test_the_order_screen_does_not_grow_with_the_order(client, company, world, django_assert_max_num_queries):
    order = services.order_start(company=company, by=world.rep_a)
    client.force_login(world.rep_a)
    fill(order, world.rep_a, 3)
    screen_queries(client, order, django_assert_max_num_queries)
    fill(order, world.rep_a, 30, start=3)
    response = screen_queries(client, order, django_assert_max_num_queries)
    assert response.text.count('class="order-line') == 33


@pytest.mark.django_db
def test_the_recap_does_not_grow_with_the_order(client, company, world, django_assert_max_num_queries):
    """The read-back, with its live stock check of every line (issue 13), stays bounded."""
    order = services.order_start(company=company, by=world.rep_a)
    client.force_login(world.rep_a)
    fill(order, world.rep_a, 3)
    with django_assert_max_num_queries(30) as small:
        assert client.get(reverse("orders:recap", args=[order.pk])).status_code == 200
    fill(order, world.rep_a, 30, start=3)
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("orders:recap", args=[order.pk]))
    assert response.status_code == 200 and "data-shortages" not in response.text


@pytest.mark.django_db
def test_another_team_cannot_open_the_order(client, company, world):
    order = services.order_start(company=company, by=world.rep_a)
    client.force_login(world.rep_b)
    assert client.get(reverse("orders:detail", args=[order.pk])).status_code == 404


@pytest.mark.django_db
def test_refusing_substitutes_records_a_lost_sale_and_removes_the_line(client, company, world):
    short = sellable(code="CRE001", stock=0)
    eta = timezone.localdate() + dt.timedelta(days=15)
    Receipt.objects.create(product=short, warehouse=stock_of(short).warehouse, quantity=50, expected_on=eta)
    ProductLink.objects.create(
        kind="substitute", product=short, target=sellable(code="CRE002"), reason="Même usage"
    )
    order = services.order_start(company=company, by=world.rep_a)
    line = services.order_line_add(order=order, product=short, by=world.rep_a, version=order.version)
    client.force_login(world.rep_a)
    panel = client.get(reverse("orders:line_substitutes", args=[order.pk, line.pk]))
    assert "Remplacer par" in panel.text and "Même usage" in panel.text
    order.refresh_from_db()
    response = client.post(
        reverse("orders:lost_sale", args=[order.pk]),
        {"line": line.pk, "reason": "shortage", "callback": "on", "version": order.version},
    )
    assert f"rappel prévu le {eta:%d/%m/%Y}" in response.text
    assert not OrderLine.objects.filter(pk=line.pk).exists()
    assert LostSale.objects.get().callback_on == eta
    stale = client.post(
        reverse("orders:line_add", args=[order.pk]), {"product": short.pk, "version": order.version}
    )
    assert stale.status_code == 422 and "modifiée entre-temps" in stale.text
