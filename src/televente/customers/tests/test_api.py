import pytest

from televente.accounts import services as account_services
from televente.customers.models import Company, Phone
from televente.customers.tests.factories import CompanyFactory


@pytest.fixture
def api(client, world):
    _token, raw = account_services.api_token_create(user=world.rep_a, name="ERP")
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    return client


@pytest.mark.django_db
def test_lookup_by_phone_in_any_format(api, world):
    company = CompanyFactory(rep=world.rep_a)
    Phone.objects.create(company=company, e164="+33142685300")
    for raw in ["01 42 68 53 00", "+33142685300", "0033 1 42 68 53 00"]:
        body = api.get("/api/v1/companies", {"phone": raw}).json()
        assert [c["id"] for c in body] == [company.pk], raw


@pytest.mark.django_db
def test_list_is_scoped_to_the_team(api, world):
    mine = CompanyFactory(rep=world.rep_a)
    CompanyFactory(rep=world.rep_b)
    assert [c["id"] for c in api.get("/api/v1/companies").json()] == [mine.pk]


@pytest.mark.django_db
def test_other_team_company_is_404(api, world):
    theirs = CompanyFactory(rep=world.rep_b)
    response = api.get(f"/api/v1/companies/{theirs.pk}")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert (
        api.patch(
            f"/api/v1/companies/{theirs.pk}", {"notes": "x"}, content_type="application/json"
        ).status_code
        == 404
    )


@pytest.mark.django_db
def test_create_validates_like_the_form(api, world):
    response = api.post(
        "/api/v1/companies",
        {"legal_name": "SARL Test", "siret": "12345678901234", "phone_main": "12"},
        content_type="application/json",
    )
    assert response.status_code == 422
    fields = {d["field"] for d in response.json()["error"]["details"]}
    assert fields == {"siret", "phone_main"}
    assert not Company.objects.filter(legal_name="SARL Test").exists()

    response = api.post(
        "/api/v1/companies",
        {"legal_name": "SARL Test", "trade_name": "Le Test", "phone_main": "01 42 68 53 00"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["rep"] == "rep_a"
    assert Company.objects.get(pk=body["id"]).phones.get().e164 == "+33142685300"


@pytest.mark.django_db
def test_patch_changes_only_given_fields(api, world):
    company = CompanyFactory(rep=world.rep_a, city="Paris", notes="garder")
    response = api.patch(f"/api/v1/companies/{company.pk}", {"city": "Lyon"}, content_type="application/json")
    assert response.status_code == 200, response.json()
    company.refresh_from_db()
    assert (company.city, company.notes) == ("Lyon", "garder")


@pytest.mark.django_db
def test_contacts(api, world):
    company = CompanyFactory(rep=world.rep_a)
    response = api.post(
        f"/api/v1/companies/{company.pk}/contacts",
        {"last_name": "Martin", "is_decision_maker": True, "phone_mobile": "06 12 34 56 78"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    listed = api.get(f"/api/v1/companies/{company.pk}/contacts").json()
    assert listed[0]["phones"] == [{"label": "mobile", "number": "+33612345678"}]
    bad = api.post(
        f"/api/v1/companies/{company.pk}/contacts",
        {"last_name": "X", "email": "pas-un-email"},
        content_type="application/json",
    )
    assert bad.status_code == 422
