"""Receivables over the API: the ERP's invoices and payments (idempotent, all or nothing, only for
back office and admin keys), and what a customer owes for whoever sees it."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from televente.accounts import services as account_services
from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.receivables.models import Invoice, Payment

from .conftest import day, invoice_row

pytestmark = pytest.mark.django_db

URL = "/api/v1/invoices"


def api_for(user) -> Client:
    _token, raw = account_services.api_token_create(user=user, name="test")
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.fixture
def erp(db):
    """The ERP's technical account: back office, accounting."""
    return api_for(UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.ACCOUNTING, username="erp"))


def put(api, rows):
    return api.put(URL, {"invoices": rows}, content_type="application/json")


def test_the_erp_sends_invoices_and_payments_twice_without_effect(erp, company):
    rows = [
        invoice_row(company, "F001", "1200.00", -20),
        {
            **invoice_row(
                company,
                "F002",
                "300,50",
                10,
                payments=[
                    {"reference": "VIR-1", "paid_on": day(0).isoformat(), "amount": 100, "method": "virement"}
                ],
            ),
            "issued_on": day(-20).strftime("%d/%m/%Y"),
        },
    ]
    answer = put(erp, rows)
    assert answer.status_code == 200, answer.content
    assert answer.json() == {"created": 2, "updated": 0, "unchanged": 0, "payments": 1, "customers": 1}
    again = put(erp, rows)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 2, "payments": 0, "customers": 1}
    company.refresh_from_db()
    assert company.outstanding == Decimal("1400.50")
    assert Payment.objects.get().method == "virement"
    cancelled = put(erp, [{**invoice_row(company, "F001", "1200.00", -20), "cancelled": True}])
    assert cancelled.json()["updated"] == 1
    company.refresh_from_db()
    assert company.outstanding == Decimal("200.50")


def test_wrong_rows_refuse_everything_with_their_numbers(erp, company):
    rows = [
        invoice_row(company, "F001", "100", -5),
        invoice_row(company, "F002", "abc", -5),
        {**invoice_row(company, "F003", "100", -5), "customer_id": 999999},
        invoice_row(company, "F004", "100", -5, payments=[{"paid_on": "hier", "amount": "1"}]),
    ]
    answer = put(erp, rows)
    body = answer.json()
    assert answer.status_code == 422 and body["error"]["code"] == "validation_error"
    assert "rien n'a été enregistré" in body["error"]["message"]
    assert [(d["row"], d["field"]) for d in body["error"]["details"]] == [
        (2, "amount"),
        (3, "customer"),
        (4, "payments[0].reference"),
    ]
    assert not Invoice.objects.exists()


def test_the_shape_is_checked_and_a_sending_is_at_most_5000_invoices(erp, company):
    assert put(erp, []).status_code == 422
    assert erp.put(URL, {"rows": []}, content_type="application/json").status_code == 422
    many = [invoice_row(company, f"F{i:05d}", "1", 5) for i in range(5001)]
    answer = put(erp, many)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "validation_error"


def test_only_back_office_and_admin_send_invoices(company, world):
    row = [invoice_row(company, "F001", "100", -5)]
    for user in (world.rep_a, world.sup_a, world.field_a):
        answer = put(api_for(user), row)
        assert answer.status_code == 403 and answer.json()["error"]["code"] == "permission_denied"
    assert put(api_for(world.admin), row).status_code == 200
    assert Client().put(URL, {"invoices": row}, content_type="application/json").status_code == 401


def test_a_customer_receivables_for_whoever_sees_it(erp, company, world):
    put(
        erp,
        [
            invoice_row(company, "F001", "900", -40, payments=[{"reference": "P1", "paid_on": day(-1).isoformat(), "amount": "100"}]),
            invoice_row(company, "F002", "300", -10),
            invoice_row(company, "F003", "200", 20),
            invoice_row(company, "F000", "50", -90, payments=[{"reference": "P0", "paid_on": day(-80).isoformat(), "amount": "50"}]),
        ],
    )  # fmt: skip
    url = f"/api/v1/companies/{company.pk}/receivables"
    answer = api_for(world.rep_a).get(url)
    body = answer.json()
    assert answer.status_code == 200
    assert (body["outstanding"], body["overdue"], body["days_overdue"]) == ("1300.00", "1100.00", 40)
    assert body["oldest_due_on"] == day(-40).isoformat() and body["orders_on_hold"] is False
    assert [(i["number"], i["balance"], i["days_late"]) for i in body["invoices"]] == [
        ("F001", "800.00", 40),
        ("F002", "300.00", 10),
        ("F003", "200.00", 0),
    ]  # the paid one is not listed
    assert api_for(world.rep_b).get(url).status_code == 404
    assert erp.get(url).status_code == 200
