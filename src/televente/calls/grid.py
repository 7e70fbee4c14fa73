"""The plan's time grid: minutes of the day <-> slots, and what a rep can give on a date.

Both the optimiser's inputs and the checks of a manual move or an automatic retry use these, so a
call placed by hand obeys exactly the rules of a call placed by the solver.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from .models import PlanSettings, RepAbsence, minutes, parse_ranges


@dataclass(frozen=True)
class Grid:
    day: dt.date
    start: int  # minute of the day of slot 0
    end: int
    step: int

    @classmethod
    def of(cls, conf: PlanSettings, day: dt.date) -> Grid:
        return cls(day=day, start=minutes(conf.day_start), end=minutes(conf.day_end), step=conf.slot_minutes)

    @property
    def slots(self) -> int:
        return (self.end - self.start) // self.step

    def slot_at_or_after(self, minute: int) -> int:
        return max(0, math.ceil((minute - self.start) / self.step))

    def slot_at_or_before(self, minute: int) -> int:
        return max(0, (minute - self.start) // self.step)

    def minute(self, slot: int) -> int:
        return self.start + slot * self.step

    def when(self, slot: int) -> dt.datetime:
        tz = timezone.get_current_timezone()
        return dt.datetime.combine(self.day, dt.time.min, tzinfo=tz) + dt.timedelta(minutes=self.minute(slot))

    def slot_of(self, moment: dt.datetime) -> int:
        local = timezone.localtime(moment)
        return (local.hour * 60 + local.minute - self.start) // self.step

    def window_slots(self, windows: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
        """Minute windows -> slot ranges inside the working day (a window with no whole slot is dropped)."""
        out = []
        for a, b in windows:
            sa = self.slot_at_or_after(a)
            sb = min(self.slots, (b - self.start) // self.step) if b > self.start else 0
            if sb > sa:
                out.append((sa, sb))
        return tuple(out)


def subtract(ranges: list[tuple[int, int]], holes: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open ranges minus holes."""
    for ha, hb in holes:
        cut = []
        for a, b in ranges:
            if hb <= a or ha >= b:
                cut.append((a, b))
                continue
            if a < ha:
                cut.append((a, ha))
            if hb < b:
                cut.append((hb, b))
        ranges = cut
    return [r for r in ranges if r[1] > r[0]]


def blocked_minutes(conf: PlanSettings, absences: Iterable[RepAbsence]) -> list[tuple[int, int]]:
    """Breaks, slack periods kept free for associated work, and the rep's absences, in minutes."""
    holes = parse_ranges(conf.breaks or []) + parse_ranges(conf.slack_periods or [])
    for absence in absences:
        if absence.whole_day:
            holes.append((0, 24 * 60))
        else:
            a = minutes(absence.start) if absence.start else 0
            b = minutes(absence.end) if absence.end else 24 * 60
            holes.append((a, b))
    return holes


def availability(
    grid: Grid, conf: PlanSettings, absences: Iterable[RepAbsence], *, from_slot: int = 0, busy=()
) -> list[tuple[int, int]]:
    """The slot ranges a rep can call in: the working day from `from_slot`, less breaks, slack,
    absences and the slots of calls kept as they are (`busy`, slot ranges)."""
    holes = []
    for a, b in blocked_minutes(conf, absences):
        sa = max(0, (a - grid.start) // grid.step)
        sb = max(0, math.ceil((b - grid.start) / grid.step))
        holes.append((sa, sb))
    return subtract([(max(0, from_slot), grid.slots)], [*holes, *busy])
