from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from televente.calls.models import CallPlan, CallTask
from televente.knowledge.choices import SendingStatus
from televente.knowledge.models import Article, CommercialDocument, DocumentSending

from .conftest import PDF

pytestmark = pytest.mark.django_db


def test_home_search_for_every_signed_in_user(client, world, articles):
    assert client.get(reverse("knowledge:home")).status_code == 302
    client.force_login(world.bo_logistics)
    response = client.get(reverse("knowledge:home"), {"q": "creme"})
    assert response.status_code == 200
    assert "Crème fraîche ou crème liquide" in response.text and "Les 14 allergènes" not in response.text
    partial = client.get(
        reverse("knowledge:home"), {"q": "froid", "partie": "resultats"}, headers={"HX-Request": "true"}
    )
    assert (
        "Chaîne du froid" in partial.text
        and "<html" not in partial.text
        and "Crème fraîche" not in partial.text
    )


def test_reps_read_but_do_not_write(client, world, articles):
    client.force_login(world.rep_a)
    article = articles["cold"]
    assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == 200
    assert client.get(reverse("knowledge:article_new")).status_code == 403
    assert client.post(reverse("knowledge:article_publish", args=[article.pk])).status_code == 403
    assert client.get(reverse("knowledge:document_new")).status_code == 403
    Article.objects.filter(pk=article.pk).update(is_published=False)
    assert client.get(reverse("knowledge:article", args=[article.pk])).status_code == 404


def test_supervisor_writes_an_article_with_products(client, world):
    from televente.catalog.tests.factories import ProductFactory

    product = ProductFactory(code="FAR055", name="Farine de blé T55")
    client.force_login(world.sup_a)
    bad = client.post(
        reverse("knowledge:article_new"),
        {
            "title": "Farines",
            "topic": "product",
            "body": "T45 pâtisserie, T55 pain.",
            "product_codes": "NOPE",
        },
    )
    assert bad.status_code == 422 and "Codes inconnus" in bad.text and 'value="Farines"' in bad.text
    response = client.post(
        reverse("knowledge:article_new"),
        {"title": "Farines", "topic": "product", "body": "T45 pâtisserie, T55 pain.", "product_codes": "far055",
         "is_published": "on"},
    )  # fmt: skip
    article = Article.objects.get()
    assert response.status_code == 302 and list(article.products.all()) == [product]
    page = client.get(reverse("knowledge:article", args=[article.pk]))
    assert "Farine de blé T55" in page.text
    client.post(reverse("knowledge:article_publish", args=[article.pk]))
    article.refresh_from_db()
    assert not article.is_published


def test_document_upload_and_download(client, world):
    client.force_login(world.sup_a)
    refused = client.post(
        reverse("knowledge:document_new"),
        {"title": "Tarif", "kind": "price_list", "language": "fr",
         "file": SimpleUploadedFile("t.pdf", b"MZ\x90\x00", content_type="application/pdf")},
    )  # fmt: skip
    assert refused.status_code == 422 and "PDF" in refused.text
    client.post(
        reverse("knowledge:document_new"),
        {"title": "Tarif", "kind": "price_list", "language": "fr", "is_active": "on",
         "file": SimpleUploadedFile("t.pdf", PDF, content_type="application/pdf")},
    )  # fmt: skip
    document = CommercialDocument.objects.get()
    client.force_login(world.rep_b)
    response = client.get(reverse("knowledge:document_file", args=[document.pk]))
    assert response.status_code == 200 and response.content == PDF
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'attachment; filename="tarif.pdf"'
    client.logout()
    assert client.get(reverse("knowledge:document_file", args=[document.pk])).status_code == 302


def _task(world, company) -> CallTask:
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    return CallTask.objects.create(
        plan=plan, company=company, rep=world.rep_a, reason="habit", planned_start=timezone.now()
    )


def test_panel_with_the_call_and_404_for_other_teams(client, world, company, sheet, usual):
    task = _task(world, company)
    client.force_login(world.rep_a)
    url = reverse("knowledge:company_panel", args=[company.pk])
    response = client.get(url, {"appel": task.pk})
    assert response.status_code == 200
    assert 'data-key="k"' in response.text and "Fiche technique Beurre doux" in response.text
    assert f'name="appel" value="{task.pk}"' in response.text
    assert "paul@boulangerie.fr" in response.text
    client.force_login(world.rep_b)
    assert client.get(url, {"appel": task.pk}).status_code == 404
    client.force_login(world.bo_logistics)
    assert client.get(url).status_code == 403


def test_panel_ignores_a_call_of_another_team(client, world, company, sheet):
    from televente.customers.tests.factories import CompanyFactory

    other = CompanyFactory(rep=world.rep_b, team=world.team_b)
    plan_b = CallPlan.objects.create(team=world.team_b, date=timezone.localdate())
    foreign = CallTask.objects.create(
        plan=plan_b, company=other, rep=world.rep_b, reason="habit", planned_start=timezone.now()
    )
    client.force_login(world.rep_a)
    response = client.get(reverse("knowledge:company_panel", args=[company.pk]), {"appel": foreign.pk})
    assert 'name="appel"' not in response.text


def test_panel_send_now_and_later(client, world, company, sheet, usual, django_capture_on_commit_callbacks):
    task = _task(world, company)
    client.force_login(world.rep_a)
    url = reverse("knowledge:panel_send", args=[company.pk])
    empty = client.post(url, {"contact": company.chef.pk, "action": "now", "note": "Bonne lecture"})
    assert (
        empty.status_code == 422
        and "Cochez au moins un document" in empty.text
        and "Bonne lecture" in empty.text
    )
    with django_capture_on_commit_callbacks(execute=False):
        ok = client.post(
            url, {"documents": [sheet.pk], "contact": company.chef.pk, "action": "now", "appel": task.pk}
        )
    assert ok.status_code == 200 and "Documentation envoyée à paul@boulangerie.fr" in ok.text
    sending = DocumentSending.objects.get()
    assert sending.task == task and sending.status == SendingStatus.QUEUED
    later = client.post(url, {"documents": [sheet.pk], "contact": company.chef.pk, "action": "later"})
    assert "Ajouté à vos documents à envoyer" in later.text and "1 envoi à faire pour ce client" in later.text
    client.force_login(world.rep_b)
    assert client.post(url, {"documents": [sheet.pk], "contact": company.chef.pk}).status_code == 404


def test_to_send_page_send_and_cancel(client, world, company, sheet):
    from televente.knowledge import services

    one = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a, now=False
    )
    two = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a, now=False
    )
    client.force_login(world.rep_a)
    page = client.get(reverse("knowledge:to_send"))
    assert page.text.count("Fiche technique Beurre doux") == 2
    assert "2" in client.get(reverse("knowledge:home")).text
    client.post(reverse("knowledge:sending_action", args=[one.pk, "envoyer"]))
    client.post(reverse("knowledge:sending_action", args=[two.pk, "annuler"]))
    one.refresh_from_db()
    two.refresh_from_db()
    assert one.status == SendingStatus.QUEUED and two.status == SendingStatus.CANCELLED
    assert client.get(reverse("knowledge:sending", args=[one.pk])).status_code == 200
    client.force_login(world.rep_b)
    assert client.post(reverse("knowledge:sending_action", args=[one.pk, "annuler"])).status_code == 404
    assert client.get(reverse("knowledge:sending", args=[one.pk])).status_code == 404


def test_timeline_reference_links_to_the_sending(world, company, sheet):
    from televente.customers.actions import reference_url
    from televente.knowledge import services

    sending = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a
    )
    assert reference_url(f"knowledge.documentsending:{sending.pk}") == reverse(
        "knowledge:sending", args=[sending.pk]
    )


def test_panel_search_opens_articles_in_place_and_offers_sheets(client, world, articles, sheet):
    client.force_login(world.rep_a)
    response = client.get(reverse("knowledge:panel_search"), {"q": "beurre"})
    assert f'form="knowledge-send-form" name="documents" value="{sheet.pk}"' in response.text
    response = client.get(reverse("knowledge:panel_search"), {"q": "allergenes"})
    assert "<details>" in response.text and "Gluten, crustacés" in response.text
    assert client.get(reverse("knowledge:panel_search"), {"q": ""}).text.strip() == ""


def test_library_pages_render(client, world, sheet, catalogue, articles):
    client.force_login(world.sup_a)
    page = client.get(reverse("knowledge:documents"))
    assert page.status_code == 200 and "Catalogue 2026" in page.text and "Nouveau document" in page.text
    assert client.get(reverse("knowledge:document_edit", args=[sheet.pk])).status_code == 200
    assert 'value="BEU001"' in client.get(reverse("knowledge:document_edit", args=[sheet.pk])).text
    assert client.get(reverse("knowledge:article_edit", args=[articles["cold"].pk])).status_code == 200
    client.post(reverse("knowledge:document_activate", args=[catalogue.pk]))
    catalogue.refresh_from_db()
    assert not catalogue.is_active
    client.force_login(world.rep_a)
    page = client.get(reverse("knowledge:documents"))
    assert "Catalogue 2026" not in page.text and "Nouveau document" not in page.text
    sheet_pdf = client.get(reverse("knowledge:document_file", args=[sheet.pk]), {"voir": "1"})
    assert sheet_pdf.content.startswith(b"%PDF-") and sheet_pdf["Content-Disposition"].startswith("inline")


def test_a_sheet_ticked_in_the_search_stays_ticked_on_error(client, world, company, sheet):
    # No usual product: the sheet is not among the suggestions, it was ticked in the search results.
    client.force_login(world.rep_a)
    response = client.post(
        reverse("knowledge:panel_send", args=[company.pk]),
        {"documents": [sheet.pk], "action": "later", "due_on": "pas une date", "contact": company.chef.pk},
    )
    assert response.status_code == 422 and "Date invalide" in response.text
    assert f'value="{sheet.pk}" checked' in response.text
