"""Recompute the daily figures per rep (RepDay) read by the dashboards."""

from __future__ import annotations

import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from televente.reporting import stats


class Command(BaseCommand):
    help = "Recompute the dashboards' daily figures per rep: the last N days, or from a date to another."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--days", type=int, default=40, help="the last N days up to today (default 40)")
        parser.add_argument("--from", dest="day_from", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="day_to", help="last day, YYYY-MM-DD (default today)")

    def handle(self, *args, days: int, day_from: str | None, day_to: str | None, **options) -> None:
        today = timezone.localdate()
        try:
            last = dt.date.fromisoformat(day_to) if day_to else today
            first = (
                dt.date.fromisoformat(day_from) if day_from else last - dt.timedelta(days=max(days, 1) - 1)
            )
        except ValueError as exc:
            raise CommandError(f"Dates are YYYY-MM-DD: {exc}") from exc
        if first > last:
            raise CommandError("--from is after --to.")
        started = time.perf_counter()
        rows = stats.refresh_days(day_from=first, day_to=last)
        self.stdout.write(f"{rows} rep-days from {first} to {last} in {time.perf_counter() - started:.1f} s")
