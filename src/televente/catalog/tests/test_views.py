import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from televente.catalog.models import ProductLink, Promotion, Receipt, SalesUnit
from televente.catalog.search import PRODUCT_INDEX, build_search_text
from televente.catalog.selectors import product_search
from televente.catalog.tests.factories import ProductFactory, StockFactory
from televente.customers.tests.factories import CompanyFactory


def indexed(**kwargs):
    product = ProductFactory(**kwargs)
    product.search_text = build_search_text(product, product.category.name)
    product.save(update_fields=["search_text"])
    SalesUnit.objects.create(
        product=product, code="CAR", label="carton de 6", base_quantity=6, is_default=True
    )
    return product


@pytest.mark.django_db
def test_search_forgives_accents_and_ranks_code_and_names_first(world):
    creme = indexed(name="Crème fraîche épaisse 1 L", code="CRE001")
    indexed(name="Beurre doux 250 g", code="BEU001")  # same category "Crèmerie": matched, ranked after
    rows = product_search(query="creme", company=None)
    assert rows[0].product.pk == creme.pk
    assert [r.product.code for r in product_search(query="beu001")] == ["BEU001"]
    assert not PRODUCT_INDEX.filter(type(creme).objects.all(), "fraiches").exists()


@pytest.mark.django_db
def test_search_query_count_is_bounded(world, django_assert_max_num_queries):
    company = CompanyFactory(rep=world.rep_a)
    for n in range(25):
        indexed(name=f"Crème {n}")
    with django_assert_max_num_queries(10):
        rows = product_search(query="creme", company=company)
    assert len(rows) == 20


@pytest.mark.django_db
def test_product_sheet_shows_allergens_availability_substitutes_and_promotion(client, world):
    company = CompanyFactory(rep=world.rep_a)
    creme = indexed(name="Crème fraîche 1 L", allergens=["milk"], storage="Entre 0 et 4 °C")
    StockFactory(product=creme, on_hand=0)
    Receipt.objects.create(
        product=creme,
        warehouse=creme.stocks.get().warehouse,
        quantity=60,
        expected_on=dt.date.today() + dt.timedelta(days=5),
    )
    other = indexed(name="Crème fraîche 5 L")
    StockFactory(product=other, on_hand=500)
    ProductLink.objects.create(
        kind="substitute", product=creme, target=other, reason="Même crème, grand format"
    )
    promo = Promotion.objects.create(
        name="Crème -15 %",
        mechanic="percent",
        percent=Decimal("15"),
        valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=30),
    )
    promo.products.add(creme)
    client.force_login(world.rep_a)
    page = client.get(reverse("catalog:product", kwargs={"pk": creme.pk}), {"client": company.pk})
    assert page.status_code == 200
    for text in (
        "Lait",
        "Rupture",
        "Crème fraîche 5 L",
        "Même crème, grand format",
        "Crème -15 %",
        "Entre 0 et 4 °C",
    ):
        assert text in page.text, text


@pytest.mark.django_db
def test_prices_only_for_a_visible_customer(client, world):
    theirs = CompanyFactory(rep=world.rep_b, trade_name="Ailleurs")
    product = indexed(name="Crème fraîche 1 L")
    client.force_login(world.rep_a)
    page = client.get(reverse("catalog:search"), {"q": "creme", "client": theirs.pk})
    assert "Ailleurs" not in page.text
    assert product.name in page.text


@pytest.mark.django_db
def test_catalogue_export_csv_and_xlsx(client, world):
    product = indexed(name='=HYPERLINK("x") crème', allergens=["milk"])
    StockFactory(product=product, on_hand=40, reserved=4)
    client.force_login(world.rep_a)
    body = b"".join(client.get(reverse("catalog:export", kwargs={"fmt": "csv"})).streaming_content).decode()
    assert "'=HYPERLINK" in body and "carton de 6 (6)" in body and ";36;" in body and "Lait" in body
    xlsx = client.get(reverse("catalog:export", kwargs={"fmt": "xlsx"}))
    assert xlsx.content[:2] == b"PK"


@pytest.mark.django_db
def test_product_sheet_query_count_does_not_grow_with_links(world, django_assert_max_num_queries):
    from televente.catalog.selectors import product_sheet

    company = CompanyFactory(rep=world.rep_a)
    product = indexed(name="Crème 1 L")
    for n in range(8):
        other = indexed(name=f"Crème {n} L")
        StockFactory(product=other)
        ProductLink.objects.create(
            kind="substitute" if n % 2 else "complement", product=product, target=other
        )
    with django_assert_max_num_queries(14):
        sheet = product_sheet(product_id=product.pk, company=company)
    assert len(sheet.substitutes) == 4 and len(sheet.complements) == 4
