"""The script of a campaign's call: chosen for the cockpit through `scripts.selection`."""

from __future__ import annotations

from django.utils import timezone

from .choices import CampaignStatus, TargetStatus
from .models import Campaign, CampaignTarget


def campaign_script(*, task, company, user):
    """The script of the campaign the call comes from; else of a running campaign targeting the
    customer (the newest first); None when no campaign has one."""
    reference = getattr(task, "source_reference", "") or ""
    prefix, _sep, pk = reference.partition(":")
    if prefix == "campaigns.campaign" and pk.isdigit():
        campaign = (
            Campaign.objects.filter(pk=int(pk), status=CampaignStatus.RUNNING, script__isnull=False)
            .select_related("script")
            .first()
        )
        if campaign is not None:
            return campaign.script
    if company is None:
        return None
    today = timezone.localdate()
    target = (
        CampaignTarget.objects.filter(
            company=company,
            campaign__status=CampaignStatus.RUNNING,
            campaign__starts_on__lte=today,
            campaign__ends_on__gte=today,
            campaign__script__isnull=False,
        )
        .exclude(status=TargetStatus.EXCLUDED)
        .select_related("campaign__script")
        .order_by("-campaign__starts_on", "-pk")
        .first()
    )
    return target.campaign.script if target else None
