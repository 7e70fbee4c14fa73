"""The telephony adapter (docs/TELEPHONY.md): signed call events from a softphone, an Asterisk
server or a hosted provider, the screen pop for the rep's browser, and inbound calls qualified and
handled or transferred (seed 004 1.2; seed 001 A3.1).

A call event is accepted only with a valid HMAC-SHA256 signature of "<timestamp>.<body>" made
with the shared secret, a timestamp within the allowed skew, and an event id never seen before
(replay protection): a repeated event changes nothing and answers "duplicate".
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import time
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.core.errors import DomainError, PermissionRefused
from televente.core.phones import to_e164
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Company, Interaction, Phone
from televente.customers.services import interaction_record

from .choices import CallDirection, InboundHandling, InboundRequest, PhoneCallState
from .models import PhoneCall, TelephonyEvent

POP_FRESHNESS = dt.timedelta(minutes=3)  # a ringing call older than this is no longer popped
ATTACH_WINDOW = dt.timedelta(minutes=45)  # a call's outcome attaches the telephony call of that time


class SignatureError(Exception):
    """Why a webhook request was refused (message for the integrator, in English)."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify(*, body: bytes, timestamp: str | None, signature: str | None, now: float | None = None) -> None:
    secret = settings.TELEPHONY_WEBHOOK_SECRET
    if not secret:
        raise SignatureError("telephony webhook is not configured (TELEPHONY_WEBHOOK_SECRET)")
    if not timestamp or not signature:
        raise SignatureError("missing X-Televente-Timestamp or X-Televente-Signature header")
    try:
        sent = float(timestamp)
    except ValueError as exc:
        raise SignatureError("X-Televente-Timestamp is not a Unix time") from exc
    if abs((now or time.time()) - sent) > settings.TELEPHONY_MAX_SKEW_SECONDS:
        raise SignatureError("timestamp outside the allowed window (replayed or clock skew)")
    if not hmac.compare_digest(sign(secret, timestamp, body), signature.strip()):
        raise SignatureError("bad signature")


def _user_for(agent: str, number: str) -> User | None:
    if agent:
        found = User.objects.filter(username=agent, is_active=True).first()
        if found:
            return found
    if number:
        return User.objects.filter(phone=number, is_active=True).first()
    return None


def _company_for(number: str, user: User | None) -> Company | None:
    if not number:
        return None
    ids = list(Phone.objects.filter(e164=number).values_list("company_id", flat=True).distinct()[:5])
    if len(ids) != 1:
        return None  # unknown or ambiguous: the rep chooses on the inbound screen
    company = Company.objects.filter(pk=ids[0]).first()
    if (
        company is not None
        and user is not None
        and not Company.objects.visible_to(user).filter(pk=company.pk).exists()
    ):
        return None
    return company


FIELDS = ("event_id", "type", "call_id", "direction")


def validate_payload(payload) -> dict:
    """The event's fields, or a DomainError naming the first bad one."""
    if not isinstance(payload, dict):
        raise DomainError("the body must be a JSON object", field="body")
    for name in FIELDS:
        if not isinstance(payload.get(name), str) or not payload[name].strip() or len(payload[name]) > 120:
            raise DomainError(f"'{name}' is required (a string of 1 to 120 characters)", field=name)
    if payload["type"] not in PhoneCallState.values:
        raise DomainError(f"'type' must be one of {', '.join(PhoneCallState.values)}", field="type")
    if payload["direction"] not in CallDirection.values:
        raise DomainError(f"'direction' must be one of {', '.join(CallDirection.values)}", field="direction")
    occurred = payload.get("occurred_at")
    at = parse_datetime(occurred) if isinstance(occurred, str) else None
    if occurred is not None and (at is None or at.tzinfo is None):
        raise DomainError("'occurred_at' must be an ISO 8601 date-time with its offset", field="occurred_at")
    duration = payload.get("duration")
    if duration is not None and (
        not isinstance(duration, int) or isinstance(duration, bool) or not 0 <= duration < 86400
    ):
        raise DomainError("'duration' must be a number of seconds", field="duration")
    recording = payload.get("recording_url") or ""
    if (
        not isinstance(recording, str)
        or len(recording) > 500
        or (recording and not recording.startswith(("https://", "http://")))
    ):
        raise DomainError("'recording_url' must be an http(s) URL", field="recording_url")
    for name in ("from", "to", "agent"):
        if payload.get(name) is not None and (not isinstance(payload[name], str) or len(payload[name]) > 40):
            raise DomainError(f"'{name}' must be a string", field=name)
    return {
        "event_id": payload["event_id"].strip(),
        "type": payload["type"],
        "call_id": payload["call_id"].strip(),
        "direction": payload["direction"],
        "from": to_e164(payload.get("from") or "") or (payload.get("from") or "")[:32],
        "to": to_e164(payload.get("to") or "") or (payload.get("to") or "")[:32],
        "agent": (payload.get("agent") or "").strip(),
        "occurred_at": at or timezone.now(),
        "duration": duration,
        "recording_url": recording,
    }  # fmt: skip


def event_receive(*, payload: dict) -> tuple[PhoneCall, bool]:
    """Applies one validated event to its call. Returns (call, created): False for a replayed event."""
    data = validate_payload(payload)
    for attempt in range(2):
        try:
            with transaction.atomic():
                call, _created = PhoneCall.objects.select_for_update().get_or_create(
                    external_id=data["call_id"],
                    defaults={
                        "direction": data["direction"],
                        "from_number": data["from"],
                        "to_number": data["to"],
                        "rang_at": data["occurred_at"],
                    },
                )
                TelephonyEvent.objects.create(
                    event_id=data["event_id"], call=call, kind=data["type"], occurred_at=data["occurred_at"],
                    payload={k: str(v) if isinstance(v, dt.datetime) else v for k, v in data.items()},
                )  # fmt: skip
                _apply(call, data)
            return call, True
        except IntegrityError:
            seen = TelephonyEvent.objects.select_related("call").filter(event_id=data["event_id"]).first()
            if seen is not None:
                return seen.call, False  # a replay: nothing changes
            if attempt:
                raise
            # Two first events of one call at once: the other created the call; apply this one to it.
    raise AssertionError("unreachable")


def _apply(call: PhoneCall, data: dict) -> None:
    inbound = call.direction == CallDirection.INBOUND
    if call.user_id is None:
        call.user = _user_for(data["agent"], call.to_number if inbound else call.from_number)
    if call.company_id is None:
        call.company = _company_for(call.from_number if inbound else call.to_number, call.user)
    kind, at = data["type"], data["occurred_at"]
    order = [PhoneCallState.RINGING, PhoneCallState.ANSWERED, PhoneCallState.ENDED]
    if order.index(kind) >= order.index(call.state):  # events may arrive out of order
        call.state = kind
    if kind == PhoneCallState.ANSWERED:
        call.answered_at = call.answered_at or at
    if kind == PhoneCallState.ENDED:
        call.ended_at = at
        if data["duration"] is not None:
            call.duration_seconds = data["duration"]
        elif call.answered_at:
            call.duration_seconds = int((at - call.answered_at).total_seconds())
    if data["recording_url"]:
        call.recording_url = data["recording_url"]
    call.save()
    if call.interaction_id and kind == PhoneCallState.ENDED:
        _copy_to_interaction(call)


def _copy_to_interaction(call: PhoneCall) -> None:
    updates = {}
    if call.duration_seconds is not None:
        updates["duration_seconds"] = call.duration_seconds
    if call.recording_url:
        interaction = Interaction.objects.get(pk=call.interaction_id)
        line = _("Enregistrement : %(url)s") % {"url": call.recording_url}
        if line not in interaction.notes:
            updates["notes"] = f"{interaction.notes}\n{line}".strip()
    if updates:
        Interaction.objects.filter(pk=call.interaction_id).update(**updates)


def attach_call(
    *, interaction: Interaction, user: User, direction: str, phone_call: PhoneCall | None = None
) -> PhoneCall | None:
    """Links the telephony call to the timeline entry written for it: the one given, else the
    latest call of this person with this customer in the last minutes."""
    call = phone_call
    if call is None:
        call = (
            PhoneCall.objects.filter(
                user=user, company_id=interaction.company_id, direction=direction, interaction__isnull=True,
                created_at__gte=timezone.now() - ATTACH_WINDOW,
            )
            .order_by("-created_at")
            .first()
        )  # fmt: skip
    if call is None:
        return None
    PhoneCall.objects.filter(pk=call.pk).update(interaction=interaction)
    call.interaction_id = interaction.pk
    _copy_to_interaction(call)
    return call


# The rep's browser ----------------------------------------------------------------------------------------------------


def call_to_pop(*, user) -> PhoneCall | None:
    """An inbound call ringing or answered on this person's line, not shown yet (one indexed query)."""
    return (
        PhoneCall.objects.filter(
            user=user, popped_at__isnull=True, direction=CallDirection.INBOUND, created_at__gte=timezone.now() - POP_FRESHNESS
        )
        .exclude(state=PhoneCallState.ENDED)
        .select_related("company")
        .order_by("-created_at")
        .first()
    )  # fmt: skip


def mark_popped(*, call: PhoneCall) -> None:
    PhoneCall.objects.filter(pk=call.pk, popped_at__isnull=True).update(popped_at=timezone.now())


def service_people(service: str) -> list[User]:
    return list(User.objects.filter(role=Role.BACK_OFFICE, service=service, is_active=True).order_by("pk"))


@transaction.atomic
def inbound_record(
    *,
    company: Company,
    by: User,
    request_type: str,
    notes: str,
    handling: str,
    transfer_service: str = "",
    transfer_to: User | None = None,
    phone_call: PhoneCall | None = None,
) -> Interaction:
    """An inbound call qualified (what the caller wants) and handled, or transferred to the competent
    service or person with a next step in their name and an email; all on the timeline."""
    if not Company.objects.editable_by(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas modifier cette fiche."))
    if request_type not in InboundRequest.values:
        raise DomainError(_("Qualifiez la demande de l'appelant."), field="request_type")
    if handling not in InboundHandling.values:
        raise DomainError(_("Indiquez si vous traitez la demande ou la transmettez."), field="handling")
    owner = None
    if handling == InboundHandling.TRANSFERRED:
        if transfer_to is not None:
            owner = transfer_to
        elif transfer_service:
            people = service_people(transfer_service)
            if not people:
                raise DomainError(
                    _("Personne n'est rattaché à ce service : choisissez une personne."), field="transfer_to"
                )
            owner = people[0]
        else:
            raise DomainError(
                _("Choisissez le service ou la personne à qui transmettre."), field="transfer_service"
            )
        if not notes.strip():
            raise DomainError(_("Résumez la demande pour la personne qui la reprend."), field="notes")
    label = InboundRequest(request_type).label
    subject = _("Appel entrant : %(request)s") % {"request": label}
    if owner is not None:
        subject += " — " + _("transmis à %(who)s") % {"who": owner}
    outcome = {InboundRequest.COMPLAINT: Outcome.COMPLAINT}.get(request_type, Outcome.INFORMATION)
    interaction = interaction_record(
        company=company,
        kind=InteractionKind.CALL_IN,
        by=by,
        outcome=outcome,
        subject=subject,
        notes=notes,
        duration_seconds=phone_call.duration_seconds if phone_call else None,
        next_action=NextStepAction.FOLLOW_UP if owner else "",
        next_action_at=timezone.now() if owner else None,
        next_action_owner=owner,
        next_action_note=label if owner else "",
    )
    attach_call(interaction=interaction, user=by, direction=CallDirection.INBOUND, phone_call=phone_call)
    if owner is not None:
        from .tasks import notify_transfer

        transaction.on_commit(partial(notify_transfer.enqueue, interaction_id=interaction.pk))
    return interaction
