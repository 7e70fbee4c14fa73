"""Catalogue management screens: articles with units and links, price lists, promotions."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.catalog import pricing
from televente.catalog.models import (
    Category,
    PriceList,
    PriceListItem,
    Product,
    ProductLink,
    Promotion,
    SalesUnit,
)
from televente.catalog.tests.factories import CategoryFactory, ProductFactory, SalesUnitFactory
from televente.customers.tests.factories import CompanyFactory, SegmentFactory


@pytest.fixture
def purchasing(db):
    return UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.PURCHASING, username="achats")


def formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {f"{prefix}-TOTAL_FORMS": str(len(rows)), f"{prefix}-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{k}": v for k, v in row.items()})
    return data


def product_post(category, **changes) -> dict:
    data = {
        "p-code": "CRE200",
        "p-name": "Crème fraîche légère 20 cl",
        "p-category": category.pk,
        "p-status": "active",
        "p-base_unit": "pot",
        "p-vat_rate": "5.50",
        "p-base_price": "0,95",
        "p-lead_time_days": "0",
        "p-allergens": ["milk"],
        "p-labels": "AOP, Bio",
    }
    data.update(
        formset(
            "units",
            [
                {"code": "UVC", "label": "pot", "base_quantity": "1", "min_quantity": "1", "multiple": "1"},
                {
                    "code": "CAR",
                    "label": "carton de 12",
                    "base_quantity": "12",
                    "min_quantity": "1",
                    "multiple": "1",
                },
            ],
        )
    )
    data.update(formset("breaks", []))
    data.update(formset("links", []))
    data.update(changes)
    return data


@pytest.mark.django_db
def test_reps_and_other_back_office_cannot_manage(client, world):
    for user in (world.rep_a, world.sup_a):
        client.force_login(user)
        assert client.get(reverse("catalog:manage")).status_code == 403
        assert client.get(reverse("catalog:manage_promotions")).status_code == 403
    client.force_login(world.bo_logistics)
    assert client.get(reverse("catalog:manage_product_new")).status_code == 403


@pytest.mark.django_db
def test_product_manager_creates_an_article_with_units(client, purchasing):
    category = CategoryFactory()
    client.force_login(purchasing)
    assert "Gestion catalogue" in client.get("/").text
    response = client.post(reverse("catalog:manage_product_new"), product_post(category))
    product = Product.objects.get(code="CRE200")
    assert response["Location"] == reverse("catalog:manage_product", args=[product.pk])
    assert product.base_price == Decimal("0.9500") and product.allergens == ["milk"]
    assert product.labels == ["AOP", "Bio"]
    # No unit was marked as the default: the smallest one is.
    assert list(product.units.values_list("code", "is_default")) == [("UVC", True), ("CAR", False)]
    page = client.get(response["Location"])
    assert "Article « Crème fraîche légère 20 cl » enregistré." in page.text


@pytest.mark.django_db
def test_bad_article_keeps_what_was_typed_and_writes_nothing(client, world):
    category = CategoryFactory()
    client.force_login(world.admin)
    data = product_post(category, **{"p-base_price": "-1", "p-ean": "123"})
    data.update(formset("units", []))
    page = client.post(reverse("catalog:manage_product_new"), data)
    assert page.status_code == 200
    assert "EAN invalide" in page.text and "Un article se vend dans au moins une unité." in page.text
    assert 'value="Crème fraîche légère 20 cl"' in page.text
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_changing_the_default_unit_and_adding_links(client, world):
    product = ProductFactory(code="CRE001")
    small = SalesUnitFactory(product=product, code="UVC", label="pot", base_quantity=1, is_default=True)
    big = SalesUnitFactory(product=product, code="CAR", label="carton de 12", base_quantity=12)
    other = ProductFactory(code="CRE002")
    client.force_login(world.admin)
    data = product_post(product.category, **{"p-code": "CRE001", "p-name": product.name})
    data.update(
        formset(
            "units",
            [
                {
                    "id": small.pk,
                    "code": "UVC",
                    "label": "pot",
                    "base_quantity": "1",
                    "min_quantity": "1",
                    "multiple": "1",
                },
                {
                    "id": big.pk,
                    "code": "CAR",
                    "label": "carton de 12",
                    "base_quantity": "12",
                    "min_quantity": "1",
                    "multiple": "1",
                    "is_default": "on",
                },
            ],
            initial=2,
        )
    )
    data.update(formset("links", [{"kind": "substitute", "target": "NOPE", "rank": "1"}]))
    page = client.post(reverse("catalog:manage_product", args=[product.pk]), data)
    assert "Article inconnu : NOPE." in page.text and not ProductLink.objects.exists()
    data.update(formset("links", [{"kind": "substitute", "target": "CRE001", "rank": "1"}]))
    page = client.post(reverse("catalog:manage_product", args=[product.pk]), data)
    assert "Un article ne peut pas être lié à lui-même." in page.text
    data.update(
        formset("links", [{"kind": "substitute", "target": "CRE002", "reason": "Même usage", "rank": "1"}])
    )
    response = client.post(reverse("catalog:manage_product", args=[product.pk]), data)
    assert response.status_code == 302
    assert SalesUnit.objects.get(pk=big.pk).is_default and not SalesUnit.objects.get(pk=small.pk).is_default
    link = ProductLink.objects.get()
    assert (link.product, link.target, link.reason) == (product, other, "Même usage")
    assert 'value="CRE002"' in client.get(response["Location"]).text  # the link shows the code, not an id


@pytest.mark.django_db
def test_price_list_items_are_set_and_removed(client, purchasing):
    product = ProductFactory(code="BEU001", base_price=Decimal("2.5"))
    client.force_login(purchasing)
    response = client.post(
        reverse("catalog:manage_price_list_new"), {"pl-name": "Tarif restaurants", "pl-is_active": "on"}
    )
    price_list = PriceList.objects.get()
    url = reverse("catalog:manage_price_item_set", args=[price_list.pk])
    bad = client.post(url, {"item-product": "NOPE", "item-price": "2,1"})
    assert bad.status_code == 422 and "Article inconnu : NOPE." in bad.text and 'value="NOPE"' in bad.text
    client.post(url, {"item-product": "BEU001", "item-price": "2.25"})
    client.post(url, {"item-product": "BEU001", "item-price": "2.2"})
    item = PriceListItem.objects.get()
    assert (item.product, item.price) == (product, Decimal("2.2000"))
    page = client.get(response["Location"])
    assert "BEU001" in page.text and "-12\u00a0%" in page.text
    client.post(reverse("catalog:manage_price_item_delete", args=[price_list.pk, item.pk]))
    assert not PriceListItem.objects.exists()


@pytest.mark.django_db
def test_promotion_form_checks_the_mechanic_and_previews_targets(client, purchasing):
    restaurants = SegmentFactory(code="restaurant", name="Restaurant")
    bakeries = SegmentFactory(code="boulangerie", name="Boulangerie")
    CompanyFactory.create_batch(3, segment=restaurants)
    named = CompanyFactory(segment=bakeries)
    CompanyFactory(segment=bakeries)
    cremerie = CategoryFactory(code="cremerie", name="Crèmerie")
    cremes = Category.objects.create(code="cremes", name="Crèmes", parent=cremerie)
    ProductFactory.create_batch(2, category=cremes)
    client.force_login(purchasing)
    today = timezone.localdate()
    data = {
        "promo-name": "Crème -15 %",
        "promo-valid_from": today.isoformat(),
        "promo-valid_until": (today + dt.timedelta(days=30)).isoformat(),
        "promo-mechanic": "percent",
        "promo-segments": [restaurants.pk],
        "promo-company_refs": named.siret,
        "promo-categories": [cremerie.pk],
    }
    preview = client.post(reverse("catalog:manage_promotion_preview"), data)
    assert "4 clients ciblés" in preview.text and "2 articles concernés" in preview.text
    page = client.post(reverse("catalog:manage_promotion_new"), data)
    assert page.status_code == 422 and "Obligatoire pour cette mécanique." in page.text
    assert "4 clients ciblés" in page.text and not Promotion.objects.exists()
    data["promo-percent"] = "15"
    response = client.post(reverse("catalog:manage_promotion_new"), data)
    promo = Promotion.objects.get()
    assert response.status_code == 302 and list(promo.companies.all()) == [named]
    listing = client.get(reverse("catalog:manage_promotions"))
    assert "Crème -15 %" in listing.text and "en cours" in listing.text
    bad = client.post(
        reverse("catalog:manage_promotion_preview"), {**data, "promo-company_refs": "99999999999999"}
    )
    assert "Clients inconnus : 99999999999999." in bad.text


@pytest.mark.django_db
def test_customer_targeting_adds_segments_and_named_customers(db):
    restaurants = SegmentFactory(code="restaurant", name="Restaurant")
    bakeries = SegmentFactory(code="boulangerie", name="Boulangerie")
    restaurant, bakery, named_bakery = (
        CompanyFactory(segment=restaurants),
        CompanyFactory(segment=bakeries),
        CompanyFactory(segment=bakeries),
    )
    today = timezone.localdate()
    promo = Promotion.objects.create(
        name="P", valid_from=today, valid_until=today, mechanic="percent", percent=Decimal("10")
    )
    everyone = Promotion.objects.create(
        name="Tous", valid_from=today, valid_until=today, mechanic="percent", percent=Decimal("5")
    )
    promo.segments.add(restaurants)
    promo.companies.add(named_bakery)

    def names(company):
        return {r.promotion.name for r in pricing.promotions_for(company=company, on=today)}

    assert names(restaurant) == {"P", "Tous"}
    assert names(named_bakery) == {"P", "Tous"}
    assert names(bakery) == {"Tous"}
    assert set(pricing.targeted_companies(segment_ids=[restaurants.pk], company_ids=[named_bakery.pk])) == {
        restaurant,
        named_bakery,
    }
    assert everyone.pk


@pytest.mark.django_db
def test_a_promotion_on_a_family_covers_its_subcategories(db):
    cremerie = CategoryFactory(code="cremerie", name="Crèmerie")
    cremes = Category.objects.create(code="cremes", name="Crèmes", parent=cremerie)
    creme = ProductFactory(category=cremes)
    other = ProductFactory(category=CategoryFactory(code="epicerie", name="Épicerie"))
    today = timezone.localdate()
    promo = Promotion.objects.create(
        name="P", valid_from=today, valid_until=today, mechanic="percent", percent=Decimal("10")
    )
    promo.categories.add(cremerie)
    assert pricing.promotion_applies_to(promo, creme) and not pricing.promotion_applies_to(promo, other)
    assert list(pricing.targeted_products(category_ids=[cremerie.pk], product_ids=[])) == [creme]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_product_manager_builds_a_promotion_with_its_preview(page: Page, live_server, reference_data):
    UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.PURCHASING, username="achats")
    restaurants = SegmentFactory(code="restaurant-test", name="Restaurant test")
    CompanyFactory.create_batch(3, segment=restaurants)
    cremerie = CategoryFactory(code="cremerie", name="Crèmerie")
    ProductFactory(code="CRE001", name="Crème fraîche épaisse", category=cremerie)
    sign_in(page, live_server, "achats")
    page.get_by_role("link", name="Gestion catalogue").first.click()
    page.get_by_role("link", name="Promotions").click()
    page.get_by_role("link", name="Nouvelle offre").click()
    page.get_by_label("Nom").fill("Crème fraîche -15 %")
    today = timezone.localdate()
    page.get_by_label("Valable du").fill(today.isoformat())
    page.get_by_label("Valable jusqu'au").fill((today + dt.timedelta(days=14)).isoformat())
    page.get_by_label("Mécanique").select_option(label="Remise en %")
    page.get_by_label("Restaurant test").check()
    preview = page.locator("#promotion-preview")
    expect(preview).to_contain_text("3 clients ciblés")
    page.get_by_label("Articles (codes)").fill("CRE001")
    expect(preview).to_contain_text("1 article concerné")
    expect(preview).to_contain_text("Crème fraîche épaisse")
    page.get_by_role("button", name="Enregistrer l'offre").click()
    expect(page.locator(".field.has-error")).to_contain_text("Obligatoire pour cette mécanique.")
    expect(page.get_by_label("Nom")).to_have_value("Crème fraîche -15 %")
    page.get_by_label("Remise (%)").fill("15")
    page.screenshot(path=str(SHOTS / "promotion_form.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer l'offre").click()
    expect(page.get_by_text("Offre « Crème fraîche -15 % » enregistrée.")).to_be_visible()
    assert Promotion.objects.get().products.get().code == "CRE001"


@pytest.mark.django_db
def test_management_lists_have_bounded_queries(client, purchasing, django_assert_max_num_queries):
    for n in range(60):
        product = ProductFactory(code=f"M{n:04d}")
        SalesUnitFactory(product=product, code="UVC", label="pot", base_quantity=1, is_default=True)
    client.force_login(purchasing)
    with django_assert_max_num_queries(10):
        assert client.get(reverse("catalog:manage")).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("catalog:manage_price_lists")).status_code == 200
