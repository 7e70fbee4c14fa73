"""Invoices from the ERP (idempotent, all or nothing), promises, payment plans, the collection call
and the dunning ladder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import Interaction
from televente.messaging.choices import MessageStatus
from televente.messaging.models import Message
from televente.messaging.services import outbox_send
from televente.receivables import services
from televente.receivables.choices import InstalmentStatus, InvoiceStatus, PlanStatus, PromiseStatus
from televente.receivables.models import DunningEvent, Invoice, Payment

from .conftest import day, invoice_row

pytestmark = pytest.mark.django_db


def test_sync_is_idempotent_and_keeps_the_outstanding_amount(company):
    rows = [
        invoice_row(company, "F001", "1200.00", -20),
        invoice_row(
            company, "F002", "300.00", 10, payments=[{"reference": "P1", "paid_on": day(0), "amount": "100"}]
        ),
    ]
    first = services.invoices_sync(rows=rows)
    assert (first.created, first.payments) == (2, 1)
    again = services.invoices_sync(rows=rows)
    assert (again.created, again.updated, again.unchanged, again.payments) == (0, 0, 2, 0)
    company.refresh_from_db()
    assert company.outstanding == Decimal("1400.00")
    assert services.overdue_amount(company) == Decimal("1200.00")
    # Paid in full: the invoice is paid, the outstanding falls.
    rows[0]["payments"] = [{"reference": "P2", "paid_on": day(0).isoformat(), "amount": "1200"}]
    services.invoices_sync(rows=rows)
    assert Invoice.objects.get(number="F001").status == InvoiceStatus.PAID
    company.refresh_from_db()
    assert company.outstanding == Decimal("200.00")


def test_one_wrong_row_refuses_the_whole_sending_with_row_and_reason(company):
    rows = [
        invoice_row(company, "F001", "100", -5),
        invoice_row(company, "F002", "abc", -5),
        {**invoice_row(company, "F003", "100", -5), "customer_id": 999999},
    ]
    with pytest.raises(services.RowsRefused) as refused:
        services.invoices_sync(rows=rows, first_row=2)
    assert [(e.row, e.field) for e in refused.value.errors] == [(3, "amount"), (4, "customer")]
    assert "Ligne 3" in refused.value.message
    assert not Invoice.objects.exists()


def test_a_customer_is_found_by_siret(company):
    company.siret = "73282932000074"
    company.save()
    row = invoice_row(company, "F010", "50", 5)
    del row["customer_id"]
    services.invoices_sync(rows=[{**row, "siret": "732 829 320 00074"}])
    assert Invoice.objects.get(number="F010").company == company


def test_a_promise_is_kept_by_a_payment_and_a_new_one_replaces_it(company, world):
    services.invoices_sync(rows=[invoice_row(company, "F001", "800", -20)])
    company.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.promise_record(company=company, by=world.rep_a, amount="500", promised_on=day(90))
    assert refused.value.field == "promised_on"
    with pytest.raises(DomainError) as refused:
        services.promise_record(company=company, by=world.rep_a, amount="5000", promised_on=day(5))
    assert refused.value.field == "promise_amount"
    first = services.promise_record(company=company, by=world.rep_a, amount="800", promised_on=day(3))
    promise = services.promise_record(company=company, by=world.rep_a, amount="500", promised_on=day(5))
    first.refresh_from_db()
    assert first.status == PromiseStatus.REPLACED
    services.invoices_sync(
        rows=[
            invoice_row(
                company,
                "F001",
                "800",
                -20,
                payments=[{"reference": "P9", "paid_on": day(1), "amount": "500"}],
            )
        ]
    )
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.KEPT  # checked as soon as the payment arrives
    assert services.promises_check(today=day(9)) == {"kept": 0, "broken": 0}


def test_a_broken_promise_is_said_once(company, world):
    services.invoices_sync(rows=[invoice_row(company, "F001", "800", -20)])
    company.refresh_from_db()
    promise = services.promise_record(company=company, by=world.rep_a, amount="800", promised_on=day(2))
    assert services.promises_check(today=day(2)) == {"kept": 0, "broken": 0}  # its day is not over
    assert services.promises_check(today=day(3)) == {"kept": 0, "broken": 1}
    assert services.promises_check(today=day(4)) == {"kept": 0, "broken": 0}
    promise.refresh_from_db()
    assert promise.status == PromiseStatus.BROKEN
    assert (
        Interaction.objects.filter(reference=f"receivables.promise:{promise.pk}", kind="system").count() == 1
    )


def test_a_plan_must_add_up_to_the_debt(company, world):
    services.invoices_sync(
        rows=[invoice_row(company, "F001", "900", -30), invoice_row(company, "F002", "300", 20)]
    )
    with pytest.raises(DomainError) as refused:
        services.plan_create(
            company=company, by=world.rep_a, instalments=[(day(5), "300"), (day(35), "300"), (day(65), "200")]
        )
    assert "totalisent 800,00" in refused.value.message.replace(".", ",") or "800.00" in refused.value.message
    assert "900" in refused.value.message
    with pytest.raises(DomainError):
        services.plan_create(company=company, by=world.rep_a, instalments=[(day(5), "900")])
    with pytest.raises(DomainError):
        services.plan_create(company=company, by=world.rep_a, instalments=[(day(35), "450"), (day(5), "450")])
    with pytest.raises(PermissionRefused):
        services.plan_create(company=company, by=world.rep_b, instalments=[(day(5), "450"), (day(35), "450")])


def test_three_instalment_plan_is_emailed_filed_and_a_missed_instalment_shows_the_next_day(
    company, world, mailoutbox, run_tasks
):
    services.invoices_sync(
        rows=[invoice_row(company, "F001", "900", -30), invoice_row(company, "F002", "300", -10)]
    )
    company.refresh_from_db()
    proposal = services.split_evenly(Decimal("1200.00"), 3, day(1))
    plan = services.plan_create(company=company, by=world.rep_a, instalments=proposal, contact=company.compta)
    assert plan.number.startswith("ECH") and plan.total == Decimal("1200.00")
    assert [i.amount for i in plan.instalments.all()] == [Decimal("400.00")] * 3
    run_tasks()
    email = mailoutbox[-1]
    assert plan.number in email.subject and email.to[0].endswith("<compta@brasserie.fr>")
    assert "1. " in email.body and "400,00" in email.body
    name, content, mimetype = email.attachments[0]
    assert mimetype == "application/pdf" and content[:4] == b"%PDF" and plan.number in name
    message = Message.objects.get(reference=f"receivables.plan:{plan.pk}")
    assert message.status == MessageStatus.SENT
    filed = Interaction.objects.get(reference=f"messaging.message:{message.pk}")
    assert filed.kind == "document" and message.document_file
    # The first instalment is due tomorrow; nothing is paid. The day after, it shows as missed.
    assert services.instalments_check(today=day(1)) == {"paid": 0, "missed": 0, "completed": 0, "broken": 0}
    assert services.instalments_check(today=day(2)) == {"paid": 0, "missed": 1, "completed": 0, "broken": 0}
    assert services.instalments_check(today=day(3))["missed"] == 0  # said once
    first = plan.instalments.get(position=1)
    assert first.status == InstalmentStatus.MISSED
    callback = Interaction.objects.get(reference=f"receivables.plan:{plan.pk}", next_action="callback")
    assert callback.next_action_owner == world.rep_a
    # A late payment pays it after all; paying everything completes the plan.
    services.invoices_sync(
        rows=[
            invoice_row(
                company,
                "F001",
                "900",
                -30,
                payments=[{"reference": "V1", "paid_on": day(2), "amount": "900"}],
            ),
            invoice_row(
                company,
                "F002",
                "300",
                -10,
                payments=[{"reference": "V2", "paid_on": day(2), "amount": "300"}],
            ),
        ]
    )
    plan.refresh_from_db()
    assert plan.status == PlanStatus.COMPLETED
    assert set(plan.instalments.values_list("status", flat=True)) == {InstalmentStatus.PAID}


def test_the_dunning_ladder_does_each_step_once(company, world, ladder, mailoutbox):
    services.invoices_sync(rows=[invoice_row(company, "F001", "900", -8)])
    company.refresh_from_db()
    assert services.dunning_run() == {"email": 1}
    assert services.dunning_run() == {}
    message = Message.objects.get(template_code="dunning_reminder")
    assert "F001" in message.body_text and "900,00" in message.body_text
    assert outbox_send(message.pk) == MessageStatus.SENT
    # Fifteen days late: a call for the rep, in their plan as a callback.
    Invoice.objects.filter(number="F001").update(due_on=day(-16))
    assert services.dunning_run() == {"call": 1}
    assert Interaction.objects.filter(
        company=company, next_action="callback", next_action_owner=world.rep_a
    ).exists()
    # Forty-six days: the job was off for a while; only the highest step due is done.
    Invoice.objects.filter(number="F001").update(due_on=day(-46))
    assert services.dunning_run() == {"hold": 1}
    company.refresh_from_db()
    assert company.orders_on_hold and "900" in company.hold_reason
    assert list(DunningEvent.objects.order_by("level").values_list("level", flat=True)) == [1, 2, 4]
    # Paid: the hold is released.
    services.invoices_sync(
        rows=[
            invoice_row(
                company,
                "F001",
                "900",
                -46,
                payments=[{"reference": "P1", "paid_on": day(0), "amount": "900"}],
            )
        ]
    )
    company.refresh_from_db()
    assert not company.orders_on_hold


def test_disputed_invoices_promises_and_plans_pause_the_ladder(company, world, ladder, run_tasks):
    from televente.claims.tests.conftest import claim_rules  # noqa: F401 - the claim rules fixture

    services.invoices_sync(rows=[invoice_row(company, "F001", "900", -8)])
    company.refresh_from_db()
    services.promise_record(company=company, by=world.rep_a, amount="900", promised_on=day(3))
    assert services.dunning_run() == {}


def test_collection_call_outcomes(company, world, ladder):
    from televente.claims.models import Claim

    services.invoices_sync(
        rows=[invoice_row(company, "F001", "900", -8), invoice_row(company, "F002", "100", -3)]
    )
    company.refresh_from_db()
    with pytest.raises(DomainError) as refused:
        services.collection_call_record(company=company, by=world.rep_a, outcome="dispute")
    assert refused.value.field == "dispute_description"
    result = services.collection_call_record(
        company=company,
        by=world.rep_a,
        outcome="dispute",
        invoices=Invoice.objects.filter(number="F002"),
        dispute_description="Livraison du 3 jamais reçue",
        contact=company.compta,
    )
    claim = Claim.objects.get(pk=result.claim.pk)
    assert (
        claim.claim_type == "invoicing" and "F002" in claim.description and claim.amount == Decimal("100.00")
    )
    assert Invoice.objects.get(number="F002").disputed
    assert services.dunning_run() == {"email": 1}  # for F001 only
    assert set(DunningEvent.objects.get().invoices.values_list("number", flat=True)) == {"F001"}
    services.collection_call_record(company=company, by=world.rep_a, outcome="refusal", note="Ne paiera pas")
    company.refresh_from_db()
    assert company.orders_on_hold
    escalation = Interaction.objects.get(
        company=company, next_action="callback", next_action_owner=world.sup_a
    )
    assert "Refus" in escalation.next_action_note
    result = services.collection_call_record(
        company=company, by=world.rep_a, outcome="promise", promise_amount="900", promised_on=day(5)
    )
    assert result.promise.amount == Decimal("900.00")
    assert Payment.objects.count() == 0


def test_a_plan_with_an_instalment_unpaid_after_the_grace_period_is_broken(company, world, ladder):
    services.invoices_sync(rows=[invoice_row(company, "F001", "600", -30)])
    company.refresh_from_db()
    plan = services.plan_create(
        company=company, by=world.rep_a, instalments=[(day(1), "300"), (day(31), "300")], send=False
    )
    assert services.dunning_run() == {}  # the plan's invoices are left alone
    services.instalments_check(today=day(2))
    late = day(2 + services.PLAN_GRACE_DAYS)
    assert services.instalments_check(today=late)["broken"] == 1
    plan.refresh_from_db()
    assert plan.status == PlanStatus.BROKEN
    assert services.dunning_run(today=late) != {}  # dunning resumes


def test_absurd_amounts_are_refused_not_crashed(company):
    with pytest.raises(services.RowsRefused) as refused:
        services.invoices_sync(
            rows=[invoice_row(company, "F001", "1e400", 5), invoice_row(company, "F002", "NaN", 5)]
        )
    assert [(e.row, e.field) for e in refused.value.errors] == [(1, "amount"), (2, "amount")]


def test_a_proposal_splits_the_debt_or_says_why_not():
    today = dt.date(2026, 11, 24)
    assert services.plan_proposal(debt=Decimal("100.00"), count=3, first=today, today=today)[-1][
        1
    ] == Decimal("33.34")
    for count, first, debt, field in (
        (1, today, Decimal("100"), "plan_count"),
        (3, today - dt.timedelta(days=1), Decimal("100"), "plan_first"),
        (3, today, Decimal("0"), "invoices"),
    ):
        with pytest.raises(DomainError) as refused:
            services.plan_proposal(debt=debt, count=count, first=first, today=today)
        assert refused.value.field == field
