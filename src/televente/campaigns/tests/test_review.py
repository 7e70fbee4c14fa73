"""Regressions found in review: row-level permission on "all teams" campaigns, the order taken during
the campaign call, the rep who keeps a reached target, the day's cap once a plan is rebuilt, and a
launch that happens once."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.calls.models import CallPlan, CallTask
from televente.campaigns import selectors, services
from televente.campaigns.models import Campaign, CampaignTarget
from televente.campaigns.sources import campaign_calls
from televente.core.errors import DomainError

from .test_services import _event, _order

pytestmark = pytest.mark.django_db


def test_a_supervisor_reads_only_their_teams_targets_of_an_all_teams_campaign(
    client, world, bakeries, make_campaign
):
    campaign = services.campaign_launch(campaign=make_campaign(by=world.admin, team=None), by=world.admin)
    assert CampaignTarget.objects.filter(campaign=campaign, company=bakeries.ailleurs).exists()
    client.force_login(world.sup_a)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.status_code == 200 and "Fournil Inactif" in page.text
    assert "Boulangerie Ailleurs" not in page.text
    export = b"".join(client.get(reverse("campaigns:export", args=[campaign.pk])).streaming_content).decode()
    assert "Fournil Inactif" in export and "Boulangerie Ailleurs" not in export
    mine = selectors.campaign_results(campaign=campaign, user=world.sup_b).total
    assert mine.targets == 1  # team B's only bakery
    listed = {c.pk: c.n_targets for c in selectors.campaign_list(user=world.sup_b)}
    assert listed[campaign.pk] == 1
    everything = selectors.campaign_results(campaign=campaign, user=world.admin).total
    assert everything.targets == 4  # team A's three reachable bakeries and team B's


def test_the_order_taken_during_the_campaign_call_is_attributed_to_who_reached(
    world, bakeries, make_campaign
):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    started = timezone.now() - dt.timedelta(minutes=6)
    task = CallTask.objects.create(
        plan=plan, company=bakeries.fournil, rep=world.rep_a, reason="campaign", planned_start=started,
        started_at=started,
    )  # fmt: skip
    # the order is confirmed during the call, before its outcome is noted
    _order(bakeries.fournil, world.rep_a, at=timezone.now() - dt.timedelta(minutes=2), total="200.00")
    _event(bakeries.fournil, "reached_order", f"calls.calltask:{task.pk}:1", world.rep_a, task_id=task.pk)
    # a later call by a colleague does not take the customer over
    _event(bakeries.fournil, "reached_no_order", "calls.calltask:99:1", world.rep_a2)
    target = CampaignTarget.objects.get(campaign=campaign, company=bakeries.fournil)
    assert target.reached_at == started and target.rep_id == world.rep_a.pk and target.attempts == 2
    results = selectors.campaign_results(campaign=campaign, user=world.sup_a)
    assert (results.total.orders, results.total.revenue) == (1, Decimal("200.00"))
    lea = {f.label: f for f in results.by_rep}[world.rep_a.get_full_name()]
    assert lea.orders == 1


def test_a_rebuilt_plan_does_not_offer_a_second_quota_the_same_day(world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(calls_per_rep_per_day=1), by=world.sup_a)
    today = timezone.localdate()
    first = [f[0] for f in campaign_calls(world.team_a, today, {world.rep_a.pk, world.rep_a2.pk})]
    assert first == [bakeries.fournil.pk, bakeries.dormante.pk]
    # rep_a's campaign call of the day is made and not reached: the plan is rebuilt at noon
    _event(bakeries.fournil, "not_reached", "calls.calltask:7:1", world.rep_a)
    again = [f[0] for f in campaign_calls(world.team_a, today, {world.rep_a.pk, world.rep_a2.pk})]
    assert again == [bakeries.fournil.pk, bakeries.dormante.pk]  # its retry, not Mie as well
    assert campaign.calls_per_rep_per_day == 1


def test_a_campaign_is_launched_once_even_from_a_stale_copy(world, bakeries, make_campaign):
    draft = make_campaign()
    stale = Campaign.objects.get(pk=draft.pk)
    services.campaign_launch(campaign=draft, by=world.sup_a)
    count = CampaignTarget.objects.count()
    with pytest.raises(DomainError, match="déjà lancée"):
        services.campaign_launch(campaign=stale, by=world.sup_a)
    assert CampaignTarget.objects.count() == count


def test_the_card_is_for_who_uses_campaigns(client, world, bakeries, make_campaign):
    services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    client.force_login(world.bo_logistics)
    assert client.get(reverse("campaigns:company_panel", args=[bakeries.mie.pk])).status_code == 403


def test_a_merged_file_keeps_its_campaign_target(world, bakeries, make_campaign):
    from televente.customers.services import company_merge
    from televente.customers.tests.factories import CompanyFactory

    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    kept = CompanyFactory(rep=world.rep_a, trade_name="Fournil (doublon)")
    _event(bakeries.fournil, "reached_order", "calls.calltask:5:1", world.rep_a)
    company_merge(kept=kept, removed=bakeries.fournil, by=world.sup_a)
    target = CampaignTarget.objects.get(campaign=campaign, company=kept)
    assert target.attempts == 1 and target.calls.count() == 1
