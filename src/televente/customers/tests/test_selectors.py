import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import timezone

from televente.customers import selectors, services
from televente.customers.choices import CompanyStatus, InteractionKind
from televente.customers.models import CallWindow, Company, CompanyHabits, Phone
from televente.customers.tests.factories import CompanyFactory, ContactFactory


@pytest.mark.django_db
def test_visibility_by_role(world):
    mine = CompanyFactory(rep=world.rep_a)
    theirs = CompanyFactory(rep=world.rep_b)
    assert set(Company.objects.visible_to(world.rep_a)) == {mine}
    assert set(Company.objects.visible_to(world.rep_a2)) == {mine}  # same team
    assert set(Company.objects.visible_to(world.field_a)) == {mine}  # paired rep's customers
    assert set(Company.objects.visible_to(world.sup_a)) == {mine}
    assert set(Company.objects.visible_to(world.sup_b)) == {theirs}
    assert set(Company.objects.visible_to(world.bo_logistics)) == {mine, theirs}
    assert not Company.objects.editable_by(world.bo_logistics).exists()
    assert set(Company.objects.visible_to(world.admin)) == {mine, theirs}


@pytest.mark.django_db
def test_company_file_has_bounded_queries(world, django_assert_max_num_queries):
    company = CompanyFactory(rep=world.rep_a)
    for n in range(3):
        contact = ContactFactory(company=company)
        Phone.objects.create(company=company, contact=contact, e164=f"+3361234567{n}")
    CompanyHabits.objects.create(company=company, orders_12m=3)
    CallWindow.objects.create(company=company, weekday=1, start=dt.time(9), end=dt.time(10))
    for _ in range(30):
        services.interaction_record(company=company, kind=InteractionKind.CALL_OUT, by=world.rep_a, notes="n")
    with django_assert_max_num_queries(12):
        file = selectors.company_file(user=world.rep_a, pk=company.pk)
        for contact in file.contacts:
            list(contact.phones.all())
        [str(i.author) for i in file.timeline]
    assert len(file.timeline) == selectors.TIMELINE_PAGE
    assert file.timeline_has_more


@pytest.mark.django_db
def test_timeline_keyset_pages_do_not_overlap(world):
    company = CompanyFactory(rep=world.rep_a)
    at = timezone.now()
    for _ in range(20):  # same timestamp: the id breaks the tie
        services.interaction_record(
            company=company, kind=InteractionKind.NOTE, by=world.rep_a, occurred_at=at
        )
    first, more = selectors.timeline_page(company=company)
    second, more2 = selectors.timeline_page(company=company, before=(first[-1].occurred_at, first[-1].pk))
    assert more and not more2
    assert len({i.pk for i in first} | {i.pk for i in second}) == 20


@pytest.mark.django_db
def test_phone_lookup_any_format_and_scoped(world):
    company = CompanyFactory(rep=world.rep_a)
    Phone.objects.create(company=company, e164="+33142685300")
    for raw in ["01 42 68 53 00", "+33 1 42 68 53 00", "0033142685300", "01.42.68.53.00"]:
        assert list(selectors.companies_by_phone(user=world.rep_a, raw=raw)) == [company]
    assert not selectors.companies_by_phone(user=world.rep_b, raw="0142685300").exists()
    assert not selectors.companies_by_phone(user=world.rep_a, raw="pas un numéro").exists()


@pytest.mark.django_db
def test_portfolio_filters(world):
    late = CompanyFactory(rep=world.rep_a, trade_name="Ancien client")
    CompanyHabits.objects.create(
        company=late, next_expected_order=timezone.localdate() - dt.timedelta(days=3), abc_class="A"
    )
    prospect = CompanyFactory(rep=world.rep_a, status=CompanyStatus.PROSPECT, trade_name="Nouveau")
    CallWindow.objects.create(company=prospect, weekday=2, start=dt.time(9), end=dt.time(10))

    def names(query: str) -> set[str]:
        return {c.trade_name for c in selectors.portfolio(user=world.rep_a, params=QueryDict(query)).qs}

    assert names("late=true") == {"Ancien client"}
    assert names("abc=A") == {"Ancien client"}
    assert names("status=prospect") == {"Nouveau"}
    assert names("never_contacted=true") == {"Nouveau"}
    assert names("call_day=2") == {"Nouveau"}
    assert names("inactive_days=30") == {"Ancien client", "Nouveau"}
    assert names("q=nouv") == {"Nouveau"}
    assert [
        c.trade_name for c in selectors.portfolio(user=world.rep_a, params=QueryDict("sort=-name")).qs
    ] == ["Nouveau", "Ancien client"]


@pytest.mark.django_db
def test_portfolio_query_count_is_bounded(world, django_assert_max_num_queries):
    for _ in range(30):
        CompanyFactory(rep=world.rep_a)
    with django_assert_max_num_queries(3):
        rows = list(selectors.portfolio(user=world.rep_a, params=QueryDict("q=rest")).qs[:50])
        [(c.segment, c.rep, getattr(c, "habits", None)) for c in rows]
