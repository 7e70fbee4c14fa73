"""The rep's first minute, in Debian's Chromium: log in, see the home page, use the keyboard."""

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from televente.accounts.tests.factories import PASSWORD

SHOTS = Path(__file__).resolve().parents[4] / "var" / "screenshots"

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page: Page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/connexion/")
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    if password == PASSWORD:
        # Wait for the signed-in page: a navigation started right away would cancel the login.
        page.wait_for_url(lambda url: "/connexion/" not in url)


def test_rep_logs_in_and_finds_home_and_team_by_keyboard(page: Page, live_server, world):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    sign_in(page, live_server, "rep_a")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    expect(page.get_by_text("Équipe A").first).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "rep_home.png"), full_page=True)

    page.keyboard.press("?")
    expect(page.get_by_role("dialog")).to_be_visible()
    expect(page.get_by_role("dialog")).to_contain_text("Raccourcis clavier")
    page.keyboard.press("Escape")
    expect(page.get_by_role("dialog")).to_be_hidden()

    page.keyboard.press("g")
    page.keyboard.press("e")
    expect(page).to_have_url(f"{live_server.url}/equipe/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Équipe A")
    assert errors == [], errors  # no CSP violation, no script error


def test_wrong_password_then_right_one(page: Page, live_server, world):
    sign_in(page, live_server, "rep_a", "mauvais")
    expect(page.get_by_role("alert")).to_be_visible()
    expect(page.get_by_label("Identifiant")).to_have_value("rep_a")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")


def test_rep_creates_an_api_key_without_reloading(page: Page, live_server, world):
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/compte/")
    page.get_by_label("Nom de la clé").fill("ERP")
    page.get_by_role("button", name="Créer une clé").click()
    expect(page.get_by_text("Copiez cette clé maintenant")).to_be_visible()
    expect(page.locator("code.token")).to_contain_text("tv_")
    expect(page.get_by_role("cell", name="ERP")).to_be_visible()
