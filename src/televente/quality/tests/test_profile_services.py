"""Profile computation, training actions and certification services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from televente.core.errors import DomainError, PermissionRefused
from televente.quality import certification as services
from televente.quality import profile
from televente.quality.choices import (
    CertificationStatus,
    EvaluationKind,
    EvaluationStatus,
    EvidenceKind,
    TrainingStatus,
)
from televente.quality.models import CertificationBlock, CertificationRecord, Evaluation, EvaluationAnswer
from televente.quality.scoring import ItemAnswer, compute

pytestmark = pytest.mark.django_db


def make_eval(
    grid, rep, evaluator, day, values, *, kind=EvaluationKind.SUPERVISOR, status=EvaluationStatus.SHARED, **kw
):
    """An evaluation of `grid` (its published version) answered in order by `values` (one value for
    all items when a string), scored by scoring.compute."""
    version = grid.current_version
    items = [i for s in version.sections.all() for i in s.items.all()]
    if isinstance(values, str):
        values = [values] * len(items)
    values = list(values) + ["na"] * (len(items) - len(values))
    score = compute(
        [ItemAnswer(i.weight, i.critical, v) for i, v in zip(items, values, strict=True)], version.pass_mark
    )
    evaluation = Evaluation.objects.create(
        grid_version=version,
        kind=kind,
        rep=rep,
        evaluator=evaluator,
        evaluated_on=day,
        status=status,
        score=score.score,
        critical_failed=score.critical_failed,
        passed=score.passed,
        **kw,
    )
    EvaluationAnswer.objects.bulk_create(
        EvaluationAnswer(evaluation=evaluation, item=i, value=v) for i, v in zip(items, values, strict=True)
    )
    return evaluation


def non_critical(grid):
    return [i for s in grid.current_version.sections.all() for i in s.items.all()]


def answers(grid, n_yes):
    """n_yes « Oui » then « Non » on the non-critical items; critical items « Oui »."""
    out, yes = [], 0
    for item in non_critical(grid):
        if item.critical:
            out.append("yes")
        elif yes < n_yes:
            out.append("yes")
            yes += 1
        else:
            out.append("no")
    return out


TODAY = dt.date(2026, 6, 15)


# --- Profile --------------------------------------------------------------------------------------


def test_trend_per_month_and_rate_over_90_days(world, grids):
    c1 = grids["cqp-televente-c1"]  # 10 items, 1 critical, weight 1 each
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 4, 10), answers(c1, 4))  # 5/10
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 2), answers(c1, 8))  # 9/10
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 9), "yes")  # 10/10
    # Neither a draft nor another rep's evaluation counts.
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 10), "no", status=EvaluationStatus.DRAFT)
    make_eval(c1, world.rep_a2, world.sup_a, dt.date(2026, 6, 10), "no")
    p = profile.rep_profile(user=world.sup_a, rep=world.rep_a, today=TODAY)
    assert [m.month for m in p.months] == [1, 2, 3, 4, 5, 6]
    (line,) = p.lines
    assert line.competency.code == "CQP-C1"
    assert line.months == [None, None, None, Decimal("50.0"), None, Decimal("95.0")]
    assert line.arrow == "up"
    assert line.rate == Decimal("80.0")  # (5 + 9 + 10) / 30
    assert line.evaluations == 3
    assert p.evaluations_90 == 3 and p.average_90 == Decimal("80.0") and p.critical_90 == 0
    assert [e.evaluated_on.day for e in p.latest] == [9, 2, 10]
    assert p.strengths == [line] and p.weak == []


def test_points_to_work_on_and_weak_competencies(world, grids):
    c2 = grids["cqp-televente-c2"]  # 11 items, none critical
    for day in (1, 8):
        make_eval(c2, world.rep_a, world.sup_a, dt.date(2026, 6, day), answers(c2, 3))
    make_eval(c2, world.rep_a, world.sup_a, dt.date(2026, 1, 5), "no")  # older than 90 days
    p = profile.rep_profile(user=world.sup_a, rep=world.rep_a, today=TODAY)
    (line,) = p.lines
    assert line.rate == Decimal("27.3") and p.weak == [line] and p.strengths == []
    assert len(p.work_points) == profile.TOP_POINTS
    top = p.work_points[0]
    assert (top.failures, top.answered) == (2, 2)
    items = non_critical(c2)
    assert top.text in {i.text for i in items[3:]}
    assert items[0].text not in {w.text for w in p.work_points}


def test_critical_failure_is_counted(world, grids):
    c1 = grids["cqp-televente-c1"]
    values = ["no" if i.critical else "yes" for i in non_critical(c1)]
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 1), values)
    p = profile.rep_profile(user=world.sup_a, rep=world.rep_a, today=TODAY)
    assert p.critical_90 == 1 and p.latest[0].critical_failed


def test_self_assessment_compared_with_supervisor_with_big_gaps(world, grids):
    c1, c2 = grids["cqp-televente-c1"], grids["cqp-televente-c2"]
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 5, 20), answers(c1, 8))  # 90 %
    make_eval(c2, world.rep_a, world.sup_a, dt.date(2026, 5, 21), answers(c2, 5))  # 45.5 %
    make_eval(grids["cqp-televente-c6"], world.rep_a, world.sup_a, dt.date(2026, 5, 22), "yes")
    make_eval(c1, world.rep_a, world.rep_a, dt.date(2026, 6, 1), "yes", kind=EvaluationKind.SELF)
    make_eval(c2, world.rep_a, world.rep_a, dt.date(2026, 6, 1), "yes", kind=EvaluationKind.SELF)
    # A draft self-assessment does not count.
    make_eval(
        c2, world.rep_a, world.rep_a, dt.date(2026, 6, 5), "no", kind=EvaluationKind.SELF, status="draft"
    )
    p = profile.rep_profile(user=world.rep_a, rep=world.rep_a, today=TODAY)
    assert p.self_since == dt.date(2026, 6, 1) - dt.timedelta(days=90) and p.self_count == 2
    gaps = {g.competency.code: g for g in p.gaps}
    assert list(gaps) == ["CQP-C1", "CQP-C2"]  # C6 was not self-assessed: nothing to compare
    assert gaps["CQP-C1"].difference == Decimal("10.0") and not gaps["CQP-C1"].big
    assert gaps["CQP-C2"].difference == Decimal("54.5") and gaps["CQP-C2"].big
    assert p.big_gaps == [gaps["CQP-C2"]]
    # Self-assessments never enter the trend.
    assert {ln.competency.code: ln.rate for ln in p.lines} == {
        "CQP-C1": Decimal("90.0"),
        "CQP-C2": Decimal("45.5"),
        "CQP-C6": Decimal("100.0"),
    }


def test_trend_arrow_thresholds():
    assert profile.trend_arrow([None, Decimal(50), None, Decimal(54)]) == "flat"
    assert profile.trend_arrow([Decimal(60), Decimal(50)]) == "down"
    assert profile.trend_arrow([Decimal(60)]) == ""


def test_calibration_scores_and_drafts_stay_out_of_the_profile(world, grids, call):
    c1 = grids["cqp-televente-c1"]
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 2), "yes")
    for status in (EvaluationStatus.DRAFT, EvaluationStatus.SHARED):
        make_eval(
            c1, world.rep_a, world.sup_b, dt.date(2026, 6, 3), "no", kind=EvaluationKind.CALIBRATION,
            status=status, interaction=None,
        )  # fmt: skip
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 4), "no", status=EvaluationStatus.DRAFT)
    for viewer in (world.sup_a, world.admin, world.rep_a):
        p = profile.rep_profile(user=viewer, rep=world.rep_a, today=TODAY)
        (line,) = p.lines
        assert line.rate == Decimal("100.0") and line.evaluations == 1, viewer
        assert p.evaluations_90 == 1 and [e.evaluated_on.day for e in p.latest] == [2]
        assert p.work_points == [] and p.gaps == []


@pytest.mark.parametrize(
    ("today", "first", "last"),
    [
        (dt.date(2026, 3, 31), dt.date(2025, 10, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 3, 1), dt.date(2025, 10, 1), dt.date(2026, 3, 1)),
        (dt.date(2026, 1, 15), dt.date(2025, 8, 1), dt.date(2026, 1, 1)),
        (dt.date(2024, 2, 29), dt.date(2023, 9, 1), dt.date(2024, 2, 1)),
    ],
)
def test_six_months_of_trend_at_month_boundaries(today, first, last):
    months = profile.months_back(today, 6)
    assert len(months) == 6 and months[0] == first and months[-1] == last
    assert all(m.day == 1 for m in months) and months == sorted(set(months))


def test_trend_months_on_the_31st(world, grids):
    """On 31/03, the trend runs from 01/10 to 31/03: an evaluation of 30/09 is out of it (but
    September is not in the table either), the one of 31/03 is in March."""
    c1 = grids["cqp-televente-c1"]
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2025, 9, 30), "no")
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2025, 10, 1), answers(c1, 4))  # 50 %
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 2, 28), answers(c1, 6))  # 70 %
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 3, 31), "yes")
    p = profile.rep_profile(user=world.sup_a, rep=world.rep_a, today=dt.date(2026, 3, 31))
    (line,) = p.lines
    assert line.months == [Decimal("50.0"), None, None, None, Decimal("70.0"), Decimal("100.0")]
    assert line.arrow == "up"
    assert line.rate == Decimal("85.0") and line.evaluations == 2  # 90 days: from 31/12


def test_strength_needs_two_evaluations(world, grids):
    c1 = grids["cqp-televente-c1"]
    make_eval(c1, world.rep_a, world.sup_a, dt.date(2026, 6, 2), "yes")
    p = profile.rep_profile(user=world.sup_a, rep=world.rep_a, today=TODAY)
    assert p.lines[0].rate == Decimal("100.0") and p.strengths == []


def test_team_overview(world, grids):
    c1 = grids["cqp-televente-c1"]
    make_eval(c1, world.rep_a, world.sup_a, timezone.localdate() - dt.timedelta(days=40), answers(c1, 4))
    make_eval(c1, world.rep_a, world.sup_a, timezone.localdate(), "yes")
    make_eval(c1, world.rep_b, world.sup_b, timezone.localdate(), "yes")
    lines = {ln.rep.username: ln for ln in profile.team_overview(user=world.sup_a)}
    assert set(lines) == {"rep_a", "rep_a2"}
    a = lines["rep_a"]
    assert (
        a.evaluations_90 == 2
        and a.average_90 == Decimal("75.0")
        and a.last_evaluated_on == timezone.localdate()
    )
    assert lines["rep_a2"].evaluations_90 == 0 and lines["rep_a2"].last_evaluated_on is None
    assert {ln.rep.username for ln in profile.team_overview(user=world.admin)} >= {"rep_a", "rep_b"}
    assert profile.team_overview(user=world.rep_a) == []


# --- Training -------------------------------------------------------------------------------------


def test_training_prefill_from_an_evaluation(world, grids):
    c2 = grids["cqp-televente-c2"]
    evaluation = make_eval(
        c2,
        world.rep_a,
        world.sup_a,
        timezone.localdate(),
        answers(c2, 3),
        agreed_actions="Poser trois questions ouvertes\nReformuler le besoin",
    )
    data = services.training_prefill(evaluation)
    assert data["title"] == "Poser trois questions ouvertes"
    assert data["description"].endswith("Reformuler le besoin")
    assert data["competency"].code == "CQP-C2"
    assert services.training_prefill(None) == {}


def test_training_create_update_done_and_permissions(world, grids):
    day = timezone.localdate()
    with pytest.raises(PermissionRefused):
        services.training_create(by=world.sup_b, rep=world.rep_a, title="X", planned_on=day)
    with pytest.raises(PermissionRefused):
        services.training_create(by=world.rep_a, rep=world.rep_a, title="X", planned_on=day)
    with pytest.raises(DomainError) as exc:
        services.training_create(by=world.sup_a, rep=world.rep_a, title="  ", planned_on=day)
    assert exc.value.field == "title"
    other = make_eval(grids["cqp-televente-c1"], world.rep_b, world.sup_b, day, "yes")
    with pytest.raises(DomainError):
        services.training_create(by=world.sup_a, rep=world.rep_a, title="X", planned_on=day, evaluation=other)
    calibration = make_eval(
        grids["cqp-televente-c1"], world.rep_a, world.sup_b, day, "no", kind="calibration"
    )
    with pytest.raises(DomainError) as exc:
        services.training_create(
            by=world.sup_a, rep=world.rep_a, title="X", planned_on=day, evaluation=calibration
        )
    assert exc.value.field == "evaluation"
    action = services.training_create(by=world.sup_a, rep=world.rep_a, title="Atelier", planned_on=day)
    assert action.status == TrainingStatus.PLANNED and action.created_by == world.sup_a
    with pytest.raises(PermissionRefused):
        services.training_done(by=world.rep_a2, action=action)
    services.training_done(by=world.rep_a, action=action, result="Retenu : reformuler")
    action.refresh_from_db()
    assert (
        action.status == TrainingStatus.DONE
        and action.done_on == day
        and action.result == "Retenu : reformuler"
    )
    with pytest.raises(DomainError):
        services.training_done(by=world.rep_a, action=action)
    services.training_update(
        by=world.admin, action=action, title="Atelier", planned_on=day, status=TrainingStatus.PLANNED
    )
    action.refresh_from_db()
    assert action.status == TrainingStatus.PLANNED and action.done_on is None
    with pytest.raises(DomainError):
        services.training_update(
            by=world.sup_a, action=action, title="A", planned_on=day, status="done",
            done_on=day + dt.timedelta(days=1),
        )  # fmt: skip


# --- Certification --------------------------------------------------------------------------------


def block(n):
    return CertificationBlock.objects.get(certification="RNCP 32391", number=n)


def test_validated_block_expires_five_years_later(world, grids):
    record = services.certification_save(
        by=world.sup_a, rep=world.rep_a, block=block(3), status=CertificationStatus.VALIDATED,
        validated_on=dt.date(2024, 2, 29), jury="Jury paritaire", certificate_number="N-1",
    )  # fmt: skip
    assert record.expires_on == dt.date(2029, 2, 28) and record.updated_by == world.sup_a
    record = services.certification_save(
        by=world.sup_a, rep=world.rep_a, block=block(3), status=CertificationStatus.VALIDATED,
        validated_on=dt.date(2025, 3, 10),
    )  # fmt: skip
    assert record.expires_on == dt.date(2030, 3, 10)
    assert CertificationRecord.objects.filter(rep=world.rep_a).count() == 1  # updated, not duplicated
    record = services.certification_save(
        by=world.sup_a, rep=world.rep_a, block=block(3), status=CertificationStatus.IN_PROGRESS,
        validated_on=dt.date(2025, 3, 10),
    )  # fmt: skip
    assert record.validated_on is None and record.expires_on is None


def test_validated_requires_a_date_not_in_the_future(world, grids):
    with pytest.raises(DomainError) as exc:
        services.certification_save(by=world.sup_a, rep=world.rep_a, block=block(1), status="validated")
    assert exc.value.field == "validated_on"
    with pytest.raises(DomainError):
        services.certification_save(
            by=world.sup_a, rep=world.rep_a, block=block(1), status="validated",
            validated_on=timezone.localdate() + dt.timedelta(days=1),
        )  # fmt: skip
    with pytest.raises(PermissionRefused):
        services.certification_save(
            by=world.sup_b,
            rep=world.rep_a,
            block=block(1),
            status="validated",
            validated_on=dt.date(2025, 1, 1),
        )
    with pytest.raises(PermissionRefused):
        services.certification_save(by=world.rep_a, rep=world.rep_a, block=block(1), status="in_progress")
    assert not CertificationRecord.objects.exists()


def test_record_state_shows_expiring_and_expired():
    today = dt.date(2026, 6, 15)
    r = CertificationRecord(
        status="validated", validated_on=dt.date(2021, 6, 1), expires_on=dt.date(2026, 6, 1)
    )
    assert profile.record_state(r, today) == profile.STATE_EXPIRED
    r.expires_on = today  # the last day of validity
    assert profile.record_state(r, today) == profile.STATE_EXPIRING
    assert profile.record_state(r, today + dt.timedelta(days=1)) == profile.STATE_EXPIRED
    r.expires_on = today + dt.timedelta(days=89)
    assert profile.record_state(r, today) == profile.STATE_EXPIRING
    r.expires_on = today + dt.timedelta(days=90)
    assert profile.record_state(r, today) == profile.STATE_VALID
    r.expires_on = dt.date(2026, 9, 1)
    assert profile.record_state(r, today) == profile.STATE_EXPIRING
    r.status = "not_validated"
    assert profile.record_state(r, today) == profile.STATE_NOT_VALIDATED
    r.status = "validated"
    r.expires_on = dt.date(2027, 9, 1)
    assert profile.record_state(r, today) == profile.STATE_VALID
    assert profile.record_state(CertificationRecord(status="in_progress"), today) == profile.STATE_IN_PROGRESS
    assert profile.record_state(None, today) == profile.STATE_NONE


def test_evidence_add_offers_only_evaluations_covering_the_block(world, grids):
    day = timezone.localdate()
    c1 = make_eval(grids["cqp-televente-c1"], world.rep_a, world.sup_a, day, "yes")  # CQP-C1 -> block 3
    c6 = make_eval(grids["cqp-televente-c6"], world.rep_a, world.sup_a, day, "yes")  # CQP-C6 -> block 5
    evaluations, _ = services.evidence_choices(rep=world.rep_a, block=block(3))
    assert list(evaluations) == [c1]
    with pytest.raises(DomainError) as exc:
        services.evidence_add(
            by=world.sup_a, rep=world.rep_a, block=block(3), kind=EvidenceKind.EVALUATION, dated=day,
            title="", evaluation=c6,
        )  # fmt: skip
    assert exc.value.field == "evaluation"
    evidence = services.evidence_add(
        by=world.sup_a, rep=world.rep_a, block=block(3), kind=EvidenceKind.EVALUATION, dated=day,
        title="", evaluation=c1,
    )  # fmt: skip
    assert evidence.record.status == CertificationStatus.IN_PROGRESS  # the record is created
    assert evidence.title
    with pytest.raises(DomainError):
        services.evidence_add(
            by=world.sup_a, rep=world.rep_a, block=block(3), kind="file", dated=day, title="",
        )  # fmt: skip
    with pytest.raises(PermissionRefused):
        services.evidence_delete(by=world.rep_a, evidence=evidence)
    services.evidence_delete(by=world.sup_a, evidence=evidence)
    assert not evidence.record.evidence.exists()


def _validated(rep, n, expires_on):
    return CertificationRecord.objects.create(
        rep=rep, block=block(n), status="validated",
        validated_on=services.add_years(expires_on, -5), expires_on=expires_on,
    )  # fmt: skip


PARIS = ZoneInfo("Europe/Paris")
NOW = dt.datetime(2026, 6, 15, 8, 0, tzinfo=PARIS)  # a fixed "now": the test passes at any hour


def test_reminders_sent_once_and_only_within_90_days(world, grids, mailoutbox):
    today = NOW.date()
    soon = _validated(world.rep_a, 1, today + dt.timedelta(days=45))
    _validated(world.rep_a, 2, today + dt.timedelta(days=200))  # too far
    _validated(world.rep_a, 3, today + dt.timedelta(days=services.REMINDER_DAYS))  # day 90: not yet
    _validated(world.rep_a2, 1, today - dt.timedelta(days=3))  # already expired
    world.rep_b.is_active = False
    world.rep_b.save(update_fields=["is_active"])
    _validated(world.rep_b, 2, today + dt.timedelta(days=10))  # the rep has left
    CertificationRecord.objects.create(rep=world.rep_b, block=block(1), status="in_progress")
    summary = services.certification_send_reminders(now=NOW)
    assert summary.startswith("1 block(s)")
    assert sorted(m.to[0] for m in mailoutbox) == sorted([world.rep_a.email, world.sup_a.email])
    assert "45" in mailoutbox[0].body and soon.block.title[:20] in mailoutbox[0].body
    assert "30/07/2026" in mailoutbox[0].body
    soon.refresh_from_db()
    assert soon.reminded_at == NOW
    # Once: the next day only block 3 (now 89 days away) is reminded, a month later nothing.
    assert services.certification_send_reminders(now=NOW + dt.timedelta(days=1)).startswith("1 block(s)")
    assert len(mailoutbox) == 4 and "89" in mailoutbox[-1].body
    assert services.certification_send_reminders(now=NOW + dt.timedelta(days=31)).startswith("0 block(s)")
    assert len(mailoutbox) == 4


def test_a_renewal_starts_a_new_reminder_cycle(world, grids, mailoutbox):
    today = timezone.localdate()
    record = _validated(world.rep_a, 1, today + dt.timedelta(days=30))
    assert services.certification_send_reminders().startswith("1 block(s)")
    record.refresh_from_db()
    assert record.reminded_at is not None
    # Same dates saved again (notes edited): still reminded, no second email.
    services.certification_save(
        by=world.sup_a, rep=world.rep_a, block=block(1), status="validated",
        validated_on=record.validated_on, notes="RAS",
    )  # fmt: skip
    record.refresh_from_db()
    assert record.reminded_at is not None
    # Renewed today: a new expiry five years on, the reminder will come again then.
    services.certification_save(
        by=world.sup_a, rep=world.rep_a, block=block(1), status="validated", validated_on=today
    )
    record.refresh_from_db()
    assert record.reminded_at is None and record.expires_on == services.add_years(today, 5)
    later = timezone.now() + dt.timedelta(days=5 * 365 - 30)
    assert services.certification_send_reminders(now=later).startswith("1 block(s)")


def test_reminders_use_the_paris_date_around_midnight(world, grids, mailoutbox):
    """At 00:30 in Paris it is still the day before in UTC: a block that expired "yesterday" in
    Paris (today in UTC) is expired, and gets no reminder."""
    just_after_midnight = dt.datetime(2026, 6, 14, 22, 30, tzinfo=dt.UTC)  # 15/06 00:30 in Paris
    assert timezone.localdate(just_after_midnight) == dt.date(2026, 6, 15)
    _validated(world.rep_a, 1, dt.date(2026, 6, 14))
    assert services.certification_send_reminders(now=just_after_midnight).startswith("0 block(s)")
    _validated(world.rep_a, 2, dt.date(2026, 6, 15))  # expires today in Paris: last reminder day
    assert services.certification_send_reminders(now=just_after_midnight).startswith("1 block(s)")
