"""Confirming an order puts exactly one confirmation email in the outbox, which reaches a real SMTP
server with its PDF even when the server refuses the first attempt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from televente.customers.models import Interaction
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.messaging.choices import MessageStatus
from televente.messaging.models import Message
from televente.messaging.services import outbox_flush
from televente.orders import services
from televente.orders.tests.factories import sellable


def confirmed_order(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, delivery_weekdays=[0, 1, 2, 3, 4])
    ContactFactory(
        company=company, is_order_contact=True, email="chef@resto.fr", language="fr", last_name="Roux"
    )
    draft = services.order_start(company=company, by=world.rep_a)
    services.order_line_add(
        order=draft, product=sellable(code="BEU001"), by=world.rep_a, version=draft.version
    )
    draft.refresh_from_db()
    return services.order_confirm(order=draft, by=world.rep_a, version=draft.version)


@pytest.mark.smtp
@pytest.mark.django_db(transaction=True)
def test_confirmation_reaches_the_smtp_server_once_even_after_a_refusal(world, smtp, run_tasks):
    smtp.handler.refuse = 1
    order = confirmed_order(world)
    message = Message.objects.get(reference=f"orders.order:{order.pk}")
    run_tasks()  # the first attempt, right after commit: refused
    message.refresh_from_db()
    assert message.status == MessageStatus.QUEUED and message.attempts == 1
    assert "451" in message.last_error and not smtp.handler.messages
    # The scheduler's flush retries once the back-off has passed.
    assert outbox_flush(now=timezone.now() + timedelta(minutes=2)) == {MessageStatus.SENT: 1}
    assert outbox_flush(now=timezone.now() + timedelta(days=1)) == {}
    assert len(smtp.handler.messages) == 1
    received = smtp.handler.messages[0]
    assert order.number in received["Subject"] and "chef@resto.fr" in received["To"]
    parts = [part.get_content_type() for part in received.walk()]
    assert "application/pdf" in parts and "text/html" in parts
    assert Message.objects.filter(reference=f"orders.order:{order.pk}").count() == 1
    message.refresh_from_db()
    assert message.status == MessageStatus.SENT and message.attempts == 2
    entry = Interaction.objects.get(reference=f"messaging.message:{message.pk}")
    assert entry.kind == "document" and order.number in entry.subject
