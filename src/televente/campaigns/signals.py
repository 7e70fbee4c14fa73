"""Reactions to other apps' events."""

from __future__ import annotations


def move_targets(sender, *, kept, removed, by, **kwargs) -> None:
    """Two files merged: the removed company's targets (with their calls) follow it to the kept one,
    except in a campaign that already targets the kept company (one target per campaign)."""
    from .models import CampaignTarget

    already = CampaignTarget.objects.filter(company=kept).values("campaign_id")
    CampaignTarget.objects.filter(company=removed).exclude(campaign_id__in=already).update(company=kept)
