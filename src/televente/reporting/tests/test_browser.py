"""The supervisor's journey in Chromium: monthly objectives for two reps, the team dashboard, from a
revenue gap down to the customers behind it, a corrective action, the synthesis PDF."""

from __future__ import annotations

import datetime as dt
import subprocess

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import LineOrigin, OrderStatus
from televente.orders.tests.factories import sellable
from televente.reporting import stats
from televente.reporting.models import CorrectiveAction, Objective

from .test_indicators import call, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def history(world, reference_data):
    """Léa (rep_a) sold to two customers early last month; this month only one came back."""
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = (this_month - dt.timedelta(days=1)).replace(day=1)
    product = sellable(code="BEURRE")
    lost = CompanyFactory(rep=world.rep_a, trade_name="Brasserie Perdue")
    kept = CompanyFactory(rep=world.rep_a, trade_name="Bistrot Fidèle")
    other = CompanyFactory(rep=world.rep_a2, trade_name="Café Voisin")
    make_order(lost, world.rep_a, _at(last_month, 10), [(product, "900", LineOrigin.HABITUAL, 90, "0")],
               status=OrderStatus.DELIVERED)  # fmt: skip
    make_order(kept, world.rep_a, _at(last_month, 11), [(product, "300", LineOrigin.HABITUAL, 30, "0")],
               status=OrderStatus.DELIVERED)  # fmt: skip
    call(world.rep_a, lost, _at(last_month, 9), "reached_order", 300)
    make_order(kept, world.rep_a, _at(today, 9), [(product, "250", LineOrigin.HABITUAL, 25, "0")])
    call(world.rep_a, kept, _at(today, 8), "reached_order", 240)
    make_order(other, world.rep_a2, _at(today, 10), [(product, "400", LineOrigin.COMPLEMENT, 40, "0")])
    stats.refresh_days(day_from=last_month, day_to=today - dt.timedelta(days=1))
    return {"lost": lost, "kept": kept}


def test_objectives_dashboard_drill_down_action_and_synthesis(
    page: Page, live_server, world, history, tmp_path
):
    sign_in(page, live_server, "sup_a")
    page.keyboard.press("g")
    page.keyboard.press("b")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tableau de bord — Équipe A")

    # Monthly objectives for the two reps.
    page.get_by_role("link", name="Objectifs").click()
    lea, other = world.rep_a.get_full_name(), world.rep_a2.get_full_name()
    page.get_by_label(f"Chiffre d'affaires HT — {lea}").fill("5 000")
    page.get_by_label(f"Chiffre d'affaires HT — {other}").fill("trois mille")
    page.get_by_role("button", name="Enregistrer les objectifs").click()
    expect(page.get_by_text("« trois mille » n'est pas un nombre.")).to_be_visible()
    expect(page.get_by_label(f"Chiffre d'affaires HT — {lea}")).to_have_value("5 000")  # kept as typed
    page.get_by_label(f"Chiffre d'affaires HT — {other}").fill("3000")
    page.get_by_label(f"Commandes — {lea}").fill("40")
    page.get_by_role("button", name="Enregistrer les objectifs").click()
    expect(page.locator(".message-success")).to_contain_text("Objectifs enregistrés")
    assert Objective.objects.filter(team=world.team_a, metric="revenue").count() == 2

    # The dashboard: Léa's revenue against her objective, the gap marked in words.
    row = page.locator("section[aria-labelledby=reps-title]").get_by_role("row", name=lea)
    expect(row).to_contain_text("250")
    expect(page.get_by_text("Objectif CA")).to_be_visible()
    page.screenshot(path=str(SHOTS / "team_dashboard.png"), full_page=True)

    # From her revenue down to the customers behind it: the brasserie that stopped ordering.
    row.get_by_role("link", name="250").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Clients derrière le chiffre d'affaires")
    first = page.locator("tbody tr").first
    expect(first).to_contain_text("Brasserie Perdue")
    expect(first).to_contain_text("-900")

    # The variance analysis, and a corrective action recorded there.
    page.get_by_role("link", name="Analyse des écarts").click()
    expect(page.get_by_role("heading", name="Ce qui l'explique")).to_be_visible()
    expect(page.get_by_role("heading", name="Clients qui commandaient et plus maintenant")).to_be_visible()
    expect(page.locator("#lost-title + table")).to_contain_text("Brasserie Perdue")
    page.get_by_label("Action décidée").fill("Rappeler la Brasserie Perdue cette semaine avec l'offre beurre")
    page.get_by_role("button", name="Enregistrer l'action").click()
    expect(page.locator(".message-success")).to_contain_text("Action corrective enregistrée")
    action = CorrectiveAction.objects.get()
    assert action.rep == world.rep_a and action.owner == world.rep_a
    assert action.due_on == timezone.localdate() + dt.timedelta(days=14)
    page.screenshot(path=str(SHOTS / "corrective_actions.png"), full_page=True)

    # The synthesis PDF, as the supervisor sends it to management.
    page.get_by_role("link", name="Équipe", exact=True).click()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Synthèse PDF").click()
    pdf = tmp_path / "synthese.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "Équipe A" in text and lea in text and "Rappeler la Brasserie Perdue" in text
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf), str(SHOTS / "synthesis")],
                   check=True)  # fmt: skip
