"""The collection journey in Chromium: a rep opens an overdue customer's file, sees the "Impayés"
card, opens the collection call with the keyboard, negotiates a payment plan in three instalments
(proposed, checked against the debt as she types), records it; the plan goes to the customer with
its PDF and is filed on the timeline; the day after the first instalment, unpaid, it shows as
missed on the plan page and on the card. Then the supervisor's collection dashboard."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.customers.services import company_hold_orders
from televente.customers.tests.factories import CompanyFactory, ContactFactory, PhoneFactory
from televente.receivables import services
from televente.receivables.choices import PromiseStatus
from televente.receivables.models import PaymentPlan, PaymentPromise

from .conftest import day, invoice_row

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def overdue(company):
    """The Brasserie du Port owes 900 € (30 days late) and 300 € (10 days late); 250 € not yet due."""
    company.trade_name = "Brasserie du Port"
    company.save()
    PhoneFactory(contact=company.compta, e164="+33478000102")
    services.invoices_sync(
        rows=[
            invoice_row(company, "FA2026-0412", "900.00", -30),
            invoice_row(company, "FA2026-0488", "300.00", -10),
            invoice_row(company, "FA2026-0533", "250.00", 20),
        ]
    )
    company.refresh_from_db()
    return company


@pytest.fixture
def portfolio(world):
    """Other customers of team A, late in every age bucket, with promises kept, broken and pending."""
    names = [
        ("Boulangerie Martin", "480.00", -12),
        ("Le Bistrot des Halles", "1350.00", -45),
        ("Cantine Pasteur", "2210.40", -75),
        ("Traiteur Dupuis", "3980.00", -120),
        ("Épicerie fine Lefèvre", "260.00", -5),
        ("Hôtel du Parc", "1875.00", -38),
    ]
    companies = []
    for i, (name, amount, due) in enumerate(names):
        company = CompanyFactory(
            rep=world.rep_a if i % 2 else world.rep_a2, team=world.team_a, trade_name=name
        )
        ContactFactory(company=company, is_order_contact=True, email=f"compta{i}@example.fr", language="fr")
        services.invoices_sync(rows=[invoice_row(company, f"FB{i:03d}", amount, due)])
        companies.append(company)
    company_hold_orders(
        company=companies[3],
        by=None,
        hold=True,
        reason="3 980,00 € échus depuis le " + day(-120).strftime("%d/%m/%Y"),
    )
    for company, status, amount, offset in (
        (companies[0], PromiseStatus.KEPT, "200", -8),
        (companies[1], PromiseStatus.BROKEN, "600", -3),
        (companies[5], PromiseStatus.PENDING, "900", 4),
    ):
        PaymentPromise.objects.create(
            company=company,
            amount=Decimal(amount),
            promised_on=day(offset),
            status=status,
            recorded_by=world.rep_a,
        )
    services.invoices_sync(
        rows=[invoice_row(companies[0], "FB000", "480.00", -12, payments=[{"reference": "VIR-77", "paid_on": day(-2), "amount": "200"}])]
    )  # fmt: skip
    return companies


def test_a_rep_negotiates_a_payment_plan_on_a_collection_call(
    page: Page, live_server, world, overdue, portfolio, run_tasks
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "rep_a")

    # The customer file: the card says what is overdue, with its age; "i" opens the collection call.
    page.goto(f"{live_server.url}/clients/{overdue.pk}/")
    card = page.locator(".receivables-panel")
    expect(card).to_contain_text("Impayés")
    expect(card).to_contain_text("1 200,00 €")
    expect(card).to_contain_text("30 jours de retard")
    page.keyboard.press("i")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Appel de recouvrement")
    expect(page.locator("#overdue-invoices")).to_contain_text("FA2026-0412")

    # A plan in three instalments: proposed from the debt, then checked as the rep types.
    page.get_by_label("Interlocuteur").select_option(str(overdue.compta.pk))
    page.get_by_label("Échéancier négocié").check()
    expect(page.get_by_label("Nombre d'échéances")).to_be_visible()
    expect(page.get_by_label("Montant promis (€ TTC)")).to_be_hidden()
    page.get_by_label("Nombre d'échéances").fill("3")
    page.get_by_role("button", name="Proposer").click()
    rows = page.locator("#instalments tbody tr")
    expect(rows).to_have_count(3)
    total = page.locator("#plan-total")
    expect(total).to_contain_text("le total correspond à la dette")
    expect(total).to_contain_text("1 200,00 €")
    page.get_by_label("Montant de l'échéance 3").fill("300")
    expect(total).to_contain_text("il manque 100,00 €")
    page.get_by_label("Montant de l'échéance 3").fill("400,00")
    expect(total).to_contain_text("le total correspond à la dette")
    page.get_by_label("Note de l'appel").fill("Trésorerie tendue après l'été : trois mensualités.")
    page.screenshot(path=str(SHOTS / "collection_call.png"), full_page=True)
    first_due = dt.date.fromisoformat(page.get_by_label("Date de l'échéance 1").input_value())
    page.get_by_role("button", name="Enregistrer l'appel").click()

    # The plan page: three instalments, waiting for the customer's agreement.
    expect(page.locator(".messages")).to_contain_text("Échéancier")
    plan = PaymentPlan.objects.get(company=overdue)
    expect(page.get_by_role("heading", level=1)).to_contain_text(plan.number)
    expect(page.locator("section", has_text="Échéances").locator("tbody tr")).to_have_count(3)
    assert plan.total == Decimal("1200.00") and first_due == plan.instalments.get(position=1).due_on

    # The outbox sends it with its PDF; it is filed on the customer's timeline.
    run_tasks()
    email = next(m for m in mail.outbox if plan.number in m.subject)
    assert email.to[0].endswith("<compta@brasserie.fr>")
    name, content, mimetype = email.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF" and plan.number in name
    page.reload()
    expect(page.locator("aside")).to_contain_text(plan.number)
    expect(page.get_by_role("link", name="Télécharger le PDF")).to_be_visible()
    page.goto(f"{live_server.url}/clients/{overdue.pk}/")
    expect(page.locator("#timeline")).to_contain_text(f"Échéancier {plan.number} envoyé pour accord")

    # The day after the first instalment, nothing paid: missed, on the plan page and on the card.
    services.instalments_check(today=first_due + dt.timedelta(days=1))
    page.goto(f"{live_server.url}/recouvrement/echeanciers/{plan.pk}/")
    first = page.locator("section", has_text="Échéances").locator("tbody tr").first
    expect(first).to_contain_text("Impayée")
    page.screenshot(path=str(SHOTS / "collection_plan.png"), full_page=True)
    page.goto(f"{live_server.url}/clients/{overdue.pk}/")
    expect(page.locator(".receivables-panel")).to_contain_text("Impayée")
    expect(page.locator(".receivables-panel")).to_contain_text("échéance 1")
    page.locator(".receivables-panel").screenshot(path=str(SHOTS / "collection_card.png"))

    # The supervisor's dashboard: overdue by age, promises, the customers to call first.
    page.context.clear_cookies()
    sign_in(page, live_server, "sup_a")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Bonjour")
    page.keyboard.press("g")
    page.keyboard.press("f")
    expect(page.get_by_role("heading", level=1)).to_have_text("Recouvrement")
    expect(page.locator(".collection-calls")).to_contain_text("Traiteur Dupuis")
    expect(page.locator("#missed-title")).to_be_visible()
    expect(page.locator("main")).to_contain_text(plan.number)
    page.screenshot(path=str(SHOTS / "collection_dashboard.png"), full_page=True)
    page.locator(".collection-calls").get_by_role("link", name="Appeler").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Traiteur Dupuis")
    assert timezone.localdate() <= first_due
    assert errors == [], errors
    assert re.match(r"ECH\d{2}-\d{5}", plan.number)
