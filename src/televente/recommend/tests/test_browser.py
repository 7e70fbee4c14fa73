"""The order screen with trained tables, in Chromium: the habitual basket comes from the model, a
learned complement is added in one click, and a short line's substitutes show the catalogue's link
first, then a learned one."""

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.catalog.models import ProductLink
from televente.customers.tests.factories import CompanyFactory
from televente.orders import services
from televente.orders.tests.factories import sellable, unit
from televente.recommend.models import BasketScore, ComplementScore, SubstituteScore

from .test_selectors import provider  # noqa: F401 (fixture)


def trained_customer(world):
    """A customer with trained rows inserted as the nightly task would leave them."""
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Brasserie des Halles")
    bread = sellable(code="PAIN01", name="Pain de campagne")
    short = sellable(code="CRE001", name="Crème fraîche épaisse", stock=0)
    neighbours = sellable(code="RIZ01", name="Riz basmati")
    for rank, (product, own, quantity) in enumerate(
        [(bread, True, 3), (short, True, 2), (neighbours, False, 5)], start=1
    ):
        BasketScore.objects.create(
            company=company, product=product, rank=rank, score=1.0 / rank, own=own,
            unit=unit(product, "CAR"), quantity=quantity,
        )  # fmt: skip
    olives = sellable(code="OLIV01", name="Olives vertes")
    ComplementScore.objects.create(product=bread, target=olives, rank=1, score=0.6)
    explicit = sellable(code="CRE002", name="Crème fraîche légère", stock=200)
    learned = sellable(code="CRE003", name="Crème fluide", stock=200)
    ProductLink.objects.create(
        kind="substitute", product=short, target=explicit, reason="Même usage en cuisine"
    )
    SubstituteScore.objects.create(
        product=short,
        target=learned,
        rank=1,
        score=0.8,
        name_similarity=0.7,
        buyer_similarity=0.5,
        accepted=2,
    )
    return company


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rep_uses_the_trained_suggestions(page: Page, live_server, world, reference_data, provider):  # noqa: F811
    company = trained_customer(world)
    order = services.order_start(company=company, by=world.rep_a)
    sign_in(page, live_server, "rep_a")
    page.goto(live_server.url + reverse("orders:detail", args=[order.pk]))
    page.wait_for_load_state("load")

    habits = page.locator("#habit-list li")
    expect(habits).to_have_count(3)
    expect(habits.nth(0)).to_contain_text("Pain de campagne")
    expect(habits.nth(0).locator("[data-habit-qty]")).to_have_value("3")
    expect(habits.nth(2)).to_contain_text("Riz basmati")
    expect(habits.nth(2)).to_contain_text("Commandé par des clients comparables")

    lines = page.locator("#order-lines tr.order-line")
    habits.nth(0).get_by_role("button", name="Ajouter").click()
    expect(lines).to_have_count(1)
    expect(lines.first).to_contain_text("Pain de campagne")
    expect(lines.first.locator("[data-qty]")).to_have_value("3")

    complements = page.locator("[data-complements]")
    expect(complements).to_contain_text("Olives vertes")
    expect(complements).to_contain_text("souvent commandé avec Pain de campagne")
    page.wait_for_load_state("networkidle")
    complements.get_by_role("button", name="Olives vertes").click()  # one click
    expect(lines).to_have_count(2)
    expect(lines.filter(has_text="Olives vertes")).to_have_count(1)

    page.wait_for_load_state("networkidle")
    page.locator("#habit-list li", has_text="Crème fraîche épaisse").get_by_role(
        "button", name="Ajouter"
    ).click()
    short = page.locator("#order-lines tr.short")
    expect(short).to_contain_text("Rupture")
    page.wait_for_load_state("networkidle")
    short.get_by_role("button", name="substituts (S)").click()
    panel = page.locator("[data-substitute-panel]")
    choices = panel.locator("[data-substitute-choice]")
    expect(choices).to_have_count(2)
    expect(choices.nth(0)).to_contain_text("Crème fraîche légère")
    expect(choices.nth(1)).to_contain_text("Crème fluide")
    expect(panel.locator("[data-learned]")).to_contain_text("suggéré")
    expect(panel.locator("[data-learned]")).to_contain_text(
        "désignation proche · mêmes acheteurs · déjà accepté 2 fois"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "recommend_order.png"), full_page=True)
