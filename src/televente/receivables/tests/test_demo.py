"""The demo's receivables follow the services' rules: paid amounts and statuses from the payments,
each customer's outstanding amount from its open invoices, plans adding up to their debt."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from televente.accounts.models import User
from televente.customers.models import Company
from televente.receivables import selectors
from televente.receivables.choices import InstalmentStatus, InvoiceStatus
from televente.receivables.models import DunningEvent, Invoice, Payment, PaymentPlan, PaymentPromise


@pytest.mark.django_db
def test_the_small_demo_has_consistent_receivables():
    call_command("seed_demo", "--size", "small", verbosity=0)
    paid = dict(Payment.objects.values("invoice_id").annotate(t=Sum("amount")).values_list("invoice_id", "t"))
    for pk, amount, paid_amount, status in Invoice.objects.values_list(
        "pk", "amount", "paid_amount", "status"
    ):
        assert paid_amount == (paid.get(pk) or 0)
        assert status == (InvoiceStatus.PAID if paid_amount >= amount else InvoiceStatus.OPEN)
    open_totals = dict(
        Invoice.objects.filter(status=InvoiceStatus.OPEN)
        .values("company_id")
        .annotate(t=Sum("amount") - Sum("paid_amount"))
        .values_list("company_id", "t")
    )
    for pk, outstanding in Company.objects.values_list("pk", "outstanding"):
        assert outstanding == (open_totals.get(pk) or Decimal("0")), pk
    for plan in PaymentPlan.objects.all():
        assert sum(i.amount for i in plan.instalments.all()) == plan.total
    assert DunningEvent.objects.exists() and PaymentPromise.objects.filter(status="broken").exists()
    board = selectors.dashboard(user=User.objects.get(username="admin"))
    assert sum(1 for b in board["buckets"] if b.customers) >= 3  # spread over the age buckets
    rep = User.objects.get(username="televendeur")
    mine = selectors.dashboard(user=rep)
    assert mine["to_call"] and any(i.status == InstalmentStatus.MISSED for i in mine["missed_instalments"])
