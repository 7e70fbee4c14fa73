"""Claims over the API: the ERP logs a claim (idempotent on external_ref), reads the claims it sees,
and adds findings; nothing of another team's customers is reachable."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from televente.accounts import services as account_services
from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.tests.factories import UserFactory
from televente.claims import policy
from televente.claims.models import Claim, ClaimEvent
from televente.customers.tests.factories import CompanyFactory

URL = "/api/v1/claims"
SUMMARY_KEYS = {
    "id",
    "number",
    "company",
    "status",
    "claim_type",
    "service",
    "assignee",
    "due_at",
    "overdue",
    "verdict",
    "amount",
    "created_at",
    "updated_at",
    "closed_at",
    "satisfaction",
}


def api_for(user) -> Client:
    _token, raw = account_services.api_token_create(user=user, name="test")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
    client.user = user
    return client


@pytest.fixture
def erp(db):
    """The ERP's integration account: back office, sales administration."""
    return api_for(UserFactory(role=Role.BACK_OFFICE, service=BackOfficeService.SALES_ADMIN, username="erp"))


def first_line(order):
    return order.lines.order_by("position", "pk").first()


def post(api, body):
    return api.post(URL, body, content_type="application/json")


# Create --------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_erp_logs_a_claim_with_its_lines_deadline_and_routing(erp, company, delivered):
    line = first_line(delivered)
    before = timezone.now()
    response = post(
        erp,
        {
            "company": company.pk,
            "contact": company.chef.pk,
            "order": delivered.number,
            "claim_type": "damaged",
            "description": "Deux cartons écrasés, réserves sur le bon.",
            "lines": [{"line": line.pk, "quantity": 1}, {"product": "cre001", "quantity": 1}],
            "answers": {"reserve": True, "state": "carton écrasé", "unknown": "dropped"},
            "requested": "credit_note",
            "external_ref": "ERP-RC-1",
        },
    )
    after = timezone.now()
    assert response.status_code == 201, response.content
    body = response.json()
    claim = Claim.objects.get()
    assert body["id"] == claim.pk
    assert body["number"] == f"R{before.year}-{claim.pk:06d}" == claim.number
    assert body["company"] == {"id": company.pk, "name": company.display_name}
    assert body["contact"]["id"] == company.chef.pk
    assert body["order"] == {"id": delivered.pk, "number": delivered.number}
    assert (body["claim_type"], body["channel"], body["requested"]) == ("damaged", "api", "credit_note")
    # Damaged goods go to logistics (the type's policy) at once, to be settled within 3 working days.
    assert (body["status"], body["service"]) == ("routed", "logistics")
    due = dt.datetime.fromisoformat(body["due_at"])
    assert policy.add_working_days(timezone.localtime(before), 3) <= due
    assert due <= policy.add_working_days(timezone.localtime(after), 3)
    assert body["overdue"] is False and body["verdict"] == "" and body["closed_at"] is None
    assert body["amount"] == "24.00" and body["quantity"] == 2
    assert [(ln["product"], ln["quantity"], ln["unit"], ln["amount"]) for ln in body["lines"]] == [
        ("BEU001", 1, "carton de 6", "12.00"),
        ("CRE001", 1, "carton de 6", "12.00"),
    ]
    assert body["answers"] == {"reserve": "yes", "state": "carton écrasé"}
    assert [e["kind"] for e in body["events"]] == ["created", "routed"]
    assert body["events"][0]["source"] == "api" and body["events"][0]["by"]["id"] == erp.user.pk
    assert body["url"] == f"/reclamations/{claim.pk}/"
    assert claim.created_by == erp.user and claim.external_ref == "ERP-RC-1"


@pytest.mark.django_db
def test_posting_the_same_external_ref_again_answers_the_first_claim(erp, company, delivered):
    body = {
        "company": company.pk,
        "order": delivered.pk,
        "claim_type": "late",
        "description": "Livraison arrivée à 14 h au lieu de 7 h.",
        "service": "",
        "external_ref": "ERP-RC-2",
    }
    first = post(erp, body)
    events = ClaimEvent.objects.count()
    again = post(erp, {**body, "description": "Renvoi après un délai dépassé."})
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["number"] == first.json()["number"]
    assert again.json()["description"] == "Livraison arrivée à 14 h au lieu de 7 h."
    assert Claim.objects.count() == 1 and ClaimEvent.objects.count() == events
    # `service: ""` leaves the claim unrouted.
    assert (first.json()["status"], first.json()["service"]) == ("new", "")
    # The same reference for another customer is another claim: refused, nothing written.
    other = CompanyFactory(rep=erp.user, team=None)
    clash = post(erp, {**body, "company": other.pk, "order": None})
    assert clash.status_code == 409
    assert clash.json()["error"]["code"] == "conflict"
    assert "ERP-RC-2" in clash.json()["error"]["message"]
    assert Claim.objects.count() == 1


@pytest.mark.django_db
def test_two_posts_of_the_same_reference_at_once_answer_the_one_that_won(
    erp, company, make_claim, monkeypatch
):
    from django.db import IntegrityError

    from televente.claims import api as claims_api

    winner = make_claim(external_ref="ERP-RC-3", service="logistics")
    seen = []
    real_existing = claims_api._existing

    def not_yet_committed(user, ref, company):  # the other post committed right after our check
        seen.append(ref)
        return None if len(seen) == 1 else real_existing(user, ref, company)

    def unique_violation(**kwargs):
        raise IntegrityError("duplicate key value violates unique constraint claim_external_ref_unique")

    monkeypatch.setattr(claims_api, "_existing", not_yet_committed)
    monkeypatch.setattr(claims_api.services, "claim_create", unique_violation)
    response = post(
        erp,
        {"company": company.pk, "claim_type": "late", "description": "Retard.", "external_ref": "ERP-RC-3"},
    )
    assert response.status_code == 200 and response.json()["id"] == winner.pk
    assert seen == ["ERP-RC-3", "ERP-RC-3"] and Claim.objects.count() == 1


@pytest.mark.django_db
def test_another_teams_customer_order_or_contact_is_not_found(world, company, delivered):
    rep_b = api_for(world.rep_b)
    body = {"company": company.pk, "claim_type": "quality", "description": "Goût rance."}
    response = post(rep_b, body)
    assert response.status_code == 404
    assert response.json() == {
        "error": {"code": "not_found", "message": "Ressource introuvable.", "details": []}
    }
    own = CompanyFactory(rep=world.rep_b, team=world.team_b)
    for extra in (
        {"order": delivered.pk},
        {"order": delivered.number},
        {"order": str(delivered.pk)},
        {"contact": company.chef.pk},
    ):
        response = post(rep_b, {**body, "company": own.pk, **extra})
        assert response.status_code == 404, extra
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_invalid_input_is_refused_with_the_shared_error_shape(erp, company, delivered):
    base = {"company": company.pk, "description": "Produit abîmé."}
    unknown_type = post(erp, {**base, "claim_type": "weather"})
    assert unknown_type.status_code == 422
    error = unknown_type.json()["error"]
    assert error["code"] == "validation_error"
    assert error["message"] == "Les données envoyées ne sont pas valides."
    assert any(d["field"].endswith("claim_type") for d in error["details"])
    both = post(erp, {**base, "claim_type": "damaged", "order": delivered.pk, "lines": [{"quantity": 1}]})
    assert both.status_code == 422
    assert both.json()["error"]["details"] == [
        {
            "field": "lines.0",
            "message": "Indiquez soit la ligne de commande (line), soit le code article (product).",
        }
    ]
    absent = post(
        erp,
        {
            **base,
            "claim_type": "damaged",
            "order": delivered.pk,
            "lines": [{"product": "NOPE", "quantity": 1}],
        },
    )
    assert absent.status_code == 400
    assert absent.json()["error"]["message"] == "L'article NOPE n'est pas dans cette commande."
    line = first_line(delivered)
    twice = post(
        erp,
        {
            **base,
            "claim_type": "damaged",
            "order": delivered.pk,
            "lines": [{"line": line.pk, "quantity": 1}, {"product": "BEU001", "quantity": 1}],
        },
    )
    assert twice.status_code == 422 and twice.json()["error"]["details"][0]["field"] == "lines.1"
    # The service's own rules answer too: damaged goods on an order need the lines concerned.
    no_lines = post(erp, {**base, "claim_type": "damaged", "order": delivered.pk})
    assert no_lines.status_code == 400
    assert no_lines.json()["error"]["details"] == [
        {"field": "lines", "message": "Cochez les lignes concernées de la commande."}
    ]
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a_field_rep_may_not_log_a_claim(world, company):
    response = post(
        api_for(world.field_a), {"company": company.pk, "claim_type": "service", "description": "x"}
    )
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert not Claim.objects.exists()


# Read ----------------------------------------------------------------------------------------------------------------


@pytest.fixture
def three(make_claim, world):
    """A new claim, one routed to quality, one routed to logistics whose deadline is passed, and a
    closed one whose deadline is passed too (closed: not overdue)."""
    new = make_claim()
    quality = make_claim(claim_type="quality", lines=[], service="quality")
    late = make_claim(service="logistics")
    Claim.objects.filter(pk=late.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    closed = make_claim(service="logistics")
    Claim.objects.filter(pk=closed.pk).update(
        status="closed", closed_at=timezone.now(), due_at=timezone.now() - dt.timedelta(days=3)
    )
    return new, quality, late, closed


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()]


@pytest.mark.django_db
def test_the_list_is_filtered_by_status_service_type_and_deadline(
    world, three, django_assert_max_num_queries
):
    new, quality, late, closed = three
    api = api_for(world.rep_a)
    with django_assert_max_num_queries(4):
        everything = api.get(URL)
    assert ids(everything) == [closed.pk, late.pk, quality.pk, new.pk]  # last changed first
    row = everything.json()[1]
    assert set(row) == SUMMARY_KEYS
    assert row["number"] == late.number and row["company"]["name"] == late.company.display_name
    assert (row["status"], row["service"], row["overdue"], row["amount"]) == (
        "routed",
        "logistics",
        True,
        "12.00",
    )
    assert everything.json()[0]["overdue"] is False and everything.json()[0]["closed_at"] is not None
    assert ids(api.get(URL, {"status": "new"})) == [new.pk]
    assert ids(api.get(URL, {"service": "quality"})) == [quality.pk]
    assert ids(api.get(URL, {"type": "quality"})) == [quality.pk]
    assert ids(api.get(URL, {"overdue": "true"})) == [late.pk]
    assert ids(api.get(URL, {"overdue": "false"})) == [closed.pk, quality.pk, new.pk]
    assert ids(api.get(URL, {"service": "logistics", "status": "routed"})) == [late.pk]
    assert ids(api.get(URL, {"limit": 2, "offset": 1})) == [late.pk, quality.pk]
    assert ids(api.get(URL, {"company": new.company_id + 1000})) == []
    since = Claim.objects.get(pk=quality.pk).updated_at
    assert ids(api.get(URL, {"updated_since": since.isoformat()})) == [closed.pk, late.pk, quality.pk]


@pytest.mark.django_db
def test_bad_filters_answer_422(world, three):
    api = api_for(world.rep_a)
    for params in ({"status": "bogus"}, {"overdue": "maybe"}, {"limit": 500}, {"offset": -1}, {"type": "x"}):
        response = api.get(URL, params)
        assert response.status_code == 422, params
        assert response.json()["error"]["code"] == "validation_error"
        assert response.json()["error"]["details"], params


@pytest.mark.django_db
def test_another_teams_claims_are_not_listed_nor_reachable(world, three):
    new = three[0]
    rep_b = api_for(world.rep_b)
    assert ids(rep_b.get(URL)) == []
    for response in (
        rep_b.get(f"{URL}/{new.pk}"),
        rep_b.post(f"{URL}/{new.pk}/events", {"note": "Vu."}, content_type="application/json"),
    ):
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert not ClaimEvent.objects.filter(claim=new, kind="finding").exists()
    # The team's supervisor and the back office see it.
    assert new.pk in ids(api_for(world.sup_a).get(URL))
    assert api_for(world.bo_logistics).get(f"{URL}/{new.pk}").json()["number"] == new.number


@pytest.mark.django_db
def test_one_claim_with_its_lines_settlements_and_events(world, make_claim):
    from televente.claims import services

    claim = make_claim(service="logistics")
    services.claim_verdict(
        claim=claim, by=world.rep_a, verdict="founded", note="Livraison du jour, réserves écrites."
    )
    services.settlement_propose(
        claim=claim, by=world.rep_a, kind="credit_note", amount="12", note="Avoir carton"
    )
    body = api_for(world.rep_a).get(f"{URL}/{claim.pk}").json()
    assert (body["status"], body["verdict"], body["amount"]) == ("settled", "founded", "12.00")
    assert body["lines"][0]["product"] == "BEU001" and body["lines"][0]["amount"] == "12.00"
    assert [(s["kind"], s["amount"], s["status"], s["reference"]) for s in body["settlements"]] == [
        ("credit_note", "12.00", "approved", f"AV-{claim.number}")
    ]
    assert [e["kind"] for e in body["events"]] == ["created", "routed", "verdict", "settlement"]
    assert body["settled_at"] is not None and body["description"] == claim.description


# Findings ------------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_back_office_adds_a_finding_seen_on_the_claim(world, make_claim):
    claim = make_claim(claim_type="quality", lines=[], service="quality")
    api = api_for(world.bo_logistics)  # not the claim's service: findings are open to the back office
    before = Claim.objects.get(pk=claim.pk).updated_at
    response = api.post(
        f"{URL}/{claim.pk}/events",
        {"note": "  Retour reçu à l'entrepôt : 2 cartons écrasés.  ", "source": "api:erp"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    event = response.json()
    assert (event["kind"], event["note"], event["source"]) == (
        "finding",
        "Retour reçu à l'entrepôt : 2 cartons écrasés.",
        "api:erp",
    )
    assert event["by"]["id"] == world.bo_logistics.pk
    detail = api.get(f"{URL}/{claim.pk}").json()
    assert detail["events"][-1] == event
    assert dt.datetime.fromisoformat(detail["updated_at"]) > before
    default_source = api.post(
        f"{URL}/{claim.pk}/events", {"note": "Photo demandée."}, content_type="application/json"
    )
    assert default_source.json()["source"] == "api"


@pytest.mark.django_db
def test_an_empty_finding_or_a_field_rep_is_refused(world, make_claim):
    claim = make_claim()
    empty = api_for(world.rep_a).post(
        f"{URL}/{claim.pk}/events", {"note": "   "}, content_type="application/json"
    )
    assert empty.status_code == 400
    assert empty.json()["error"]["details"] == [{"field": "note", "message": "Le constat est vide."}]
    field_rep = api_for(world.field_a)
    assert field_rep.get(f"{URL}/{claim.pk}").status_code == 200  # sees the customer's claims...
    refused = field_rep.post(
        f"{URL}/{claim.pk}/events", {"note": "Vu sur place."}, content_type="application/json"
    )
    assert refused.status_code == 403  # ...but does not handle them
    assert refused.json()["error"]["message"] == "Vous ne traitez pas cette réclamation."
    assert not ClaimEvent.objects.filter(claim=claim, kind="finding").exists()


# Authentication ------------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_without_a_key_the_api_answers_401(client, company, make_claim):
    claim = make_claim()
    for response in (
        client.get(URL),
        client.get(f"{URL}/{claim.pk}"),
        client.post(URL, {"company": company.pk}, content_type="application/json"),
        client.post(f"{URL}/{claim.pk}/events", {"note": "x"}, content_type="application/json"),
        Client(HTTP_AUTHORIZATION="Bearer tv_wrong").get(URL),
    ):
        assert response.status_code == 401
        assert response.json()["error"]["code"] == "not_authenticated"
    assert Claim.objects.count() == 1
