"""The receivables screens with the Django test client: the customer's card, the collection call
and its plan proposal, the plan page, the dashboard, and the order screen's hold banner."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from televente.claims.models import Claim
from televente.customers.models import Interaction
from televente.customers.services import company_hold_orders
from televente.customers.tests.factories import CompanyFactory
from televente.receivables import services
from televente.receivables.choices import InstalmentStatus, PlanStatus, PromiseStatus
from televente.receivables.models import Instalment, PaymentPlan, PaymentPromise

from .conftest import day, invoice_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def overdue(company):
    """900 € due 40 days ago, 300 € due 10 days ago, 200 € due in 20 days."""
    services.invoices_sync(
        rows=[
            invoice_row(company, "F001", "900.00", -40),
            invoice_row(company, "F002", "300.00", -10),
            invoice_row(company, "F003", "200.00", 20),
        ]
    )
    company.refresh_from_db()
    return company


def call_url(company) -> str:
    return reverse("receivables:call", args=[company.pk])


# The customer's card ------------------------------------------------------------------------------------------------


def test_the_card_shows_what_is_overdue_in_bounded_queries(
    client, overdue, world, django_assert_max_num_queries
):
    company_hold_orders(company=overdue, by=world.rep_a, hold=True, reason="1 200 € échus depuis le 15/10")
    services.plan_create(
        company=overdue,
        by=world.rep_a,
        instalments=services.split_evenly(Decimal("300.00"), 2, day(3)),
        invoices=[overdue.invoices.get(number="F002")],
        send=False,
    )
    client.force_login(world.rep_a)
    url = reverse("receivables:panel", args=[overdue.pk])
    with django_assert_max_num_queries(12):
        answer = client.get(url)
    html = answer.content.decode()
    assert answer.status_code == 200
    assert "1\u00a0200,00\u00a0€" in html and "40 jours de retard" in html  # overdue and the oldest's age
    assert "Commandes bloquées" in html and "1 200 € échus depuis le 15/10" in html
    assert html.index("F001") < html.index("F002") < html.index("F003")  # overdue first
    assert "à échoir" in html and "ECH" in html and "Prochaine échéance (1)" in html
    assert 'data-key="i"' in html and call_url(overdue) in html
    detail = client.get(reverse("customers:detail", args=[overdue.pk])).content.decode()
    assert url in detail  # loaded by the customer file with htmx


def test_the_card_is_only_for_who_follows_the_customer(client, overdue, world):
    url = reverse("receivables:panel", args=[overdue.pk])
    client.force_login(world.rep_b)  # another team
    assert client.get(url).status_code == 404
    client.force_login(world.field_a)  # a field rep does not collect
    assert client.get(url).status_code == 403
    client.force_login(world.bo_logistics)
    assert client.get(url).status_code == 200


def test_a_customer_without_debt_has_a_quiet_card(client, company, world):
    client.force_login(world.rep_a)
    html = client.get(reverse("receivables:panel", args=[company.pk])).content.decode()
    assert "Aucune facture ouverte" in html and 'data-key="i"' not in html


# The collection call ------------------------------------------------------------------------------------------------


def test_the_call_screen_lists_the_invoices_and_the_history(
    client, overdue, world, ladder, django_assert_max_num_queries
):
    services.dunning_run()
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(20):
        answer = client.get(call_url(overdue))
    html = answer.content.decode()
    assert answer.status_code == 200
    f001 = overdue.invoices.get(number="F001").pk
    f003 = overdue.invoices.get(number="F003").pk
    assert f'value="{f001}" id="invoice-{f001}" checked' in html  # overdue: ticked
    assert f'value="{f003}" id="invoice-{f003}">' in html  # not due yet: not ticked
    assert "Lettre de mise en demeure" in html  # the reminder done (level 3 at 40 days)
    assert "Déjà payé" in html and "Échéancier négocié" in html
    client.force_login(world.rep_b)
    assert client.get(call_url(overdue)).status_code == 404


def test_a_promise_is_recorded_and_a_wrong_date_keeps_what_was_typed(client, overdue, world):
    client.force_login(world.rep_a)
    refused = client.post(
        call_url(overdue),
        {
            "outcome": "promise",
            "promise_amount": "500,00",
            "promised_on": day(90).isoformat(),
            "note": "Le gérant rappelle",
        },
    )
    html = refused.content.decode()
    assert refused.status_code == 422
    assert (
        "négociez plutôt un échéancier" in html and 'value="500,00"' in html and "Le gérant rappelle" in html
    )
    assert not PaymentPromise.objects.exists()
    missing = client.post(call_url(overdue), {"outcome": "promise", "promise_amount": ""})
    assert missing.status_code == 422 and "Indiquez le montant promis" in missing.content.decode()
    done = client.post(
        call_url(overdue),
        {
            "outcome": "promise",
            "promise_amount": "1 200,00",
            "promised_on": day(5).isoformat(),
            "contact": overdue.compta.pk,
        },
    )
    assert done.status_code == 302 and done.url == reverse("customers:detail", args=[overdue.pk])
    promise = PaymentPromise.objects.get()
    assert promise.amount == Decimal("1200.00") and promise.status == PromiseStatus.PENDING


def test_propose_splits_the_ticked_invoices_and_the_total_line_shows_the_gap(client, overdue, world):
    client.force_login(world.rep_a)
    ids = [str(i.pk) for i in overdue.invoices.filter(number__in=["F001", "F002"])]
    proposal = client.get(
        reverse("receivables:call_proposal", args=[overdue.pk]),
        {"plan_count": "3", "plan_first": day(7).isoformat(), "invoices": ids},
        headers={"HX-Request": "true"},
    )
    html = proposal.content.decode()
    assert html.strip().startswith('<div id="instalments"')
    assert html.count('name="inst_amount_') == 3 and 'value="400,00"' in html
    assert f'value="{day(37).isoformat()}"' in html  # a month apart
    assert "le total correspond à la dette" in html
    total = client.get(
        reverse("receivables:call_total", args=[overdue.pk]),
        {"inst_amount_1": "400,00", "inst_amount_2": "400", "inst_amount_3": "300", "invoices": ids},
    ).content.decode()
    assert "il manque 100,00\u00a0€" in total and "1\u00a0200,00\u00a0€" in total
    too_much = client.get(
        reverse("receivables:call_total", args=[overdue.pk]),
        {"inst_amount_1": "900", "inst_amount_2": "400", "invoices": ids},
    ).content.decode()
    assert "100,00\u00a0€ de trop" in too_much
    wrong = client.get(
        reverse("receivables:call_proposal", args=[overdue.pk]),
        {"plan_count": "1", "plan_first": day(7).isoformat(), "invoices": ids},
    ).content.decode()
    assert "entre 2 et 24" in wrong
    impossible = client.get(
        reverse("receivables:call_proposal", args=[overdue.pk]),
        {"plan_count": "3", "plan_first": "2026-02-31", "invoices": ids},
    )
    assert impossible.status_code == 200 and "première échéance" in impossible.content.decode()


def test_a_plan_from_the_call_screen_then_agreed_or_cancelled(client, overdue, world):
    client.force_login(world.rep_a)
    ids = [str(i.pk) for i in overdue.invoices.filter(number__in=["F001", "F002"])]
    wrong = client.post(
        call_url(overdue),
        {
            "outcome": "plan",
            "invoices": ids,
            "inst_date_1": day(7).isoformat(),
            "inst_amount_1": "600",
            "inst_date_2": day(37).isoformat(),
            "inst_amount_2": "500",
        },
    )
    html = wrong.content.decode()
    assert wrong.status_code == 422
    assert "écart 100" in html.replace(".", ",") and 'value="500"' in html  # next to the table, kept
    assert not PaymentPlan.objects.exists()
    done = client.post(
        call_url(overdue),
        {
            "outcome": "plan",
            "invoices": ids,
            "contact": overdue.compta.pk,
            "inst_date_1": day(7).isoformat(),
            "inst_amount_1": "600",
            "inst_date_2": day(37).isoformat(),
            "inst_amount_2": "600,00",
        },
    )
    plan = PaymentPlan.objects.get()
    assert done.status_code == 302 and done.url == reverse("receivables:plan", args=[plan.pk])
    assert plan.total == Decimal("1200.00") and plan.status == PlanStatus.PROPOSED
    page = client.get(done.url).content.decode()
    assert plan.number in page and "Accord du client reçu" in page and "600,00" in page
    assert client.post(reverse("receivables:plan_agree", args=[plan.pk])).status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    refused = client.post(reverse("receivables:plan_cancel", args=[plan.pk]), {"reason": ""})
    assert refused.status_code == 422 and "Indiquez pourquoi" in refused.content.decode()
    client.post(
        reverse("receivables:plan_cancel", args=[plan.pk]), {"reason": "Paiement comptant finalement"}
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
    client.force_login(world.rep_b)
    assert client.get(reverse("receivables:plan", args=[plan.pk])).status_code == 404


def test_a_plan_needs_its_instalments(client, overdue, world):
    client.force_login(world.rep_a)
    answer = client.post(call_url(overdue), {"outcome": "plan"})
    assert answer.status_code == 422 and "Proposer" in answer.content.decode()


def test_a_dispute_opens_a_claim_and_a_refusal_holds_orders(client, overdue, world):
    client.force_login(world.rep_a)
    f002 = overdue.invoices.get(number="F002")
    answer = client.post(
        call_url(overdue),
        {"outcome": "dispute", "invoices": [f002.pk], "dispute_description": "Livraison jamais reçue"},
    )
    claim = Claim.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("claims:detail", args=[claim.pk])
    assert "F002" in claim.description
    f002.refresh_from_db()
    assert f002.disputed
    client.post(call_url(overdue), {"outcome": "refusal", "note": "Refuse de payer"})
    overdue.refresh_from_db()
    assert overdue.orders_on_hold
    client.post(call_url(overdue), {"outcome": "not_reached"})
    assert Interaction.objects.filter(company=overdue, subject__contains="Non joint").exists()


def test_a_missed_instalment_shows_on_the_plan_page_and_the_card(client, overdue, world):
    plan = services.plan_create(
        company=overdue,
        by=world.rep_a,
        instalments=services.split_evenly(Decimal("1200.00"), 3, day(1)),
        send=False,
    )
    services.instalments_check(today=day(2))
    assert Instalment.objects.get(plan=plan, position=1).status == InstalmentStatus.MISSED
    client.force_login(world.rep_a)
    page = client.get(reverse("receivables:plan", args=[plan.pk])).content.decode()
    assert "Impayée" in page
    card = client.get(reverse("receivables:panel", args=[overdue.pk])).content.decode()
    assert "Impayée" in card and "échéance 1" in card


# The dashboard ------------------------------------------------------------------------------------------------------


def test_the_dashboard_counts_by_age_with_aggregate_queries(
    client, overdue, world, django_assert_max_num_queries
):
    other = CompanyFactory(rep=world.rep_b, team=world.team_b)
    services.invoices_sync(rows=[invoice_row(other, "G001", "5000", -100)])
    services.promise_record(company=overdue, by=world.rep_a, amount="300", promised_on=day(3))
    client.force_login(world.sup_a)
    with django_assert_max_num_queries(20):
        answer = client.get(reverse("receivables:dashboard"))
    html = answer.content.decode()
    assert answer.status_code == 200
    assert overdue.display_name in html and other.display_name not in html  # only sup_a's team
    assert "1\u00a0200,00\u00a0€" in html and "5\u00a0000" not in html
    assert reverse("receivables:call", args=[overdue.pk]) in html
    data = answer.context["buckets"]
    assert [(b.amount, b.customers) for b in data] == [
        (Decimal("300.00"), 1),
        (Decimal("900.00"), 1),
        (Decimal("0"), 0),
        (Decimal("0"), 0),
    ]
    assert answer.context["promises"]["pending"] == 1
    client.force_login(world.admin)
    everything = client.get(reverse("receivables:dashboard"))
    assert everything.context["overdue_total"] == Decimal("6200.00")
    filtered = client.get(reverse("receivables:dashboard"), {"equipe": world.team_b.pk})
    assert filtered.context["overdue_total"] == Decimal("5000.00")
    client.force_login(world.rep_a2)  # same team, not their portfolio
    assert client.get(reverse("receivables:dashboard")).context["overdue_total"] == 0
    client.force_login(world.rep_a)
    mine = client.get(reverse("receivables:dashboard"))
    assert mine.context["overdue_total"] == Decimal("1200.00") and not mine.context["teams"]
    client.force_login(world.field_a)
    assert client.get(reverse("receivables:dashboard")).status_code == 403


def test_recovered_counts_payments_of_invoices_already_overdue(client, overdue, world):
    services.invoices_sync(
        rows=[
            invoice_row(overdue, "F001", "900.00", -40, payments=[{"reference": "P1", "paid_on": day(-1), "amount": "500"}]),
            invoice_row(overdue, "F003", "200.00", 20, payments=[{"reference": "P2", "paid_on": day(0), "amount": "200"}]),
        ]
    )  # fmt: skip
    client.force_login(world.admin)
    assert client.get(reverse("receivables:dashboard")).context["recovered"] == Decimal("500.00")


# The order screen ---------------------------------------------------------------------------------------------------


def test_the_order_screen_warns_when_orders_are_on_hold(client, company, world):
    from televente.orders import services as order_services

    company_hold_orders(company=company, by=world.rep_a, hold=True, reason="900 € échus depuis le 01/10")
    order = order_services.order_start(company=company, by=world.rep_a)
    client.force_login(world.rep_a)
    html = client.get(reverse("orders:detail", args=[order.pk])).content.decode()
    assert "Commandes bloquées pour ce client : 900 € échus depuis le 01/10" in html


def test_the_navigation_has_the_collection_entry(client, world):
    client.force_login(world.sup_a)
    html = client.get(reverse("accounts:home")).content.decode()
    assert reverse("receivables:dashboard") in html and 'data-shortcut="g f"' in html


def test_the_plan_page_in_a_bounded_number_of_queries(client, overdue, world, django_assert_max_num_queries):
    plan = services.plan_create(
        company=overdue,
        by=world.rep_a,
        instalments=services.split_evenly(Decimal("1200.00"), 6, day(3)),
        send=False,
    )
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(12):
        page = client.get(reverse("receivables:plan", args=[plan.pk]))
    assert page.status_code == 200 and page.content.decode().count("<tr") >= 6
