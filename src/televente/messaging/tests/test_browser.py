"""The supervisor's journey in Chromium: from the outbox to the templates, a new template written
with the variable palette, refused for an unknown variable, fixed, previewed with a real customer
and saved; then the outbox and a failed message's page, sent again."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.customers.tests.factories import PhoneFactory
from televente.messaging import services
from televente.messaging.choices import MessageStatus
from televente.messaging.models import Message, MessageTemplate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page: Page, name: str) -> None:
    """A full-page screenshot with the whole page in the viewport: Chromium does not paint
    sandboxed frames (out of process) that lie beyond the viewport in a `full_page` capture."""
    size = page.viewport_size
    height = page.evaluate("document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": height})
    page.wait_for_timeout(300)  # the frames repaint at the new size
    page.screenshot(path=str(SHOTS / name))
    page.set_viewport_size(size)


@pytest.fixture
def outbox(company, world, run_tasks):
    """A sent email, a failed one and an SMS to a contact who refuses them."""
    sent = services.message_queue(
        channel="email",
        contact=company.chef,
        subject="Confirmation de votre commande C-2041",
        body="Bonjour Madame Martin,\nNous vous confirmons votre commande C-2041.\nÀ bientôt.",
        by=world.rep_a,
    )
    run_tasks()
    failed = services.message_queue(
        channel="email",
        contact=company.chef,
        subject="Relance de votre devis",
        body="Bonjour,\nAvez-vous pu regarder notre proposition ?",
        by=world.rep_a,
    )
    Message.objects.filter(pk=failed.pk).update(
        status=MessageStatus.FAILED,
        attempts=services.MAX_ATTEMPTS,
        last_error="(451, b'4.3.0 Try again later')",
        next_attempt_at=timezone.now(),
    )
    PhoneFactory(company=company, contact=company.chef, e164="+33612345678")
    company.chef.opt_out_sms = True
    company.chef.save()
    blocked = services.message_queue(
        channel="sms", contact=company.chef, body="Votre livraison arrive demain matin."
    )
    services.outbox_send(blocked.pk)
    return sent, failed, blocked


def test_a_supervisor_writes_a_template_with_the_palette_then_follows_the_outbox(
    page: Page, live_server, world, company, outbox
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    sent, failed, blocked = outbox

    # From the navigation to the outbox, then its templates.
    sign_in(page, live_server, "sup_a")
    nav = page.get_by_role("navigation", name="Navigation principale")
    nav.get_by_text("Plus").click()  # a supervisor's occasional pages are under "Plus"
    nav.get_by_role("link", name="Messages").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Boîte d'envoi")
    page.get_by_role("link", name="Modèles de message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Modèles de message")
    expect(page.get_by_role("link", name="Confirmation de commande").first).to_be_visible()
    page.get_by_role("link", name="Nouveau modèle").click()

    # A new template: the variables come from the palette, where the cursor was.
    page.get_by_label(re.compile(r"^Nom\b")).fill("Relance devis")
    page.get_by_label(re.compile(r"^Code\b")).fill("relance-devis")
    expect(page.get_by_label(re.compile(r"^Porte sur\b"))).to_have_value("company")
    subject = page.get_by_label(re.compile(r"^Objet\b"))
    subject.fill("Votre devis, ")
    page.get_by_role("button", name="{{ customer.name }}").click()
    expect(subject).to_have_value("Votre devis, {{ customer.name }}")
    body = page.get_by_label(re.compile(r"^Texte\b"))
    body.fill("Bonjour ")
    page.get_by_role("button", name="{{ contact.greeting }}").click()
    body.press("End")
    body.type(",\nJe reviens vers vous, {{ contact.prenom }}.\n")
    page.get_by_role("button", name="{{ rep.full_name }}").click()
    expect(body).to_have_value(
        "Bonjour {{ contact.greeting }},\nJe reviens vers vous, {{ contact.prenom }}.\n{{ rep.full_name }}"
    )
    preview = page.locator("#preview")
    expect(preview).to_contain_text("Variable inconnue : {{ contact.prenom }}")

    # Saving is refused next to the text, which is kept as typed.
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.locator(".field.has-error")).to_contain_text("Variable inconnue : {{ contact.prenom }}")
    expect(page.locator(".field.has-error")).to_contain_text("first_name")
    expect(page.get_by_label(re.compile(r"^Texte\b"))).to_have_value(re.compile(r"\{\{ contact\.prenom \}\}"))
    assert not MessageTemplate.objects.filter(code="relance-devis").exists()

    # Fixed: the preview shows the real customer's values, in the text and in the HTML version.
    body = page.get_by_label(re.compile(r"^Texte\b"))
    body.fill(body.input_value().replace("{{ contact.prenom }}", "{{ contact.first_name }}"))
    expect(preview).not_to_contain_text("Variable inconnue")
    expect(preview.locator(".preview-subject")).to_have_text("Votre devis, Le Bistrot")
    expect(preview.locator(".preview-text")).to_contain_text("Bonjour Madame Martin,")
    expect(preview.locator(".preview-text")).to_contain_text("Je reviens vers vous, Lucie.")
    expect(page.frame_locator("#preview iframe").locator("body")).to_contain_text("Bonjour Madame Martin,")
    expect(page.get_by_label("Fiche", exact=True)).to_have_value(str(company.pk))
    shoot(page, "messages_template.png")
    page.get_by_role("button", name="Enregistrer le modèle").click()
    expect(page.locator(".messages")).to_contain_text("Modèle « Relance devis » enregistré")
    template = MessageTemplate.objects.get(code="relance-devis")
    assert template.body.startswith("Bonjour {{ contact.greeting }},") and template.updated_by == world.sup_a

    # The outbox: the failure stands out; its page shows the email and sends it again.
    page.goto(f"{live_server.url}/messages/")
    expect(page.locator("nav.tabs")).to_contain_text("Échecs 1")
    rows = page.locator("table.outbox-table tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Votre livraison arrive demain matin.")
    expect(rows.first).to_contain_text("refuse les SMS")
    shoot(page, "messages_outbox.png")
    page.get_by_role("row", name=re.compile("Relance de votre devis")).get_by_role("cell").first.click()
    expect(page).to_have_url(f"{live_server.url}/messages/{failed.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Relance de votre devis")
    expect(page.frame_locator("iframe.mail-frame").locator("body")).to_contain_text(
        "Avez-vous pu regarder notre proposition ?"
    )
    page.get_by_role("button", name="Renvoyer").click()
    expect(page.locator(".messages")).to_contain_text("Le message repart")
    failed.refresh_from_db()
    assert failed.status == MessageStatus.QUEUED

    # The sent email is on the customer's timeline, linked to its page.
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    page.get_by_role("link", name=re.compile("Confirmation de votre commande C-2041")).click()
    expect(page).to_have_url(f"{live_server.url}/messages/{sent.pk}/")
    # Chromium logs the refused save's answer (422, the house's status for a refused form) as an error.
    assert [e for e in errors if "status of 422" not in e] == []
