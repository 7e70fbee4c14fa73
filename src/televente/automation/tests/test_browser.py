"""The issue's journey in Chromium: a supervisor writes the rule "customer late by 7 days → call task",
switches it on from the list, the hourly scan runs, and the log shows the callback made for the rep."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.automation import services
from televente.automation.models import AutomationRule, RuleFiring
from televente.customers.models import Interaction

from .test_services import day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_supervisor_automates_the_call_of_late_customers(
    page: Page, live_server, world, company, make_rule
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "sup_a")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.wait_for_load_state()
    page.keyboard.press("g")
    page.keyboard.press("u")
    expect(page.get_by_role("heading", level=1)).to_have_text("Automatisations")
    expect(page.locator(".empty")).to_contain_text("Aucune règle")
    page.keyboard.press("n")
    expect(page.get_by_role("heading", level=1)).to_have_text("Nouvelle règle")

    # Only the fields of the chosen trigger and action show.
    days = page.get_by_label("Nombre de jours (N)")
    expect(days).to_be_hidden()
    page.get_by_label("Nom de la règle").fill("Client en retard de 7 jours → tâche d'appel")
    page.get_by_label("Déclencheur").select_option("customer_late")
    expect(days).to_be_visible()
    expect(page.get_by_text("Une nouvelle commande remet le compteur à zéro.").first).to_be_visible()
    expect(page.get_by_label("Type de réclamation")).to_be_hidden()
    days.fill("7")
    page.get_by_label("Équipe A").check()
    page.get_by_role("combobox", name="Action", exact=True).select_option("call_task")
    expect(page.get_by_label("Rappeler dans (jours)")).to_be_visible()
    expect(page.get_by_label("Motif du blocage")).to_be_hidden()
    page.get_by_label("Consigne").fill("Pas de commande depuis son rythme habituel : relancer")
    page.get_by_role("combobox", name="Action", exact=True).select_option("notify")
    expect(page.get_by_label("Qui prévenir")).to_be_visible()
    expect(page.get_by_label("Rappeler dans (jours)")).to_be_hidden()
    page.get_by_role("combobox", name="Action", exact=True).select_option("call_task")
    page.screenshot(path=str(SHOTS / "automation_form.png"), full_page=True)
    page.get_by_role("button", name="Enregistrer la règle").click()

    # Back on the list: saved switched off; the switch turns it on in place.
    expect(page.locator(".messages")).to_contain_text("Activez-la quand elle est prête")
    rule = AutomationRule.objects.get()
    assert rule.days == 7 and rule.action == "call_task" and not rule.is_active
    row = page.locator(f"#rule-{rule.pk}")
    expect(row).to_contain_text("Client en retard de plus de 7 jours sur son rythme de commande")
    expect(row).to_contain_text("Équipes : Équipe A")
    switch = row.get_by_role("switch")
    expect(switch).to_have_attribute("aria-checked", "false")
    switch.click()
    expect(page.locator(f"#rule-{rule.pk}").get_by_role("switch")).to_have_attribute("aria-checked", "true")
    rule.refresh_from_db()
    assert rule.is_active

    # The hourly scan (run here by the test) finds the late customer: one callback for its rep.
    assert services.rules_scan(today=day(15))["fired"] == 1
    assert services.rules_scan(today=day(15))["fired"] == 0
    callback = Interaction.objects.get(company=company, next_action="callback")
    assert callback.next_action_owner == world.rep_a

    # Two more rules, as a team would have them (for the picture).
    make_rule(
        name="Grosse commande",
        description="Remercier le client le jour même",
        trigger="order_confirmed",
        min_amount="1000",
        action="notify",
        notify_to="supervisor",
    )
    make_rule(
        name="Client dormant",
        trigger="account_inactive",
        days=60,
        action="send_template",
        template_code="customer_reminder",
        is_active=False,
    )
    page.reload()
    row = page.locator(f"#rule-{rule.pk}")
    expect(row.locator("td").last).to_have_text("1")
    expect(row).to_contain_text("réussi")
    page.screenshot(path=str(SHOTS / "automation_rules.png"), full_page=True)

    row.get_by_role("link", name="1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Journal des automatisations")
    log = page.locator(".firing-table")
    expect(log).to_contain_text("Bistrot du Port")
    expect(log).to_contain_text("Rappel pour")
    expect(log).to_contain_text("Pas de commande depuis son rythme habituel")
    page.screenshot(path=str(SHOTS / "automation_log.png"), full_page=True)
    log.get_by_role("link", name="Bistrot du Port").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bistrot du Port")
    assert RuleFiring.objects.count() == 1
    assert errors == []
