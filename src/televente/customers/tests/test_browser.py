"""Issue 3's journey in Debian's Chromium: find, open, log a call, import, merge, and the refusal."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.core.testing import run_pending_tasks
from televente.customers.models import Company, ImportJob, Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory, valid_siret

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("reference_data"),
]


def test_rep_finds_a_customer_without_accents_and_logs_a_callback(page: Page, live_server, world):
    target = CompanyFactory(
        rep=world.rep_a, trade_name="Crêperie Éléonore", city="Saint-Étienne", postcode="42000"
    )
    ContactFactory(company=target, first_name="Loïc", last_name="Le Bihan")
    CompanyFactory(rep=world.rep_a, trade_name="Boulangerie Martin")
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/")
    page.get_by_label("Recherche").fill("creperie ele")
    results = page.locator("#portfolio-results")
    expect(results).to_contain_text("Crêperie Éléonore")
    expect(results).not_to_contain_text("Boulangerie Martin")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "portfolio_search.png"))
    results.get_by_role("link", name="Crêperie Éléonore").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Crêperie Éléonore")

    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    page.keyboard.press("l")  # the log form, by keyboard
    expect(page.get_by_label("Type")).to_be_focused()
    page.get_by_label("Interlocuteur", exact=True).select_option(label="Loïc Le Bihan")
    page.get_by_label("Issue").select_option("callback")
    # Scoped to the timeline's form: the cards of other apps on the file have their own "Notes".
    page.locator("form", has=page.get_by_label("Issue")).get_by_label("Notes", exact=True).fill(
        "Veut passer commande demain matin"
    )
    page.get_by_label("Prochaine étape").select_option("callback")
    page.get_by_label("Le", exact=True).fill(tomorrow.isoformat())
    page.get_by_label("À", exact=True).fill("10:00")
    page.get_by_role("button", name="Enregistrer le contact").click()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text("Veut passer commande demain matin")
    expect(timeline).to_contain_text(f"{tomorrow:%d/%m/%Y} 10:00")
    expect(page.get_by_role("region", name="Prochaines étapes")).to_contain_text("Rappeler")
    page.screenshot(path=str(SHOTS / "customer_file.png"), full_page=True)
    entry = Interaction.objects.get(company=target, kind="call_out")
    assert entry.next_action == "callback" and entry.author == world.rep_a


def test_another_teams_rep_is_refused_the_same_url(page: Page, live_server, world):
    target = CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port")
    sign_in(page, live_server, "rep_b")
    response = page.goto(f"{live_server.url}/clients/{target.pk}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page introuvable")
    expect(page.locator("body")).not_to_contain_text("Brasserie du Port")


def test_import_with_two_bad_rows_then_fixed(page: Page, live_server, world, tmp_path: Path):
    header = "Raison sociale;Enseigne;SIRET;Code postal;Ville;Téléphone\n"
    good = [
        f"SARL Alpha;Alpha Resto;{valid_siret(11)};75011;Paris;01 42 68 53 00",
        f"SARL Beta;Beta Snack;{valid_siret(12)};69001;Lyon;04 72 00 00 01",
    ]
    bad = ["SARL Gamma;Gamma Bar;12345678901234;75011;Paris;", "SARL Delta;Delta Café;;750;Paris;12"]
    broken = tmp_path / "clients.csv"
    broken.write_text(header + "\n".join(good + bad) + "\n", encoding="utf-8")
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/import/")
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(str(broken))
    page.get_by_role("button", name="Envoyer le fichier").click()
    page.get_by_role("button", name="Vérifier le fichier (sans rien enregistrer)").click()
    run_pending_tasks()
    errors = page.locator(".errors-table")
    expect(errors).to_contain_text("clé de contrôle incorrecte", timeout=10_000)
    expect(errors).to_contain_text("5 chiffres")
    expect(errors).to_contain_text("Numéro de téléphone invalide")
    expect(page.get_by_text("4 lignes vérifiées — valides : 2, en erreur : 2.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "import_errors.png"), full_page=True)
    assert Company.objects.count() == 0

    fixed = tmp_path / "clients-corrige.csv"
    fixed.write_text(
        header
        + "\n".join(good + ["SARL Gamma;Gamma Bar;;75011;Paris;", "SARL Delta;Delta Café;;75010;Paris;"])
        + "\n"
    )
    page.goto(f"{live_server.url}/clients/import/")
    page.get_by_label("Fichier CSV ou Excel (.xlsx)").set_input_files(str(fixed))
    page.get_by_role("button", name="Envoyer le fichier").click()
    page.get_by_role("button", name="Vérifier le fichier (sans rien enregistrer)").click()
    run_pending_tasks()
    expect(page.get_by_text("4 lignes vérifiées — valides : 4, en erreur : 0.")).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="Importer").click()
    run_pending_tasks()
    expect(page.get_by_text("4 fiches créées.")).to_be_visible(timeout=10_000)
    assert Company.objects.filter(rep=world.rep_a).count() == 4
    assert ImportJob.objects.filter(status="done").count() == 1


def test_supervisor_merges_two_duplicates(page: Page, live_server, world):
    kept = CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port", postcode="13001")
    twin = CompanyFactory(rep=world.rep_a, trade_name="BRASSERIE DU PORT", postcode="13001")
    ContactFactory(company=twin, last_name="Vidal")
    sign_in(page, live_server, "sup_a")
    page.goto(f"{live_server.url}/clients/doublons/")
    pair = page.locator(".duplicate-pair").first
    expect(pair).to_contain_text("nom proche, même code postal")
    page.on("dialog", lambda dialog: dialog.accept())
    pair.locator("form").filter(has=page.locator(f'input[name="kept"][value="{kept.pk}"]')).get_by_role(
        "button"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Brasserie du Port")
    expect(page.locator("body")).to_contain_text("Vidal")
    assert not Company.objects.filter(pk=twin.pk).exists()
