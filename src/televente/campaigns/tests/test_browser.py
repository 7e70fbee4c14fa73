"""The issue's journey in Chromium: the supervisor builds a reactivation campaign for inactive bakeries
(segment Boulangerie + status Inactif) with a script and a promotion, previews its target, launches it,
generates tomorrow's plan and finds the campaign's calls in it; the rep sees the campaign's card on
the customer file."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.campaigns.models import Campaign

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_reactivation_campaign_reaches_tomorrows_plan(page: Page, live_server, world, bakeries, run_tasks):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "sup_a")
    page.wait_for_load_state("networkidle")
    page.keyboard.press("g")
    page.keyboard.press("n")
    expect(page.get_by_role("heading", level=1)).to_have_text("Campagnes")
    page.get_by_role("link", name="Nouvelle campagne").click()
    page.get_by_label(re.compile(r"^Nom")).fill("Relance boulangeries inactives")
    page.get_by_label(re.compile(r"^Objectif \*")).select_option("reactivate")
    page.get_by_label("Message clé pour les télévendeurs").fill("Leur rappeler la farine T55 à prix spécial.")
    page.get_by_label("Script", exact=True).select_option(label=bakeries.script.name)
    page.get_by_label("Offre", exact=True).select_option(label=bakeries.promotion.name)
    page.get_by_label("Objectif : commandes").fill("2")
    page.get_by_label("Objectif : CA HT (€)").fill("1 500,50")
    page.get_by_label("Typologie", exact=True).select_option(label="Boulangerie-pâtisserie")
    page.get_by_label("Inactif", exact=True).check()
    preview = page.locator("#target-preview")
    expect(preview.get_by_test_id("matched")).to_have_text("5")
    expect(preview.get_by_test_id("excluded")).to_have_text("2")
    expect(preview).to_contain_text("Aucun numéro de téléphone")
    expect(preview).to_contain_text("Fournil Inactif")
    expect(preview.get_by_role("link", name="Ouvrir ce filtre dans le portefeuille")).to_have_attribute(
        "href", f"/clients/?status=inactive&segment={bakeries.segment.pk}"
    )
    page.screenshot(path=str(SHOTS / "campaign_builder.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer la campagne").click()
    expect(page.locator(".messages")).to_contain_text("enregistrée")
    page.get_by_role("button", name="Lancer la campagne").click()
    expect(page.locator(".messages")).to_contain_text("Campagne lancée : 3 clients ciblés")
    expect(page.get_by_test_id("targets")).to_have_text("3")
    campaign = Campaign.objects.get()
    assert campaign.status == "running" and campaign.script == bakeries.script
    assert str(campaign.objective_revenue) == "1500.50"

    # Tomorrow's plan: the campaign's targets are in it.
    page.goto(f"{live_server.url}/appels/plans/")
    page.get_by_role("button", name="Générer").click()
    run_tasks()
    expect(page.get_by_role("button", name="Publier le plan")).to_be_visible(timeout=15_000)
    for summary in page.locator("details.rep-plan > summary").all():
        summary.click()
    for name in ("Fournil Inactif", "Mie Inactive", "Pâtisserie Dormante"):
        row = page.locator("tr", has=page.get_by_role("cell", name=name, exact=True))
        expect(row).to_contain_text("Campagne")
    page.screenshot(path=str(SHOTS / "campaign_plan.png"), full_page=True)

    # The rep finds the campaign's card on the customer's file.
    page.context.clear_cookies()
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{bakeries.fournil.pk}/")
    card = page.locator(".campaigns-panel")
    expect(card).to_contain_text("Relance boulangeries inactives")
    expect(card).to_contain_text("0,79 € le kilo")
    assert not errors
