from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.campaigns import selectors, services
from televente.campaigns.choices import CampaignStatus, TargetStatus
from televente.campaigns.models import CampaignTarget, TargetCall
from televente.campaigns.sources import campaign_calls
from televente.core.errors import DomainError
from televente.messaging.models import Message

pytestmark = pytest.mark.django_db


# Builder ---------------------------------------------------------------------------------------------------------


def test_a_rep_cannot_build(world, make_campaign):
    with pytest.raises(DomainError):
        make_campaign(by=world.rep_a)


def test_a_supervisor_builds_only_for_their_teams(world, make_campaign):
    with pytest.raises(DomainError) as exc:
        make_campaign(team=world.team_b)
    assert exc.value.field == "team"
    with pytest.raises(DomainError) as exc:
        make_campaign(team=None)
    assert exc.value.field == "team"
    assert make_campaign(by=world.admin, team=None).team is None  # the admin: every team


def test_the_offer_must_be_valid_during_the_period(make_campaign, bakeries):
    later = timezone.localdate() + dt.timedelta(days=60)
    with pytest.raises(DomainError) as exc:
        make_campaign(starts_on=later, ends_on=later + dt.timedelta(days=5))
    assert exc.value.field == "promotion"


def test_email_campaigns_need_a_subject_and_a_text(make_campaign):
    with pytest.raises(DomainError) as exc:
        make_campaign(channel="email")
    assert exc.value.field == "email_subject"
    with pytest.raises(DomainError) as exc:
        make_campaign(channel="email", email_subject="Notre farine")
    assert exc.value.field == "email_body"


def test_a_survey_campaign_needs_its_survey(make_campaign):
    with pytest.raises(DomainError) as exc:
        make_campaign(goal="survey")
    assert exc.value.field == "survey"


# Preview ---------------------------------------------------------------------------------------------------------


def test_preview_counts_exclusions_and_split(world, bakeries, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        preview = selectors.target_preview(
            user=world.sup_a, query=bakeries.query, team_id=world.team_a.pk, channel="phone"
        )
    assert preview.matched == 5
    assert preview.excluded == 2
    assert dict(preview.reasons) == {
        "Tous les interlocuteurs refusent le téléphone": 1,
        "Aucun numéro de téléphone": 1,
    }
    assert dict(preview.by_rep) == {world.rep_a.get_full_name(): 2, world.rep_a2.get_full_name(): 1}
    assert "Boulangerie Active" not in preview.names and "Boulangerie Ailleurs" not in preview.names
    assert len(preview.names) == 5


def test_preview_for_emails_excludes_who_refuses_mail(world, bakeries):
    bakeries.mie.contact.opt_out_email = True
    bakeries.mie.contact.save()
    preview = selectors.target_preview(
        user=world.sup_a, query=bakeries.query, team_id=world.team_a.pk, channel="email"
    )
    assert preview.matched == 5
    assert dict(preview.reasons) == {"Refuse les e-mails": 2}  # Mie and Refus


# Launch ----------------------------------------------------------------------------------------------------------


def test_launch_creates_targets_with_exclusions(world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    assert campaign.status == CampaignStatus.RUNNING
    assert campaign.launched_by == world.sup_a and campaign.launched_at
    targets = {t.company_id: t for t in CampaignTarget.objects.filter(campaign=campaign)}
    assert set(targets) == {
        bakeries.fournil.pk, bakeries.mie.pk, bakeries.refus.pk, bakeries.sans_ligne.pk, bakeries.dormante.pk
    }  # fmt: skip
    assert targets[bakeries.refus.pk].status == TargetStatus.EXCLUDED
    assert targets[bakeries.refus.pk].excluded_reason == "Tous les interlocuteurs refusent le téléphone"
    assert targets[bakeries.sans_ligne.pk].excluded_reason == "Aucun numéro de téléphone"
    assert targets[bakeries.fournil.pk].status == TargetStatus.PENDING
    assert targets[bakeries.fournil.pk].contact_id == bakeries.fournil.contact.pk
    assert targets[bakeries.dormante.pk].rep_id == world.rep_a2.pk
    assert not Message.objects.exists()  # a phone campaign sends nothing


def test_launch_refusals(world, bakeries, make_campaign):
    campaign = make_campaign(target_query="q=introuvable")
    with pytest.raises(DomainError, match="aucun client"):
        services.campaign_launch(campaign=campaign, by=world.sup_a)
    past = timezone.localdate() - dt.timedelta(days=10)
    campaign = make_campaign(starts_on=past, ends_on=past + dt.timedelta(days=2), promotion=None)
    with pytest.raises(DomainError, match="passée"):
        services.campaign_launch(campaign=campaign, by=world.sup_a)
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    with pytest.raises(DomainError, match="déjà lancée"):
        services.campaign_launch(campaign=campaign, by=world.sup_a)
    with pytest.raises(DomainError):
        services.campaign_launch(campaign=make_campaign(), by=world.sup_b)


def test_a_phone_campaign_without_script_is_allowed_but_warned(world, make_campaign):
    campaign = make_campaign(script=None)
    assert services.launch_warnings(campaign)
    assert services.campaign_launch(campaign=campaign, by=world.sup_a).status == CampaignStatus.RUNNING


def test_an_email_campaign_queues_one_message_per_reachable_target(world, bakeries, make_campaign):
    bakeries.mie.contact.opt_out_email = True
    bakeries.mie.contact.save()
    campaign = make_campaign(
        channel="email", email_subject="La farine T55 revient", email_body="Bonjour,\nprofitez de l'offre."
    )
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    messages = Message.objects.filter(reference=f"campaigns.campaign:{campaign.pk}")
    # Fournil, Sans Ligne (no phone, but an email) and Dormante; not Mie nor Refus (opted out).
    assert {m.company_id for m in messages} == {
        bakeries.fournil.pk,
        bakeries.sans_ligne.pk,
        bakeries.dormante.pk,
    }
    assert {m.subject for m in messages} == {"La farine T55 revient"}
    assert messages.get(company=bakeries.fournil).idempotency_key == (
        f"campaigns.campaign:{campaign.pk}:{bakeries.fournil.pk}"
    )
    statuses = dict(CampaignTarget.objects.filter(campaign=campaign).values_list("company_id", "status"))
    assert statuses[bakeries.fournil.pk] == TargetStatus.EMAILED
    assert statuses[bakeries.mie.pk] == TargetStatus.EXCLUDED
    assert CampaignTarget.objects.get(campaign=campaign, company=bakeries.fournil).message is not None


def test_email_then_call_excludes_only_who_cannot_be_reached_at_all(world, bakeries, make_campaign):
    campaign = make_campaign(channel="both", email_subject="Objet", email_body="Texte")
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    statuses = dict(CampaignTarget.objects.filter(campaign=campaign).values_list("company_id", "status"))
    assert statuses[bakeries.refus.pk] == TargetStatus.EXCLUDED  # refuses both
    assert statuses[bakeries.sans_ligne.pk] == TargetStatus.EMAILED  # no phone, but mail
    assert Message.objects.count() == 4


def test_documents_go_with_the_email(world, bakeries, make_campaign, monkeypatch):
    from televente.catalog.tests.factories import ProductFactory
    from televente.knowledge.models import CommercialDocument

    monkeypatch.setattr(
        "televente.knowledge.documents.document_content",
        lambda document, language="fr": ("fiche.pdf", b"%PDF-1.4 fiche", "application/pdf"),
    )
    sheet = CommercialDocument.objects.create(
        title="Fiche farine T55", kind="sheet", product=ProductFactory()
    )
    campaign = make_campaign(channel="email", email_subject="Objet", email_body="Texte", documents=[sheet])
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    message = Message.objects.filter(company=bakeries.fournil).get()
    assert [a.filename for a in message.attachments.all()] == ["fiche.pdf"]


def test_close_and_delete(world, make_campaign):
    draft = make_campaign()
    with pytest.raises(DomainError):
        services.campaign_close(campaign=draft, by=world.sup_a)
    services.campaign_delete(campaign=draft, by=world.sup_a)
    running = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    with pytest.raises(DomainError):
        services.campaign_delete(campaign=running, by=world.sup_a)
    closed = services.campaign_close(campaign=running, by=world.sup_a)
    assert closed.status == CampaignStatus.CLOSED and closed.ends_on == timezone.localdate()


# Call plans ------------------------------------------------------------------------------------------------------


def test_the_source_yields_targets_within_caps_highest_stakes_first(world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(calls_per_rep_per_day=1), by=world.sup_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    found = list(campaign_calls(world.team_a, tomorrow, {world.rep_a.pk, world.rep_a2.pk}))
    # One per rep: rep_a's best stakes (class A) and rep_a2's only target; excluded ones never.
    assert [f[0] for f in found] == [bakeries.fournil.pk, bakeries.dormante.pk]
    assert found[0][1:] == ("campaign", f"Campagne : {campaign.name}", f"campaigns.campaign:{campaign.pk}")
    assert list(campaign_calls(world.team_b, tomorrow, {world.rep_b.pk})) == []
    after = campaign.ends_on + dt.timedelta(days=1)
    assert list(campaign_calls(world.team_a, after, {world.rep_a.pk})) == []
    CampaignTarget.objects.filter(company=bakeries.fournil).update(
        attempts=3, status=TargetStatus.NOT_REACHED
    )
    assert [f[0] for f in campaign_calls(world.team_a, tomorrow, set())] == [
        bakeries.mie.pk,
        bakeries.dormante.pk,
    ]


def test_tomorrows_plan_holds_the_campaign_calls(world, bakeries, make_campaign):
    from televente.calls import services as call_services
    from televente.calls.models import CallTask

    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    plan = call_services.plan_get_or_create(team=world.team_a, day=tomorrow, by=world.sup_a)
    call_services.plan_build(plan=plan, by=world.sup_a, solve_seconds_per_rep=1)
    tasks = CallTask.objects.filter(plan=plan, source_reference=f"campaigns.campaign:{campaign.pk}")
    assert {t.company_id for t in tasks} == {bakeries.fournil.pk, bakeries.mie.pk, bakeries.dormante.pk}
    assert all("campaign" in t.reasons and t.planned_start for t in tasks)


# Following the calls ---------------------------------------------------------------------------------------------


def _event(company, outcome, key, rep, task_id=None):
    services.on_business_event(
        "call.completed",
        company_id=company.pk,
        reference="calls.calltask:1",
        key=key,
        data={
            "task_id": task_id,
            "outcome": outcome,
            "rep_id": rep.pk,
            "interaction_id": None,
            "order_reference": "",
        },
    )


def test_calls_move_their_targets_once_per_event(world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    _event(bakeries.mie, "not_reached", "calls.calltask:7:1", world.rep_a2)
    _event(bakeries.mie, "not_reached", "calls.calltask:7:1", world.rep_a2)  # delivered twice
    target = CampaignTarget.objects.get(campaign=campaign, company=bakeries.mie)
    assert (target.attempts, target.status, target.rep_id, target.reached_at) == (
        1, TargetStatus.NOT_REACHED, world.rep_a2.pk, None
    )  # fmt: skip
    _event(bakeries.mie, "reached_order", "calls.calltask:7:2", world.rep_a2)
    target.refresh_from_db()
    assert (target.attempts, target.status, target.last_outcome) == (
        2,
        TargetStatus.POSITIVE,
        "reached_order",
    )
    assert target.reached_at is not None
    _event(bakeries.mie, "not_reached", "calls.calltask:9:1", world.rep_a2)
    target.refresh_from_db()
    assert target.status == TargetStatus.POSITIVE and target.attempts == 3  # never brought down
    _event(bakeries.fournil, "refused", "calls.calltask:8:1", world.rep_a)
    assert (
        CampaignTarget.objects.get(campaign=campaign, company=bakeries.fournil).status == TargetStatus.REFUSED
    )
    _event(bakeries.dormante, "callback", "calls.calltask:10:1", world.rep_a2)
    assert (
        CampaignTarget.objects.get(campaign=campaign, company=bakeries.dormante).status
        == TargetStatus.REACHED
    )
    assert TargetCall.objects.count() == 5
    services.on_business_event(
        "order.confirmed", company_id=bakeries.dormante.pk, reference="", key="x", data={}
    )
    assert TargetCall.objects.count() == 5


def test_calls_outside_the_period_or_after_closing_do_not_count(world, bakeries, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    services.campaign_close(campaign=campaign, by=world.sup_a)
    _event(bakeries.mie, "reached_order", "calls.calltask:7:1", world.rep_a)
    assert CampaignTarget.objects.get(campaign=campaign, company=bakeries.mie).attempts == 0


# Results ---------------------------------------------------------------------------------------------------------


def _order(company, rep, *, at, total, discount="0", promotion=None, status="confirmed", line_promotions=()):
    from televente.catalog.models import SalesUnit
    from televente.catalog.tests.factories import ProductFactory
    from televente.orders.models import Order, OrderLine

    order = Order.objects.create(
        company=company, rep=rep, team=rep.team, status=status, confirmed_at=at,
        number=f"C{Order.objects.count() + 1:05d}", total_lines=Decimal(total), order_discount=Decimal(discount),
        order_promotion=promotion,
    )  # fmt: skip
    product = ProductFactory()
    unit = SalesUnit.objects.create(product=product, code="UVC", label="unité", base_quantity=1)
    OrderLine.objects.create(
        order=order, product=product, unit=unit, quantity=1, base_quantity=1, unit_price=Decimal(total),
        vat_rate=Decimal("5.5"), amount=Decimal(total), promotions=list(line_promotions),
    )  # fmt: skip
    return order


def test_results_attribute_orders_and_promotion_uptake(
    world, bakeries, make_campaign, django_assert_max_num_queries
):
    campaign = services.campaign_launch(
        campaign=make_campaign(objective_reached=4, objective_orders=2, objective_revenue=Decimal("1000")),
        by=world.sup_a,
    )
    _event(bakeries.fournil, "reached_order", "k1", world.rep_a)
    _event(bakeries.mie, "reached_no_order", "k2", world.rep_a)
    _event(bakeries.dormante, "not_reached", "k3", world.rep_a2)
    now = timezone.now()
    promo = bakeries.promotion
    _order(bakeries.fournil, world.rep_a, at=now + dt.timedelta(minutes=1), total="400.00", discount="20.00",
           promotion=promo)  # fmt: skip
    _order(bakeries.fournil, world.rep_a, at=now - dt.timedelta(days=2), total="999.00")  # before the call
    _order(
        bakeries.mie,
        world.rep_a,
        at=now + dt.timedelta(minutes=2),
        total="250.50",
        line_promotions=[promo.pk],
    )
    _order(bakeries.mie, world.rep_a, at=now + dt.timedelta(minutes=3), total="100.00")
    _order(bakeries.mie, world.rep_a, at=now + dt.timedelta(minutes=4), total="80.00", status="cancelled")
    _order(bakeries.mie, world.rep_a, at=now + dt.timedelta(days=30), total="70.00")  # after end + 7 days
    _order(bakeries.dormante, world.rep_a2, at=now + dt.timedelta(minutes=5), total="500.00")  # never reached
    _order(bakeries.active, world.rep_a2, at=now + dt.timedelta(minutes=5), total="500.00")  # not a target

    with django_assert_max_num_queries(5):
        results = selectors.campaign_results(campaign=campaign, user=world.sup_a)
    total = results.total
    assert (total.targets, total.called, total.reached, total.positive) == (3, 3, 2, 1)
    assert results.excluded == 2
    assert (total.orders, total.revenue) == (3, Decimal("730.50"))  # 380 + 250.50 + 100
    assert (total.promo_orders, total.promo_revenue) == (2, Decimal("630.50"))
    assert total.reach_rate == 67
    by_rep = {f.label: f for f in results.by_rep}
    lea = by_rep[world.rep_a.get_full_name()]
    assert (lea.targets, lea.reached, lea.orders, lea.revenue) == (2, 2, 3, Decimal("730.50"))
    assert by_rep[world.rep_a2.get_full_name()].orders == 0
    assert [(o.label, o.done, o.full_percent) for o in results.objectives] == [
        ("Clients joints", 2, 50), ("Commandes", 3, 150), ("CA HT", Decimal("730.50"), 73)
    ]  # fmt: skip
    # A rep sees their own customers' figures.
    mine = selectors.campaign_results(campaign=campaign, user=world.rep_a2)
    assert (mine.total.targets, mine.total.orders) == (1, 0)


def test_email_targets_count_orders_from_the_sending(world, bakeries, make_campaign):
    campaign = make_campaign(channel="email", email_subject="Objet", email_body="Texte", promotion=None)
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    sent = timezone.now() - dt.timedelta(days=1)
    Message.objects.filter(company=bakeries.fournil).update(status="sent", sent_at=sent)
    _order(bakeries.fournil, world.rep_a, at=sent + dt.timedelta(hours=3), total="120.00")
    _order(bakeries.fournil, world.rep_a, at=sent - dt.timedelta(hours=3), total="60.00")
    _order(bakeries.mie, world.rep_a, at=sent + dt.timedelta(hours=3), total="90.00")  # its email not sent
    results = selectors.campaign_results(campaign=campaign, user=world.sup_a)
    assert (results.total.emailed, results.total.orders, results.total.revenue) == (1, 1, Decimal("120.00"))


def test_list_counts(world, bakeries, make_campaign, django_assert_max_num_queries):
    running = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    make_campaign(name="Brouillon")
    _event(bakeries.fournil, "reached_order", "k1", world.rep_a)
    with django_assert_max_num_queries(2):
        campaigns = selectors.campaign_list(user=world.sup_a)
    counts = {c.name: (c.n_targets, c.n_called, c.n_reached, c.n_positive) for c in campaigns}
    assert counts[running.name] == (3, 1, 1, 1)
    mine = selectors.campaign_list(user=world.rep_a2)
    assert [(c.name, c.n_targets, c.n_positive) for c in mine] == [(running.name, 1, 0)]  # no draft for reps
    assert selectors.campaign_list(user=world.rep_b) == []


def test_the_script_chooser_gives_the_campaign_script(world, bakeries, make_campaign):
    from televente.campaigns.scripting import campaign_script

    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)

    class Task:
        source_reference = f"campaigns.campaign:{campaign.pk}"

    assert campaign_script(task=Task(), company=None, user=world.rep_a) == bakeries.script
    assert campaign_script(task=None, company=bakeries.mie, user=world.rep_a) == bakeries.script
    assert campaign_script(task=None, company=bakeries.refus, user=world.rep_a) is None  # excluded
    assert campaign_script(task=None, company=bakeries.active, user=world.rep_a) is None
    assert campaign.status == CampaignStatus.RUNNING


def test_a_survey_campaign_invites_each_reachable_target(world, bakeries, make_campaign):
    from televente.market.models import Survey, SurveyInvitation

    survey = Survey.objects.create(title="Satisfaction clients 2026", status="open")
    campaign = make_campaign(goal="survey", survey=survey, channel="email", promotion=None)
    services.campaign_launch(campaign=campaign, by=world.sup_a)
    invited = set(SurveyInvitation.objects.filter(survey=survey).values_list("company_id", flat=True))
    assert invited == {bakeries.fournil.pk, bakeries.mie.pk, bakeries.sans_ligne.pk, bakeries.dormante.pk}
    target = CampaignTarget.objects.get(campaign=campaign, company=bakeries.fournil)
    assert target.status == TargetStatus.EMAILED and target.message is not None
    closed = Survey.objects.create(title="Ancienne enquête", status="closed")
    with pytest.raises(DomainError, match="Ouvrez l'enquête"):
        services.campaign_launch(
            campaign=make_campaign(goal="survey", survey=closed, channel="email"), by=world.sup_a
        )


def test_the_daily_job_closes_campaigns_whose_period_is_over(world, make_campaign):
    campaign = services.campaign_launch(campaign=make_campaign(), by=world.sup_a)
    assert services.campaigns_close_ended(today=campaign.ends_on) == 0
    assert services.campaigns_close_ended(today=campaign.ends_on + dt.timedelta(days=1)) == 1
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CLOSED
