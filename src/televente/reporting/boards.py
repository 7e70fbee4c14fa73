"""The charts of the screens, built from the indicators (the charts module draws them)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import formats
from django.utils.translation import gettext as _

from . import charts
from .choices import Metric
from .indicators import Figures, Progress, RepRow
from .periods import Period


def cumulative_revenue(
    series: dict[dt.date, Figures], *, period: Period, goal: Progress | None, title: str
) -> charts.Chart:
    """Revenue added up day after day, beside the objective's pace (where it should be each day)."""
    days = sorted(series)
    labels = [formats.date_format(day, "d/m") for day in days]
    running, cumulated = Decimal("0"), []
    for day in days:
        running += series[day].revenue
        cumulated.append(running)
    lines: list[tuple[str, list]] = [(_("CA HT cumulé"), cumulated)]
    if goal is not None and days:
        total = period.working_days()
        pace = [goal.target * Decimal(period.working_days(until=day)) / Decimal(total or 1) for day in days]
        lines.append((_("Rythme de l'objectif"), [p.quantize(Decimal("1")) for p in pace]))
    return charts.line(title, labels, lines, fmt="money")


def reps_against_objective(rows: list[RepRow], *, title: str) -> charts.Chart:
    """Each rep's revenue as a share of the expected pace (100 % = on track), the late ones dark."""
    labels, values, late = [], [], set()
    for index, row in enumerate(rows):
        progress = row.progress_for(Metric.REVENUE)
        labels.append(row.rep.get_full_name() or row.rep.username)
        values.append(progress.pace if progress and progress.pace is not None else None)
        if progress and progress.state != "ok":
            late.add(index)
    return charts.bars(
        title, labels, values, fmt="percent", highlight=late,
        label_header=_("Télévendeur"), value_header=_("Part du rythme attendu"),
    )  # fmt: skip
