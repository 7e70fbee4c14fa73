"""The periodic synthesis of a team as a PDF (WeasyPrint): figures against objectives, each rep,
the revenue trend, the portfolio, the service quality and the corrective actions of the period.

The numbers come from `indicators`, `portfolio` and `service` (the same as the screens); this
module only puts them in words, tables and charts (`charts`, the same SVG as on screen).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext, ngettext

from televente.accounts.models import Team
from televente.core.templatetags.televente import money

from . import charts, indicators, portfolio, service
from .charts import format_value
from .choices import ActionStatus, Metric
from .models import CorrectiveAction
from .periods import Period

MONEY_METRICS = {Metric.REVENUE, Metric.MARGIN}


def _state_label(state: str) -> str:
    return {
        "ok": gettext("dans l'objectif"),
        "watch": gettext("à surveiller"),
        "behind": gettext("en retard"),
    }.get(state, "")


def metric_value(
    metric: str, value: Decimal | float | int | None, *, signed: bool = False, short: bool = False
) -> str:
    """An objective's value in its unit: money (whole euros when `short`), a count, or percentage
    points for a rate."""
    if value is None:
        return "—"
    sign = "+" if signed and value > 0 else ""
    if metric in MONEY_METRICS:
        return sign + (money(round(value), 0) if short else format_value(value, "money"))
    if metric in indicators.RATE_METRICS:
        text = formats.number_format(
            round(float(value), 1), decimal_pos=1, use_l10n=True, force_grouping=True
        )
        return f"{sign}{text}\u00a0{gettext('pts') if signed else '%'}"
    return sign + format_value(value, "int")


def whole_percent(share: float) -> str:
    """A share as a whole percent: '119 %'."""
    return f"{formats.number_format(round(share * 100), use_l10n=True, force_grouping=True)}\u00a0%"


@dataclass
class ProgressLine:
    """One objective in words: every cell a string, the state written out (not only a colour)."""

    label: str
    target: str
    actual: str
    expected: str
    gap: str
    percent: str
    state: str
    state_label: str


def progress_line(p: indicators.Progress, *, short: bool = False) -> ProgressLine:
    """`short`: whole euros and whole percents, for the narrow cells of the per-rep table."""
    share = "—"
    if p.share is not None:
        share = whole_percent(p.share) if short else format_value(p.share, "percent")
    return ProgressLine(
        label=str(p.label),
        target=metric_value(p.metric, p.target, short=short),
        actual=metric_value(p.metric, p.actual, short=short),
        expected=metric_value(p.metric, p.expected, short=short),
        gap=metric_value(p.metric, p.gap, signed=True, short=short),
        percent=share,
        state=p.state,
        state_label=_state_label(p.state),
    )


def headline(f: indicators.Figures) -> list[tuple[str, str]]:
    """The team's figures of the period, as (label, value)."""
    return [
        (gettext("Chiffre d'affaires HT"), format_value(f.revenue, "money")),
        (gettext("Commandes"), format_value(f.orders, "int")),
        (gettext("Panier moyen"), format_value(f.average_basket, "money")),
        (
            gettext("Appels passés / planifiés"),
            f"{format_value(f.calls_made, 'int')} / {format_value(f.calls_planned, 'int')}",
        ),
        (gettext("Taux de joignabilité"), format_value(f.reach_rate, "percent")),
        (gettext("Transformation"), format_value(f.conversion, "percent")),
        (gettext("Taux de vente additionnelle"), format_value(f.cross_sell_rate, "percent")),
        (gettext("Substitutions acceptées"), format_value(f.substitution_acceptance, "percent")),
    ]


def rep_cells(f: indicators.Figures) -> list[str]:
    return [
        format_value(f.revenue, "money"),
        format_value(f.orders, "int"),
        format_value(f.average_basket, "money"),
        f"{format_value(f.calls_made, 'int')} / {format_value(f.calls_planned, 'int')}",
        format_value(f.reach_rate, "percent"),
        format_value(f.conversion, "percent"),
        format_value(f.cross_sell_rate, "percent"),
        format_value(f.substitution_acceptance, "percent"),
    ]


def revenue_chart(dashboard: indicators.TeamDashboard) -> charts.Chart:
    """Cumulative revenue per day over the whole period (blank after today) and, when the team has
    a revenue objective, where it should be each day at the objective's pace (working days)."""
    period, today = dashboard.period, dashboard.today
    days = [period.start + dt.timedelta(days=i) for i in range((period.end - period.start).days + 1)]
    cumulative: list[Decimal | None] = []
    running = Decimal("0")
    for day in days:
        figures = dashboard.series.get(day)
        if figures is None or day > today:
            cumulative.append(None)
            continue
        running += figures.revenue
        cumulative.append(running)
    series: list[tuple[str, list]] = [(gettext("CA HT cumulé"), cumulative)]
    goal = next((p for p in dashboard.total_progress if p.metric == Metric.REVENUE), None)
    if goal is not None:
        series.append(
            (
                gettext("Rythme de l'objectif (%(target)s)") % {"target": format_value(goal.target, "money")},
                [goal.target * Decimal(str(period.elapsed_share(day))) for day in days],
            )
        )
    labels = [formats.date_format(day, "d/m") for day in days]
    return charts.line(gettext("Chiffre d'affaires cumulé de l'équipe"), labels, series, fmt="money")


def period_actions(team: Team, period: Period) -> list[CorrectiveAction]:
    """The corrective actions decided for the period or falling due in it, open and closed."""
    return list(
        CorrectiveAction.objects.filter(team=team)
        .filter(
            Q(period_kind=period.kind, period_start=period.start)
            | Q(due_on__gte=period.start, due_on__lte=period.end)
        )
        .select_related("rep", "owner")
        .order_by("due_on", "pk")
    )


def _action_rows(actions: list[CorrectiveAction], today: dt.date) -> list[dict]:
    rows = []
    order = {ActionStatus.OPEN: 0, ActionStatus.DONE: 1, ActionStatus.DROPPED: 2}
    for action in sorted(actions, key=lambda a: order.get(a.status, 3)):  # open first, then by date
        late = action.status == ActionStatus.OPEN and action.due_on < today
        rows.append(
            {
                "action": action,
                "who": (action.rep.get_full_name() or action.rep.username)
                if action.rep
                else gettext("Équipe"),
                "owner": action.owner.get_full_name() or action.owner.username,
                "late": late,
            }
        )
    return rows


def synthesis_context(*, team: Team, period: Period, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    dashboard = indicators.team_dashboard(team=team, period=period, today=today)
    # The per-rep table shows the metrics some rep has an objective on (a team-only one is above).
    metrics = [m for m in dashboard.metrics if any(row.progress_for(m) for row in dashboard.rows)]
    rep_rows = []
    for row in dashboard.rows:
        by_metric = {p.metric: progress_line(p, short=True) for p in row.progress}
        rep_rows.append(
            {
                "name": row.rep.get_full_name() or row.rep.username,
                "cells": rep_cells(row.figures),
                "progress": [by_metric.get(m) for m in metrics],
                "state": row.worst_state if row.progress else "",
                "state_label": _state_label(row.worst_state) if row.progress else "",
            }
        )
    context = {
        "team": team,
        "period": period,
        "today": today,
        "dashboard": dashboard,
        "is_current": dashboard.is_current,
        "seller": getattr(settings, "COMPANY_NAME", "Télévente"),
        "headline": headline(dashboard.total),
        "objectives": [progress_line(p) for p in dashboard.total_progress],
        "metric_labels": [Metric(m).label for m in metrics],
        "rep_rows": rep_rows,
        "team_cells": rep_cells(dashboard.total),
        "revenue_chart": revenue_chart(dashboard),
        "actions": _action_rows(period_actions(team, period), today),
    }
    context.update(_portfolio_context(team=team, period=period, today=today))
    context.update(_service_context(team=team, period=period, today=today))
    return context


def _portfolio_context(*, team: Team, period: Period, today: dt.date) -> dict:
    view = portfolio.portfolio(team=team, period=period, today=today)
    pareto = view.pareto
    chart = charts.pareto(
        gettext("Concentration du chiffre d'affaires des 12 derniers mois (Pareto)"),
        pareto.points,
        top20_share=pareto.top20_share,
        top_customers_share=pareto.top20_customers / pareto.customers if pareto.customers else 0.2,
    )
    counts = [(label, format_value(count, "int")) for _status, label, count in view.status_counts]
    facts = [
        (gettext("Clients en retard sur leur rythme de commande"), format_value(view.late_count, "int")),
        (gettext("Nouveaux clients de la période"), format_value(view.new_customers, "int")),
        (gettext("… dont prospects transformés"), format_value(view.prospects_converted, "int")),
        (gettext("Comptes réactivés"), format_value(view.reactivated, "int")),
        (gettext("Clients avec du CA sur 12 mois"), format_value(pareto.customers, "int")),
        (gettext("CA HT des 12 mois"), format_value(pareto.total, "money")),
    ]
    if pareto.customers:
        facts.append(
            (
                ngettext(
                    "Part du CA faite par les 20 %% premiers clients (%(count)s client)",
                    "Part du CA faite par les 20 %% premiers clients (%(count)s clients)",
                    pareto.top20_customers,
                )
                % {"count": format_value(pareto.top20_customers, "int")},
                format_value(pareto.top20_share, "percent"),
            )
        )
    abc = [
        (
            gettext("Classe %(name)s") % {"name": row.abc_class} if row.abc_class else row.label,
            format_value(row.customers, "int"),
            format_value(row.revenue, "money"),
            format_value(row.share, "percent"),
        )
        for row in view.abc
    ]
    return {
        "portfolio": view,
        "pareto_chart": chart,
        "status_counts": counts,
        "portfolio_facts": facts,
        "abc_rows": abc,
        "revenue_since": view.revenue_since,
    }


def _service_context(*, team: Team, period: Period, today: dt.date) -> dict:
    view = service.service_quality(team=team, period=period, today=today)
    claims_chart = None
    counts = [row.count for row in view.claims_by_cause]
    if view.claims_by_cause:
        claims_chart = charts.bars(
            gettext("Réclamations reçues par cause"),
            [row.label for row in view.claims_by_cause],
            counts,
            fmt="int",
            highlight={0} if len(view.claims_by_cause) == 1 or counts[0] > counts[1] else set(),
            label_header=gettext("Cause"),
            value_header=gettext("Réclamations"),
        )
    days = gettext("%(days)s j")
    res, sat, col = view.resolution, view.satisfaction, view.collections

    def in_days(value: float | None) -> str:
        return "—" if value is None else days % {"days": format_value(value, "number")}

    service_facts = [
        (gettext("Réclamations reçues"), format_value(view.claims_total, "int")),
        (gettext("Montant en jeu (HT)"), format_value(view.claims_amount, "money")),
        (gettext("Réclamations clôturées"), format_value(res.closed, "int")),
        (gettext("Délai de résolution moyen"), in_days(res.average_days)),
        (gettext("Délai de résolution médian"), in_days(res.median_days)),
        (gettext("Ouvertes hors délai (aujourd'hui)"), format_value(res.overdue_open, "int")),
        (gettext("Réponses à l'enquête de satisfaction"), format_value(sat.answered, "int")),
        (gettext("Clients satisfaits"), format_value(sat.satisfied_share, "percent")),
    ]
    collection_facts = [
        (
            gettext("Impayés échus (aujourd'hui, TTC)"),
            format_value(col.overdue_amount, "money"),
            ngettext("%(count)s client", "%(count)s clients", col.overdue_customers)
            % {"count": format_value(col.overdue_customers, "int")},
        ),
        (
            gettext("Recouvré sur la période (TTC)"),
            format_value(col.recovered_amount, "money"),
            ngettext("%(count)s client", "%(count)s clients", col.recovered_customers)
            % {"count": format_value(col.recovered_customers, "int")},
        ),
    ]
    return {
        "service": view,
        "claims_chart": claims_chart,
        "service_facts": service_facts,
        "incident_rows": [(row.label, format_value(row.count, "int")) for row in view.incidents_by_cause],
        "collection_facts": collection_facts,
    }


def synthesis_pdf(*, team: Team, period: Period, today: dt.date | None = None, language: str = "fr") -> bytes:
    """The team's synthesis of the period, A4 portrait, in `language` (French by default)."""
    from weasyprint import HTML

    with translation.override(language):
        html = render_to_string(
            "reporting/synthesis_pdf.html", synthesis_context(team=team, period=period, today=today)
        )
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()
