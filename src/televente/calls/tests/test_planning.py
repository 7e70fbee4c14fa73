"""Tests of the call planner (pure Python, no database: run them with `-p no:django` if you like)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from televente.calls import planning
from televente.calls.planning import (
    Assignment,
    Call,
    PlanResult,
    Rep,
    greedy_plan,
    solve_plan,
    synthetic_instance,
    validate_plan,
)


def call(
    key: str, own_rep: int | None = 1, duration: int = 1, windows=((0, 20),), priority: int = 10, **kw
) -> Call:
    return Call(key=key, own_rep=own_rep, duration=duration, windows=tuple(windows), priority=priority, **kw)


def rep(rid: int, *available: tuple[int, int]) -> Rep:
    return Rep(rep=rid, available=tuple(available))


def placed(result: PlanResult) -> dict[str, tuple[int, int]]:
    return {a.key: (a.rep, a.start) for a in result.assignments}


def assert_consistent(calls: list[Call], reps: list[Rep], result: PlanResult) -> None:
    """The invariants every plan must meet, whatever the instance."""
    assert validate_plan(calls, reps, result.assignments) == []
    keys = [a.key for a in result.assignments]
    assert len(keys) == len(set(keys))
    assert set(keys).isdisjoint(result.unplanned)
    assert set(keys) | set(result.unplanned) == {c.key for c in calls}
    assert set(result.unplanned.values()) <= {
        "no_slot_in_window",
        "callback_slot_taken",
        "capacity",
        "no_rep",
    }
    priority = {c.key: c.priority for c in calls}
    assert result.objective == sum(priority[k] for k in keys)
    assert result.objective <= result.bound


# --------------------------------------------------------------------------------------------------
# The optimiser on hand-made cases
# --------------------------------------------------------------------------------------------------


def test_call_that_fits_only_one_place():
    calls = [call("a", duration=3, windows=[(0, 10)])]
    reps = [rep(1, (0, 2), (5, 8))]
    result = solve_plan(calls, reps)
    assert placed(result) == {"a": (1, 5)}
    assert result.unplanned == {}
    assert_consistent(calls, reps, result)


def test_windows_are_respected_one_window_at_a_time():
    # The call is too long for the first window; two touching windows are not joined either.
    calls = [
        call("a", duration=2, windows=[(0, 1), (10, 12)]),
        call("b", duration=2, windows=[(4, 5), (5, 6)]),
    ]
    reps = [rep(1, (0, 20))]
    result = solve_plan(calls, reps)
    assert placed(result) == {"a": (1, 10)}
    assert result.unplanned == {"b": "no_slot_in_window"}


def test_a_break_in_availability_cannot_be_straddled():
    calls = [call("a", duration=3, windows=[(3, 9)])]
    result = solve_plan(calls, [rep(1, (0, 5), (6, 12))])
    assert placed(result) == {"a": (1, 6)}

    only_across_the_break = [call("b", duration=4, windows=[(3, 7)])]
    assert solve_plan(only_across_the_break, [rep(1, (0, 5), (6, 12))]).unplanned == {
        "b": "no_slot_in_window"
    }
    # Touching ranges are one range: no break there.
    assert placed(solve_plan(only_across_the_break, [rep(1, (0, 5), (5, 12))])) == {"b": (1, 3)}


def test_callback_is_planned_at_its_promised_slot():
    calls = [call("cb", duration=2, windows=[(0, 20)], fixed_start=7), call("other", duration=2, priority=50)]
    reps = [rep(1, (0, 20))]
    result = solve_plan(calls, reps)
    assert placed(result)["cb"] == (1, 7)
    assert_consistent(calls, reps, result)


def test_callback_whose_slot_is_unavailable_could_never_fit():
    # The rep is on a break at the promised slot: no plan could ever honour it.
    calls = [call("cb", duration=1, fixed_start=6, allowed_reps=frozenset({1}))]
    result = solve_plan(calls, [rep(1, (0, 5), (8, 20)), rep(2, (0, 20))])
    assert result.unplanned == {"cb": "no_slot_in_window"}


def test_callback_outside_its_windows_could_never_fit():
    calls = [call("cb", duration=2, windows=[(0, 10)], fixed_start=9)]
    assert solve_plan(calls, [rep(1, (0, 20))]).unplanned == {"cb": "no_slot_in_window"}


def test_callback_whose_slot_is_taken_by_a_more_important_callback():
    calls = [
        call("cb_big", fixed_start=4, priority=50, allowed_reps=frozenset({1})),
        call("cb_small", fixed_start=4, priority=5, allowed_reps=frozenset({1})),
    ]
    result = solve_plan(calls, [rep(1, (0, 20))])
    assert placed(result) == {"cb_big": (1, 4)}
    assert result.unplanned == {"cb_small": "callback_slot_taken"}


def test_callback_taken_over_by_a_teammate_free_at_that_slot():
    calls = [call("cb_big", fixed_start=4, priority=50), call("cb_small", fixed_start=4, priority=5)]
    reps = [rep(1, (0, 20)), rep(2, (0, 20))]
    result = solve_plan(calls, reps)
    assert placed(result) == {"cb_big": (1, 4), "cb_small": (2, 4)}
    assert_consistent(calls, reps, result)


def test_call_of_an_absent_rep_goes_to_a_teammate():
    calls = [call("a", own_rep=99, duration=2, windows=[(0, 6)])]
    reps = [rep(1, (0, 3)), rep(2, (0, 10))]
    result = solve_plan(calls, reps)
    assert placed(result)["a"][0] in {1, 2}
    assert result.unplanned == {}
    assert_consistent(calls, reps, result)


def test_call_without_owner_goes_to_anyone_with_room():
    calls = [call("a", own_rep=None, duration=3, windows=[(0, 10)])]
    reps = [rep(1, (0, 2)), rep(2, (4, 10))]
    result = solve_plan(calls, reps)
    assert placed(result)["a"][0] == 2


def test_overflow_of_a_full_rep_goes_to_a_teammate_and_the_lowest_priorities_stay_out():
    own = [call(f"p{p}", own_rep=1, windows=[(0, 4)], priority=p) for p in (50, 40, 30, 20, 10, 5)]
    # The teammate keeps their own call, even one less important than the overflow.
    teammate_own = call("mine", own_rep=2, windows=[(0, 2)], priority=1)
    calls = [*own, teammate_own]
    reps = [rep(1, (0, 4)), rep(2, (0, 2))]
    result = solve_plan(calls, reps)
    plan = placed(result)
    assert {k for k, (r, _s) in plan.items() if r == 1} == {"p50", "p40", "p30", "p20"}
    assert plan["mine"][0] == 2
    assert plan["p10"][0] == 2
    assert result.unplanned == {"p5": "capacity"}
    assert result.phase1_planned == 5
    assert result.phase2_planned == 1
    assert_consistent(calls, reps, result)


def test_allowed_reps_are_respected():
    calls = [
        # Own rep only: stays out although the teammate is idle.
        call("loyal_big", own_rep=1, windows=[(0, 1)], priority=50),
        call("loyal", own_rep=1, windows=[(0, 1)], priority=5, allowed_reps=frozenset({1})),
        call("for_two", own_rep=None, windows=[(0, 5)], allowed_reps=frozenset({2})),
    ]
    reps = [rep(1, (0, 5)), rep(2, (0, 5)), rep(3, (0, 5))]
    result = solve_plan(calls, reps)
    plan = placed(result)
    assert plan["loyal_big"] == (1, 0)
    assert plan["for_two"][0] == 2
    assert result.unplanned == {"loyal": "capacity"}
    assert_consistent(calls, reps, result)


def test_no_rep_may_take_it():
    calls = [
        call("stranger", own_rep=None, allowed_reps=frozenset({7})),
        call("orphan", own_rep=99, allowed_reps=frozenset({99})),
    ]
    result = solve_plan(calls, [rep(1, (0, 20))])
    assert result.unplanned == {"stranger": "no_rep", "orphan": "no_rep"}
    assert result.assignments == []


def test_cp_sat_beats_the_greedy_where_the_greedy_is_short_sighted():
    # The greedy takes the most important call first, which blocks two that are worth more together.
    calls = [
        call("long", duration=4, windows=[(0, 4)], priority=10),
        call("short1", duration=2, windows=[(0, 4)], priority=6),
        call("short2", duration=2, windows=[(0, 4)], priority=6),
    ]
    reps = [rep(1, (0, 4))]
    greedy = greedy_plan(calls, reps)
    assert greedy.objective == 10
    best = solve_plan(calls, reps)
    assert best.objective == 12
    assert set(placed(best)) == {"short1", "short2"}
    assert best.gap_pct < 1.0
    assert best.solves >= 1
    assert best.fallback_solves == 0
    assert_consistent(calls, reps, best)
    assert_consistent(calls, reps, greedy)


def test_gap_pct():
    result = PlanResult([], {}, objective=90, bound=100, seconds=0, solves=0, fallback_solves=0)
    assert result.gap_pct == pytest.approx(10.0)
    assert PlanResult([], {}, 0, 0, 0, 0, 0).gap_pct == 0.0


def test_progress_is_reported_after_each_part():
    calls, reps = synthetic_instance(3, 10, seed=1, slots=40)
    seen: list[tuple[int, int]] = []
    solve_plan(calls, reps, progress=lambda done, total: seen.append((done, total)))
    assert seen == [(n, 6) for n in range(1, 7)]


def test_greedy_fallback_without_ortools(monkeypatch):
    monkeypatch.setattr(planning, "_load_cp_model", lambda: None)
    calls, reps = synthetic_instance(3, 15, seed=2, slots=40)
    result = solve_plan(calls, reps)
    assert result.solves == 0
    assert result.fallback_solves > 0
    assert_consistent(calls, reps, result)
    assert placed(result) == placed(greedy_plan(calls, reps))


def test_no_time_left_falls_back_to_greedy():
    calls, reps = synthetic_instance(3, 15, seed=3, slots=40)
    result = solve_plan(calls, reps, total_time_limit=0.0)
    assert result.solves == 0
    assert result.fallback_solves > 0
    assert_consistent(calls, reps, result)


def test_same_inputs_same_plan():
    calls, reps = synthetic_instance(4, 25, seed=4, slots=60)
    assert solve_plan(calls, reps).assignments == solve_plan(list(reversed(calls)), reps[::-1]).assignments
    assert greedy_plan(calls, reps).assignments == greedy_plan(calls[::-1], reps).assignments


def test_bad_inputs_are_refused():
    with pytest.raises(ValueError, match="Duplicate call key"):
        solve_plan([call("a"), call("a")], [rep(1, (0, 5))])
    with pytest.raises(ValueError, match="duration"):
        solve_plan([call("a", duration=0)], [rep(1, (0, 5))])
    with pytest.raises(ValueError, match="priority"):
        greedy_plan([call("a", priority=0)], [rep(1, (0, 5))])


# --------------------------------------------------------------------------------------------------
# The validator, one rule at a time
# --------------------------------------------------------------------------------------------------

REPS = [rep(1, (0, 10), (12, 20)), rep(2, (0, 20))]


def rules(calls: list[Call], assignments: list[Assignment], reps: list[Rep] = REPS) -> list[tuple[str, str]]:
    return [(v.key, v.rule) for v in validate_plan(calls, reps, assignments)]


def test_validator_accepts_a_valid_plan():
    calls = [call("a", duration=2), call("b", duration=2, own_rep=2)]
    assert rules(calls, [Assignment("a", 1, 0), Assignment("b", 2, 0)]) == []


def test_validator_duplicate():
    calls = [call("a")]
    assert rules(calls, [Assignment("a", 1, 0), Assignment("a", 1, 5)]) == [("a", "duplicate")]


def test_validator_unknown_call():
    assert rules([], [Assignment("ghost", 1, 0)]) == [("ghost", "unknown_call")]


def test_validator_unknown_rep():
    assert rules([call("a")], [Assignment("a", 42, 0)]) == [("a", "unknown_rep")]


def test_validator_outside_window():
    calls = [call("a", duration=3, windows=[(0, 4), (4, 8)])]
    assert rules(calls, [Assignment("a", 1, 2)]) == [("a", "outside_window")]
    assert rules(calls, [Assignment("a", 1, 4)]) == []


def test_validator_outside_availability():
    calls = [call("a", duration=3, windows=[(0, 30)])]
    # Straddles the gap (10, 12) of rep 1.
    assert rules(calls, [Assignment("a", 1, 9)]) == [("a", "outside_availability")]
    assert rules(calls, [Assignment("a", 1, 19)]) == [("a", "outside_availability")]
    # Touching ranges are one range.
    assert rules(calls, [Assignment("a", 3, 9)], [rep(3, (5, 10), (10, 15))]) == []


def test_validator_overlap():
    calls = [call("a", duration=3), call("b", duration=2)]
    assert rules(calls, [Assignment("a", 1, 0), Assignment("b", 1, 2)]) == [("b", "overlap")]
    assert rules(calls, [Assignment("a", 1, 0), Assignment("b", 1, 3)]) == []


def test_validator_fixed_start():
    calls = [call("cb", fixed_start=5)]
    assert rules(calls, [Assignment("cb", 1, 6)]) == [("cb", "fixed_start")]
    assert rules(calls, [Assignment("cb", 1, 5)]) == []


def test_validator_rep_not_allowed():
    calls = [call("a", own_rep=None, allowed_reps=frozenset({2}))]
    assert rules(calls, [Assignment("a", 1, 0)]) == [("a", "rep_not_allowed")]


def test_validator_own_rep_had_room():
    calls = [call("a", own_rep=1, duration=2, windows=[(0, 10)]), call("b", own_rep=1, duration=8)]
    # Rep 1 only holds b on [0, 8): [8, 10) was free for a.
    assert rules(calls, [Assignment("a", 2, 0), Assignment("b", 1, 0)]) == [("a", "own_rep_had_room")]
    # With b on [1, 9) the own rep has no 2-slot gap inside a's window: handing a over is right.
    assert rules(calls, [Assignment("a", 2, 0), Assignment("b", 1, 1)]) == []


def test_validator_own_rep_had_room_honours_callbacks_and_allowed_reps():
    calls = [call("cb", own_rep=1, fixed_start=10), call("x", own_rep=1, allowed_reps=frozenset({2}))]
    # Rep 1 is free elsewhere but not at slot 10 (its break), and x may not go to rep 1 at all.
    assert rules(calls, [Assignment("cb", 2, 10), Assignment("x", 2, 0)]) == []
    assert rules([call("cb", own_rep=1, fixed_start=4)], [Assignment("cb", 2, 4)]) == [
        ("cb", "own_rep_had_room")
    ]


# --------------------------------------------------------------------------------------------------
# Random instances
# --------------------------------------------------------------------------------------------------

SLOTS = 40


@st.composite
def instances(draw) -> tuple[list[Call], list[Rep]]:
    n_reps = draw(st.integers(2, 4))
    reps = []
    for rid in range(1, n_reps + 1):
        cuts = sorted(draw(st.lists(st.integers(0, SLOTS), min_size=2, max_size=6)))
        # Pairs of cuts are ranges; some may touch or be empty, which the planner must cope with.
        ranges = tuple((cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2))
        reps.append(Rep(rep=rid, available=ranges))
    owners = st.one_of(st.integers(1, n_reps), st.none(), st.just(99))
    calls = []
    for n in range(draw(st.integers(0, 30))):
        duration = draw(st.integers(1, 4))
        windows = []
        for _ in range(draw(st.integers(1, 2))):
            a = draw(st.integers(0, SLOTS - 1))
            windows.append((a, draw(st.integers(a + 1, SLOTS))))
        own_rep = draw(owners)
        fixed_start = draw(st.one_of(st.none(), st.integers(0, SLOTS - 1)))
        allowed = draw(st.one_of(st.none(), st.frozensets(st.integers(1, n_reps + 1), max_size=3)))
        calls.append(
            Call(
                key=f"c{n}",
                own_rep=own_rep,
                duration=duration,
                windows=tuple(windows),
                priority=draw(st.integers(1, 20)),
                fixed_start=fixed_start,
                allowed_reps=allowed,
            )
        )
    return calls, reps


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_plans_are_valid(instance):
    calls, reps = instance
    best = solve_plan(calls, reps, time_limit_per_solve=0.5, total_time_limit=5.0)
    greedy = greedy_plan(calls, reps)
    assert_consistent(calls, reps, best)
    assert_consistent(calls, reps, greedy)
    # The reason depends on the instance only, not on the plan's quality.
    for key in best.unplanned.keys() & greedy.unplanned.keys():
        if best.unplanned[key] in {"no_rep", "no_slot_in_window"}:
            assert greedy.unplanned[key] == best.unplanned[key]


def test_synthetic_instance_is_deterministic_and_plausible():
    calls, reps = synthetic_instance(10, 100, seed=7)
    assert (calls, reps) == synthetic_instance(10, 100, seed=7)
    assert len(reps) == 10
    assert len(calls) == 1000
    assert 0.10 < sum(c.fixed_start is not None for c in calls) / len(calls) < 0.20
    for r in reps:
        # 10 h minus a 1 h lunch and a 30-minute slack period (which may overlap lunch).
        assert 102 <= sum(b - a for a, b in r.available) <= 108
    for c in calls:
        assert 1 <= c.duration <= 3
        assert all(6 <= b - a <= 36 for a, b in c.windows)


def test_a_realistic_team_day_is_valid():
    """Scale check, not a timing test: 10 reps x 100 calls on 5-minute slots over 10 hours."""
    calls, reps = synthetic_instance(10, 100, seed=0)
    result = solve_plan(calls, reps)
    assert_consistent(calls, reps, result)
    assert result.unplanned  # the day is overbooked on purpose
    assert result.gap_pct < 5.0
    assert result.objective > greedy_plan(calls, reps).objective
