from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.calls.models import CallPlan, CallTask
from televente.campaigns import services
from televente.campaigns.choices import CampaignStatus
from televente.campaigns.models import Campaign

pytestmark = pytest.mark.django_db


def _post_data(bakeries, world, **extra):
    today = timezone.localdate()
    data = {
        "name": "Relance boulangeries inactives",
        "goal": "reactivate",
        "description": "La farine T55 à prix spécial",
        "starts_on": today.isoformat(),
        "ends_on": (today + dt.timedelta(days=10)).isoformat(),
        "team": world.team_a.pk,
        "channel": "phone",
        "calls_per_rep_per_day": "8",
        "script": bakeries.script.pk,
        "promotion": bakeries.promotion.pk,
        "objective_reached": "3",
        "objective_orders": "2",
        "objective_revenue": "1 500,50",
        "segment": bakeries.segment.pk,
        "status": "inactive",
        "sort": "name",
    }
    data.update(extra)
    return data


def test_the_supervisor_builds_a_campaign_from_the_portfolio_filters(client, world, bakeries):
    client.force_login(world.sup_a)
    page = client.get(reverse("campaigns:new"), {"segment": bakeries.segment.pk, "status": "inactive"})
    assert page.status_code == 200
    assert f'value="{bakeries.segment.pk}" selected' in page.text  # started from the portfolio's query
    response = client.post(reverse("campaigns:new"), _post_data(bakeries, world))
    campaign = Campaign.objects.get()
    assert response.status_code == 302 and response.url == reverse("campaigns:detail", args=[campaign.pk])
    assert campaign.target_query == f"status=inactive&segment={bakeries.segment.pk}"
    assert str(campaign.objective_revenue) == "1500.50"
    assert campaign.calls_per_rep_per_day == 8 and campaign.created_by == world.sup_a
    detail = client.get(response.url)
    assert "Fournil Inactif" in detail.text and "Ouvrir ce filtre dans le portefeuille" in detail.text


def test_a_refused_builder_keeps_what_was_typed(client, world, bakeries):
    client.force_login(world.sup_a)
    later = timezone.localdate() + dt.timedelta(days=90)
    response = client.post(
        reverse("campaigns:new"),
        _post_data(
            bakeries, world, starts_on=later.isoformat(), ends_on=(later + dt.timedelta(days=3)).isoformat()
        ),
    )
    assert response.status_code == 200
    assert "pas valable pendant la campagne" in response.text
    assert 'value="Relance boulangeries inactives"' in response.text
    assert not Campaign.objects.exists()


def test_the_preview_answers_with_counts(client, world, bakeries):
    client.force_login(world.sup_a)
    response = client.get(
        reverse("campaigns:preview"),
        {"segment": bakeries.segment.pk, "status": "inactive", "team": world.team_a.pk, "channel": "phone"},
    )
    assert response.status_code == 200
    assert '<dd data-testid="matched">5</dd>' in response.text
    assert '<dd data-testid="excluded">2</dd>' in response.text
    assert "Aucun numéro de téléphone" in response.text
    assert f"status=inactive&amp;segment={bakeries.segment.pk}" in response.text  # the portfolio link
    client.force_login(world.rep_a)
    assert client.get(reverse("campaigns:preview")).status_code == 403


def test_launch_then_results_and_export(client, world, bakeries, make_campaign):
    campaign = make_campaign()
    client.force_login(world.sup_a)
    response = client.post(reverse("campaigns:launch", args=[campaign.pk]), follow=True)
    assert "Campagne lancée : 3 clients ciblés" in response.text
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.RUNNING
    assert '<dd data-testid="targets">3</dd>' in response.text
    export = client.get(reverse("campaigns:export", args=[campaign.pk]))
    body = b"".join(export.streaming_content).decode()
    assert "Fournil Inactif" in body and "Aucun numéro de téléphone" in body
    assert len(body.strip().splitlines()) == 6  # header + 5 targets
    excluded = client.get(reverse("campaigns:detail", args=[campaign.pk]), {"etat": "excluded"})
    assert "Pain Sans Ligne" in excluded.text and "Mie Inactive" not in excluded.text
    response = client.post(reverse("campaigns:close", args=[campaign.pk]), follow=True)
    assert "Campagne clôturée" in response.text


def test_permissions(client, world, bakeries, make_campaign):
    campaign = make_campaign()
    client.force_login(world.sup_b)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("campaigns:launch", args=[campaign.pk])).status_code == 404
    client.force_login(world.rep_a)
    assert client.get(reverse("campaigns:new")).status_code == 403
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404  # a draft
    assert client.get(reverse("campaigns:list")).status_code == 200
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    page = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.status_code == 200 and "Lancer la campagne" not in page.text
    assert "Clôturer" not in page.text
    assert client.post(reverse("campaigns:close", args=[campaign.pk])).status_code == 403
    assert "Pâtisserie Dormante" not in page.text  # rep_a2's customer
    client.force_login(world.rep_b)
    assert client.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    client.force_login(world.bo_logistics)
    assert client.get(reverse("campaigns:list")).status_code == 403


def test_the_company_card_in_the_cockpit(client, world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    task = CallTask.objects.create(
        plan=plan, company=bakeries.mie, rep=world.rep_a, reason="campaign", planned_start=timezone.now(),
        source_reference=f"campaigns.campaign:{campaign.pk}",
    )  # fmt: skip
    client.force_login(world.rep_a)
    url = reverse("campaigns:company_panel", args=[bakeries.mie.pk])
    card = client.get(url, {"appel": task.pk})
    assert campaign.name in card.text and "Farine T55 à prix spécial" in card.text
    assert "0,79 € le kilo" in card.text and "Rappeler la farine T55" in card.text
    assert client.get(reverse("campaigns:company_panel", args=[bakeries.active.pk])).text == ""
    assert client.get(reverse("campaigns:company_panel", args=[bakeries.refus.pk])).text == ""  # excluded
    client.force_login(world.rep_b)
    assert client.get(url).status_code == 404


def test_delete_a_draft(client, world, make_campaign):
    campaign = make_campaign()
    client.force_login(world.sup_a)
    response = client.post(reverse("campaigns:delete", args=[campaign.pk]))
    assert response.status_code == 302 and not Campaign.objects.exists()


def test_nav_entry(client, world):
    client.force_login(world.rep_a)
    assert 'href="/campagnes/"' in client.get(reverse("accounts:home")).text


def test_the_portfolio_offers_a_campaign_with_its_filters_to_who_builds_campaigns(client, world, bakeries):
    client.force_login(world.sup_a)
    page = client.get(reverse("customers:portfolio"), {"status": "inactive"})
    assert f'href="{reverse("campaigns:new")}?status=inactive"' in page.text
    builder = client.get(reverse("campaigns:new"), {"status": "inactive", "segment": bakeries.segment.pk})
    assert builder.status_code == 200
    client.force_login(world.rep_a)
    assert "Créer une campagne avec ce filtre" not in client.get(reverse("customers:portfolio")).text
