"""Templates (variables checked before saving) and the outbox (stored with the business change,
sent after commit, retried with back-off, never twice, opt-outs checked at send time)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import InteractionKind
from televente.customers.models import Interaction
from televente.customers.tests.factories import PhoneFactory
from televente.messaging import services
from televente.messaging.choices import MessageChannel, MessageStatus
from televente.messaging.models import Message, MessageTemplate
from televente.messaging.sms import LocmemSmsBackend
from televente.messaging.variables import render, resolve, validate


def data(**changes) -> services.TemplateData:
    values = {
        "code": "relance-devis",
        "name": "Relance devis",
        "channel": MessageChannel.EMAIL,
        "language": "fr",
        "context": "company",
        "subject": "Votre devis, {{ customer.name }}",
        "body": "Bonjour {{ contact.greeting }},\nJe reviens vers vous.\n{{ rep.full_name }}",
    }
    values.update(changes)
    return services.TemplateData(**values)


@pytest.mark.django_db
def test_unknown_variable_is_refused_with_a_clear_message_and_nothing_is_saved(world):
    with pytest.raises(DomainError) as refused:
        services.template_save(by=world.sup_a, data=data(body="Bonjour {{ contact.prenom }}"))
    assert refused.value.field == "body"
    assert "Variable inconnue : {{ contact.prenom }}" in refused.value.message
    assert "first_name" in refused.value.message  # the fields it could have meant
    assert not MessageTemplate.objects.filter(code="relance-devis").exists()


def test_validation_knows_the_context_of_the_template():
    assert validate("Commande {{ order.number }}", "order") == []
    assert validate("Commande {{ order.number }}", "company")  # no order in a customer's template
    assert validate("Bonjour {{ contact.first_name }} {% if x %}", "company")  # no tags
    assert validate("{{ contact }}", "company")  # a group alone is not a variable
    assert "Vouliez-vous dire « order »" in validate("{{ oder.number }}", "order")[0]


@pytest.mark.django_db
def test_only_supervisors_and_admins_write_templates(world):
    with pytest.raises(PermissionRefused):
        services.template_save(by=world.rep_a, data=data())
    template = services.template_save(by=world.sup_a, data=data())
    assert template.pk and template.updated_by == world.sup_a


@pytest.mark.django_db
def test_sms_templates_are_short_and_carry_no_document(world):
    with pytest.raises(DomainError) as refused:
        services.template_save(by=world.sup_a, data=data(channel="sms", subject="", body="x" * 700))
    assert "612" in refused.value.message


@pytest.mark.django_db
def test_values_are_formatted_and_escaped_in_html(company):
    company.trade_name = "<b>Chez Léon</b>"
    company.save()
    resolved = resolve("company", company)
    assert render("{{ customer.name }}", resolved.values) == "<b>Chez Léon</b>"
    assert render("{{ customer.name }}", resolved.values, html=True) == "<p>&lt;b&gt;Chez Léon&lt;/b&gt;</p>"
    assert render("{{ contact.greeting }}", resolved.values) == "Madame Martin"


@pytest.mark.django_db
def test_preview_with_a_real_record_saves_nothing(company, world):
    preview = services.template_preview(data=data(), record=company)
    assert preview["subject"] == "Votre devis, Le Bistrot"
    assert "Bonjour Madame Martin," in preview["text"]
    assert "Le Bistrot" not in preview["text"] and world.rep_a.get_full_name() in preview["text"]
    assert "<p>Bonjour Madame Martin,<br>" in preview["html"]
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_a_message_is_sent_once_filed_on_the_timeline_and_a_second_queue_is_a_no_op(
    company, world, mailoutbox, run_tasks
):
    first = services.message_queue(
        channel="email", contact=company.chef, subject="Bonjour", body="Un mot.", key="k1", by=world.rep_a
    )
    again = services.message_queue(
        channel="email", contact=company.chef, subject="Bonjour", body="Un mot.", key="k1", by=world.rep_a
    )
    assert again.pk == first.pk and Message.objects.count() == 1
    assert not mailoutbox  # nothing leaves before commit
    run_tasks()
    run_tasks()
    first.refresh_from_db()
    assert first.status == MessageStatus.SENT and first.attempts == 1
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["Lucie Martin <lucie@bistrot.fr>"] and email.subject == "Bonjour"
    assert "Un mot." in email.body and email.alternatives[0][1] == "text/html"
    assert email.extra_headers["Message-ID"].startswith(f"<televente.{first.pk}.")
    entry = Interaction.objects.get(reference=f"messaging.message:{first.pk}")
    assert (
        entry.kind == InteractionKind.EMAIL and entry.company == company and first.interaction_id == entry.pk
    )
    # Sending it again by hand does nothing: it is no longer due.
    assert services.outbox_send(first.pk) == ""
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_opt_out_is_checked_when_sending(company, world, mailoutbox, run_tasks):
    message = services.message_queue(channel="email", contact=company.chef, subject="Promo", body="…")
    company.chef.opt_out_email = True
    company.chef.save()
    run_tasks()
    message.refresh_from_db()
    assert message.status == MessageStatus.BLOCKED and "refuse les e-mails" in message.last_error
    assert not mailoutbox


@pytest.mark.django_db
def test_a_refused_message_is_retried_with_back_off_then_fails(company, world, monkeypatch):
    message = services.message_queue(channel="email", contact=company.chef, subject="S", body="B")

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("Connection refused")

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", refuse)
    now = timezone.now()
    assert services.outbox_send(message.pk, now=now) == MessageStatus.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1 and "refused" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=services.RETRY_DELAYS[0])
    assert services.outbox_flush(now=now + timedelta(seconds=30)) == {}  # not due yet
    at = now
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        at = at + timedelta(days=1)
        services.outbox_flush(now=at)
    message.refresh_from_db()
    assert message.status == MessageStatus.FAILED and message.attempts == services.MAX_ATTEMPTS
    # A person sends it again once the server is back.
    monkeypatch.undo()
    services.message_retry(message=message, by=world.sup_a)
    assert services.outbox_send(message.pk) == MessageStatus.SENT


@pytest.mark.django_db
def test_a_sender_that_died_mid_attempt_is_replaced_after_its_lease(company, mailoutbox):
    message = services.message_queue(channel="email", contact=company.chef, subject="S", body="B")
    now = timezone.now()
    Message.objects.filter(pk=message.pk).update(
        status=MessageStatus.SENDING, attempts=1, next_attempt_at=now + services.SENDING_LEASE
    )
    assert services.outbox_flush(now=now) == {}
    assert services.outbox_flush(now=now + services.SENDING_LEASE) == {MessageStatus.SENT: 1}
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_sms_go_to_the_mobile_through_the_provider(company, world):
    LocmemSmsBackend.outbox.clear()
    PhoneFactory(company=company, contact=company.chef, e164="+33612345678")
    message = services.message_queue(channel="sms", contact=company.chef, body="Votre livraison arrive.")
    assert message.to_address == "+33612345678"
    assert services.outbox_send(message.pk) == MessageStatus.SENT
    assert LocmemSmsBackend.outbox[-1]["to"] == "+33612345678"
    assert Interaction.objects.get(reference=f"messaging.message:{message.pk}").kind == InteractionKind.SMS


@pytest.mark.django_db
def test_nothing_is_queued_when_the_business_change_rolls_back(company):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        services.message_queue(channel="email", contact=company.chef, subject="S", body="B", key="k")
        raise RuntimeError("the order could not be confirmed")
    assert not Message.objects.exists()


@pytest.mark.django_db
def test_only_waiting_or_failed_messages_can_be_cancelled(company, world):
    message = services.message_queue(channel="email", contact=company.chef, subject="S", body="B")
    services.message_cancel(message=message, by=world.sup_a)
    message.refresh_from_db()
    assert message.status == MessageStatus.CANCELLED
    assert services.outbox_send(message.pk) == ""
    with pytest.raises(DomainError):
        services.message_cancel(message=message, by=world.sup_a)
    with pytest.raises(PermissionRefused):
        services.message_retry(message=message, by=world.rep_a)


@pytest.mark.django_db
def test_default_templates_exist_in_french_and_english():
    codes = set(MessageTemplate.objects.filter(is_system=True).values_list("code", "language"))
    assert {("order_confirmation", "fr"), ("order_confirmation", "en")} <= codes
