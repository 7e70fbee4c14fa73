"""Daily call planning: which rep calls which customer, and when.

Pure Python (no Django): the Django layer builds `Call` and `Rep` objects, calls `solve_plan` and stores
the `PlanResult`. `validate_plan` re-checks a plan against every hard rule; it shares no helper with the
optimiser on purpose, so that a bug in the optimiser's slot arithmetic cannot hide itself.

Time is counted in slots (e.g. 5 minutes each, slot 0 = day start). All ranges are half-open [a, b).

Why a decomposition: the team-wide model (4,000 calls x 50 reps x ~120 slots) is too large for one
CP-SAT solve within the time a user waits for. The plan is built in two phases of small per-rep models:

1. Phase 1, per rep: the rep's own customers' calls, and nobody else's.
2. Phase 2, rebalance: what phase 1 left over (the overflow) and the calls without a present owner (the
   pool) are offered to the few teammates with the most free time inside each call's windows, and
   solved per rep again. Phase-1 assignments are FIXED in phase 2 (their slots are no longer free): it
   keeps the phase-2 models tiny (only the offered calls and the gaps), and a rep's own calls never move
   because of someone else's customers.

Each per-rep model is a time-indexed 0/1 model: one boolean per (call, feasible start), at most one start
per call, at most one running call per slot (only the maximal cliques of the interval graph are posted).
This was measured much faster here than an interval/NoOverlap formulation. A deterministic greedy
replaces a solve when ortools is missing, when a solve finds nothing in time, or when the time budget is
spent. After every per-rep solve a greedy "fill" adds any offered call that still fits: it makes each
rep's plan maximal, which is what guarantees the "own rep first" rule (an own call given to a teammate
could not have fitted in its own rep's plan) even when CP-SAT stopped at a non-optimal solution.
"""

from __future__ import annotations

import importlib
import math
import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from types import ModuleType

# Reason codes stored in PlanResult.unplanned (the Django layer turns them into sentences).
NO_REP = "no_rep"
NO_SLOT_IN_WINDOW = "no_slot_in_window"
CALLBACK_SLOT_TAKEN = "callback_slot_taken"
CAPACITY = "capacity"

# Below this many seconds a CP-SAT solve is not worth its set-up cost: the greedy is used instead.
MIN_SOLVE_SECONDS = 0.05
# Seconds kept aside, out of total_time_limit, for the greedy passes and the bookkeeping after the solves.
RESERVE_SECONDS = 0.5
# Share of the time budget kept for a phase-2 part, relative to a phase-1 part.
PHASE2_WEIGHT = 0.25
# Phase 2 offers each leftover call to this many teammates at most (the model of each stays small).
OFFERS_PER_CALL = 3


@dataclass(frozen=True)
class Call:
    key: str  # unique id of the candidate call
    own_rep: int | None  # the rep who owns this customer; None = anyone in the team
    duration: int  # length in slots, >= 1
    # Allowed half-open slot ranges [a, b); the whole call [s, s + duration) must fit inside ONE window
    # (windows are not merged, even when they touch).
    windows: tuple[tuple[int, int], ...]
    priority: int  # > 0, the commercial stakes (objective weight)
    fixed_start: int | None = None  # a promised callback: if planned, must start exactly at this slot
    allowed_reps: frozenset[int] | None = None  # if set, only these reps may take it (e.g. own rep only)


@dataclass(frozen=True)
class Rep:
    rep: int  # rep id
    # Half-open slot ranges when the rep can call (working hours minus breaks, slack periods, absences,
    # past time, slots already used by calls that are done). Touching ranges are treated as one.
    available: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Assignment:
    key: str
    rep: int
    start: int  # slot; the call occupies [start, start + duration)


@dataclass
class PlanResult:
    assignments: list[Assignment]
    unplanned: dict[str, str]  # call key -> reason code
    objective: int  # sum of priorities of planned calls
    # Upper bound on the objective of the decomposed problem: the sum of the bounds of the parts that
    # produced the plan (CP-SAT's bound for a solve, a fractional-knapsack bound for a greedy part).
    bound: int
    seconds: float
    solves: int  # number of CP-SAT solves
    # Per-rep parts finished by the greedy instead of CP-SAT: no solution within the time limit, time
    # budget spent, or ortools missing. Always 0 for greedy_plan, where the greedy is the request.
    fallback_solves: int
    phase1_planned: int = 0  # calls planned by their own rep in phase 1
    phase2_planned: int = 0  # calls planned by a teammate (phase 2 and the final fill)

    @property
    def gap_pct(self) -> float:
        if self.bound <= 0:
            return 0.0
        return 100.0 * (self.bound - self.objective) / self.bound


@dataclass(frozen=True)
class Violation:
    key: str  # call key ('' when not about one call)
    rule: str  # 'duplicate', 'unknown_call', 'unknown_rep', 'outside_window', 'outside_availability',
    # 'overlap', 'fixed_start', 'rep_not_allowed', 'own_rep_had_room'
    detail: str  # English sentence for logs/tests


# --------------------------------------------------------------------------------------------------
# Optimiser helpers
# --------------------------------------------------------------------------------------------------


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted, disjoint ranges; touching ranges are joined ((0, 10) + (10, 20) = (0, 20))."""
    out: list[tuple[int, int]] = []
    for a, b in sorted(r for r in ranges if r[1] > r[0]):
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


class _Timeline:
    """The free slots of one rep, as a bytearray over [origin, end) (1 = free)."""

    __slots__ = ("end", "free", "origin")

    def __init__(self, ranges: Sequence[tuple[int, int]]) -> None:
        merged = _merge(ranges)
        self.origin = merged[0][0] if merged else 0
        self.end = merged[-1][1] if merged else 0
        self.free = bytearray(self.end - self.origin)
        for a, b in merged:
            self.free[a - self.origin : b - self.origin] = b"\x01" * (b - a)

    def copy(self) -> _Timeline:
        clone = _Timeline(())
        clone.origin, clone.end, clone.free = self.origin, self.end, bytearray(self.free)
        return clone

    def fits(self, start: int, duration: int) -> bool:
        i = start - self.origin
        return i >= 0 and start + duration <= self.end and self.free.find(0, i, i + duration) == -1

    def occupy(self, start: int, duration: int) -> None:
        i = start - self.origin
        self.free[i : i + duration] = bytes(duration)

    def free_total(self) -> int:
        return self.free.count(1)

    def starts(self, call: Call) -> list[int]:
        """Every start where the call fits inside one of its windows and in free time, ascending."""
        d = call.duration
        if call.fixed_start is not None:
            s = call.fixed_start
            in_window = any(a <= s and s + d <= b for a, b in call.windows)
            return [s] if in_window and self.fits(s, d) else []
        found: set[int] = set()
        for a, b in call.windows:
            for s in range(max(a, self.origin), min(b, self.end) - d + 1):
                if s not in found and self.fits(s, d):
                    found.add(s)
        return sorted(found)

    def first_start(self, call: Call) -> int | None:
        """The earliest start of `starts(call)`, without listing them all (hot in phase 2)."""
        d = call.duration
        if call.fixed_start is not None:
            starts = self.starts(call)
            return starts[0] if starts else None
        best: int | None = None
        for a, b in call.windows:
            for s in range(max(a, self.origin), min(b, self.end) - d + 1):
                if best is not None and s >= best:
                    break
                if self.fits(s, d):
                    best = s
                    break
        return best

    def free_in_windows(self, call: Call) -> int:
        """Free slots inside the union of the call's windows: how much room this rep has for it."""
        if call.fixed_start is not None:
            return call.duration if self.starts(call) else 0
        total = 0
        for a, b in _merge(call.windows):
            lo, hi = max(a, self.origin), min(b, self.end)
            if hi > lo:
                total += self.free.count(1, lo - self.origin, hi - self.origin)
        return total


def _sort_key(call: Call, n_starts: int) -> tuple[int, int, str]:
    # Highest stakes first; among equals the hardest to place (fewest starts) first; then a stable order.
    return (-call.priority, n_starts, call.key)


def _knapsack_bound(items: Sequence[tuple[int, int]], capacity: int) -> int:
    """Fractional-knapsack bound on the priorities that fit in `capacity` free slots.

    Valid for any part of the plan: calls of one rep never overlap, so their durations add up to at most
    the free slots. `items` are (priority, duration).
    """
    bound = 0.0
    room = capacity
    for priority, duration in sorted(items, key=lambda it: -it[0] / it[1]):
        if room <= 0:
            break
        if duration <= room:
            bound += priority
            room -= duration
        else:
            bound += priority * room / duration
            room = 0
    return math.floor(bound + 1e-9)


@dataclass
class _Part:
    """The result of one per-rep subproblem."""

    placed: list[tuple[Call, int]] = field(default_factory=list)
    bound: int = 0
    cp_solve: bool = False
    fallback: bool = False

    @property
    def objective(self) -> int:
        return sum(c.priority for c, _ in self.placed)


def _greedy_fill(timeline: _Timeline, calls: Sequence[Call], placed_keys: set[str]) -> list[tuple[Call, int]]:
    """Place each call not yet placed at its earliest free start, in the given order; mutates timeline."""
    placed: list[tuple[Call, int]] = []
    for call in calls:
        if call.key in placed_keys:
            continue
        start = timeline.first_start(call)
        if start is not None:
            timeline.occupy(start, call.duration)
            placed.append((call, start))
            placed_keys.add(call.key)
    return placed


def _load_cp_model() -> ModuleType | None:
    # Imported lazily: the Django process that only displays plans should not pay for ortools.
    try:
        return importlib.import_module("ortools.sat.python.cp_model")
    except ImportError:
        return None


def _maximal_cliques(options: Sequence[tuple[int, int, int]]) -> list[list[int]]:
    """Groups of options that all cover one common slot, enough to forbid every overlap.

    `options` are (start, end, index). In an interval graph every slot's set of covering intervals is
    included in the set at the next slot where an interval ends after a new one started: posting only
    those sets gives the same constraint with far fewer rows than one per slot.
    """
    starting: dict[int, list[int]] = {}
    ending: dict[int, list[int]] = {}
    for s, e, i in options:
        starting.setdefault(s, []).append(i)
        ending.setdefault(e - 1, []).append(i)
    cliques: list[list[int]] = []
    active: set[int] = set()
    started_since_last = False
    for t in sorted(set(starting) | set(ending)):
        if t in starting:
            active.update(starting[t])
            started_since_last = True
        if t in ending:
            if started_since_last and len(active) >= 2:
                cliques.append(sorted(active))
            started_since_last = False
            active.difference_update(ending[t])
    return cliques


def _solve_part(
    timeline: _Timeline,
    calls: Sequence[Call],
    *,
    cp_model: ModuleType | None,
    time_limit: float,
    relative_gap: float,
    workers: int,
) -> _Part:
    """Best plan of `calls` in the free time of one rep; mutates `timeline` with the result.

    With cp_model None or no time left, the greedy does it. A call of `calls` that cannot be placed is
    simply left out (the caller computes the leftovers).
    """
    starts = {c.key: timeline.starts(c) for c in calls}
    order = sorted((c for c in calls if starts[c.key]), key=lambda c: _sort_key(c, len(starts[c.key])))
    if not order:
        return _Part()
    options = [(s, s + c.duration, i) for i, c in enumerate(order) for s in starts[c.key]]
    cliques = _maximal_cliques([(s, e, n) for n, (s, e, _i) in enumerate(options)])
    if not cliques and all(len(starts[c.key]) == 1 for c in order):
        # Nothing competes for anything: every call takes its only start. No solver needed.
        part = _Part(placed=[(c, starts[c.key][0]) for c in order])
        for c, s in part.placed:
            timeline.occupy(s, c.duration)
        part.bound = part.objective
        return part

    greedy_timeline = timeline.copy()
    greedy = _greedy_fill(greedy_timeline, order, set())
    greedy_value = sum(c.priority for c, _ in greedy)
    knapsack = min(
        sum(c.priority for c in order),
        _knapsack_bound([(c.priority, c.duration) for c in order], timeline.free_total()),
    )

    if cp_model is None or time_limit < MIN_SOLVE_SECONDS:
        for c, s in greedy:
            timeline.occupy(s, c.duration)
        return _Part(placed=greedy, bound=max(knapsack, greedy_value), fallback=True)

    model = cp_model.CpModel()
    xs = [model.new_bool_var(f"x{n}") for n in range(len(options))]
    by_call: list[list[int]] = [[] for _ in order]
    for n, (_s, _e, i) in enumerate(options):
        by_call[i].append(n)
    for ns in by_call:
        if len(ns) >= 2:
            model.add_at_most_one(xs[n] for n in ns)
    for clique in cliques:
        model.add_at_most_one(xs[n] for n in clique)
    model.maximize(cp_model.LinearExpr.weighted_sum(xs, [order[i].priority for _s, _e, i in options]))
    # The greedy plan as a hint: CP-SAT starts from it, so even a short solve is no worse than greedy.
    greedy_starts = {c.key: s for c, s in greedy}
    for n, (s, _e, i) in enumerate(options):
        model.add_hint(xs[n], greedy_starts.get(order[i].key) == s)

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.relative_gap_limit = relative_gap
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 0
    status = solver.solve(model)

    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        cp_bound = math.floor(solver.best_objective_bound + 1e-6)
        chosen = [(order[i], s) for n, (s, _e, i) in enumerate(options) if solver.boolean_value(xs[n])]
        if sum(c.priority for c, _ in chosen) < greedy_value:
            chosen = greedy
        for c, s in chosen:
            timeline.occupy(s, c.duration)
        # Make the plan maximal: CP-SAT may stop (gap limit, time) with a call that still fits.
        chosen = chosen + _greedy_fill(timeline, order, {c.key for c, _ in chosen})
        part = _Part(placed=chosen, cp_solve=True)
        part.bound = max(min(cp_bound, knapsack), part.objective)
        return part

    # No solution in time (or a model error): the greedy plan, with the best valid bound we have.
    for c, s in greedy:
        timeline.occupy(s, c.duration)
    bound = knapsack
    if status == cp_model.UNKNOWN and math.isfinite(solver.best_objective_bound):
        bound = min(bound, math.floor(solver.best_objective_bound + 1e-6))
    return _Part(placed=greedy, bound=max(bound, greedy_value), cp_solve=True, fallback=True)


def _check_inputs(calls: Sequence[Call], reps: Sequence[Rep]) -> None:
    keys: set[str] = set()
    for c in calls:
        if c.key in keys:
            raise ValueError(f"Duplicate call key {c.key!r}.")
        keys.add(c.key)
        if c.duration < 1:
            raise ValueError(f"Call {c.key!r} has duration {c.duration}; it must be at least 1 slot.")
        if c.priority <= 0:
            raise ValueError(f"Call {c.key!r} has priority {c.priority}; it must be positive.")
    rep_ids = [r.rep for r in reps]
    if len(set(rep_ids)) != len(rep_ids):
        raise ValueError("Duplicate rep id.")


def _eligible(call: Call, present: Sequence[int]) -> list[int]:
    """Reps (sorted) who may take the call at all, own rep included."""
    if call.allowed_reps is None:
        return list(present)
    return [r for r in present if r in call.allowed_reps]


class _Budget:
    """Shares the remaining time among the per-rep solves still to do."""

    def __init__(self, total: float, per_solve: float) -> None:
        self.t0 = time.monotonic()
        self.deadline = self.t0 + total
        self.per_solve = per_solve

    def limit(self, phase1_left: int, phase2_left: int) -> float:
        """Wall-clock limit of the next solve, phase1_left/phase2_left counting it."""
        remaining = self.deadline - time.monotonic() - RESERVE_SECONDS
        # A fair share of what is left, where a phase-2 part counts for a quarter: it only holds the
        # leftovers offered to the rep and the gaps of its plan, so it is much smaller. Solves that end
        # early (gap reached) leave their share to the next ones.
        share = remaining / max(phase1_left + PHASE2_WEIGHT * phase2_left, 1.0)
        return max(0.0, min(self.per_solve, share))

    def elapsed(self) -> float:
        return time.monotonic() - self.t0


def _plan(
    calls: Sequence[Call],
    reps: Sequence[Rep],
    *,
    use_cp: bool,
    time_limit_per_solve: float,
    total_time_limit: float,
    relative_gap: float,
    workers: int,
    progress: Callable[[int, int], None] | None,
) -> PlanResult:
    _check_inputs(calls, reps)
    budget = _Budget(total_time_limit, time_limit_per_solve)
    cp_model = _load_cp_model() if use_cp else None
    rep_ids = sorted(r.rep for r in reps)
    original = {r.rep: _Timeline(r.available) for r in reps}
    timelines = {rid: tl.copy() for rid, tl in original.items()}
    present = set(rep_ids)
    ordered_calls = sorted(calls, key=lambda c: c.key)

    assigned: dict[str, tuple[int, int]] = {}  # key -> (rep, start)
    bound = 0
    solves = 0
    fallbacks = 0
    phase1_planned = 0
    done = 0
    total_parts = 2 * len(rep_ids)

    def record(rid: int, part: _Part) -> None:
        nonlocal bound, solves, fallbacks, done
        for c, s in part.placed:
            assigned[c.key] = (rid, s)
        bound += part.bound
        solves += part.cp_solve
        # Only count greedy stand-ins as fallbacks when CP-SAT was asked for.
        fallbacks += part.fallback and use_cp
        done += 1
        if progress is not None:
            progress(done, total_parts)

    # Phase 1: each rep plans their own customers.
    own: dict[int, list[Call]] = {rid: [] for rid in rep_ids}
    leftovers: list[Call] = []
    for c in ordered_calls:
        if c.own_rep in present and (c.allowed_reps is None or c.own_rep in c.allowed_reps):
            own[c.own_rep].append(c)
        else:
            leftovers.append(c)
    for n, rid in enumerate(rep_ids):
        part = _solve_part(
            timelines[rid],
            own[rid],
            cp_model=cp_model,
            time_limit=budget.limit(len(rep_ids) - n, len(rep_ids)),
            relative_gap=relative_gap,
            workers=workers,
        )
        record(rid, part)
        phase1_planned += len(part.placed)
        leftovers.extend(c for c in own[rid] if c.key not in assigned)

    # Phase 2: offer the leftovers to the teammates with the most room for them. The own rep is not
    # offered its own overflow again: its phase-1 plan is maximal, nothing more of it fits there.
    def candidates(c: Call) -> list[int]:
        return [r for r in _eligible(c, rep_ids) if not (r == c.own_rep and c.key in own_keys)]

    own_keys = {c.key for cs in own.values() for c in cs}
    leftovers.sort(key=lambda c: (-c.priority, c.key))
    offered: dict[int, list[Call]] = {rid: [] for rid in rep_ids}
    load: dict[int, float] = dict.fromkeys(rep_ids, 0.0)
    free_total = {rid: timelines[rid].free_total() for rid in rep_ids}
    for c in leftovers:
        scored: list[tuple[float, int]] = []
        for r in candidates(c):
            room = timelines[r].free_in_windows(c)
            if room >= c.duration:
                # Room inside the call's windows, discounted by what was already offered to this rep, so
                # that the leftovers spread over the team instead of piling on the emptiest rep.
                scored.append((-room / (1.0 + load[r] / max(free_total[r], 1)), r))
        scored.sort()
        chosen: list[int] = []
        for _score, r in scored:
            if timelines[r].first_start(c) is not None:
                chosen.append(r)
                if len(chosen) == OFFERS_PER_CALL:
                    break
        for r in chosen:
            offered[r].append(c)
            load[r] += c.duration / len(chosen)
    for n, rid in enumerate(rep_ids):
        still = [c for c in offered[rid] if c.key not in assigned]
        part = _solve_part(
            timelines[rid],
            still,
            cp_model=cp_model,
            time_limit=budget.limit(0, len(rep_ids) - n),
            relative_gap=relative_gap,
            workers=workers,
        )
        record(rid, part)

    # Final fill: a leftover that was not offered to a rep who still has room (the offers are a guess
    # made before phase 2) gets its chance, greedily, highest priority first.
    remaining = [c for c in leftovers if c.key not in assigned]
    fitting: list[Call] = []
    for c in remaining:
        # free_in_windows is a cheap necessary condition; first_start the exact test.
        if any(
            timelines[r].free_in_windows(c) >= c.duration and timelines[r].first_start(c) is not None
            for r in candidates(c)
        ):
            fitting.append(c)
    if fitting:
        capacity = sum(timelines[r].free_total() for r in rep_ids)
        fill_bound = min(
            sum(c.priority for c in fitting),
            _knapsack_bound([(c.priority, c.duration) for c in fitting], capacity),
        )
        fill_value = 0
        for c in fitting:
            best: tuple[int, int, int] | None = None  # (-room, rep, start)
            for r in candidates(c):
                room = timelines[r].free_in_windows(c)
                start = timelines[r].first_start(c) if room >= c.duration else None
                if start is not None:
                    option = (-room, r, start)
                    if best is None or option < best:
                        best = option
            if best is not None:
                _neg, r, s = best
                timelines[r].occupy(s, c.duration)
                assigned[c.key] = (r, s)
                fill_value += c.priority
        bound += max(fill_bound, fill_value)

    by_key = {c.key: c for c in calls}
    assignments = [Assignment(key=k, rep=r, start=s) for k, (r, s) in sorted(assigned.items())]
    unplanned = {c.key: _reason(c, rep_ids, original) for c in ordered_calls if c.key not in assigned}
    objective = sum(by_key[a.key].priority for a in assignments)
    return PlanResult(
        assignments=assignments,
        unplanned=unplanned,
        objective=objective,
        bound=max(bound, objective),
        seconds=budget.elapsed(),
        solves=solves,
        fallback_solves=fallbacks,
        phase1_planned=phase1_planned,
        phase2_planned=len(assignments) - phase1_planned,
    )


def _reason(call: Call, rep_ids: Sequence[int], original: dict[int, _Timeline]) -> str:
    """The most specific reason a call was left out."""
    eligible = _eligible(call, rep_ids)
    if not eligible:
        return NO_REP
    # "Could never fit" is judged on the reps' availability alone, before any call was planned.
    if not any(original[r].starts(call) for r in eligible):
        return NO_SLOT_IN_WINDOW
    if call.fixed_start is not None:
        return CALLBACK_SLOT_TAKEN
    return CAPACITY


def solve_plan(
    calls: Sequence[Call],
    reps: Sequence[Rep],
    *,
    time_limit_per_solve: float = 2.0,
    total_time_limit: float = 25.0,
    relative_gap: float = 0.01,
    workers: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> PlanResult:
    """The day's plan of the team, optimised per rep with CP-SAT (see the module docstring).

    `progress(done, total)` is called after each per-rep part (2 per rep: phase 1 and phase 2).

    Defaults, measured on a 2-core machine with `synthetic_instance(50, 110)`: each per-rep solve stops
    at the 1 % relative gap after ~0.1-0.4 s, well inside its share of the 25 s budget; the whole plan
    takes ~8-9 s with a gap to the bound of ~0.4 %. `workers=1` because a second CP-SAT worker brought
    nothing measurable on these small models and makes the search nondeterministic; with one worker
    and a fixed seed the same inputs give the same plan, as long as no solve is cut by its wall-clock
    limit (then the cut point depends on the machine's speed; the greedy-filled plan stays valid).
    """
    return _plan(
        calls,
        reps,
        use_cp=True,
        time_limit_per_solve=time_limit_per_solve,
        total_time_limit=total_time_limit,
        relative_gap=relative_gap,
        workers=workers,
        progress=progress,
    )


def greedy_plan(calls: Sequence[Call], reps: Sequence[Rep]) -> PlanResult:
    """The same decomposition with every part solved by the greedy: fast, deterministic, not optimal."""
    return _plan(
        calls,
        reps,
        use_cp=False,
        time_limit_per_solve=0.0,
        total_time_limit=math.inf,
        relative_gap=0.0,
        workers=1,
        progress=None,
    )


# --------------------------------------------------------------------------------------------------
# Validator: deliberately independent of the optimiser's helpers (re-derived from the inputs).
# --------------------------------------------------------------------------------------------------


def _v_union(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching or overlapping ranges joined; empty ranges dropped."""
    result: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if hi <= lo:
            continue
        if result and lo <= result[-1][1]:
            result[-1][1] = max(result[-1][1], hi)
        else:
            result.append([lo, hi])
    return [(lo, hi) for lo, hi in result]


def _v_subtract(ranges: list[tuple[int, int]], busy: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """`ranges` minus the `busy` intervals (both sorted), as sorted disjoint ranges."""
    gaps: list[tuple[int, int]] = []
    for lo, hi in ranges:
        cursor = lo
        for b_lo, b_hi in busy:
            if b_hi <= cursor or b_lo >= hi:
                continue
            if b_lo > cursor:
                gaps.append((cursor, b_lo))
            cursor = max(cursor, b_hi)
        if cursor < hi:
            gaps.append((cursor, hi))
    return gaps


def validate_plan(
    calls: Sequence[Call], reps: Sequence[Rep], assignments: Sequence[Assignment]
) -> list[Violation]:
    """Every hard rule broken by `assignments` (empty list: the plan is valid)."""
    call_of = {c.key: c for c in calls}
    availability = {r.rep: _v_union(r.available) for r in reps}
    violations: list[Violation] = []
    seen: set[str] = set()
    # rep -> [(start, end, key)] of the assignments that name a known call and rep, once per key.
    per_rep: dict[int, list[tuple[int, int, str]]] = {}
    placed_on: dict[str, tuple[int, int]] = {}

    for a in assignments:
        c = call_of.get(a.key)
        if c is None:
            violations.append(
                Violation(a.key, "unknown_call", f"Call {a.key!r} is not among the candidates.")
            )
            continue
        if a.key in seen:
            violations.append(Violation(a.key, "duplicate", f"Call {a.key!r} is assigned more than once."))
            continue
        seen.add(a.key)
        if a.rep not in availability:
            violations.append(
                Violation(a.key, "unknown_rep", f"Call {a.key!r} is given to unknown rep {a.rep}.")
            )
            continue
        end = a.start + c.duration
        if c.allowed_reps is not None and a.rep not in c.allowed_reps:
            violations.append(
                Violation(a.key, "rep_not_allowed", f"Call {a.key!r} may not be taken by rep {a.rep}.")
            )
        if c.fixed_start is not None and a.start != c.fixed_start:
            violations.append(
                Violation(
                    a.key,
                    "fixed_start",
                    f"Callback {a.key!r} starts at slot {a.start} instead of the promised {c.fixed_start}.",
                )
            )
        if not any(lo <= a.start and end <= hi for lo, hi in c.windows):
            violations.append(
                Violation(
                    a.key, "outside_window", f"Call {a.key!r} [{a.start}, {end}) is not inside one window."
                )
            )
        if not any(lo <= a.start and end <= hi for lo, hi in availability[a.rep]):
            violations.append(
                Violation(
                    a.key,
                    "outside_availability",
                    f"Call {a.key!r} [{a.start}, {end}) is outside the availability of rep {a.rep}.",
                )
            )
        per_rep.setdefault(a.rep, []).append((a.start, end, a.key))
        placed_on[a.key] = (a.rep, a.start)

    for rep, items in sorted(per_rep.items()):
        items.sort()
        reach, reach_key = None, ""
        for lo, hi, key in items:
            if reach is not None and lo < reach:
                violations.append(
                    Violation(key, "overlap", f"Call {key!r} overlaps call {reach_key!r} of rep {rep}.")
                )
            if reach is None or hi > reach:
                reach, reach_key = hi, key

    # Own rep first: a call handed to a teammate is wrong if its own rep still had a gap for it.
    gaps_of: dict[int, list[tuple[int, int]]] = {}
    for key, (rep, _start) in placed_on.items():
        c = call_of[key]
        own = c.own_rep
        if own is None or own == rep or own not in availability:
            continue
        if c.allowed_reps is not None and own not in c.allowed_reps:
            continue
        if own not in gaps_of:
            busy = _v_union((lo, hi) for lo, hi, _k in per_rep.get(own, []))
            gaps_of[own] = _v_subtract(availability[own], busy)
        room = None
        for g_lo, g_hi in gaps_of[own]:
            for w_lo, w_hi in c.windows:
                lo, hi = max(g_lo, w_lo), min(g_hi, w_hi)
                if c.fixed_start is not None:
                    if lo <= c.fixed_start and c.fixed_start + c.duration <= hi:
                        room = c.fixed_start
                elif hi - lo >= c.duration:
                    room = lo
                if room is not None:
                    break
            if room is not None:
                break
        if room is not None:
            violations.append(
                Violation(
                    key,
                    "own_rep_had_room",
                    f"Call {key!r} went to rep {rep} although its own rep {own} was free at slot {room}.",
                )
            )
    return violations


# --------------------------------------------------------------------------------------------------
# Synthetic instances (tests and benchmark)
# --------------------------------------------------------------------------------------------------


def synthetic_instance(
    n_reps: int, calls_per_rep: int, seed: int = 0, slots: int = 120
) -> tuple[list[Call], list[Rep]]:
    """A plausible team day: `slots` 5-minute slots (120 = 10 h), a 1 h lunch break and a 30-minute slack
    period per rep, `calls_per_rep` candidate calls per rep with windows of 30 to 180 minutes, durations
    of 1 to 3 slots, ~15 % callbacks at a fixed slot, ~5 % restricted to their own rep, ~3 % without an
    owner. Deterministic for a given seed.
    """
    rng = random.Random(seed)
    lunch = (slots * 2 // 5, slots * 2 // 5 + slots // 10)
    slack_len = max(1, slots // 20)
    reps: list[Rep] = []
    for rid in range(1, n_reps + 1):
        slack_start = rng.randrange(0, slots - slack_len)
        blocked = _merge([lunch, (slack_start, slack_start + slack_len)])
        available: list[tuple[int, int]] = []
        cursor = 0
        for a, b in blocked:
            if a > cursor:
                available.append((cursor, a))
            cursor = max(cursor, b)
        if cursor < slots:
            available.append((cursor, slots))
        reps.append(Rep(rep=rid, available=tuple(available)))

    calls: list[Call] = []
    min_window, max_window = max(1, slots // 20), max(2, slots * 3 // 10)  # 30 to 180 min on 120 slots
    for rid in range(1, n_reps + 1):
        for n in range(calls_per_rep):
            duration = rng.choices((1, 2, 3), weights=(74, 19, 7))[0]
            windows: list[tuple[int, int]] = []
            for _ in range(rng.choice((1, 1, 1, 2))):
                length = rng.randint(max(min_window, duration), max(max_window, duration))
                a = rng.randrange(0, slots - length + 1)
                windows.append((a, a + length))
            fixed_start = None
            if rng.random() < 0.15:
                a, b = windows[0]
                fixed_start = rng.randrange(a, b - duration + 1)
            own_rep: int | None = rid
            allowed = None
            roll = rng.random()
            if roll < 0.03:
                own_rep = None
            elif roll < 0.08:
                allowed = frozenset({rid})
            calls.append(
                Call(
                    key=f"r{rid}-c{n}",
                    own_rep=own_rep,
                    duration=duration,
                    windows=tuple(windows),
                    priority=1 + int(99 * rng.random() ** 2),
                    fixed_start=fixed_start,
                    allowed_reps=allowed,
                )
            )
    return calls, reps
