"""Issue 4's rep journey in Chromium: search "creme", open the sheet, allergens, availability,
substitutes and a promotion for the current customer."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.catalog.models import ProductLink, Promotion
from televente.catalog.tests.factories import StockFactory
from televente.catalog.tests.test_views import indexed
from televente.customers.tests.factories import CompanyFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_rep_finds_creme_fraiche_and_reads_its_sheet(page: Page, live_server, world):
    company = CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port")
    creme = indexed(
        name="Crème fraîche épaisse 35 % 1 L", code="CRE00018", allergens=["milk"], storage="Entre 0 et 4 °C"
    )
    StockFactory(product=creme, on_hand=0)
    big = indexed(name="Crème fraîche épaisse 35 % 5 L", code="CRE00283")
    StockFactory(product=big, on_hand=300)
    ProductLink.objects.create(
        kind="substitute", product=creme, target=big, reason="Même crème, grand format"
    )
    promo = Promotion.objects.create(
        name="Crème fraîche -15 %",
        mechanic="percent",
        percent=Decimal("15"),
        valid_from=dt.date.today(),
        valid_until=dt.date.today() + dt.timedelta(days=20),
    )
    promo.products.add(creme)

    sign_in(page, live_server, "rep_a")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.wait_for_load_state("load")  # app.js (deferred) listens for the shortcut
    page.keyboard.press("g")
    page.keyboard.press("p")
    expect(page.get_by_role("heading", level=1)).to_have_text("Catalogue")
    page.get_by_label("Prix pour le client (nom ou n°)").fill("brasserie du")
    page.get_by_label("Article : code, EAN ou mots").fill("creme")
    results = page.locator("#catalog-results")
    expect(results).to_contain_text("Crème fraîche épaisse 35 % 1 L")
    page.get_by_role("button", name="Chercher").click()
    expect(results).to_contain_text("Prix HT pour Brasserie du Port")
    page.screenshot(path=str(SHOTS / "catalog_search.png"))
    results.get_by_role("link", name="Crème fraîche épaisse 35 % 1 L").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crème fraîche épaisse 35 % 1 L")
    expect(page.get_by_role("region", name="Fiche technique")).to_contain_text("Lait")
    expect(page.get_by_role("region", name="Disponibilité et prix")).to_contain_text("Rupture")
    expect(page.get_by_role("region", name="Produits de substitution")).to_contain_text("5 L")
    expect(page.get_by_role("region", name="Offres en cours pour ce client")).to_contain_text(
        "Crème fraîche -15 %"
    )
    page.screenshot(path=str(SHOTS / "product_sheet.png"), full_page=True)
    assert company
