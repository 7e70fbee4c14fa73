"""Issue 10's screens joined up in one call, in Chromium: a campaign's target comes up in the rep's
cockpit with the campaign's card and the campaign's script; the rep follows the script (the supplier and
needs land in the customer file), notes the competitor's price, emails a technical sheet, records the
order; the supervisor then reads the campaign's results with the rep's call counted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.calls.choices import CallReason, PlanStatus, TaskStatus
from televente.calls.models import CallPlan, CallTask
from televente.campaigns import services
from televente.campaigns.models import CampaignTarget
from televente.catalog.tests.factories import ProductFactory
from televente.knowledge.choices import DocumentKind
from televente.knowledge.models import CommercialDocument, DocumentSending
from televente.market.models import CompetitorObservation
from televente.scripts import demo as scripts_demo
from televente.scripts.models import ScriptRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def campaign_call(world, bakeries, make_campaign):
    script = scripts_demo.build_script(scripts_demo.REACTIVATION_SCRIPT, by=world.sup_a)
    campaign = make_campaign(script=script)
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    plan = CallPlan.objects.create(
        team=world.team_a, date=timezone.localdate(), status=PlanStatus.PUBLISHED, published_at=timezone.now()
    )
    task = CallTask.objects.create(
        plan=plan, company=bakeries.fournil, contact=bakeries.fournil.contact, rep=world.rep_a,
        reason=CallReason.CAMPAIGN, reasons=[CallReason.CAMPAIGN], reason_note="Campagne : " + campaign.name,
        source_reference=f"campaigns.campaign:{campaign.pk}", status=TaskStatus.PLANNED,
        planned_start=timezone.now() + dt.timedelta(minutes=5), windows=[[0, 24 * 60]],
    )  # fmt: skip
    flour = ProductFactory(code="FAR055", name="Farine T55 25 kg")
    CommercialDocument.objects.create(
        title="Fiche technique Farine T55", kind=DocumentKind.TECHNICAL_SHEET, product=flour
    )
    return campaign, task


def test_a_campaign_call_in_the_cockpit_joins_script_knowledge_and_competitors(
    page: Page, live_server, world, bakeries, campaign_call, run_tasks
):
    campaign, task = campaign_call
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)

    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/appels/?appel={task.pk}")
    expect(page.locator(".campaigns-panel")).to_contain_text("Relance boulangeries inactives")
    expect(page.locator(".campaigns-panel")).to_contain_text("0,79 € le kilo")

    # The campaign's script, followed until the customer's needs.
    script = page.locator("#scripts-panel")
    expect(script).to_contain_text(scripts_demo.REACTIVATION_SCRIPT)
    step = script.locator(".step-title")
    expect(step).to_have_text("Accueil")
    script.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Vérifier l'interlocuteur")
    script.get_by_label("Je suis bien avec la personne qui s'occupe des achats ?").select_option("oui")
    script.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Accroche")
    script.get_by_role("button", name="Suivant").click()
    script.get_by_label("Où vous approvisionnez-vous aujourd'hui ?").fill("Distri-Frais Ouest")
    script.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Besoins")
    script.get_by_label("De quoi avez-vous besoin").fill("Farine T55, 300 kg par semaine")
    script.get_by_role("button", name="Suivant").click()
    expect(script.get_by_label("Qu'est-ce qui compte le plus pour vous ?")).to_be_visible()

    # What the customer pays the competitor (key x).
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("x")
    expect(page.locator("#veille_competitor")).to_be_focused()
    page.keyboard.type("Distri-Frais Ouest")
    page.locator("#veille_product").fill("FAR055")
    page.locator("#veille_price").fill("19,90")
    page.locator("#veille_price_unit").fill("sac")
    page.get_by_role("button", name="Noter").click()
    expect(page.locator(".market-observations")).to_contain_text("Distri-Frais Ouest")

    # The technical sheet of the flour, found with k and emailed.
    knowledge = page.locator(".knowledge-panel")
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("k")
    page.keyboard.type("farine t55")
    knowledge.get_by_label("joindre la fiche à l'envoi").check()
    knowledge.get_by_role("button", name="Envoyer maintenant").click()
    expect(page.locator(".knowledge-panel")).to_contain_text("Documentation envoyée à inactif@pain.fr")
    page.screenshot(path=str(SHOTS / "issue10_cockpit.png"), full_page=True)

    # The call ends with an order (outcome 1) and its next step.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("a")
    expect(page.locator("[data-timer-start]")).to_be_visible()
    page.keyboard.press("1")
    # No call day on file for an inactive account: the rep picks the next step's date.
    page.locator("#id_next_action_date").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.locator("#id_next_action_time").fill("10:00")
    page.get_by_role("button", name="Enregistrer et appel suivant").click()
    expect(page.locator(".message-success")).to_contain_text("Appel enregistré")
    run_tasks()

    fournil = bakeries.fournil
    fournil.refresh_from_db()
    assert fournil.competitor == "Distri-Frais Ouest"
    assert "Farine T55, 300 kg par semaine" in fournil.needs
    run = ScriptRun.objects.get(task=task)
    assert run.current_step.title != "Accueil" and run.outcome == "reached_order"
    observation = CompetitorObservation.objects.get()
    assert observation.task_id == task.pk and observation.product.code == "FAR055"
    assert DocumentSending.objects.get().task_id == task.pk
    target = CampaignTarget.objects.get(campaign=campaign, company=fournil)
    assert target.status == "positive" and target.rep == world.rep_a

    # The customer file tells the story: supplier, needs, the sheet sent.
    page.goto(f"{live_server.url}/clients/{fournil.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Distri-Frais Ouest")
    expect(main).to_contain_text("Farine T55, 300 kg par semaine")
    expect(page.get_by_text("Documentation envoyée : Fiche technique Farine T55").first).to_be_visible()

    # The supervisor's results count the call.
    page.context.clear_cookies()
    sign_in(page, live_server, "sup_a")
    page.goto(f"{live_server.url}/campagnes/{campaign.pk}/")
    expect(page.get_by_test_id("targets")).to_have_text("3")
    expect(page.get_by_test_id("reached")).to_be_visible()
    assert page.get_by_test_id("reached").inner_text().split()[0] == "1"
    positive = page.locator("dt", has_text="Issues positives").locator("xpath=following-sibling::dd")
    expect(positive).to_have_text("1")
    page.screenshot(path=str(SHOTS / "campaign_results.png"), full_page=True)
    assert not errors, errors
