import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.core.errors import DomainError, PermissionRefused
from televente.customers import services
from televente.customers.choices import CompanyStatus, Engagement, InteractionKind, Outcome
from televente.customers.models import Company, CompanyHabits, Contact, GdprLog, Interaction, Phone
from televente.customers.search import filter_companies
from televente.customers.tests.factories import CompanyFactory, ContactFactory, valid_siret


@pytest.mark.django_db
def test_rep_creates_a_prospect_in_own_portfolio_with_a_phone(world):
    company = services.company_create(
        by=world.rep_a,
        data={
            "legal_name": "SARL Le Port",
            "trade_name": "Brasserie du Port",
            "status": CompanyStatus.PROSPECT,
        },
        phones=[("switchboard", "01 42 68 53 00")],
    )
    assert company.rep == world.rep_a
    assert company.team == world.team_a
    assert company.field_rep == world.field_a
    assert company.phones.get().e164 == "+33142685300"
    assert company.interactions.get().kind == InteractionKind.SYSTEM  # "Fiche créée" on the timeline


@pytest.mark.django_db
def test_back_office_cannot_create_or_edit(world):
    with pytest.raises(PermissionRefused):
        services.company_create(by=world.bo_logistics, data={"legal_name": "X"})
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.company_update(company=company, by=world.bo_logistics, data={"notes": "x"})


@pytest.mark.django_db
def test_rep_of_another_team_cannot_edit(world):
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.company_update(company=company, by=world.rep_b, data={"notes": "x"})


@pytest.mark.django_db
def test_update_records_changed_fields_on_the_timeline_and_status_date(world):
    company = CompanyFactory(rep=world.rep_a, status=CompanyStatus.PROSPECT)
    before = company.status_changed_at
    services.company_update(
        company=company, by=world.rep_a, data={"status": CompanyStatus.CUSTOMER, "city": "Lyon"}
    )
    company.refresh_from_db()
    assert company.status_changed_at > before
    entry = company.interactions.latest("occurred_at")
    assert "statut" in entry.subject and "ville" in entry.subject
    assert entry.author == world.rep_a


@pytest.mark.django_db
def test_convert_prospect_keeps_history(world):
    company = CompanyFactory(rep=world.rep_a, status=CompanyStatus.PROSPECT)
    services.interaction_record(
        company=company, kind=InteractionKind.CALL_OUT, by=world.rep_a, outcome=Outcome.INFORMATION
    )
    services.company_convert_to_customer(company=company, by=world.rep_a)
    company.refresh_from_db()
    assert company.status == CompanyStatus.CUSTOMER
    assert company.interactions.filter(kind=InteractionKind.CALL_OUT).count() == 1
    with pytest.raises(DomainError):
        services.company_convert_to_customer(company=company, by=world.rep_a)


@pytest.mark.django_db
def test_call_updates_last_contact_and_engagement(world):
    company = CompanyFactory(
        rep=world.rep_a, status=CompanyStatus.PROSPECT, engagement=Engagement.NOT_CONTACTED
    )
    entry = services.interaction_log(
        company=company,
        by=world.rep_a,
        data={
            "kind": InteractionKind.CALL_OUT,
            "outcome": Outcome.CALLBACK,
            "next_action": "callback",
            "next_action_at": timezone.now() + dt.timedelta(days=1),
        },
    )
    company.refresh_from_db()
    assert company.last_contact_at == entry.occurred_at
    assert company.engagement == Engagement.CONTACTED
    assert entry.next_action_owner == world.rep_a


@pytest.mark.django_db
def test_next_step_needs_a_date(world):
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(DomainError) as exc:
        services.interaction_log(
            company=company, by=world.rep_a, data={"kind": "call_out", "next_action": "callback"}
        )
    assert exc.value.field == "next_action_at"
    assert not Interaction.objects.filter(company=company).exists()


@pytest.mark.django_db
def test_system_entries_cannot_be_logged_by_hand(world):
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(DomainError):
        services.interaction_log(company=company, by=world.rep_a, data={"kind": InteractionKind.ORDER})


@pytest.mark.django_db
def test_overlapping_call_windows_are_refused(world):
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(DomainError):
        services.call_windows_set(
            company=company,
            by=world.rep_a,
            windows=[(1, dt.time(9), dt.time(10)), (1, dt.time(9, 30), dt.time(11))],
        )
    created = services.call_windows_set(
        company=company,
        by=world.rep_a,
        windows=[(1, dt.time(14, 30), dt.time(16)), (3, dt.time(9), dt.time(9, 30))],
    )
    assert len(created) == 2


@pytest.mark.django_db
def test_opt_out_is_recorded_with_history(world):
    contact = ContactFactory(company=CompanyFactory(rep=world.rep_a))
    services.contact_set_consent(
        contact=contact, by=world.rep_a, channel="email", granted=False, source="phone_call"
    )
    contact.refresh_from_db()
    assert not contact.allows("email")
    assert contact.allows("phone")
    assert contact.consent_events.get().granted is False


@pytest.mark.django_db
def test_invalid_phone_is_refused_and_nothing_is_written(world):
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(DomainError):
        services.contact_save(
            company=company, by=world.rep_a, data={"last_name": "Martin"}, phones=[("office", "12")]
        )
    assert not Contact.objects.filter(last_name="Martin").exists()


@pytest.mark.django_db
def test_search_forgives_accents_case_and_matches_prefixes(world):
    target = CompanyFactory(rep=world.rep_a, trade_name="Crêperie Éléonore", city="Saint-Étienne")
    ContactFactory(company=target, first_name="Loïc", last_name="Le Bihan")
    services.company_refresh_search(company=target)
    services.company_phones_set(company=target, by=world.rep_a, phones=[("switchboard", "04 77 12 34 56")])
    CompanyFactory(rep=world.rep_a, trade_name="Boulangerie Martin")
    base = Company.objects.all()
    for query in [
        "crep",
        "ELEO",
        "saint etien",
        "bihan",
        "loic",
        "0477123456",
        "04 77 12 34 56",
        "+33477123456",
        target.siret,
    ]:
        assert list(filter_companies(base, query)) == [target], query
    assert not filter_companies(base, "reperie").exists()  # a prefix of a word, not any substring


@pytest.mark.django_db
def test_abc_classes_follow_the_pareto_of_revenue(world):
    revenues = [5000, 3000, 1000, 500, 300, 200, 0]
    for revenue in revenues:
        company = CompanyFactory(rep=world.rep_a)
        CompanyHabits.objects.create(company=company, revenue_12m=Decimal(revenue))
    counts = services.habits_assign_abc()
    classes = list(CompanyHabits.objects.order_by("-revenue_12m").values_list("abc_class", flat=True))
    # 5000 starts at 0 %, 3000 at 50 %, 1000 at 80 % (B), 500 at 90 % (B), 300 at 95 % (C)...
    assert classes == ["A", "A", "B", "B", "C", "C", ""]
    assert counts == {"A": 2, "B": 2, "C": 2}


@pytest.mark.django_db
def test_merge_moves_everything_and_deletes_the_duplicate(world):
    kept = CompanyFactory(rep=world.rep_a, trade_name="Brasserie du Port", siret="")
    removed = CompanyFactory(rep=world.rep_a, trade_name="BRASSERIE DU PORT", siret=valid_siret(424242))
    contact = ContactFactory(company=removed)
    Phone.objects.create(company=removed, e164="+33142685300")
    services.interaction_record(company=removed, kind=InteractionKind.CALL_OUT, by=world.rep_a)
    received = []
    from televente.customers.signals import company_merged

    def listener(sender, kept, removed, by, **kwargs):
        received.append((kept.pk, removed.pk))

    company_merged.connect(listener)
    try:
        services.company_merge(kept=kept, removed=removed, by=world.sup_a)
    finally:
        company_merged.disconnect(listener)
    kept.refresh_from_db()
    assert not Company.objects.filter(pk=removed.pk).exists()
    assert kept.siret == removed.siret  # blank field filled from the duplicate
    contact.refresh_from_db()
    assert contact.company == kept
    assert kept.phones.count() == 1
    assert kept.interactions.filter(kind=InteractionKind.CALL_OUT).count() == 1
    assert received == [(kept.pk, removed.pk)]


@pytest.mark.django_db
def test_merge_is_for_supervisors_of_the_team(world):
    a = CompanyFactory(rep=world.rep_a)
    b = CompanyFactory(rep=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.company_merge(kept=a, removed=b, by=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.company_merge(kept=a, removed=b, by=world.sup_b)


@pytest.mark.django_db
def test_erase_anonymises_the_contact_and_keeps_the_company(world):
    company = CompanyFactory(rep=world.rep_a)
    contact = ContactFactory(company=company, first_name="Paul", last_name="Secret", email="paul@example.fr")
    Phone.objects.create(company=company, contact=contact, e164="+33612345678")
    services.interaction_record(
        company=company, kind=InteractionKind.CALL_OUT, by=world.rep_a, contact=contact, notes="Paul a dit…"
    )
    services.contact_erase(contact=contact, by=world.sup_a)
    contact.refresh_from_db()
    assert contact.first_name == "" and contact.email == "" and contact.anonymised_at
    assert not contact.phones.exists()
    assert not contact.allows("phone")
    assert company.interactions.filter(kind=InteractionKind.CALL_OUT, notes="").count() == 1
    assert "secret" not in Company.objects.get(pk=company.pk).search_text
    assert GdprLog.objects.filter(action="erase", by=world.sup_a).exists()


@pytest.mark.django_db
def test_personal_data_export_is_logged(world):
    contact = ContactFactory(company=CompanyFactory(rep=world.rep_a))
    data = services.contact_personal_data(contact=contact, by=world.sup_a)
    assert data["contact"]["last_name"] == contact.last_name
    assert GdprLog.objects.get().action == "export"


@pytest.mark.django_db
def test_purge_only_removes_old_uncontacted_prospects(world):
    old = timezone.now() - dt.timedelta(days=4 * 365)
    stale = CompanyFactory(rep=world.rep_a, status=CompanyStatus.PROSPECT)
    recent = CompanyFactory(rep=world.rep_a, status=CompanyStatus.PROSPECT)
    customer = CompanyFactory(rep=world.rep_a, status=CompanyStatus.CUSTOMER)
    Company.objects.filter(pk__in=[stale.pk, customer.pk, recent.pk]).update(created_at=old)
    Company.objects.filter(pk=recent.pk).update(last_contact_at=timezone.now())
    assert services.prospects_purge(companies=[stale, recent, customer], by=world.sup_a) == 1
    assert set(Company.objects.values_list("pk", flat=True)) == {recent.pk, customer.pk}
    with pytest.raises(PermissionRefused):
        services.prospects_purge(companies=[recent], by=world.rep_a)


@pytest.mark.django_db
def test_a_company_can_only_be_given_to_someone_of_ones_teams(world):
    with pytest.raises(PermissionRefused):
        services.company_create(by=world.rep_a, data={"legal_name": "X", "rep": world.rep_b})
    company = CompanyFactory(rep=world.rep_a)
    with pytest.raises(PermissionRefused):
        services.company_update(company=company, by=world.sup_a, data={"rep": world.rep_b})
    services.company_update(company=company, by=world.admin, data={"rep": world.rep_b})
    company.refresh_from_db()
    assert company.team == world.team_b
