"""The score of an evaluation, in pure Python (no database), used by the services, the demo and the
profile.

- "Oui" earns the item's weight, "Non" nothing, "Non applicable" takes the item out of the count;
  on the 1-4 scale, 1 earns nothing and 4 the full weight (a third per step).
- The score is the weighted share earned among the applicable, answered items (None if none).
- A critical item answered "Non" (or 1 on the scale) fails the whole evaluation whatever the score.
- The evaluation is satisfactory when no critical item failed and the score reaches the pass mark.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

SCALE_MAX = 4


@dataclass(frozen=True)
class ItemAnswer:
    weight: int
    critical: bool
    value: str  # "yes", "no", "na", "1".."4" or "" (not answered)
    key: object = None  # e.g. the section or competency, for rates per group


@dataclass(frozen=True)
class Score:
    score: Decimal | None  # 0-100, one decimal
    critical_failed: bool
    passed: bool | None
    earned: Decimal
    possible: int


def earned(value: str, weight: int) -> Decimal | None:
    """What an answer earns, or None when it does not count (not applicable, not answered)."""
    if value == "yes":
        return Decimal(weight)
    if value == "no":
        return Decimal(0)
    if value.isdigit() and 1 <= int(value) <= SCALE_MAX:
        return Decimal(weight) * (int(value) - 1) / (SCALE_MAX - 1)
    return None


def is_failure(value: str) -> bool:
    return value in ("no", "1")


def compute(answers: Iterable[ItemAnswer], pass_mark: int) -> Score:
    total, possible, critical_failed = Decimal(0), 0, False
    for a in answers:
        e = earned(a.value, a.weight)
        if e is None:
            continue
        total += e
        possible += a.weight
        if a.critical and is_failure(a.value):
            critical_failed = True
    if possible == 0:
        return Score(None, critical_failed, False if critical_failed else None, total, 0)
    score = (total * 100 / possible).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return Score(score, critical_failed, (not critical_failed) and score >= pass_mark, total, possible)


def rates_by(answers: Iterable[ItemAnswer]) -> dict[object, Decimal]:
    """The weighted pass rate (0-100) per `key`, over applicable answers only."""
    totals: dict[object, list[Decimal]] = {}
    for a in answers:
        e = earned(a.value, a.weight)
        if e is None:
            continue
        t = totals.setdefault(a.key, [Decimal(0), Decimal(0)])
        t[0] += e
        t[1] += a.weight
    return {
        k: (v[0] * 100 / v[1]).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        for k, v in totals.items()
        if v[1]
    }
