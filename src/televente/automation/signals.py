"""Reactions to other apps' signals."""

from __future__ import annotations


def on_business_event(sender, *, company_id=None, reference="", key="", data=None, **kwargs) -> None:
    """A business event was committed (`core.events.business_event`, sender = the event's name)."""
    from .services import event_handle

    event_handle(name=sender, company_id=company_id, reference=reference, key=key, data=data)


def move_firings(sender, *, kept, removed, by, **kwargs) -> None:
    """Two files merged: the removed company's firings follow it, so its rules do not fire again."""
    from .models import RuleFiring

    RuleFiring.objects.filter(company=removed).update(company=kept)
