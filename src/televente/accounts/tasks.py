"""Background work for accounts."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.tasks import task
from django.template.loader import render_to_string
from django.utils import translation


@task
def send_password_changed_email(*, user_id: int) -> None:
    from .models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return
    with translation.override(user.language):
        subject = render_to_string("accounts/email/password_changed_subject.txt", {"user": user}).strip()
        body = render_to_string("accounts/email/password_changed.txt", {"user": user})
    EmailMessage(subject=subject, body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]).send()
