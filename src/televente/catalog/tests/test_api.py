import datetime as dt
from decimal import Decimal

import pytest

from televente.accounts import services as account_services
from televente.catalog.models import Receipt, Stock
from televente.catalog.tests.factories import StockFactory, WarehouseFactory
from televente.catalog.tests.test_views import indexed
from televente.customers.tests.factories import CompanyFactory


def api_client(client, user):
    _token, raw = account_services.api_token_create(user=user, name="ERP")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.mark.django_db
def test_search_and_availability(client, world):
    api = api_client(client, world.rep_a)
    creme = indexed(name="Crème fraîche 1 L", code="CRE001")
    StockFactory(product=creme, on_hand=10)  # 10 pots = 1 carton of 6 and 4 pots
    Receipt.objects.create(
        product=creme,
        warehouse=creme.stocks.get().warehouse,
        quantity=60,
        expected_on=dt.date.today() + dt.timedelta(days=30),
    )
    found = api.get("/api/v1/products", {"search": "creme"}).json()
    assert found[0]["code"] == "CRE001" and found[0]["units"][0]["base_quantity"] == 6
    url = f"/api/v1/products/{creme.pk}/availability"
    assert api.get(url, {"qty": 1}).json()["status"] == "available"
    short = api.get(url, {"qty": 2, "unit": "CAR"}).json()
    assert (short["status"], short["available_base_units"], short["missing_base_units"]) == ("partial", 10, 2)
    assert short["eta"] == (dt.date.today() + dt.timedelta(days=30)).isoformat()
    bad = api.get(url, {"qty": 1, "unit": "PAL"})
    assert bad.status_code == 400 and bad.json()["error"]["details"][0]["field"] == "unit"


@pytest.mark.django_db
def test_stock_push_is_idempotent_and_all_or_nothing(client, world):
    product = indexed(code="BEU001")
    WarehouseFactory()
    api = api_client(client, world.bo_logistics)
    body = {"items": [{"product": "BEU001", "warehouse": "rungis", "on_hand": 120}]}
    first = api.put("/api/v1/stock", body, content_type="application/json")
    assert first.json() == {"received": 1, "changed": 1}
    again = api.put("/api/v1/stock", body, content_type="application/json")
    assert again.json() == {"received": 1, "changed": 0}
    Stock.objects.filter(product=product).update(reserved=50)
    bad = api.put(
        "/api/v1/stock",
        {
            "items": [
                {"product": "BEU001", "warehouse": "rungis", "on_hand": 40},
                {"product": "NOPE", "warehouse": "rungis", "on_hand": 1},
            ]
        },
        content_type="application/json",
    )
    assert bad.status_code == 422
    fields = {d["field"] for d in bad.json()["error"]["details"]}
    assert fields == {"items.0.on_hand", "items.1.product"}
    assert Stock.objects.get(product=product).on_hand == 120
    rep = api_client(client, world.rep_a)
    assert rep.put("/api/v1/stock", body, content_type="application/json").status_code == 403


@pytest.mark.django_db
def test_company_prices_for_visible_companies_only(client, world):
    api = api_client(client, world.rep_a)
    mine = CompanyFactory(rep=world.rep_a)
    theirs = CompanyFactory(rep=world.rep_b)
    indexed(code="BEU001", base_price=Decimal("2.4500"))
    body = api.get(f"/api/v1/companies/{mine.pk}/prices", {"products": "BEU001", "qty": 20}).json()
    assert body == [
        {
            "product": "BEU001",
            "unit_price": "2.4500",
            "source": "base",
            "explanation": "Prix de base",
            "quantity_base_units": 20,
            "line_amount": "49.00",
        }
    ]
    assert api.get(f"/api/v1/companies/{theirs.pk}/prices", {"products": "BEU001"}).status_code == 404
