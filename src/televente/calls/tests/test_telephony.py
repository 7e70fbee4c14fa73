"""The telephony webhook (signature, replay protection), the screen pop and inbound calls."""

from __future__ import annotations

import html
import json
import time
import uuid

import pytest
from django.urls import reverse

from televente.accounts.choices import BackOfficeService
from televente.calls import telephony
from televente.calls.models import PhoneCall, TelephonyEvent
from televente.calls.tests.conftest import customer
from televente.customers.choices import InteractionKind, NextStepAction
from televente.customers.models import Interaction

pytestmark = pytest.mark.django_db
URL = "/appels/telephonie/evenements/"


def event(**fields) -> dict:
    base = {
        "event_id": str(uuid.uuid4()),
        "type": "ringing",
        "call_id": "call-1",
        "direction": "inbound",
        "from": "01 42 68 53 00",
        "to": "+33100000001",
        "agent": "rep_a",
    }
    return {**base, **fields}


def post(client, payload: dict, *, secret="test-telephony-secret", timestamp=None, signed=True, body=None):
    body = body if body is not None else json.dumps(payload).encode()
    headers = {}
    if signed:
        ts = str(int(timestamp if timestamp is not None else time.time()))
        headers = {"X-Televente-Timestamp": ts, "X-Televente-Signature": telephony.sign(secret, ts, body)}
    return client.generic("POST", URL, body, content_type="application/json", headers=headers)


@pytest.fixture
def known(world, reference_data):
    return customer(world.rep_a, name="Boulangerie Martin")


def test_a_signed_ringing_event_pops_the_customer_for_the_rep(client, world, known):
    response = post(client, event())
    assert response.status_code == 202, response.content
    assert response.json()["status"] == "accepted" and response.json()["company"] == known.pk
    call = PhoneCall.objects.get(external_id="call-1")
    assert call.user == world.rep_a and call.company == known and call.from_number == "+33142685300"

    client.force_login(world.rep_a)
    banner = html.unescape(client.get(reverse("calls:incoming")).content.decode())
    assert "Appel entrant" in banner and "Boulangerie Martin" in banner
    page = html.unescape(client.get(reverse("calls:inbound"), {"appel": call.pk}).content.decode())
    assert "Qualifier la demande" in page and "Boulangerie Martin" in page
    # Shown once: the banner goes away after the rep opened it; with nothing to show the poll swaps nothing.
    cleared = client.get(reverse("calls:incoming"), {"call": call.pk})
    assert cleared.status_code == 200 and cleared.content == b""
    assert client.get(reverse("calls:incoming")).status_code == 204


def test_unsigned_or_badly_signed_or_old_events_are_refused(client, world, known):
    assert post(client, event(), signed=False).status_code == 401
    assert post(client, event(), secret="wrong").status_code == 401
    old = post(client, event(), timestamp=time.time() - 3600)
    assert old.status_code == 401 and "window" in old.json()["error"]["message"]
    assert not PhoneCall.objects.exists()


def test_a_replayed_event_changes_nothing(client, world, known):
    payload = event()
    assert post(client, payload).status_code == 202
    again = post(client, payload)
    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    assert TelephonyEvent.objects.count() == 1


def test_bad_payload_answers_422_with_the_field(client, world, known):
    response = post(client, event(type="exploded"))
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "type"
    assert post(client, {}, body=b"not json").status_code == 400


def test_without_a_secret_the_webhook_refuses_everything(client, settings, known):
    settings.TELEPHONY_WEBHOOK_SECRET = ""
    assert post(client, event()).status_code == 401


def test_call_lifecycle_attaches_duration_and_recording_to_the_timeline(client, world, known):
    post(client, event(type="ringing"))
    post(client, event(type="answered"))
    client.force_login(world.rep_a)
    call = PhoneCall.objects.get(external_id="call-1")
    response = client.post(
        reverse("calls:inbound_record", args=[known.pk]),
        {"request_type": "information", "notes": "Demande les horaires de livraison", "handling": "handled",
         "call": call.pk},
    )  # fmt: skip
    assert response.status_code == 302
    post(client, event(type="ended", duration=95, recording_url="https://pbx.example/rec/call-1.mp3"))
    entry = Interaction.objects.get(company=known, kind=InteractionKind.CALL_IN)
    assert entry.duration_seconds == 95 and "https://pbx.example/rec/call-1.mp3" in entry.notes
    call.refresh_from_db()
    assert call.state == "ended" and call.interaction == entry


def test_unknown_number_offers_search_and_prospect_creation(client, world, known):
    client.force_login(world.rep_a)
    page = html.unescape(client.get(reverse("calls:inbound"), {"numero": "06 99 88 77 66"}).content.decode())
    assert "Numéro inconnu" in page and "telephone=%2B33699887766" in page
    form = client.get(reverse("customers:create"), {"telephone": "+33699887766"}).content.decode()
    assert 'value="+33699887766"' in form
    # A known number in another format finds the file.
    page = html.unescape(
        client.get(reverse("calls:inbound"), {"numero": "+33 1 42 68 53 00"}).content.decode()
    )
    assert "Boulangerie Martin" in page and "Qualifier la demande" in page


def test_transfer_to_a_service_gives_the_next_step_and_an_email(
    client, world, known, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(world.rep_a)
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post(
            reverse("calls:inbound_record", args=[known.pk]),
            {"request_type": "other", "notes": "Livraison bloquée au quai", "handling": "transferred",
             "transfer_service": BackOfficeService.LOGISTICS},
        )  # fmt: skip
    assert response.status_code == 302 and len(queued) == 1
    entry = Interaction.objects.get(company=known, kind=InteractionKind.CALL_IN)
    assert entry.next_action == NextStepAction.FOLLOW_UP and entry.next_action_owner == world.bo_logistics
    from televente.calls.tasks import notify_transfer

    assert notify_transfer.call(interaction_id=entry.pk) == 1
    assert mailoutbox[-1].to == [world.bo_logistics.email] and "Livraison bloquée" in mailoutbox[-1].body


def test_transfer_needs_a_target_and_keeps_what_was_typed(client, world, known):
    client.force_login(world.rep_a)
    response = client.post(
        reverse("calls:inbound_record", args=[known.pk]),
        {"request_type": "complaint", "notes": "Carton abîmé", "handling": "transferred"},
    )
    body = html.unescape(response.content.decode())
    assert (
        response.status_code == 200
        and "Choisissez le service ou la personne" in body
        and "Carton abîmé" in body
    )
    assert not Interaction.objects.filter(company=known, kind=InteractionKind.CALL_IN).exists()


def test_outbound_call_events_attach_to_the_planned_calls_outcome(world, plan_day, client):
    from televente.calls import services
    from televente.calls.choices import CallOutcome
    from televente.calls.models import CallPlan, CallTask

    plan = CallPlan.objects.create(team=world.team_a, date=plan_day.day)
    services.plan_build(plan=plan, by=world.sup_a)
    task = CallTask.objects.get(plan=plan, company=plan_day.window_customer)
    post(
        client, event(direction="outbound", call_id="out-1", **{"from": "+33100000001", "to": "+33142685300"})
    )
    assert PhoneCall.objects.get(external_id="out-1").company is None  # several companies share the number
    PhoneCall.objects.filter(external_id="out-1").update(company=plan_day.window_customer)
    post(client, event(direction="outbound", call_id="out-1", type="ended", duration=240))
    done = services.call_outcome_record(task=task, by=world.rep_a, outcome=CallOutcome.REFUSED)
    assert done.interaction.duration_seconds == 240


def test_screen_pop_reads_are_bounded(client, world, known, django_assert_max_num_queries):
    post(client, event())
    with django_assert_max_num_queries(2):
        call = telephony.call_to_pop(user=world.rep_a)
        assert call.company.display_name == "Boulangerie Martin"
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(30):  # session, user, the customer file and its preparation panels
        assert client.get(reverse("calls:inbound"), {"appel": call.pk}).status_code == 200
