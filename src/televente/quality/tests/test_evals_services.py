"""Evaluation, session and calibration services, and the selectors behind the screens."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from televente.core.errors import DomainError, PermissionRefused
from televente.customers.choices import InteractionKind, Outcome
from televente.customers.services import interaction_record
from televente.quality import selectors, services
from televente.quality.choices import (
    AnswerType,
    EvaluationKind,
    EvaluationSituation,
    EvaluationStatus,
    SessionKind,
    VersionStatus,
)
from televente.quality.models import (
    CertificationBlock,
    Evaluation,
    EvaluationAnswer,
    Grid,
    GridItem,
    GridSection,
    GridVersion,
)
from televente.quality.tests.conftest import all_yes, c1, items_of, record_call

pytestmark = pytest.mark.django_db


# Start ----------------------------------------------------------------------------------------------------------------


def test_supervisor_starts_an_evaluation_of_a_call_of_their_team(world, call, grids):
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=c1(grids))
    assert evaluation.rep == world.rep_a
    assert evaluation.evaluator == world.sup_a
    assert evaluation.status == EvaluationStatus.DRAFT
    assert evaluation.situation == EvaluationSituation.RECORDED
    # The same evaluator, the same call and grid: the same evaluation comes back.
    again = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=evaluation.grid_version)
    assert again.pk == evaluation.pk
    assert Evaluation.objects.count() == 1


def test_supervisor_of_another_team_cannot_evaluate(world, call, grids):
    with pytest.raises(PermissionRefused):
        services.evaluation_start(by=world.sup_b, interaction=call, grid_version=c1(grids))
    with pytest.raises(PermissionRefused):
        services.evaluation_start(by=world.rep_a2, interaction=call, grid_version=c1(grids))


def test_admin_evaluates_anyone(world, other_call, grids):
    evaluation = services.evaluation_start(by=world.admin, interaction=other_call, grid_version=c1(grids))
    assert evaluation.rep == world.rep_b


def test_only_calls_are_evaluated(world, grids):
    from televente.customers.tests.factories import CompanyFactory

    company = CompanyFactory(rep=world.rep_a, team=world.team_a)
    note = interaction_record(company=company, kind=InteractionKind.NOTE, by=world.rep_a, notes="Note")
    with pytest.raises(DomainError, match="appel"):
        services.evaluation_start(by=world.sup_a, interaction=note, grid_version=c1(grids))


def test_a_draft_grid_version_is_refused(world, call, grids):
    grid = grids["cqp-televente-c1"]
    draft = GridVersion.objects.create(grid=grid, number=99, status=VersionStatus.DRAFT)
    with pytest.raises(DomainError, match="n'est pas en service"):
        services.evaluation_start(by=world.sup_a, interaction=call, grid_version=draft)


def test_self_assessment_is_by_the_rep_only(world, call, grids):
    own = services.evaluation_start(
        by=world.rep_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=c1(grids), interaction=call
    )
    assert own.kind == EvaluationKind.SELF and own.evaluator == world.rep_a
    with pytest.raises(PermissionRefused):
        services.evaluation_start(
            by=world.sup_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=c1(grids)
        )
    # A rep's self-assessment cannot be on a colleague's call.
    with pytest.raises((PermissionRefused, DomainError)):
        services.evaluation_start(
            by=world.rep_a2,
            rep=world.rep_a2,
            kind=EvaluationKind.SELF,
            grid_version=c1(grids),
            interaction=call,
        )


# Save, score, share ---------------------------------------------------------------------------------------------------


def test_a_critical_no_fails_the_evaluation_whatever_the_score(
    world, call, grids, django_capture_on_commit_callbacks
):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    critical = next(i for i in items_of(version) if i.critical)
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_save(
            evaluation=evaluation,
            by=world.sup_a,
            answers=all_yes(version, {critical.pk: ("no", "Prix non annoncé")}),
            overall_comment="Bon appel, mais le prix n'a pas été confirmé.",
            agreed_actions="Relire le récapitulatif prix avant de raccrocher.",
            share=True,
        )
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("90.0")
    assert evaluation.critical_failed is True
    assert evaluation.passed is False
    assert evaluation.status == EvaluationStatus.SHARED and evaluation.shared_at is not None
    assert EvaluationAnswer.objects.get(evaluation=evaluation, item=critical).comment == "Prix non annoncé"
    # The rep is told, with the link.
    assert [m.to for m in mail.outbox] == [[world.rep_a.email]]
    assert f"/qualite/evaluations/{evaluation.pk}/" in mail.outbox[0].body


def test_na_answers_leave_the_score(world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    items = items_of(version)
    answers = {items[0].pk: ("yes", ""), items[1].pk: ("no", ""), items[2].pk: ("na", "")}
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=answers)
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("50.0")
    assert evaluation.passed is False and evaluation.critical_failed is False
    assert evaluation.status == EvaluationStatus.DRAFT
    # A second save updates the answers in place.
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={items[1].pk: ("yes", "ok")})
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("100.0") and evaluation.passed is True
    assert EvaluationAnswer.objects.filter(evaluation=evaluation).count() == 3


def test_sharing_needs_every_item_answered(world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    first = items_of(version)[0]
    with pytest.raises(DomainError, match="Répondez à tous les indicateurs"):
        services.evaluation_save(
            evaluation=evaluation, by=world.sup_a, answers={first.pk: ("yes", "")}, share=True
        )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT
    assert not EvaluationAnswer.objects.filter(evaluation=evaluation).exists()  # rolled back


def test_values_are_checked_against_the_answer_type(world, call, grids):
    mc = grids["mc-relation-client-telephone"].current_version
    yes_no = next(i for i in items_of(mc) if i.answer_type == AnswerType.YES_NO)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=mc)
    with pytest.raises(DomainError, match="Non applicable") as exc:
        services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={yes_no.pk: ("na", "")})
    assert exc.value.field == f"item_{yes_no.pk}"
    with pytest.raises(DomainError):
        services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={yes_no.pk: ("3", "")})


def test_scale_items_take_1_to_4(world, call):
    grid = Grid.objects.create(code="echelle", name="Échelle")
    version = GridVersion.objects.create(grid=grid, number=1, status=VersionStatus.PUBLISHED, pass_mark=50)
    section = GridSection.objects.create(version=version, title="Découverte")
    item = GridItem.objects.create(
        section=section, text="Questionne", answer_type=AnswerType.SCALE, critical=True
    )
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    with pytest.raises(DomainError, match="de 1 à 4"):
        services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={item.pk: ("yes", "")})
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={item.pk: ("3", "")})
    evaluation.refresh_from_db()
    assert evaluation.score == Decimal("66.7") and evaluation.passed is True
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers={item.pk: ("1", "")})
    evaluation.refresh_from_db()
    assert evaluation.critical_failed is True and evaluation.passed is False


def test_only_the_evaluator_fills_and_only_a_draft(world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    with pytest.raises(PermissionRefused):
        services.evaluation_save(evaluation=evaluation, by=world.admin, answers={})
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    with pytest.raises(DomainError, match="déjà été transmise"):
        services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version))


def test_self_assessment_shared_goes_to_the_supervisor(
    world, call, grids, django_capture_on_commit_callbacks
):
    version = c1(grids)
    own = services.evaluation_start(
        by=world.rep_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=version
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_save(evaluation=own, by=world.rep_a, answers=all_yes(version), share=True)
    assert [m.to for m in mail.outbox] == [[world.sup_a.email]]
    assert Evaluation.objects.visible_to(world.sup_a).filter(pk=own.pk).exists()


# Acknowledge, delete --------------------------------------------------------------------------------------------------


def test_the_rep_acknowledges_their_shared_evaluation(world, call, grids, django_capture_on_commit_callbacks):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    with pytest.raises(DomainError, match="n'attend pas"):
        services.evaluation_acknowledge(evaluation=evaluation, by=world.rep_a, comment="")
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    with pytest.raises(PermissionRefused):
        services.evaluation_acknowledge(evaluation=evaluation, by=world.rep_a2, comment="")
    with pytest.raises(PermissionRefused):
        services.evaluation_acknowledge(evaluation=evaluation, by=world.sup_a, comment="")
    with django_capture_on_commit_callbacks(execute=True):
        services.evaluation_acknowledge(
            evaluation=evaluation, by=world.rep_a, comment="  D'accord pour le prix.  "
        )
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED
    assert evaluation.rep_comment == "D'accord pour le prix."
    assert evaluation.acknowledged_at is not None
    assert mail.outbox[-1].to == [world.sup_a.email]
    assert "D'accord pour le prix." in mail.outbox[-1].body


def test_only_a_draft_is_deleted_by_its_evaluator(world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    with pytest.raises(PermissionRefused):
        services.evaluation_delete(evaluation=evaluation, by=world.admin)
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=all_yes(version), share=True)
    with pytest.raises(DomainError, match="brouillon"):
        services.evaluation_delete(evaluation=evaluation, by=world.sup_a)
    other = services.evaluation_start(
        by=world.sup_a, interaction=call, grid_version=grids["mc-relation-client-telephone"].current_version
    )
    services.evaluation_delete(evaluation=other, by=world.sup_a)
    assert not Evaluation.objects.filter(pk=other.pk).exists()


def test_a_rep_never_sees_drafts_nor_calibrations(world, call, grids):
    version = c1(grids)
    draft = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    calibration = services.calibration_start(by=world.sup_a, interaction=call, grid_version=version)
    score = services.calibration_score(calibration=calibration, by=world.sup_a)
    visible = Evaluation.objects.visible_to(world.rep_a)
    assert not visible.filter(pk__in=[draft.pk, score.pk]).exists()


# Sessions -------------------------------------------------------------------------------------------------------------


def test_certification_session_requirement(world, grids):
    block = CertificationBlock.objects.order_by("number").first()
    session = services.session_create(
        by=world.sup_a,
        rep=world.rep_a,
        kind=SessionKind.CERTIFICATION,
        held_on=timezone.localdate(),
        customer_minutes=45,
        block=block,
    )
    req = services.session_requirements(session)
    assert req["applies"] and not req["met"] and not req["calls_ok"] and not req["minutes_ok"]
    calls = [
        record_call(
            world.rep_a, world.team_a, f"Client {n}", minutes=20, when=timezone.now() - dt.timedelta(hours=n)
        )
        for n in (1, 2, 3)
    ]
    for call in calls:
        e = services.evaluation_start(
            by=world.sup_a, session=session, interaction=call, grid_version=c1(grids)
        )
        assert e.situation == EvaluationSituation.CERTIFICATION and e.session == session
        services.evaluation_save(evaluation=e, by=world.sup_a, answers=all_yes(c1(grids)), share=True)
    req = services.session_requirements(session)
    assert req["calls"] == 3 and req["calls_ok"] and not req["met"]
    session.customer_minutes = 62
    session.save()
    assert services.session_requirements(session)["met"] is True


def test_role_play_session_without_a_call(world, grids):
    with pytest.raises(DomainError, match="jeu de rôle") as exc:
        services.session_create(
            by=world.sup_a, rep=world.rep_a, kind=SessionKind.ROLE_PLAY, held_on=timezone.localdate()
        )
    assert exc.value.field == "scenario"
    session = services.session_create(
        by=world.sup_a,
        rep=world.rep_a,
        kind=SessionKind.ROLE_PLAY,
        held_on=timezone.localdate(),
        scenario="Un boulanger veut annuler sa commande de farine.",
    )
    e = services.evaluation_start(by=world.sup_a, session=session, grid_version=c1(grids))
    assert e.rep == world.rep_a and e.interaction is None and e.situation == EvaluationSituation.ROLE_PLAY
    assert services.session_requirements(session)["applies"] is False
    with pytest.raises(PermissionRefused):
        services.session_create(
            by=world.sup_b, rep=world.rep_a, kind=SessionKind.LIVE, held_on=timezone.localdate()
        )


# Calibration ----------------------------------------------------------------------------------------------------------


def test_calibration_shows_where_supervisors_disagree(world, call, grids):
    version = c1(grids)
    items = items_of(version)
    calibration = services.calibration_start(
        by=world.sup_a, interaction=call, grid_version=version, note="Écoutez"
    )
    # sup_b cannot evaluate rep_a... except through the calibration.
    with pytest.raises(PermissionRefused):
        services.evaluation_start(by=world.sup_b, interaction=call, grid_version=version)
    assert (
        services.calibration_start(by=world.sup_b, interaction=call, grid_version=version).pk
        == calibration.pk
    )
    mine = services.calibration_score(calibration=calibration, by=world.sup_a)
    theirs = services.calibration_score(calibration=calibration, by=world.sup_b)
    assert theirs.kind == EvaluationKind.CALIBRATION and theirs.rep == world.rep_a
    assert services.calibration_score(calibration=calibration, by=world.sup_b).pk == theirs.pk
    services.evaluation_save(evaluation=mine, by=world.sup_a, answers=all_yes(version))
    services.evaluation_save(
        evaluation=theirs,
        by=world.sup_b,
        answers=all_yes(version, {items[0].pk: ("no", "Pas de présentation"), items[1].pk: ("na", "")}),
    )
    with pytest.raises(DomainError):
        services.evaluation_save(evaluation=theirs, by=world.sup_b, answers=all_yes(version), share=True)
    comparison = selectors.calibration_comparison(calibration=calibration)
    rows = [row for _section, rows in comparison["sections"] for row in rows]
    assert len(rows) == len(items)
    assert [r["disagree"] for r in rows[:3]] == [True, True, False]
    assert rows[0]["agreement"] == Decimal("0.0") and rows[2]["agreement"] == Decimal("100.0")
    assert rows[0]["cells"][1].comment == "Pas de présentation"
    assert comparison["disagreements"] == 2
    assert comparison["agreement"] == Decimal("80.0")
    assert [e.evaluator for e in comparison["participants"]] == [world.sup_a, world.sup_b]
    assert comparison["spread"] == Decimal("100.0") - Decimal("88.9")
    # Only its initiator (or the admin) closes it; then nobody changes their score.
    with pytest.raises(PermissionRefused):
        services.calibration_close(calibration=calibration, by=world.sup_b)
    services.calibration_close(calibration=calibration, by=world.sup_a)
    with pytest.raises(DomainError, match="clos"):
        services.evaluation_save(evaluation=theirs, by=world.sup_b, answers=all_yes(version))
    with pytest.raises(DomainError, match="clos"):
        services.calibration_score(calibration=calibration, by=world.admin)


def test_reps_do_not_calibrate(world, call, grids):
    with pytest.raises(PermissionRefused):
        services.calibration_start(by=world.rep_a, interaction=call, grid_version=c1(grids))


# Selectors ------------------------------------------------------------------------------------------------------------


def test_calls_to_evaluate_lists_the_teams_calls_with_recording(world, call, other_call, grids):
    old = record_call(world.rep_a, world.team_a, "Vieux client", when=timezone.now() - dt.timedelta(days=40))
    calls = selectors.with_call_details(selectors.calls_to_evaluate(user=world.sup_a))
    assert calls == [call]
    assert calls[0].recording_url == f"https://pbx.example.com/rec/{call.pk}.mp3"
    assert calls[0].already_evaluated is False
    services.evaluation_start(by=world.sup_a, interaction=call, grid_version=c1(grids))
    assert (
        selectors.with_call_details(selectors.calls_to_evaluate(user=world.sup_a))[0].already_evaluated
        is True
    )
    assert list(selectors.calls_to_evaluate(user=world.sup_a, pending_only=True)) == []
    assert list(selectors.calls_to_evaluate(user=world.sup_a, days=90)) == [call, old]
    assert set(selectors.calls_to_evaluate(user=world.admin)) == {call, other_call}
    assert list(selectors.calls_to_evaluate(user=world.sup_a, outcome=Outcome.REACHED_ORDER)) == []
    assert list(selectors.calls_to_evaluate(user=world.rep_a)) == []


def test_calls_to_evaluate_query_count(world, call, grids, django_assert_max_num_queries):
    for n in range(4):
        record_call(world.rep_a2, world.team_a, f"Client {n}")
    with django_assert_max_num_queries(4):  # the ids, the rows, their recordings, their evaluations
        rows = selectors.with_call_details(selectors.calls_to_evaluate(user=world.sup_a))
        assert len(rows) == 5
        _ = [(r.company.trade_name, r.author.username, r.recording_url, r.already_evaluated) for r in rows]


def _order(world, company, *, created_at, lines):
    from televente.orders.choices import OrderStatus
    from televente.orders.models import Order, OrderLine
    from televente.orders.tests.factories import sellable, unit

    order = Order.objects.create(
        company=company,
        rep=world.rep_a,
        number=f"C-{company.pk}-{created_at:%H%M%S%f}",
        status=OrderStatus.CONFIRMED,
        confirmed_at=created_at,
        total_lines=Decimal("120.00"),
    )
    Order.objects.filter(pk=order.pk).update(created_at=created_at)
    for n, (origin, replaces) in enumerate(lines):
        product = sellable(code=f"P{order.pk}-{n}")
        OrderLine.objects.create(
            order=order,
            product=product,
            unit=unit(product, "CAR"),
            quantity=1,
            base_quantity=6,
            unit_price=Decimal("10"),
            vat_rate=Decimal("5.5"),
            amount=Decimal("60"),
            origin=origin,
            replaces=sellable(code=f"R{order.pk}-{n}") if replaces else None,
        )
    return order


def test_call_results_link_the_order_promotion_substitute_and_complement(world, grids):
    from televente.orders.choices import LineOrigin

    when = timezone.now() - dt.timedelta(hours=3)
    call = record_call(world.rep_a, world.team_a, "Boulangerie Martin", minutes=10, when=when)
    order = _order(
        world,
        call.company,
        created_at=when + dt.timedelta(minutes=12),
        lines=[(LineOrigin.PROMOTION, False), (LineOrigin.SUBSTITUTE, True), (LineOrigin.COMPLEMENT, False)],
    )
    _order(world, call.company, created_at=when + dt.timedelta(hours=2), lines=[])  # later: another call's
    results = selectors.call_results(interaction=call)
    assert [r.order for r in results.orders] == [order]
    r = results.orders[0]
    assert r.total == Decimal("120.00")
    assert len(r.promotion_lines) == 1 and len(r.substitute_lines) == 1 and len(r.complement_lines) == 1
    assert r.substitute_lines[0].replaces is not None
    assert results.claims == [] and not results.empty


def test_call_results_follow_the_reference(world, grids):
    when = timezone.now() - dt.timedelta(days=2)
    call = record_call(world.rep_a, world.team_a, "Cave du Port", when=when)
    order = _order(world, call.company, created_at=when + dt.timedelta(days=1), lines=[])
    call.reference = f"orders.order:{order.pk}"
    call.save(update_fields=["reference"])
    assert [r.order for r in selectors.call_results(interaction=call).orders] == [order]


def test_call_results_of_a_plain_call_are_empty(world, call):
    results = selectors.call_results(interaction=call)
    assert results.empty and results.order_total == 0


def test_evaluation_detail_pairs_self_and_supervisor_views(world, call, grids, django_assert_max_num_queries):
    version = c1(grids)
    sup = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(evaluation=sup, by=world.sup_a, answers=all_yes(version), share=True)
    own = services.evaluation_start(
        by=world.rep_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=version, interaction=call
    )
    detail = selectors.evaluation_detail(user=world.rep_a, pk=sup.pk)
    assert detail["companions"] == [own]
    assert detail["recording_url"].endswith(f"{call.pk}.mp3")
    sections = detail["rows"]
    assert sum(len(rows) for _s, rows in sections) == 10
    assert sections[0][0].rate == Decimal("100.0")
    with django_assert_max_num_queries(14):
        selectors.evaluation_detail(user=world.sup_a, pk=sup.pk)


def test_calibration_comparison_query_count(world, call, grids, django_assert_max_num_queries):
    version = c1(grids)
    calibration = services.calibration_start(by=world.sup_a, interaction=call, grid_version=version)
    for who in (world.sup_a, world.sup_b, world.admin):
        e = services.calibration_score(calibration=calibration, by=who)
        services.evaluation_save(evaluation=e, by=who, answers=all_yes(version))
    with django_assert_max_num_queries(4):
        comparison = selectors.calibration_comparison(calibration=calibration)
        assert len(comparison["participants"]) == 3 and comparison["agreement"] == Decimal("100.0")


def test_home_selectors(world, call, grids, django_assert_max_num_queries):
    version = c1(grids)
    e = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    with django_assert_max_num_queries(7):
        home = selectors.home_supervisor(user=world.sup_a)
    assert home["drafts"] == [e] and home["pending_count"] == 0
    services.evaluation_save(evaluation=e, by=world.sup_a, answers=all_yes(version), share=True)
    assert selectors.home_supervisor(user=world.sup_a)["waiting"] == [e]
    with django_assert_max_num_queries(4):
        rep_home = selectors.home_rep(user=world.rep_a)
    assert rep_home["to_acknowledge"] == [e]


def test_a_self_assessment_reaches_the_supervisor_once_submitted(world, call, grids):
    version = c1(grids)
    own = services.evaluation_start(
        by=world.rep_a, rep=world.rep_a, kind=EvaluationKind.SELF, grid_version=version
    )
    assert not selectors.visible_evaluations(user=world.sup_a).filter(pk=own.pk).exists()
    assert selectors.visible_evaluations(user=world.rep_a).filter(pk=own.pk).exists()
    services.evaluation_save(evaluation=own, by=world.rep_a, answers=all_yes(version), share=True)
    assert selectors.visible_evaluations(user=world.sup_a).filter(pk=own.pk).exists()
    assert not selectors.visible_evaluations(user=world.sup_b).filter(pk=own.pk).exists()


def test_call_results_show_the_claim_and_its_settlement(world, grids, django_assert_max_num_queries):
    from televente.claims.choices import ClaimStatus, ClaimType, SettlementKind, SettlementStatus
    from televente.claims.models import Claim, Settlement

    call = record_call(world.rep_a, world.team_a, "Traiteur Dupuis", outcome=Outcome.COMPLAINT)
    claim = Claim.objects.create(
        company=call.company,
        number="R-0042",
        claim_type=ClaimType.DAMAGED,
        description="Trois cartons écrasés",
        status=ClaimStatus.SETTLED,
        due_at=timezone.now() + dt.timedelta(days=2),
    )
    Settlement.objects.create(
        claim=claim,
        kind=SettlementKind.CREDIT_NOTE,
        amount=Decimal("45.00"),
        status=SettlementStatus.APPROVED,
    )
    call.reference = f"claims.claim:{claim.pk}"
    call.save(update_fields=["reference"])
    with django_assert_max_num_queries(5):
        results = selectors.call_results(interaction=call)
        assert results.claims == [claim]
        assert [s.amount for s in results.claims[0].settlements.all()] == [Decimal("45.00")]
    assert results.orders == [] and not results.empty
