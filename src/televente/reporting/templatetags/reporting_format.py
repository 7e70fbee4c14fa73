"""Formats of the reporting screens: rates, durations, objective states."""

from __future__ import annotations

from django import template
from django.template.defaultfilters import floatformat
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def pct(value, decimals: int = 0) -> str:
    """0.4251 -> '42,5 %' (with decimals=1); None -> '—'."""
    if value is None or value == "":
        return "—"
    return f"{floatformat(float(value) * 100, f'{decimals}g')}\u00a0%"


@register.filter
def minsec(seconds) -> str:
    """272 -> '4 min 32'."""
    if seconds is None or seconds == "":
        return "—"
    seconds = round(float(seconds))
    return _("%(m)s min %(s)02d") % {"m": seconds // 60, "s": seconds % 60}


@register.filter
def state_class(state: str) -> str:
    return {"ok": "badge-ok", "watch": "badge-warn", "behind": "badge-danger"}.get(state, "")


@register.filter
def state_label(state: str) -> str:
    return {"ok": _("dans l'objectif"), "watch": _("à surveiller"), "behind": _("en retard")}.get(state, "")


@register.simple_tag
def period_url(name: str, period, team=None, rep=None, **extra) -> str:
    """The URL of a reporting screen for this period (and team, rep, other parameters)."""
    from urllib.parse import urlencode

    from django.urls import reverse

    params = {"period": period.kind, "start": period.start.isoformat()}
    if team is not None:
        params["team"] = getattr(team, "pk", team)
    if rep is not None and rep != "":
        params["rep"] = getattr(rep, "pk", rep)
    params.update({k: v for k, v in extra.items() if v not in (None, "")})
    return f"{reverse(name)}?{urlencode(params)}"


@register.filter
def progress_for(row, metric: str):
    """The objective progress of a dashboard row on one metric (None without objective)."""
    return row.progress_for(metric)
