"""Reporting periods: the calendar month or ISO week that contains a day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import gettext as _

from .choices import PeriodKind


@dataclass(frozen=True)
class Period:
    kind: str
    start: dt.date
    end: dt.date  # last day, included

    @classmethod
    def containing(cls, kind: str, day: dt.date) -> Period:
        if kind == PeriodKind.WEEK:
            start = day - dt.timedelta(days=day.weekday())
            return cls(kind, start, start + dt.timedelta(days=6))
        start = day.replace(day=1)
        following = (start + dt.timedelta(days=32)).replace(day=1)
        return cls(PeriodKind.MONTH, start, following - dt.timedelta(days=1))

    @classmethod
    def parse(cls, kind: str | None, start: str | None, today: dt.date) -> Period:
        """The period asked for in a URL (?period=month&start=2026-11-01), or the current month."""
        kind = kind if kind in PeriodKind.values else PeriodKind.MONTH
        try:
            day = dt.date.fromisoformat(start) if start else today
        except ValueError:
            day = today
        return cls.containing(kind, day)

    def previous(self) -> Period:
        return Period.containing(self.kind, self.start - dt.timedelta(days=1))

    def next(self) -> Period:
        return Period.containing(self.kind, self.end + dt.timedelta(days=1))

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        if self.kind == PeriodKind.WEEK:
            return _("semaine du %(day)s") % {"day": formats.date_format(self.start, "j F Y")}
        return formats.date_format(self.start, "F Y")

    @property
    def query(self) -> str:
        return f"period={self.kind}&start={self.start.isoformat()}"

    def working_days(self, until: dt.date | None = None) -> int:
        """Monday to Friday from the start to `until` (default: the end) included. Public holidays
        are not known to the application: they count as working days."""
        last = min(self.end, until) if until else self.end
        count, day = 0, self.start
        while day <= last:
            count += day.weekday() < 5
            day += dt.timedelta(days=1)
        return count

    def elapsed_share(self, today: dt.date) -> float:
        """The share of the period's working days gone by at the end of `today` (1 for a past period)."""
        if today >= self.end:
            return 1.0
        if today < self.start:
            return 0.0
        total = self.working_days()
        return self.working_days(until=today) / total if total else 1.0

    def comparable_previous(self, today: dt.date) -> tuple[dt.date, dt.date]:
        """The previous period cut at the same number of days as this one so far ("à date
        comparable"), so a month in progress is not compared with a whole month."""
        previous = self.previous()
        if today >= self.end:
            return previous.start, previous.end
        elapsed = (min(today, self.end) - self.start).days
        return previous.start, min(previous.end, previous.start + dt.timedelta(days=max(elapsed, 0)))
