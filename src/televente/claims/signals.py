"""Reactions to other apps' events."""

from __future__ import annotations


def move_claims(sender, *, kept, removed, by, **kwargs) -> None:
    """Two files merged: the removed company's claims follow it to the kept one."""
    from .models import Claim

    Claim.objects.filter(company=removed).update(company=kept)
