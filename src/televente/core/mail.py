"""Short notices to colleagues (a claim routed to a service, a settlement to approve...)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation


def mail_users(users: Iterable, subject, template: str, context: dict) -> int:
    """One email per person, in their own language; people without an email are skipped. `subject`
    may be a lazy string: it is rendered in each person's language."""
    sent = 0
    for user in users:
        if not user.email:
            continue
        with translation.override(user.language or "fr"):
            body = render_to_string(template, {**context, "user": user, "site_url": settings.SITE_URL})
            EmailMessage(
                subject=str(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
            ).send()
        sent += 1
    return sent
