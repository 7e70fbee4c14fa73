"""Review of the evaluation part: grid versions kept, double submits, sessions counting only finished
evaluations, frozen calibrations, what a call produced, and bounded queries on the main screens."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from televente.core.errors import DomainError
from televente.quality import selectors, services
from televente.quality.choices import (
    EvaluationKind,
    EvaluationSituation,
    EvaluationStatus,
    SessionKind,
    VersionStatus,
)
from televente.quality.models import Calibration, Evaluation, Grid, GridItem, GridSection, GridVersion
from televente.quality.tests.conftest import all_yes, c1, items_of, record_call

pytestmark = pytest.mark.django_db


def fill_data(version, **extra):
    data = {f"item_{i.pk}": "yes" for i in items_of(version)}
    data.update({f"comment_{i.pk}": "" for i in items_of(version)})
    data.update({"overall_comment": "Bon appel.", "agreed_actions": "", **extra})
    return data


def login(client, user):
    client.force_login(user)
    return client


def _two_item_grid(pass_mark):
    grid = Grid.objects.create(code=f"g-{pass_mark}", name="Découverte")
    version = GridVersion.objects.create(
        grid=grid, number=1, status=VersionStatus.PUBLISHED, pass_mark=pass_mark
    )
    section = GridSection.objects.create(version=version, title="Découverte")
    for n in range(2):
        GridItem.objects.create(section=section, position=n, text=f"Indicateur {n}")
    return grid, version


# Versions and pass mark -----------------------------------------------------------------------------------------------


def test_an_evaluation_keeps_its_grid_version_and_its_pass_mark(world, call):
    grid, v1 = _two_item_grid(pass_mark=50)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=v1)
    # A new version is published meanwhile, stricter and with another indicator.
    GridVersion.objects.filter(pk=v1.pk).update(status=VersionStatus.RETIRED)
    v1.refresh_from_db()
    v2 = GridVersion.objects.create(grid=grid, number=2, status=VersionStatus.PUBLISHED, pass_mark=90)
    GridItem.objects.create(
        section=GridSection.objects.create(version=v2, title="Conclusion"), text="Conclut"
    )
    first, second = items_of(v1)
    services.evaluation_save(
        evaluation=evaluation,
        by=world.sup_a,
        answers={first.pk: ("yes", ""), second.pk: ("no", "")},
        share=True,
    )
    evaluation.refresh_from_db()
    assert evaluation.grid_version_id == v1.pk
    assert evaluation.score == Decimal("50.0") and evaluation.passed is True  # v1's 50 %, not v2's 90 %
    assert sum(len(rows) for _s, rows in selectors.evaluation_rows(evaluation)) == 2
    # The retired version no longer starts evaluations.
    with pytest.raises(DomainError, match="pas en service"):
        services.evaluation_start(
            by=world.sup_a, interaction=record_call(world.rep_a, world.team_a, "Autre"), grid_version=v1
        )


def test_sharing_counts_the_answers_saved_before(world, call, grids):
    version = c1(grids)
    items = items_of(version)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(
        evaluation=evaluation, by=world.sup_a, answers={i.pk: ("yes", "") for i in items[:5]}
    )
    services.evaluation_save(
        evaluation=evaluation, by=world.sup_a, answers={i.pk: ("yes", "") for i in items[5:]}, share=True
    )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SHARED and evaluation.score == Decimal("100.0")


# Double submits -------------------------------------------------------------------------------------------------------


def test_a_double_share_sends_one_email(client, world, call, grids, django_capture_on_commit_callbacks):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    url = reverse("quality:evaluation_fill", args=[evaluation.pk])
    client = login(client, world.sup_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, fill_data(version, share="1"))
        second = client.post(url, fill_data(version, share="1"))
    assert first.url == second.url == reverse("quality:evaluation", args=[evaluation.pk])
    assert [m.to for m in mail.outbox] == [[world.rep_a.email]]


def test_a_double_acknowledgement_is_harmless(client, world, call, grids, django_capture_on_commit_callbacks):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    url = reverse("quality:evaluation_acknowledge", args=[evaluation.pk])
    client = login(client, world.rep_a)
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, {"comment": "Vu."})
        second = client.post(url, {"comment": "Vu deux fois."}, follow=True)
    assert first.status_code == 302 and second.status_code == 200
    assert "Vous avez déjà pris connaissance de cette évaluation." in second.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.rep_comment == "Vu."
    assert [m.to for m in mail.outbox] == [[world.sup_a.email]]


def test_acknowledge_keeps_a_too_long_comment(client, world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    text = "Trop long. " * 200
    response = login(client, world.rep_a).post(
        reverse("quality:evaluation_acknowledge", args=[evaluation.pk]), {"comment": text}
    )
    assert response.status_code == 400
    assert "Trop long. Trop long." in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SHARED


# Sessions -------------------------------------------------------------------------------------------------------------


def test_certification_counts_only_finished_evaluations_once_per_call(world, grids):
    version, mc = c1(grids), grids["mc-relation-client-telephone"].current_version
    session = services.session_create(
        by=world.sup_a,
        rep=world.rep_a,
        kind=SessionKind.CERTIFICATION,
        held_on=timezone.localdate(),
        customer_minutes=65,
    )
    calls = [record_call(world.rep_a, world.team_a, f"Client {n}", minutes=22) for n in range(3)]
    drafts = [
        services.evaluation_start(by=world.sup_a, session=session, interaction=c, grid_version=version)
        for c in calls
    ]
    req = services.session_requirements(session)
    assert req["calls"] == 0 and req["drafts"] == 3 and not req["met"]  # three drafts prove nothing yet
    for e in drafts[:2]:
        services.evaluation_save(evaluation=e, by=world.sup_a, answers=all_yes(version), share=True)
    # The first call evaluated again with another grid is still one call.
    again = services.evaluation_start(by=world.sup_a, session=session, interaction=calls[0], grid_version=mc)
    services.evaluation_save(evaluation=again, by=world.sup_a, answers=all_yes(mc), share=True)
    req = services.session_requirements(session)
    assert req["calls"] == 2 and not req["calls_ok"] and not req["met"]
    services.evaluation_save(evaluation=drafts[2], by=world.sup_a, answers=all_yes(version), share=True)
    req = services.session_requirements(session)
    assert req["calls"] == 3 and req["met"] is True
    assert selectors.session_detail(user=world.sup_a, pk=session.pk)["requirements"]["met"] is True


def test_the_session_page_says_drafts_do_not_count(client, world, call, grids):
    session = services.session_create(
        by=world.sup_a, rep=world.rep_a, kind=SessionKind.CERTIFICATION, held_on=timezone.localdate()
    )
    services.evaluation_start(by=world.sup_a, session=session, interaction=call, grid_version=c1(grids))
    html = login(client, world.sup_a).get(reverse("quality:session", args=[session.pk])).content.decode()
    assert re.search(r"0 entretiens? évalués? sur 3", html)  # the draft is not counted
    assert "1 évaluation encore en brouillon ne compte pas" in html
    assert login(client, world.sup_b).get(reverse("quality:session", args=[session.pk])).status_code == 404


def test_a_draft_of_the_call_joins_the_session(world, call, grids):
    version = c1(grids)
    draft = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    session = services.session_create(
        by=world.sup_a, rep=world.rep_a, kind=SessionKind.LIVE, held_on=timezone.localdate()
    )
    joined = services.evaluation_start(
        by=world.sup_a, session=session, interaction=call, grid_version=version
    )
    assert joined.pk == draft.pk
    draft.refresh_from_db()
    assert draft.session == session and draft.situation == EvaluationSituation.LIVE
    # A shared evaluation stays where it was made.
    services.evaluation_save(evaluation=draft, by=world.sup_a, answers=all_yes(version), share=True)
    other = services.session_create(
        by=world.sup_a,
        rep=world.rep_a,
        kind=SessionKind.ROLE_PLAY,
        held_on=timezone.localdate(),
        scenario="x",
    )
    with pytest.raises(DomainError, match="en dehors de cette séance"):
        services.evaluation_start(by=world.sup_a, session=other, interaction=call, grid_version=version)


# Calibration ----------------------------------------------------------------------------------------------------------


def test_a_closed_calibration_is_frozen(client, world, call, grids):
    version = c1(grids)
    calibration = services.calibration_start(by=world.sup_a, interaction=call, grid_version=version)
    mine = services.calibration_score(calibration=calibration, by=world.sup_a)
    services.evaluation_save(evaluation=mine, by=world.sup_a, answers=all_yes(version))
    services.calibration_close(calibration=calibration, by=world.sup_a)
    with pytest.raises(DomainError, match="clos"):
        services.evaluation_delete(evaluation=mine, by=world.sup_a)
    client = login(client, world.sup_a)
    # The score no longer opens as a form: back to the calibration; the score itself reads as is.
    response = client.get(reverse("quality:evaluation_fill", args=[mine.pk]))
    assert response.url == reverse("quality:calibration", args=[calibration.pk])
    response = client.get(reverse("quality:evaluation", args=[mine.pk]))
    assert response.status_code == 200 and "Note de calibrage de" in response.content.decode()
    response = client.post(reverse("quality:evaluation_fill", args=[mine.pk]), fill_data(version, save="1"))
    assert response.url == reverse("quality:calibration", args=[calibration.pk])
    response = client.post(reverse("quality:evaluation_delete", args=[mine.pk]))
    assert response.url == reverse("quality:calibration", args=[calibration.pk])
    assert Evaluation.objects.filter(pk=mine.pk).exists()
    # Calibrating the same call again: a supervisor who already scored it is told so (no error 500).
    with pytest.raises(DomainError, match="déjà noté"):
        services.calibration_start(by=world.sup_a, interaction=call, grid_version=version)
    again = services.calibration_start(by=world.sup_b, interaction=call, grid_version=version)
    assert again.pk != calibration.pk and again.closed_at is None
    with pytest.raises(DomainError, match="déjà noté"):
        services.calibration_score(calibration=again, by=world.sup_a)
    assert services.calibration_score(calibration=again, by=world.sup_b).calibration == again
    response = client.post(reverse("quality:calibration_new", args=[call.pk]), {"grid_version": version.pk})
    assert response.status_code == 200 and "déjà noté" in response.content.decode()
    assert Calibration.objects.count() == 2


# What the call produced -----------------------------------------------------------------------------------------------


def _order(world, company, *, created_at, confirmed_at, status="confirmed"):
    from televente.orders.models import Order

    order = Order.objects.create(
        company=company,
        rep=world.rep_a,
        number=f"C-{company.pk}-{created_at:%H%M%S%f}",
        status=status,
        confirmed_at=confirmed_at,
        total_lines=Decimal("80.00"),
    )
    Order.objects.filter(pk=order.pk).update(created_at=created_at)
    return order


def test_an_order_prepared_before_and_confirmed_during_the_call_counts(world, grids):
    when = timezone.now() - dt.timedelta(hours=5)
    call = record_call(world.rep_a, world.team_a, "Fromagerie Blanc", minutes=10, when=when)
    prepared = _order(
        world,
        call.company,
        created_at=when - dt.timedelta(hours=1),
        confirmed_at=when + dt.timedelta(minutes=8),
    )
    _order(
        world, call.company, created_at=when + dt.timedelta(minutes=2), confirmed_at=when + dt.timedelta(minutes=5),
        status="cancelled",
    )  # fmt: skip
    _order(
        world, call.company, created_at=when - dt.timedelta(days=1), confirmed_at=when - dt.timedelta(days=1)
    )
    results = selectors.call_results(interaction=call)
    assert [r.order for r in results.orders] == [prepared]
    assert results.order_total == Decimal("80.00")


def test_the_campaign_is_the_one_this_call_counted_for(world, grids):
    from televente.campaigns.models import Campaign, CampaignTarget, TargetCall

    when = timezone.now() - dt.timedelta(hours=4)
    call = record_call(world.rep_a, world.team_a, "Primeur Lenoir", minutes=6, when=when)
    today = timezone.localdate()
    campaign = Campaign.objects.create(
        name="Relance printemps",
        starts_on=today - dt.timedelta(days=3),
        ends_on=today + dt.timedelta(days=3),
        created_by=world.sup_a,
    )
    target = CampaignTarget.objects.create(campaign=campaign, company=call.company, rep=world.rep_a)
    # Being targeted by a running campaign is not enough: this call was not a campaign call.
    assert selectors.call_results(interaction=call).campaign_target is None
    TargetCall.objects.create(
        target=target,
        key="k1",
        rep=world.rep_a,
        outcome="reached_order",
        called_at=when + dt.timedelta(minutes=6),
    )
    assert selectors.call_results(interaction=call).campaign_target == target
    # A campaign call made the next day belongs to another call.
    TargetCall.objects.all().update(called_at=when + dt.timedelta(days=1))
    assert selectors.call_results(interaction=call).campaign_target is None


# Query counts of the screens ------------------------------------------------------------------------------------------


def _busy_team(world, grids, n=4):
    version = c1(grids)
    calls = [
        record_call(world.rep_a if k % 2 else world.rep_a2, world.team_a, f"Client {k}") for k in range(n)
    ]
    for c in calls[: max(2, n // 2)]:
        e = services.evaluation_start(by=world.sup_a, interaction=c, grid_version=version)
        services.evaluation_save(
            evaluation=e, by=world.sup_a, answers=all_yes(version), share=c.author == world.rep_a
        )
    calibration = services.calibration_start(by=world.sup_a, interaction=calls[-1], grid_version=version)
    for who in (world.sup_a, world.sup_b, world.admin):
        e = services.calibration_score(calibration=calibration, by=who)
        services.evaluation_save(evaluation=e, by=who, answers=all_yes(version))
    own = services.evaluation_start(
        by=world.rep_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=version
    )
    services.evaluation_save(evaluation=own, by=world.rep_a, answers=all_yes(version), share=True)
    return calls, calibration


@pytest.mark.parametrize("n", [2, 8])
def test_screens_run_a_bounded_number_of_queries(client, world, grids, n, django_assert_max_num_queries):
    calls, calibration = _busy_team(world, grids, n=n)
    draft = Evaluation.objects.filter(
        evaluator=world.sup_a, status=EvaluationStatus.DRAFT, kind="supervisor"
    ).first()
    sup = login(client, world.sup_a)
    sup.get(reverse("quality:home"))  # warm the per-session caches (navigation, preferences)
    pages = [
        reverse("quality:home"),
        reverse("quality:calls"),
        reverse("quality:evaluations"),
        reverse("quality:evaluation_fill", args=[draft.pk]),
        reverse("quality:calibration", args=[calibration.pk]),
        reverse("quality:calibrations"),
        reverse("quality:evaluate", args=[calls[0].pk]),
    ]
    for url in pages:
        with django_assert_max_num_queries(16):
            assert sup.get(url).status_code == 200, url
    rep = login(client, world.rep_a)
    rep.get(reverse("quality:home"))
    with django_assert_max_num_queries(10):
        html = rep.get(reverse("quality:home")).content.decode()
    assert "à prendre en compte" in html


def test_the_grid_offered_first_is_c1_then_the_last_one_used(client, world, call, grids):
    client = login(client, world.sup_a)
    c1_version, mc = c1(grids), grids["mc-relation-client-telephone"].current_version
    html = client.get(reverse("quality:evaluate", args=[call.pk])).content.decode()
    assert f'<option value="{c1_version.pk}" selected>' in html
    services.evaluation_start(by=world.sup_a, interaction=call, grid_version=mc)
    other = record_call(world.rep_a, world.team_a, "Autre client")
    html = client.get(reverse("quality:evaluate", args=[other.pk])).content.decode()
    assert f'<option value="{mc.pk}" selected>' in html


def test_the_call_page_shows_the_order_promotion(client, world, grids):
    from televente.catalog.models import Promotion

    when = timezone.now() - dt.timedelta(hours=3)
    call = record_call(world.rep_a, world.team_a, "Crèmerie Dumas", minutes=10, when=when)
    order = _order(world, call.company, created_at=when + dt.timedelta(minutes=4), confirmed_at=when)
    today = timezone.localdate()
    order.order_promotion = Promotion.objects.create(
        name="Remise de printemps", valid_from=today, valid_until=today, mechanic="order_threshold", percent=5
    )
    order.save(update_fields=["order_promotion"])
    html = login(client, world.sup_a).get(reverse("quality:evaluate", args=[call.pk])).content.decode()
    assert "Promotion sur la commande : Remise de printemps" in html
    assert order.number in html


def test_deleting_a_session_draft_goes_back_to_the_session(client, world, call, grids):
    session = services.session_create(
        by=world.sup_a, rep=world.rep_a, kind=SessionKind.LIVE, held_on=timezone.localdate()
    )
    draft = services.evaluation_start(
        by=world.sup_a, session=session, interaction=call, grid_version=c1(grids)
    )
    assert (
        login(client, world.sup_b).post(reverse("quality:evaluation_delete", args=[draft.pk])).status_code
        == 404
    )
    assert (
        login(client, world.rep_a).get(reverse("quality:evaluation_delete", args=[draft.pk])).status_code
        == 405
    )
    response = login(client, world.sup_a).post(reverse("quality:evaluation_delete", args=[draft.pk]))
    assert response.url == reverse("quality:session", args=[session.pk])
    assert not Evaluation.objects.filter(pk=draft.pk).exists()


def test_a_double_click_on_start_without_a_call_leaves_one_draft(client, world, grids):
    version = c1(grids)
    client = login(client, world.rep_a)
    first = client.post(reverse("quality:self_new"), {"grid_version": version.pk})
    second = client.post(reverse("quality:self_new"), {"grid_version": version.pk})
    assert first.url == second.url
    assert Evaluation.objects.filter(kind=EvaluationKind.SELF).count() == 1
    # Once answered, a new self-assessment with the same grid is a new one.
    own = Evaluation.objects.get()
    services.evaluation_save(evaluation=own, by=world.rep_a, answers={items_of(version)[0].pk: ("yes", "")})
    client.post(reverse("quality:self_new"), {"grid_version": version.pk})
    assert Evaluation.objects.filter(kind=EvaluationKind.SELF).count() == 2
    # Same in a role-play session.
    session = services.session_create(
        by=world.sup_a,
        rep=world.rep_a,
        kind=SessionKind.ROLE_PLAY,
        held_on=timezone.localdate(),
        scenario="x",
    )
    client = login(client, world.sup_a)
    url = reverse("quality:session_evaluate", args=[session.pk])
    assert (
        client.post(url, {"grid_version": version.pk}).url
        == client.post(url, {"grid_version": version.pk}).url
    )
    assert Evaluation.objects.filter(session=session).count() == 1


def test_who_reads_a_shared_evaluation(client, world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    url = reverse("quality:evaluation", args=[evaluation.pk])
    expected = {world.sup_a: 200, world.admin: 200, world.rep_a: 200, world.sup_b: 404, world.rep_a2: 404}
    for user, status in expected.items():
        assert login(client, user).get(url).status_code == status, user
    # The supervisor of another team reaches the call only through a calibration, never this evaluation.
    calibration = services.calibration_start(by=world.sup_a, interaction=call, grid_version=version)
    client = login(client, world.sup_b)
    assert client.get(reverse("quality:calibration", args=[calibration.pk])).status_code == 200
    assert client.get(url).status_code == 404


def test_calls_to_evaluate_are_calls_that_happened(world, grids):
    past = record_call(world.rep_a, world.team_a, "Appel passé")
    planned = record_call(
        world.rep_a, world.team_a, "Appel prévu", when=timezone.now() + dt.timedelta(hours=3), recording=False
    )
    found = set(selectors.calls_to_evaluate(user=world.sup_a).values_list("pk", flat=True))
    assert past.pk in found and planned.pk not in found


def test_the_supervisor_home_caps_the_waiting_list_and_counts_the_rest(world, grids):
    version = c1(grids)
    for n in range(selectors.HOME_ROWS + 2):
        call = record_call(world.rep_a, world.team_a, f"Client {n}")
        evaluation = services.evaluation_start(by=world.sup_a, grid_version=version, interaction=call)
        services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    home = selectors.home_supervisor(user=world.sup_a)
    assert len(home["waiting"]) == selectors.HOME_ROWS and home["waiting_count"] == selectors.HOME_ROWS + 2
