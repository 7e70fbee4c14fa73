"""The journey in Chromium: during a call the rep notes a competitor's price from the customer's
card and sends the satisfaction survey by email; the customer answers through the link (which then
says it was already used); the supervisor reads the results with the NPS."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.market.models import CompetitorObservation, SurveyResponse
from televente.messaging.models import Message

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_competitor_noted_survey_emailed_answered_once_and_results(
    page: Page, live_server, world, reference_data, company, flour, survey
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The rep, on the customer file: key x goes to the competitor field.
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    panel = page.locator(".market-panel")
    expect(panel).to_contain_text("Aucune information sur la concurrence")
    page.locator("body").click()
    page.keyboard.press("x")
    expect(page.locator("#veille_competitor")).to_be_focused()
    page.keyboard.type("Distri-Frais Ouest")
    page.locator("#veille_product").fill("FAR001")
    page.locator("#veille_price").fill("18,50")
    page.locator("#veille_price_unit").fill("sac")
    page.locator("#veille_satisfaction").select_option("dissatisfied")
    page.get_by_role("button", name="Noter").click()
    expect(page.locator(".market-observations")).to_contain_text("Distri-Frais Ouest")
    observation = CompetitorObservation.objects.get()
    assert observation.product == flour and str(observation.price) == "18.5000"

    # ... and sends the open survey by email from the same card.
    page.locator(".market-surveys").get_by_role("button", name="Envoyer l'enquête par e-mail").click()
    expect(page.locator(".market-surveys")).to_contain_text("invité par e-mail")
    page.screenshot(path=str(SHOTS / "market_panel.png"), full_page=True)
    body = Message.objects.get(idempotency_key__startswith="market.invitation:").body_text
    link = re.search(r"/veille/enquete/[^/\s]+/", body).group(0)

    # The customer, without an account, answers through the link.
    page.context.clear_cookies()
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", level=1)).to_have_text(survey.title)
    questions = page.locator("ol.questions > li")
    questions.nth(0).get_by_label("10", exact=True).check()
    questions.nth(1).get_by_label("8", exact=True).check()
    questions.nth(2).get_by_label("4", exact=True).check()
    questions.nth(3).get_by_label("9", exact=True).check()
    questions.nth(4).get_by_label("Téléphone").check()
    questions.nth(5).locator("textarea").fill("Livrer plus tôt le samedi")
    page.screenshot(path=str(SHOTS / "market_public_survey.png"), full_page=True)
    page.get_by_role("button", name="Envoyer mes réponses").click()
    expect(page.locator(".public-survey")).to_contain_text("Merci beaucoup !")
    page.goto(live_server.url + link)
    expect(page.locator(".public-survey")).to_contain_text("Vous avez déjà répondu, merci")
    assert SurveyResponse.objects.count() == 1

    # The supervisor reads the results.
    sign_in(page, live_server, "sup_a")
    page.keyboard.press("g")
    page.keyboard.press("q")
    expect(page.get_by_role("heading", level=1)).to_have_text("Enquêtes et veille")
    page.get_by_role("link", name="Résultats").first.click()
    expect(page.locator("#nps")).to_have_text("100")
    expect(page.locator("#csat")).to_contain_text("100")
    expect(page.locator("#weaknesses")).to_contain_text("Délais de livraison")
    expect(page.get_by_text("Livrer plus tôt le samedi")).to_be_visible()
    page.screenshot(path=str(SHOTS / "market_results.png"), full_page=True)
    # the used link answers 410 on purpose, which the browser reports; nothing else may fail
    assert not [e for e in errors if "410" not in e], errors
