"""The rep in the cockpit runs the reactivation script on a call to an inactive bakery: a branch on
the satisfaction question, the supplier and the needs land in the customer file; an objection is
searched and an answer marked as used."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.scripts import demo
from televente.scripts.models import ObjectionUse, ScriptRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_rep_runs_the_reactivation_script_in_the_cockpit(
    page: Page, live_server, world, bakery, call, reactivation
):
    demo.build_objections(by=world.sup_a)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/appels/?appel={call.pk}")
    card = page.locator("#scripts-panel")
    expect(card).to_contain_text(demo.REACTIVATION_SCRIPT)
    step = card.locator(".step-title")
    expect(step).to_have_text("Accueil")

    # "s" clicks "Suivant" on a step without answer, focuses the answer field otherwise.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("s")
    expect(step).to_have_text("Vérifier l'interlocuteur")
    page.keyboard.press("s")
    expect(card.get_by_label("Je suis bien avec la personne qui s'occupe des achats ?")).to_be_focused()
    card.get_by_label("Je suis bien avec la personne qui s'occupe des achats ?").select_option("oui")
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Accroche")
    card.get_by_role("button", name="Suivant").click()
    card.get_by_label("Où vous approvisionnez-vous aujourd'hui ?").fill("Pomona")
    card.get_by_label("Où vous approvisionnez-vous aujourd'hui ?").press(
        "Control+Enter"
    )  # no submit from a textarea
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Besoins")
    card.get_by_label("De quoi avez-vous besoin").fill("Farine bio T65, 200 kg par semaine")
    card.get_by_role("button", name="Suivant").click()
    card.get_by_label("Qu'est-ce qui compte le plus pour vous ?").select_option("Argent")
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Potentiel")
    page.wait_for_load_state("networkidle")  # the swap settled: Enter is not lost in it (loaded machine)
    potential = card.get_by_label("Combien dépensez-vous")
    potential.fill("beaucoup")
    potential.press("Enter")
    expect(card.locator(".error")).to_contain_text("Indiquez un nombre positif")
    expect(card.get_by_label("Combien dépensez-vous")).to_have_value("beaucoup")
    page.wait_for_load_state("networkidle")  # the error's swap settled before typing again (loaded machine)
    card.get_by_label("Combien dépensez-vous").fill("12 500")
    expect(card.get_by_label("Combien dépensez-vous")).to_have_value("12 500")
    # Enter already proved it submits above; the button here, so a keystroke lost in a late swap
    # on a loaded CI machine cannot fail the journey (it did twice).
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Satisfaction")
    # The branch: not satisfied with the current supplier -> the presentation of the offer.
    card.get_by_label("Êtes-vous satisfait de votre fournisseur actuel ?").select_option("non")
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Présentation de l'offre de reprise")
    expect(card.locator("[aria-current=step]")).to_contain_text("Présentation de l'offre de reprise")
    card.get_by_role("button", name="Étape précédente").click()
    expect(step).to_have_text("Satisfaction")
    card.get_by_role("button", name="Suivant").click()
    expect(step).to_have_text("Présentation de l'offre de reprise")
    page.screenshot(path=str(SHOTS / "script_runner.png"), full_page=True)

    # An objection, found without its accent, and the answer used.
    page.locator("body").click(position={"x": 5, "y": 300})
    page.keyboard.press("o")
    expect(card.get_by_label("Ce que dit le client")).to_be_focused()
    page.keyboard.type("delai")
    hit = card.locator(".objection").filter(has_text="Vos délais de livraison sont trop longs")
    expect(hit).to_be_visible()
    hit.get_by_role("button", name="J'utilise cette réponse").first.click()
    expect(card.locator(".objection-results")).to_contain_text("Noté pour cet appel")
    assert ObjectionUse.objects.get().task_id == call.pk

    run = ScriptRun.objects.get(task=call)
    assert run.current_step.position == 9
    bakery.refresh_from_db()
    assert bakery.competitor == "Pomona" and bakery.potential == 12500 and bakery.buying_motives == ["argent"]
    page.goto(f"{live_server.url}/clients/{bakery.pk}/")
    expect(page.locator("main")).to_contain_text("Pomona")
    expect(page.locator("main")).to_contain_text("Farine bio T65, 200 kg par semaine")
    assert errors == []
