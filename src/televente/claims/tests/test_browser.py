"""The issue's journey in Chromium: the rep logs a claim for a damaged item of the last delivery
(the merit panel shows the order lines) and routes it to logistics; logistics settles it with a
credit note within its authority; a larger settlement waits for the supervisor; the customer gets
the emails and answers the satisfaction question, which shows in the analysis; a claim past its
deadline escalates."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.claims import services
from televente.claims.models import Claim

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_damaged_delivery_from_claim_to_satisfaction(
    page: Page, live_server, world, company, delivered, run_tasks
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)

    # The rep, on the phone: customer file, key "e", the lines of the last delivery.
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    expect(page.locator(".claims-panel")).to_contain_text("Aucune réclamation")
    page.keyboard.press("e")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Nouvelle réclamation")
    expect(page.get_by_text(delivered.number).first).to_be_visible()
    page.get_by_label("Type de réclamation").select_option("damaged")
    expect(page.locator("#questions")).to_contain_text("Réserves écrites sur le bon de livraison")
    page.get_by_label(re.compile("Beurre doux 250 g")).check()
    page.get_by_label("Ce que dit le client").fill("Deux cartons de beurre écrasés, le chef est furieux.")
    page.get_by_label("Humeur du client").select_option("angry")
    page.get_by_label("Transmettre au service").select_option("logistics")
    page.locator("#questions select").first.select_option("yes")
    page.screenshot(path=str(SHOTS / "claim_form.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer la réclamation").click()
    expect(page.locator(".messages")).to_contain_text("enregistrée")
    merit = page.locator("#merit")
    expect(merit).to_contain_text(delivered.number)
    expect(merit.locator("tr.row-highlight")).to_contain_text("Beurre doux 250 g")
    claim = Claim.objects.get()
    assert claim.service == "logistics"
    run_tasks()
    assert [world.bo_logistics.email] in [m.to for m in mail.outbox]

    # Logistics: its queue, the merit, a credit note within its authority, the customer told, closed.
    page.context.clear_cookies()
    sign_in(page, live_server, "bo_log")
    page.goto(f"{live_server.url}/reclamations/")
    page.get_by_role("link", name=claim.number).click()
    page.get_by_label("Fondée", exact=True).check()
    page.get_by_label("Ce que montre l'historique").fill("Livré le jour prévu, réserve écrite au BL.")
    page.get_by_role("button", name="Enregistrer le verdict").click()
    page.get_by_label("Type de règlement").select_option("credit_note")
    page.get_by_label("Montant (€ HT)").fill("12,40")
    page.get_by_role("button", name="Décider le règlement").click()
    expect(page.locator(".messages")).to_contain_text("Règlement décidé")
    page.get_by_label("Étape").select_option("settlement")
    expect(page.get_by_label("Message au client")).to_have_value(re.compile("Avoir"))
    page.screenshot(path=str(SHOTS / "claim_page.png"), full_page=True)
    page.get_by_role("button", name="Envoyer / noter").click()
    page.get_by_role("button", name="Clôturer la réclamation").click()
    expect(page.locator(".messages")).to_contain_text("Réclamation close")
    run_tasks()
    to_customer = [m for m in mail.outbox if m.to[0].endswith("<chef@resto.fr>")]
    assert "12,40" in to_customer[0].body and "satisfaction" in to_customer[1].body

    # The customer answers from the email's link.
    link = re.search(r"https?://\S+/reclamations/satisfaction/\S+/", to_customer[1].body).group(0)
    page.context.clear_cookies()
    page.goto(live_server.url + link[link.index("/reclamations/") :])
    page.get_by_label("Satisfait", exact=True).check()
    page.get_by_label("Un commentaire ?").fill("Réactifs, merci")
    page.get_by_role("button", name="Envoyer").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Merci")

    # A larger settlement on a second claim waits for the supervisor.
    second = services.claim_create(
        company=company, by=world.rep_a, claim_type="quality", description="Beurre rance", service="logistics"
    )
    services.claim_verdict(claim=second, by=world.bo_logistics, verdict="founded", note="Lot rappelé")
    services.settlement_propose(claim=second, by=world.bo_logistics, kind="credit_note", amount="900")
    sign_in(page, live_server, "sup_a")
    page.goto(f"{live_server.url}/reclamations/?file=approval")
    page.get_by_role("link", name=second.number).click()
    page.get_by_role("button", name="Accorder").click()
    expect(page.locator(".messages")).to_contain_text("Règlement accordé")

    # The analysis shows the answer; a claim left past its deadline escalates.
    page.goto(f"{live_server.url}/reclamations/analyse/")
    expect(page.locator("main")).to_contain_text("Réactifs, merci")
    services.claims_check_deadlines(now=second.due_at + dt.timedelta(hours=1))
    page.goto(f"{live_server.url}/reclamations/{second.pk}/")
    expect(page.locator(".page-header")).to_contain_text("escaladée")
    assert errors == []
