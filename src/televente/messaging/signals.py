"""Receivers of the messaging app."""

from __future__ import annotations


def install_default_templates(sender=None, using="default", **kwargs) -> int:
    """Creates the missing default templates (after migrate, and after a test database flush)."""
    from .defaults import defaults
    from .models import MessageTemplate

    created = 0
    for default in defaults():
        for language, body in default.body.items():
            _template, made = MessageTemplate.objects.using(using).get_or_create(
                code=default.code,
                channel=default.channel,
                language=language,
                defaults={
                    "name": default.name.get(language) or default.name["fr"],
                    "context": default.context,
                    "subject": default.subject.get(language, ""),
                    "body": body,
                    "document": default.document,
                    "is_system": True,
                },
            )
            created += made
    return created
