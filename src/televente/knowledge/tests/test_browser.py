"""The journey in Chromium: on the customer file the rep presses k, searches "allergenes", reads the
article in place, ticks the technical sheet of a product the customer buys and sends it; the email
leaves with the sheet attached and the sending shows on the customer's timeline."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.knowledge.choices import SendingStatus
from televente.knowledge.models import DocumentSending

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_search_read_and_send_a_technical_sheet(
    page: Page, live_server, world, company, articles, sheet, usual, run_tasks
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    panel = page.locator(".knowledge-panel")
    expect(panel).to_contain_text("Envoyer de la documentation")

    page.locator("body").click()
    page.keyboard.press("k")
    expect(panel.locator("input[name=q]")).to_be_focused()
    page.keyboard.type("allergenes")
    result = panel.locator("#knowledge-results details").first
    expect(result).to_contain_text("Les 14 allergènes à déclarer")
    expect(result.locator("mark").first).to_contain_text("allergènes")
    result.locator("summary").click()
    expect(result).to_contain_text("Gluten, crustacés, œufs")
    assert page.url.endswith(f"/clients/{company.pk}/")  # read in place, the call goes on

    panel.get_by_label("Fiche technique Beurre doux").check()
    expect(panel.get_by_label("Destinataire")).to_have_value(str(company.chef.pk))
    page.screenshot(path=str(SHOTS / "knowledge_panel.png"), full_page=True)
    panel.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.locator(".knowledge-panel")).to_contain_text("Documentation envoyée à paul@boulangerie.fr")

    run_tasks()
    sent = [m for m in mail.outbox if "paul@boulangerie.fr" in m.to[0]]
    assert len(sent) == 1 and sent[0].attachments[0][0] == "fiche-technique-beu001.pdf"
    assert DocumentSending.objects.get().status == SendingStatus.QUEUED
    page.reload()
    expect(page.get_by_text("Documentation envoyée : Fiche technique Beurre doux").first).to_be_visible()
    expect(page.locator(".knowledge-panel")).to_contain_text("Envoyé")

    # The knowledge page: "/" goes to the search, results as you type, ranked with a snippet.
    page.keyboard.press("g")
    page.keyboard.press("k")
    expect(page.get_by_role("heading", level=1)).to_have_text("Base de connaissances")
    page.keyboard.press("/")
    page.keyboard.type("creme")
    expect(page.locator("#results")).to_contain_text("1 article trouvé")
    expect(page.locator("#results")).to_contain_text("Crème fraîche ou crème liquide ?")
    page.screenshot(path=str(SHOTS / "knowledge_home.png"), full_page=True)
    assert not errors, errors
