from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from televente.customers.tests.factories import ContactFactory, SegmentFactory
from televente.knowledge import selectors, services
from televente.knowledge.choices import DocumentKind
from televente.knowledge.models import CommercialDocument

pytestmark = pytest.mark.django_db


def _later(world, company, sheet, by, due_on=None):
    return services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=by, now=False, due_on=due_on
    )


def test_to_send_for_the_rep_and_the_team_supervisor(world, company, sheet, django_assert_max_num_queries):
    mine = _later(world, company, sheet, world.rep_a)
    _later(world, company, sheet, world.rep_a2)
    _later(world, company, sheet, world.rep_a, due_on=timezone.localdate() + dt.timedelta(days=2))
    with django_assert_max_num_queries(3):
        rows = selectors.to_send(user=world.rep_a)
        for row in rows:
            list(row.documents.all())
    assert rows == [mine]
    assert len(selectors.to_send(user=world.sup_a)) == 2
    assert selectors.to_send(user=world.sup_b) == [] and selectors.to_send(user=world.rep_b) == []
    assert selectors.to_send_count(user=world.rep_a) == 1


def test_suggested_documents_usual_products_first_then_segment(world, company, sheet, catalogue):
    from televente.catalog.tests.factories import ProductFactory
    from televente.orders.models import ProductHabit

    other_segment = CommercialDocument.objects.create(
        title="Offre cantines", kind=DocumentKind.OFFER, file="documents/x.pdf"
    )
    other_segment.segments.set([SegmentFactory(code="cantine", name="Cantine")])
    mine = CommercialDocument.objects.create(
        title="Offre boulangers", kind=DocumentKind.OFFER, file="documents/y.pdf"
    )
    mine.segments.set([company.segment])
    not_usual = CommercialDocument.objects.create(
        title="Fiche farine", kind=DocumentKind.TECHNICAL_SHEET, product=ProductFactory()
    )
    ProductHabit.objects.create(
        company=company, product=sheet.product, usual_quantity=2, orders_count=9, share="0.9",
        last_ordered=timezone.localdate(),
    )  # fmt: skip
    docs = selectors.suggested_documents(company=company)
    assert docs == [sheet, catalogue, mine]
    assert not_usual not in docs and other_segment not in docs


def test_recipients_order_contact_first_without_opt_out(world, company):
    ContactFactory(company=company, last_name="Aaron", email="a@x.fr")
    ContactFactory(company=company, last_name="Refus", email="r@x.fr", opt_out_email=True)
    ContactFactory(company=company, last_name="Sans", email="")
    names = [c.last_name for c in selectors.company_recipients(company)]
    assert names == ["Martin", "Aaron"]


def test_company_sendings_query_count(world, company, sheet, django_assert_max_num_queries):
    _later(world, company, sheet, world.rep_a)
    with django_assert_max_num_queries(4):
        data = selectors.company_sendings(company=company)
        for s in data["recent"]:
            list(s.documents.all())
    assert data["pending"] == 1 and len(data["recent"]) == 1
