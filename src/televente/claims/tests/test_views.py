"""The claim screens with the Django test client: intake, the claim page and its actions, the
queues, the customer panel and the customer's satisfaction page."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from televente.claims import services, tasks
from televente.claims.choices import ClaimStatus
from televente.claims.models import Claim

pytestmark = pytest.mark.django_db


def test_the_intake_form_lists_the_last_order_lines_and_logs_the_claim(
    client, company, delivered, world, run_tasks
):
    client.force_login(world.rep_a)
    url = reverse("claims:new", args=[company.pk])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert delivered.number in html and "Beurre doux 250 g" in html and "Crème 35 % 1 L" in html
    line = delivered.lines.order_by("position", "pk").first()
    answer = client.post(
        url,
        {
            "commande": delivered.pk,
            "claim_type": "damaged",
            "description": "Deux cartons écrasés",
            "channel": "phone",
            "mood": "angry",
            "severity": "medium",
            "service": "",
            f"line_{line.pk}": "on",
            f"qty_{line.pk}": "1",
            "q_reserve": "yes",
        },
    )
    claim = Claim.objects.get()
    assert answer.status_code == 302 and answer.url == reverse("claims:detail", args=[claim.pk])
    assert claim.service == "logistics" and claim.status == ClaimStatus.ROUTED  # the type's service
    assert claim.answers == {"reserve": "yes"} and claim.mood == "angry"
    assert list(claim.lines.values_list("order_line_id", "quantity")) == [(line.pk, 1)]


def test_a_refused_intake_keeps_what_was_typed(client, company, delivered, world):
    client.force_login(world.rep_a)
    page = client.post(
        reverse("claims:new", args=[company.pk]),
        {
            "commande": delivered.pk,
            "claim_type": "damaged",
            "description": "Le client est furieux",
            "channel": "phone",
            "mood": "calm",
            "severity": "low",
        },
    )
    assert page.status_code == 422
    html = page.content.decode()
    assert "Cochez les lignes concernées" in html and "Le client est furieux" in html
    assert not Claim.objects.exists()


def test_the_questionnaire_follows_the_type(client, company, world):
    client.force_login(world.rep_a)
    page = client.get(
        reverse("claims:new", args=[company.pk]),
        {"partie": "questions", "claim_type": "quality", "commande": "aucune"},
        headers={"HX-Request": "true"},
    )
    html = page.content.decode()
    assert html.strip().startswith('<fieldset id="questions"') and "Numéro de lot" in html


def test_the_claim_page_shows_the_merit_history_in_bounded_queries(
    client, make_claim, delivered, world, django_assert_max_num_queries
):
    claim = make_claim(service="logistics")
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("claims:detail", args=[claim.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert delivered.number in html and "en cause" in html and "Deux cartons de beurre écrasés" in html
    client.force_login(world.rep_b)  # another team
    assert client.get(reverse("claims:detail", args=[claim.pk])).status_code == 404


def test_from_verdict_to_closing_through_the_page(client, make_claim, world, run_tasks):
    claim = make_claim(service="logistics")
    url = lambda action: reverse("claims:action", args=[claim.pk, action])  # noqa: E731
    client.force_login(world.bo_logistics)
    refused = client.post(url("settle"), {"kind": "credit_note", "amount": "40", "note": "Avoir"})
    assert refused.status_code == 422 and "bien-fondé" in refused.content.decode()
    assert (
        client.post(url("verdict"), {"verdict": "founded", "note": "Réserve notée au BL"}).status_code == 302
    )
    assert (
        client.post(url("settle"), {"kind": "credit_note", "amount": "900,00", "note": "Avoir"}).status_code
        == 302
    )
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.AWAITING_APPROVAL
    client.force_login(world.sup_a)
    page = client.get(reverse("claims:detail", args=[claim.pk])).content.decode()
    assert "Accorder" in page
    settlement = claim.settlements.get()
    assert (
        client.post(
            url("decide"), {"settlement": settlement.pk, "decision": "approve", "note": ""}
        ).status_code
        == 302
    )
    client.force_login(world.bo_logistics)
    assert client.post(url("close"), {"note": ""}).status_code == 422  # customer not told yet
    mail.outbox.clear()
    told = client.post(
        url("notify"),
        {
            "step": "settlement",
            "channel": "email",
            "contact": claim.contact.pk,
            "message": "Un avoir de 900 €.",
        },
    )
    assert told.status_code == 302
    assert client.post(url("close"), {"note": "Fait"}).status_code == 302
    run_tasks()
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.CLOSED
    assert [m.body for m in mail.outbox if m.to[0].endswith("<chef@resto.fr>")][0].startswith(
        "Un avoir de 900 €."
    )


def test_the_prefilled_message_follows_the_step(client, make_claim, world):
    claim = make_claim()
    client.force_login(world.rep_a)
    html = client.get(
        reverse("claims:notice_preview", args=[claim.pk]), {"step": "received"}
    ).content.decode()
    assert "bien enregistré votre réclamation" in html and claim.number in html


def test_queues_show_each_person_their_claims(client, make_claim, world):
    claim = make_claim(service="logistics")
    client.force_login(world.bo_logistics)
    assert claim.number in client.get(reverse("claims:list")).content.decode()  # their service's
    client.force_login(world.rep_a)
    assert claim.number in client.get(reverse("claims:list"), {"file": "mine"}).content.decode()
    client.force_login(world.rep_b)
    assert claim.number not in client.get(reverse("claims:list"), {"file": "open"}).content.decode()
    client.force_login(world.field_a)
    assert client.get(reverse("claims:list")).status_code == 403


def test_the_customer_panel_lists_open_claims(client, make_claim, company, world):
    claim = make_claim()
    client.force_login(world.rep_a)
    html = client.get(reverse("claims:company_panel", args=[company.pk])).content.decode()
    assert claim.number in html and "client pas encore informé" in html
    detail = client.get(reverse("customers:detail", args=[company.pk])).content.decode()
    assert reverse("claims:company_panel", args=[company.pk]) in detail
    assert reverse("claims:new", args=[company.pk]) in detail  # the header action, key "e"


def test_the_customer_answers_the_satisfaction_question_once(client, make_claim, world):
    claim = make_claim()
    services.claim_verdict(claim=claim, by=world.rep_a, verdict="founded", note="ok")
    services.settlement_propose(claim=claim, by=world.rep_a, kind="credit_note", amount="20")
    services.claim_notify_customer(
        claim=claim, by=world.rep_a, step="settlement", channel="phone", message="ok"
    )
    services.claim_close(claim=claim, by=world.rep_a)
    url = reverse("claims:survey", args=[tasks.survey_token(claim.pk)])
    assert client.get(url).status_code == 200
    assert client.post(url, {}).status_code == 422
    thanks = client.post(url, {"answer": "not_satisfied", "comment": "Trop long"})
    assert "Merci" in thanks.content.decode()
    claim.refresh_from_db()
    assert claim.satisfaction == "not_satisfied" and claim.satisfaction_comment == "Trop long"
    assert "déjà été enregistrée" in client.get(url).content.decode()
    assert client.get(reverse("claims:survey", args=["forged"])).status_code == 404


def test_attachments_are_served_only_to_who_sees_the_claim(client, make_claim, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path},
        },
    }
    claim = make_claim()
    client.force_login(world.rep_a)
    png = SimpleUploadedFile("photo.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 32, "image/png")
    assert client.post(reverse("claims:action", args=[claim.pk, "attach"]), {"file": png}).status_code == 302
    item = claim.attachments.get()
    url = reverse("claims:attachment", args=[claim.pk, item.pk])
    served = client.get(url)
    assert served.status_code == 200 and served["Content-Type"] == "image/png"
    assert served["X-Content-Type-Options"] == "nosniff"
    bad = SimpleUploadedFile("page.png", b"<html><script>alert(1)</script>", "image/png")
    refused = client.post(reverse("claims:action", args=[claim.pk, "attach"]), {"file": bad})
    assert refused.status_code == 422 and "Formats acceptés" in refused.content.decode()
    client.force_login(world.rep_b)
    assert client.get(url).status_code == 404


def test_the_queues_and_the_customer_panel_do_not_grow_with_their_rows(
    client, make_claim, company, world, django_assert_max_num_queries
):
    for _ in range(6):
        make_claim(service="logistics")
    client.force_login(world.sup_a)
    for queue in ("mine", "overdue", "approval", "execute", "open", "closed"):
        with django_assert_max_num_queries(12):
            assert client.get(reverse("claims:list"), {"file": queue}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(reverse("claims:company_panel", args=[company.pk])).status_code == 200


def test_a_forged_settlement_reference_is_not_found(client, make_claim, world):
    claim = make_claim()
    client.force_login(world.sup_a)
    answer = client.post(reverse("claims:action", args=[claim.pk, "decide"]), {"settlement": "x", "note": ""})
    assert answer.status_code == 404
