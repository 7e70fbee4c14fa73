"""The templates a fresh installation starts with, registered by the app that sends them.

They are created once (after `migrate`) in French and English; supervisors then adapt them.
A template already in the database is never overwritten."""

from __future__ import annotations

from dataclasses import dataclass

from .choices import MessageChannel


@dataclass(frozen=True)
class DefaultTemplate:
    code: str
    context: str
    name: dict[str, str]  # per language
    subject: dict[str, str]
    body: dict[str, str]
    channel: str = MessageChannel.EMAIL
    document: str = ""


_defaults: dict[tuple[str, str], DefaultTemplate] = {}


def register_default(template: DefaultTemplate) -> None:
    _defaults[(template.code, template.channel)] = template


def defaults() -> list[DefaultTemplate]:
    return list(_defaults.values())
