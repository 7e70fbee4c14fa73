"""SMS through a pluggable provider (`SMS_BACKEND`, a dotted path to a class with `send(to, text)`).

A provider's class receives the E.164 number and the text, returns the provider's message id and
raises `SmsError` when the provider refuses (the outbox then retries with back-off). The default
writes each SMS to a file under var/sms (the demo's phone); tests use `LocmemSmsBackend`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

# A longer text costs several SMS; the template form refuses beyond this (4 concatenated parts).
MAX_SMS_LENGTH = 612


class SmsError(Exception):
    """The provider did not take the message; it will be retried."""


class BaseSmsBackend:
    def send(self, to: str, text: str) -> str:  # pragma: no cover - interface
        raise NotImplementedError


class FileSmsBackend(BaseSmsBackend):
    """One JSON file per SMS in SMS_FILE_PATH (default var/sms)."""

    def __init__(self) -> None:
        self.path = Path(getattr(settings, "SMS_FILE_PATH", settings.BASE_DIR / "var" / "sms"))

    def send(self, to: str, text: str) -> str:
        self.path.mkdir(parents=True, exist_ok=True)
        sms_id = uuid.uuid4().hex
        payload = {"id": sms_id, "to": to, "text": text, "at": timezone.now().isoformat()}
        (self.path / f"{sms_id}.json").write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
        return sms_id


class LocmemSmsBackend(BaseSmsBackend):
    """Keeps sent SMS in `LocmemSmsBackend.outbox` (tests)."""

    outbox: list[dict] = []

    def send(self, to: str, text: str) -> str:
        sms_id = uuid.uuid4().hex
        self.outbox.append({"id": sms_id, "to": to, "text": text})
        return sms_id


def get_backend() -> BaseSmsBackend:
    path = getattr(settings, "SMS_BACKEND", "televente.messaging.sms.FileSmsBackend")
    return import_string(path)()
