from televente.quality import scoring
from televente.quality.scoring import ItemAnswer


def test_fixtures_build_a_recorded_call(call, grids):
    from televente.calls.models import PhoneCall

    assert "cqp-televente-c1" in grids
    assert PhoneCall.objects.get(interaction=call).recording_url.endswith(".mp3")


def test_a_critical_no_fails_whatever_the_score():
    answers = [ItemAnswer(1, False, "yes")] * 9 + [ItemAnswer(1, True, "no")]
    result = scoring.compute(answers, pass_mark=80)
    assert result.score == 90 and result.critical_failed and result.passed is False
    assert scoring.compute([ItemAnswer(2, False, "na")], 80).score is None
    assert scoring.compute([ItemAnswer(3, False, "4"), ItemAnswer(3, False, "1")], 50).score == 50
