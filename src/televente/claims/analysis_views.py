"""The supervisor's claim analysis: filters, key figures, tables and server-drawn SVG bar charts
(no script, no inline style: the charts are plain SVG attributes), and the CSV export of the
by-cause and by-type tables."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from televente.accounts.choices import BackOfficeService, Role
from televente.accounts.permissions import is_supervisor_or_admin
from televente.core import tabular

from .analysis import Breakdown, ClaimAnalysis, analysis_teams, claim_analysis

DEFAULT_DAYS = 90


def can_analyse(user) -> bool:
    """Supervisors, admins and back office; not the reps, who see their own claims in the queues."""
    return is_supervisor_or_admin(user) or (
        getattr(user, "is_authenticated", False) and user.role == Role.BACK_OFFICE
    )


def _parse_date(raw: str) -> dt.date | None:
    """An ISO date (what <input type="date"> sends) or a French one (31/12/2025)."""
    raw = raw.strip()
    for parse in (dt.date.fromisoformat, lambda s: dt.datetime.strptime(s, "%d/%m/%Y").date()):
        try:
            return parse(raw)
        except ValueError:
            continue
    return None


def _period(params, errors: list[str]) -> tuple[dt.date, dt.date]:
    until_default = timezone.localdate()
    since_default = until_default - dt.timedelta(days=DEFAULT_DAYS - 1)
    dates = {}
    for key, default in (("du", since_default), ("au", until_default)):
        raw = params.get(key, "").strip()
        value = _parse_date(raw) if raw else default
        if value is None:
            errors.append(
                _(
                    "La date « %(value)s » n'est pas valide (attendu : jj/mm/aaaa) : la période par défaut est utilisée."
                )
                % {"value": raw[:20]}
            )
            return since_default, until_default
        dates[key] = value
    if dates["du"] > dates["au"]:
        errors.append(
            _("La date de début est postérieure à la date de fin : la période par défaut est utilisée.")
        )
        return since_default, until_default
    return dates["du"], dates["au"]


# Charts ----------------------------------------------------------------------------------------------------------------

CHART_WIDTH = 960
LABEL_RIGHT = 300  # labels end here, bars start just after
BAR_LEFT = 310
BAR_MAX = 470
ROW = 28
BAR_HEIGHT = 18
HEAD = 24  # room for the column headings


@dataclass(frozen=True)
class Bar:
    row: Breakdown
    y: int  # top of the bar
    text_y: int  # baseline of the label and value texts
    width: int
    value_x: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    width: int = CHART_WIDTH
    label_right: int = LABEL_RIGHT
    bar_left: int = BAR_LEFT
    cumulative_x: int = CHART_WIDTH - 10
    head_y: int = 16


def bar_chart(rows: list[Breakdown]) -> Chart:
    """The geometry of a horizontal bar chart (one bar per row, longest = the largest count)."""
    top = max((row.count for row in rows), default=0) or 1
    bars = []
    for index, row in enumerate(rows):
        y = HEAD + index * ROW
        width = max(2, round(BAR_MAX * row.count / top)) if row.count else 0
        bars.append(Bar(row=row, y=y, text_y=y + 14, width=width, value_x=BAR_LEFT + width + 8))
    return Chart(bars=bars, height=HEAD + len(rows) * ROW + 4)


# CSV -------------------------------------------------------------------------------------------------------------------


def _csv(result: ClaimAnalysis) -> HttpResponse:
    header = [
        _("Tableau"),
        _("Code"),
        _("Libellé"),
        _("Réclamations"),
        _("Part (%)"),
        _("Cumul (%)"),
        _("Dans les 80 %"),
        _("Montant en jeu (€ HT)"),
    ]
    rows = [
        [
            _("Par cause"),
            r.code,
            r.label,
            r.count,
            r.share,
            r.cumulative,
            _("oui") if r.vital else _("non"),
            r.amount,
        ]
        for r in result.by_cause
    ] + [[_("Par type"), r.code, r.label, r.count, r.share, "", "", r.amount] for r in result.by_type]
    return tabular.download(
        header,
        rows,
        fmt="csv",
        basename=f"analyse-reclamations-{result.since.isoformat()}-{result.until.isoformat()}",
        title=_("Analyse des réclamations"),
    )


# The page --------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def analysis(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not can_analyse(user):
        raise PermissionDenied
    errors: list[str] = []
    since, until = _period(request.GET, errors)
    teams = analysis_teams(user)
    team = None
    team_ref = request.GET.get("equipe", "").strip()
    if team_ref:
        team = next((t for t in teams if str(t.pk) == team_ref), None)
        if team is None:
            errors.append(_("Équipe inconnue : toutes les équipes sont affichées."))
    service = request.GET.get("service", "").strip()
    if service and service not in BackOfficeService.values:
        errors.append(_("Service inconnu : tous les services sont affichés."))
        service = ""
    result = claim_analysis(user=user, since=since, until=until, team=team, service=service)
    if request.GET.get("format") == "csv":
        return _csv(result)
    return render(
        request,
        "claims/analysis.html",
        {
            "a": result,
            "errors": errors,
            "teams": teams,
            "team": team,
            "service": service,
            "services": BackOfficeService.choices,
            "cause_chart": bar_chart(result.by_cause),
            "type_chart": bar_chart(result.by_type),
            "default_days": DEFAULT_DAYS,
        },
    )
