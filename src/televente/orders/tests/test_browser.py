"""The issue's journey in Chromium, keyboard only: habitual order, substitution, complement,
promotion, read-back with highlights, confirmation and its email; and a draft that survives."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.catalog.models import ProductLink, Promotion
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.orders import habits
from televente.orders.choices import OrderSource, OrderStatus
from televente.orders.models import Order, OrderLine
from televente.orders.tests.factories import sellable, unit


class Keys:
    """Presses keys on the page and counts them (typed quantities apart)."""

    def __init__(self, page: Page) -> None:
        self.page, self.count = page, 0

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)
            self.count += 1

    def type(self, text: str, counted: bool = True) -> None:
        self.page.keyboard.type(text)
        self.count += len(text) if counted else 0


def customer_with_history(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Bistrot du Port")
    ContactFactory(company=company, is_order_contact=True, email="chef@bistrot.fr", first_name="Paul")
    products = [sellable(code=f"HAB{n:03d}", name=f"Habituel {n}") for n in range(1, 4)]
    short = sellable(code="CRE001", name="Crème fraîche épaisse", stock=0)
    products.append(short)
    substitute = sellable(code="CRE002", name="Crème fraîche légère", stock=200)
    ProductLink.objects.create(
        kind="substitute", product=short, target=substitute, reason="Même usage en cuisine"
    )
    complement = sellable(code="BEU001", name="Beurre doux")
    ProductLink.objects.create(
        kind="complement", product=products[0], target=complement, reason="Souvent ensemble"
    )
    promoted = sellable(code="EAU001", name="Eau minérale")
    today = timezone.localdate()
    promo = Promotion.objects.create(
        name="Eau -10 %",
        valid_from=today,
        valid_until=today + dt.timedelta(days=30),
        mechanic="percent",
        percent=10,
    )
    promo.products.add(promoted)
    for weeks in range(6, 0, -1):
        order = Order.objects.create(
            company=company, status=OrderStatus.DELIVERED, source=OrderSource.HISTORY,
            delivery_date=today - dt.timedelta(weeks=weeks), number=f"H{weeks}",
        )  # fmt: skip
        for product in products:
            OrderLine.objects.create(
                order=order, product=product, unit=unit(product, "CAR"), quantity=1, base_quantity=6,
                unit_price=Decimal("2"), vat_rate=Decimal("5.5"), amount=Decimal("12"),
            )  # fmt: skip
    habits.refresh([company.pk])
    return company


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_rep_takes_a_habitual_order_by_keyboard_only(
    page: Page, live_server, world, reference_data, mailoutbox, run_tasks
):
    company = customer_with_history(world)
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    keys = Keys(page)
    keys.press("c")  # take an order
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bistrot du Port")
    lines = page.locator("#order-lines tr.order-line")
    page.wait_for_load_state("load")  # order.js (deferred) listens for the keys only once it has run

    keys.press("Alt+h")  # the habitual basket: Enter adds each with its usual quantity
    for n in range(1, 5):
        keys.press("Enter")
        expect(lines).to_have_count(n)
    short = page.locator("#order-lines tr.short")
    expect(short).to_contain_text("Crème fraîche épaisse")
    expect(short).to_contain_text("Rupture")

    page.wait_for_load_state("networkidle")  # the side panel's refresh too, on a busy machine
    keys.press("Escape")  # back to the search, then down to the lines
    keys.press("ArrowDown")
    keys.press("ArrowDown", 3)  # the fourth line is the short one
    expect(short.locator("[data-qty]")).to_be_focused()
    keys.press("s")  # its substitutes
    expect(page.locator("[data-substitute-panel]")).to_contain_text("Crème fraîche légère")
    expect(page.locator("[data-substitute-choice]").first).to_be_focused()
    keys.press("Enter")  # replace
    substituted = page.locator("#order-lines tr.substituted")
    expect(substituted).to_contain_text("remplace Crème fraîche épaisse")

    expect(page.locator("[data-complements]")).to_contain_text("Beurre doux")
    # The side panel refreshes after the substitution: let it settle, or the key focuses a button
    # the refresh then replaces (seen on a loaded machine).
    page.wait_for_load_state("networkidle")
    keys.press("Alt+c")  # a complement of the basket
    complement = page.locator("[data-complements] button").filter(has_text="Beurre doux")
    page.wait_for_load_state("networkidle")
    if not complement.evaluate("button => button === document.activeElement"):
        # On a loaded machine (CI on PostgreSQL, two browsers at once) the focus was seen leaving
        # the button a moment after Alt+C, once in about ten runs: press again, as a rep would.
        keys.press("Alt+c")
    expect(complement).to_be_focused()
    keys.press("Enter")
    expect(lines.filter(has_text="Beurre doux").locator("[data-qty]")).to_be_focused()
    keys.press("Enter")  # keep the quantity, back to the search
    keys.press("Alt+p")  # a promotion for this customer
    expect(page.locator("[data-promotions] button").first).to_be_focused()
    keys.press("Enter")
    expect(lines.filter(has_text="Eau minérale")).to_contain_text("promotion")
    expect(lines.filter(has_text="Eau minérale").locator("[data-qty]")).to_be_focused()
    keys.type("5", counted=False)  # five cartons of water
    keys.press("Enter")

    keys.press("ArrowDown")  # first line: an unusual quantity (usual is 1 carton)
    keys.type("9", counted=False)
    keys.press("Enter")
    expect(lines.first.locator("[data-qty]")).to_have_value("9")
    expect(page.locator("#order-totals")).to_contain_text("Total HT 210,00")
    page.screenshot(path=str(SHOTS / "order_screen.png"), full_page=True)

    keys.press("Control+Enter")  # the read-back
    readback = page.locator(".readback")
    expect(readback).to_contain_text("Crème fraîche légère remplace Crème fraîche épaisse")
    expect(readback).to_contain_text("Quantité inhabituelle : 9 carton de 6 de Habituel 1")
    page.screenshot(path=str(SHOTS / "order_recap.png"), full_page=True)
    keys.press("Enter")  # confirm
    expect(page.locator(".message-success")).to_contain_text(
        "confirmée. La confirmation part par e-mail à chef@bistrot.fr"
    )
    order = Order.objects.get(company=company, status=OrderStatus.CONFIRMED)
    assert order.lines.count() == 6 and order.lines.filter(replaces__code="CRE001").exists()
    from televente.messaging.models import Message

    assert Message.objects.filter(reference=f"orders.order:{order.pk}").count() == 1  # in the outbox
    run_tasks()
    assert Message.objects.get(reference=f"orders.order:{order.pk}").status == "sent"
    message = mailoutbox[-1]
    assert order.number in message.subject and message.to[0].endswith("<chef@bistrot.fr>")
    assert message.attachments[0][2] == "application/pdf"
    print(f"\nKeys pressed beyond quantities: {keys.count}")
    assert keys.count <= 60


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_20_line_habitual_order_by_keyboard(page: Page, live_server, world, reference_data):
    """The issue's count: a 20-line habitual order, keyboard only, three quantities changed."""
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Cantine Jaurès")
    ContactFactory(company=company, is_order_contact=True, email="chef@cantine.fr")
    products = [sellable(code=f"HAB{n:03d}", name=f"Habituel {n}") for n in range(1, 21)]
    today = timezone.localdate()
    for weeks in range(4, 0, -1):
        order = Order.objects.create(
            company=company, status=OrderStatus.DELIVERED, source=OrderSource.HISTORY,
            delivery_date=today - dt.timedelta(weeks=weeks), number=f"H{weeks}",
        )  # fmt: skip
        for product in products:
            OrderLine.objects.create(
                order=order, product=product, unit=unit(product, "CAR"), quantity=2, base_quantity=12,
                unit_price=Decimal("2"), vat_rate=Decimal("5.5"), amount=Decimal("24"),
            )  # fmt: skip
    habits.refresh([company.pk])
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    keys = Keys(page)
    keys.press("c")
    lines = page.locator("#order-lines tr.order-line")
    expect(page.locator("#habit-list")).to_be_visible()
    page.wait_for_load_state("load")  # order.js (deferred) listens for the keys only once it has run
    keys.press("Alt+h")
    for n in range(1, 21):
        if n in (5, 12, 18):  # the customer wants another quantity for three of them
            keys.type("4", counted=False)
        keys.press("Enter")
        expect(lines).to_have_count(n)
    keys.press("Control+Enter")
    expect(page.locator(".readback")).to_be_visible()
    keys.press("Enter")
    expect(page.locator(".message-success")).to_contain_text("confirmée")
    order = Order.objects.get(company=company, status=OrderStatus.CONFIRMED)
    assert order.lines_count == 20 and order.lines.filter(quantity=4).count() == 3
    print(f"\n20-line habitual order, keys pressed beyond quantities: {keys.count}")
    assert keys.count <= 60


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_draft_survives_a_closed_page(page: Page, live_server, world, reference_data):
    company = customer_with_history(world)
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/clients/{company.pk}/")
    page.keyboard.press("c")
    expect(page.locator("#habit-list")).to_be_visible()
    page.wait_for_load_state()
    page.keyboard.press("Alt+h")
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    expect(page.locator("#order-lines tr.order-line")).to_have_count(2)
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowDown")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(page.locator("#order-lines tr.order-line").first.locator("[data-qty]")).to_have_value("7")
    url = page.url
    page.close()  # the browser tab is gone mid-order

    again = page.context.new_page()
    again.goto(f"{live_server.url}/clients/{company.pk}/")
    again.keyboard.press("c")  # the same draft comes back
    expect(again).to_have_url(url)
    rows = again.locator("#order-lines tr.order-line")
    expect(rows).to_have_count(2)
    expect(rows.first.locator("[data-qty]")).to_have_value("7")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_late_delivery_is_reported_validated_and_told_to_the_customer(
    page: Page, live_server, world, reference_data, mailoutbox, run_tasks
):
    """From the late list: the rep reports it, logistics validates a solution, the rep emails the
    customer with the prepared message, then closes it."""
    from televente.orders import services

    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Bistrot du Port")
    ContactFactory(company=company, is_order_contact=True, email="chef@bistrot.fr", first_name="Paul")
    order = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(
        order=order, product=sellable(code="HAB001"), by=world.rep_a, version=order.version
    )
    order = services.order_confirm(order=order, by=world.rep_a, version=order.version)
    Order.objects.filter(pk=order.pk).update(delivery_date=timezone.localdate() - dt.timedelta(days=1))

    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/commandes/")
    page.get_by_role("link", name="Signaler le retard et prévenir le client").click()
    expect(page.get_by_label("Type d'incident")).to_have_value("late")
    page.get_by_label("Cause").select_option("carrier")
    page.get_by_label("Ce que dit le client, ce qui s'est passé").fill(
        "Le chef attend sa livraison depuis hier."
    )
    page.get_by_role("button", name="Enregistrer et prévenir le service").click()
    expect(page.get_by_text("le service Logistique est prévenu")).to_be_visible()
    incident_url = page.url

    page.context.clear_cookies()
    sign_in(page, live_server, "bo_log")
    page.goto(incident_url)
    page.get_by_role("textbox", name="Solution").fill("Livraison demain avant 9 h par la navette")
    page.get_by_role("button", name="Valider la solution").click()
    expect(page.get_by_text("Solution validée.")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, live_server, "rep_a")
    page.goto(incident_url)
    message = page.get_by_label("Message")
    expect(message).to_contain_text("Livraison demain avant 9 h par la navette")
    expect(message).to_contain_text(order.number)
    page.get_by_role("button", name="Envoyer / noter l'appel").click()
    expect(page.get_by_text("Message envoyé au client")).to_be_visible()
    page.get_by_label("Comment l'incident a été résolu").fill("Livré le lendemain à 8 h 30")
    page.get_by_role("button", name="Clore l'incident").click()
    expect(page.get_by_text("Incident résolu.")).to_be_visible()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "incident.png"), full_page=True)
    run_tasks()
    to_customer = [m for m in mailoutbox if m.to[0].endswith("<chef@bistrot.fr>") and "retard" in m.body]
    assert len(to_customer) == 1 and order.number in to_customer[0].subject
