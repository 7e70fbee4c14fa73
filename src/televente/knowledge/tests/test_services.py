from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from televente.core.errors import DomainError, PermissionRefused
from televente.customers.models import Interaction
from televente.customers.tests.factories import ContactFactory
from televente.knowledge import services
from televente.knowledge.choices import DocumentKind, SendingStatus
from televente.knowledge.documents import document_content
from televente.knowledge.models import DocumentSending
from televente.messaging.models import Message

from .conftest import PDF

pytestmark = pytest.mark.django_db


def test_article_search_text_is_folded_and_reps_cannot_write(world, articles):
    assert "allergenes" in articles["allergens"].search_text
    assert "creme" in articles["cream"].search_text
    with pytest.raises(PermissionRefused):
        services.article_save(by=world.rep_a, title="x", topic="product", body="y")
    with pytest.raises(DomainError) as exc:
        services.article_save(by=world.sup_a, title="", topic="product", body="y")
    assert exc.value.field == "title"


def test_document_upload_checks_content_and_size(world):
    with pytest.raises(DomainError) as exc:
        services.document_save(
            by=world.sup_a,
            title="Faux",
            kind=DocumentKind.CATALOGUE,
            upload=SimpleUploadedFile("x.pdf", b"<html>not a pdf</html>", content_type="application/pdf"),
        )
    assert exc.value.field == "file"
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf")
    with pytest.raises(DomainError, match="10 Mo"):
        services.document_save(by=world.sup_a, title="Gros", kind=DocumentKind.CATALOGUE, upload=big)
    with pytest.raises(DomainError) as exc:
        services.document_save(by=world.sup_a, title="Fiche", kind=DocumentKind.TECHNICAL_SHEET)
    assert exc.value.field == "product_code"
    with pytest.raises(PermissionRefused):
        services.document_save(by=world.rep_a, title="x", kind=DocumentKind.CATALOGUE)


def test_document_content_renders_the_technical_sheet(sheet, catalogue):
    name, content, content_type = document_content(sheet)
    assert name == "fiche-technique-beu001.pdf" and content.startswith(b"%PDF-")
    assert content_type == "application/pdf"
    assert document_content(catalogue)[1] == PDF


def test_send_now_emails_the_documents_with_the_signature_and_files_it(
    world, company, sheet, catalogue, run_tasks, django_capture_on_commit_callbacks
):
    world.rep_a.first_name, world.rep_a.last_name, world.rep_a.phone = "Léa", "Bernard", "01 23 45 67 89"
    world.rep_a.save()
    with django_capture_on_commit_callbacks(execute=True):
        sending = services.documents_send(
            company=company, contact=company.chef, documents=[sheet, catalogue], by=world.rep_a, note=""
        )
    assert sending.status == SendingStatus.QUEUED and sending.message.reference == (
        f"knowledge.documentsending:{sending.pk}"
    )
    run_tasks()
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert "paul@boulangerie.fr" in email.to[0]
    assert [a[0] for a in email.attachments] == ["fiche-technique-beu001.pdf", "catalogue-2026.pdf"]
    assert "Bonjour Paul" in email.body and "Léa Bernard" in email.body and "01 23 45 67 89" in email.body
    entry = Interaction.objects.get(company=company)
    assert "Fiche technique Beurre doux" in entry.subject
    assert services.sendings_sync() == 1
    sending.refresh_from_db()
    assert sending.status == SendingStatus.SENT
    # The same sending is never emailed twice.
    services._queue(sending, [sheet], world.rep_a)
    assert Message.objects.count() == 1


def test_send_refusals(world, company, sheet):
    with pytest.raises(DomainError) as exc:
        services.documents_send(company=company, contact=company.chef, documents=[], by=world.rep_a)
    assert exc.value.field == "documents"
    no_email = ContactFactory(company=company, email="")
    with pytest.raises(DomainError, match="pas d'adresse"):
        services.documents_send(company=company, contact=no_email, documents=[sheet], by=world.rep_a)
    refuses = ContactFactory(company=company, opt_out_email=True)
    with pytest.raises(DomainError, match="refuse les e-mails"):
        services.documents_send(company=company, contact=refuses, documents=[sheet], by=world.rep_a)
    sheet.is_active = False
    sheet.save()
    with pytest.raises(DomainError, match="retiré"):
        services.documents_send(company=company, contact=company.chef, documents=[sheet], by=world.rep_a)
    assert not DocumentSending.objects.exists()


def test_other_team_cannot_send(world, company, sheet):
    with pytest.raises(PermissionRefused):
        services.documents_send(company=company, contact=company.chef, documents=[sheet], by=world.rep_b)
    with pytest.raises(PermissionRefused):
        services.documents_send(
            company=company, contact=company.chef, documents=[sheet], by=world.bo_logistics
        )


def test_later_then_send_or_cancel(world, company, sheet, run_tasks):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    later = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a, now=False, due_on=tomorrow
    )
    assert later.status == SendingStatus.TO_SEND and later.due_on == tomorrow and later.message is None
    sent = services.sending_send(sending=later, by=world.rep_a)
    assert sent.status == SendingStatus.QUEUED and sent.message_id
    with pytest.raises(DomainError):
        services.sending_cancel(sending=sent, by=world.rep_a)
    other = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a, now=False
    )
    assert services.sending_cancel(sending=other, by=world.rep_a).status == SendingStatus.CANCELLED
    with pytest.raises(DomainError, match="passée"):
        services.documents_send(
            company=company,
            contact=company.chef,
            documents=[sheet],
            by=world.rep_a,
            now=False,
            due_on=timezone.localdate() - dt.timedelta(days=1),
        )


def test_a_call_of_another_customer_is_refused(world, company, sheet):
    from televente.calls.models import CallPlan, CallTask
    from televente.customers.tests.factories import CompanyFactory

    other = CompanyFactory(rep=world.rep_a, team=world.team_a)
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    task = CallTask.objects.create(
        plan=plan, company=other, rep=world.rep_a, reason="habit", planned_start=timezone.now()
    )
    with pytest.raises(DomainError, match="autre fiche"):
        services.documents_send(
            company=company, contact=company.chef, documents=[sheet], by=world.rep_a, task=task, now=False
        )
    assert not DocumentSending.objects.exists()


def test_a_double_click_sends_the_documents_once(world, company, sheet):
    first = services.documents_send(company=company, contact=company.chef, documents=[sheet], by=world.rep_a)
    again = services.documents_send(company=company, contact=company.chef, documents=[sheet], by=world.rep_a)
    assert again.pk == first.pk
    assert DocumentSending.objects.count() == 1


def test_an_email_the_outbox_gave_up_on_goes_back_on_the_list_and_can_be_sent_again(world, company, sheet):
    from televente.messaging.choices import MessageStatus
    from televente.messaging.models import Message

    sending = services.documents_send(
        company=company, contact=company.chef, documents=[sheet], by=world.rep_a
    )
    Message.objects.filter(pk=sending.message_id).update(status=MessageStatus.FAILED)
    assert services.sendings_sync() == 1
    sending.refresh_from_db()
    assert sending.status == SendingStatus.TO_SEND and sending.message is None
    services.sending_send(sending=sending, by=world.rep_a)
    sending.refresh_from_db()
    assert sending.status == SendingStatus.QUEUED
    assert Message.objects.filter(reference=f"knowledge.documentsending:{sending.pk}").count() == 2
