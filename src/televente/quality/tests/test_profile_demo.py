"""The demo seeder of quality: evaluations on real demo calls, a believable profile, certification."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from televente.accounts.models import User
from televente.quality import profile
from televente.quality.certification import certification_send_reminders
from televente.quality.choices import CertificationStatus, EvaluationKind
from televente.quality.models import (
    Calibration,
    CertificationRecord,
    CoachingSession,
    Evaluation,
    TrainingAction,
)


@pytest.mark.django_db
def test_the_small_demo_gives_a_profile_and_certification(mailoutbox):
    call_command("seed_demo", "--size", "small", verbosity=0)
    rep = User.objects.get(username="televendeur")
    sup = User.objects.get(username="superviseur")
    official = Evaluation.objects.official().filter(rep=rep)
    assert official.count() >= 9
    assert official.filter(interaction__isnull=False).exists()
    assert official.filter(rep_comment__gt="").exists()
    assert Evaluation.objects.filter(rep=rep, kind=EvaluationKind.SELF).exists()
    calibration = Calibration.objects.get()
    assert calibration.evaluations.values("evaluator").distinct().count() == 2
    session = CoachingSession.objects.get(rep=rep)
    assert session.evaluations.count() == 3 and session.customer_minutes >= 60
    assert TrainingAction.objects.filter(rep=rep).count() == 2

    # Calibration scores are never shared (as with the services) and stay out of the profile.
    assert not calibration.evaluations.exclude(status="draft").exists()

    p = profile.rep_profile(user=sup, rep=rep)
    assert p.lines and p.latest and p.gaps
    lines = {ln.competency.code: ln for ln in p.lines}
    # The story: Compétence 1 improves, Compétence 2 stays weaker, one critical failure recently.
    c1 = [v for v in lines["CQP-C1"].months if v is not None]
    assert len(c1) >= 3 and c1[-1] - c1[0] >= 20
    assert lines["CQP-C2"].rate < lines["CQP-C1"].rate
    assert lines["CQP-C2"] in p.weak and p.critical_90 == 1
    gaps = {g.competency.code: g for g in p.gaps}
    assert set(gaps) == {"CQP-C1", "CQP-C2"} and gaps["CQP-C2"].big
    records = {r.block.number: r for r in CertificationRecord.objects.filter(rep=rep)}
    assert records[1].status == CertificationStatus.VALIDATED
    assert profile.record_state(records[1], p.today) == profile.STATE_EXPIRING
    assert records[3].status == CertificationStatus.IN_PROGRESS and records[3].evidence.count() == 3
    assert "1 block(s)" in certification_send_reminders()
    assert {m.to[0] for m in mailoutbox} == {rep.email, sup.email}
