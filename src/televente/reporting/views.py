"""Screens: my performance (rep), the team dashboard, objectives, variance analysis and corrective
actions, drill-downs, self-assessment (supervisor). Reads come from indicators/drill; writes from
services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.dates import WEEKDAYS
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from televente.accounts.choices import Role
from televente.accounts.models import Team, User
from televente.core.errors import DomainError
from televente.core.tabular import download

from . import boards, charts, drill, indicators, services
from .choices import ActionStatus, Metric
from .documents import synthesis_pdf
from .forms import ActionCloseForm, ActionForm, CommentForm, SelfAssessmentForm, parse_target
from .models import CorrectiveAction, SelfAssessment
from .periods import Period
from .portfolio import portfolio
from .service import service_quality


def in_company_time(view):
    """Reporting counts the company's days (settings.TIME_ZONE): the view and its page run in that
    zone, whatever the zone of the person's profile, so "today" is the same day as the stored days."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        with timezone.override(settings.TIME_ZONE):
            return view(request, *args, **kwargs)

    return wrapper


def _period(request: HttpRequest) -> Period:
    return Period.parse(request.GET.get("period"), request.GET.get("start"), timezone.localdate())


def _int(raw) -> int | None:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return None


def _team(request: HttpRequest, source=None) -> tuple[Team, list[Team]]:
    """The team asked for (?team=), among those this person may look at; 404 otherwise."""
    teams = services.teams_for(request.user)
    if not teams:
        raise PermissionDenied(_("Les tableaux de bord d'équipe sont réservés aux superviseurs."))
    wanted = _int((source or request.GET).get("team"))
    if wanted is None:
        return teams[0], teams
    for team in teams:
        if team.pk == wanted:
            return team, teams
    raise Http404


def _rep(request: HttpRequest, team: Team, source=None) -> User | None:
    rep_id = _int((source or request.GET).get("rep"))
    if rep_id is None:
        return None
    rep = User.objects.filter(pk=rep_id, team=team).first()
    if rep is None:
        raise Http404
    return rep


def _pct(value) -> str:
    return "" if value is None else formats.number_format(round(value * 100, 1), 1)


def _num(value, digits: int = 2) -> str:
    return "" if value is None else formats.number_format(value, digits)


def _fmt(request: HttpRequest) -> str | None:
    fmt = request.GET.get("format")
    return fmt if fmt in ("csv", "xlsx") else None


# My performance ------------------------------------------------------------------------------


@login_required
@in_company_time
def mine(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.REP:
        if services.is_manager(user):
            return redirect("reporting:team")
        raise PermissionDenied(_("Cette page montre les chiffres d'un télévendeur."))
    period = _period(request)
    view = indicators.my_performance(rep=user, period=period)
    assessment = SelfAssessment.objects.filter(
        rep=user, period_kind=period.kind, period_start=period.start
    ).first()
    goal = next((p for p in view.progress if p.metric == Metric.REVENUE), None)
    chart = boards.cumulative_revenue(
        view.series, period=period, goal=goal, title=_("Mon CA HT, jour après jour")
    )
    return render(
        request,
        "reporting/mine.html",
        {"view": view, "period": period, "assessment": assessment, "chart": chart},
    )


# Team dashboard ------------------------------------------------------------------------------


REP_COLUMNS = (
    ("calls_made", "int"), ("calls_planned", "int"), ("plan_adherence", "percent"), ("in_window_share", "percent"),
    ("reach_rate", "percent"), ("conversion", "percent"), ("orders", "int"), ("revenue", "money"),
    ("average_basket", "money"), ("lines_per_order", "number"), ("cross_sell_rate", "percent"),
    ("substitution_acceptance", "percent"), ("promotion_uptake", "percent"), ("margin", "money"),
    ("new_customers", "int"), ("reactivated", "int"), ("callbacks_kept_rate", "percent"),
    ("average_talk_seconds", "int"), ("target_talk_seconds", "int"),
)  # fmt: skip


def _column_labels() -> dict[str, str]:
    return {
        "calls_made": _("Appels passés"), "calls_planned": _("Appels planifiés"),
        "plan_adherence": _("Plan réalisé (%)"), "in_window_share": _("Dans la fenêtre du client (%)"),
        "reach_rate": _("Joignabilité (%)"), "conversion": _("Transformation (%)"), "orders": _("Commandes"),
        "revenue": _("CA HT (€)"), "average_basket": _("Panier moyen (€)"), "lines_per_order": _("Lignes par commande"),
        "cross_sell_rate": _("Vente additionnelle (%)"), "substitution_acceptance": _("Substitutions acceptées (%)"),
        "promotion_uptake": _("Commandes avec promotion (%)"), "margin": _("Marge brute (€)"),
        "new_customers": _("Nouveaux clients"), "reactivated": _("Comptes réactivés"),
        "callbacks_kept_rate": _("Rappels tenus (%)"), "average_talk_seconds": _("Durée moyenne (s)"),
        "target_talk_seconds": _("Durée recommandée (s)"),
    }  # fmt: skip


def _cell(figures: indicators.Figures, key: str, fmt: str) -> str:
    value = getattr(figures, key)
    if fmt == "percent":
        return _pct(value)
    if fmt == "int":
        return "" if value is None else str(round(value))
    return _num(value)


def _team_export(view: indicators.TeamDashboard, fmt: str) -> HttpResponse:
    labels = _column_labels()
    metric_labels = dict(Metric.choices)
    header = [_("Télévendeur")] + [labels[key] for key, _f in REP_COLUMNS]
    for metric in view.metrics:
        header += [
            _("Objectif %(metric)s") % {"metric": metric_labels[metric]},
            _("Atteint %(metric)s (%%)") % {"metric": metric_labels[metric]},
        ]
    rows = []
    for row in view.rows:
        line = [row.rep.get_full_name() or row.rep.username] + [
            _cell(row.figures, k, f) for k, f in REP_COLUMNS
        ]
        for metric in view.metrics:
            p = row.progress_for(metric)
            line += [_num(p.target) if p else "", str(p.percent) if p else ""]
        rows.append(line)
    total = [_("Équipe")] + [_cell(view.total, k, f) for k, f in REP_COLUMNS]
    rows.append(total)
    return download(header, rows, fmt=fmt, basename=f"equipe-{view.period.start}", title=_("Équipe"))


@login_required
@in_company_time
def team(request: HttpRequest) -> HttpResponse:
    if request.user.role == Role.REP:
        return redirect("reporting:mine")
    team, teams = _team(request)
    period = _period(request)
    view = indicators.team_dashboard(team=team, period=period)
    if fmt := _fmt(request):
        return _team_export(view, fmt)
    open_actions = CorrectiveAction.objects.filter(team=team, status=ActionStatus.OPEN).select_related(
        "rep", "owner"
    )
    goal = next((p for p in view.total_progress if p.metric == Metric.REVENUE), None)
    team_charts = [
        boards.cumulative_revenue(
            view.series, period=period, goal=goal, title=_("CA HT de l'équipe, jour après jour")
        )
    ]
    if Metric.REVENUE in view.metrics:
        team_charts.append(
            boards.reps_against_objective(
                view.rows, title=_("CA de chaque télévendeur face au rythme attendu")
            )
        )
    return render(
        request,
        "reporting/team.html#live" if request.GET.get("live") and view.is_current else "reporting/team.html",
        {
            "view": view,
            "period": period,
            "teams": teams,
            "team": team,
            "open_actions": list(open_actions[:10]),
            "metric_choices": Metric.choices,
            "charts": team_charts,
        },
    )


# Objectives ----------------------------------------------------------------------------------


@login_required
@in_company_time
@require_http_methods(["GET", "POST"])
def objectives(request: HttpRequest) -> HttpResponse:
    source = request.POST if request.method == "POST" else request.GET
    team, teams = _team(request, source)
    if not services.can_set_objectives(request.user, team):
        raise PermissionDenied(_("Seul le superviseur de l'équipe fixe ses objectifs."))
    period = Period.parse(source.get("period"), source.get("start"), timezone.localdate())
    reps = indicators.team_reps(team)
    current = indicators.objectives_for(team, period)
    metrics = list(Metric)
    errors: dict[str, str] = {}
    values: dict[str, str] = {}
    if request.method == "POST" and "copy_previous" in request.POST:
        try:
            services.objectives_copy_previous(team=team, period=period, by=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Objectifs de la période précédente repris : ajustez-les si besoin."))
        return redirect(f"{reverse('reporting:objectives')}?team={team.pk}&{period.query}")
    if request.method == "POST":
        targets = {}
        for owner in [None, *[r.pk for r in reps]]:
            for metric in metrics:
                name = f"t_{owner or 'team'}_{metric.value}"
                raw = request.POST.get(name, "")
                values[name] = raw
                try:
                    targets[(owner, metric.value)] = parse_target(raw)
                except ValueError as exc:
                    errors[name] = str(exc)
        if not errors:
            try:
                count = services.objectives_save(team=team, period=period, targets=targets, by=request.user)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(
                    request,
                    _("Objectifs enregistrés pour %(period)s (%(n)s).")
                    % {"period": period.label, "n": count},
                )
                return redirect(f"{reverse('reporting:team')}?team={team.pk}&{period.query}")
    else:
        for owner in [None, *[r.pk for r in reps]]:
            for metric in metrics:
                target = current.get(owner, {}).get(metric.value)
                values[f"t_{owner or 'team'}_{metric.value}"] = (
                    ""
                    if target is None
                    else formats.number_format(
                        target.quantize(Decimal(1)) if target == target.to_integral() else target,
                        use_l10n=True,
                    )
                )
    owners = [("team", _("Équipe (objectif propre)"), None)] + [
        (str(r.pk), r.get_full_name() or r.username, r) for r in reps
    ]
    grid = [
        {
            "key": key,
            "label": label,
            "rep": rep,
            "cells": [
                {
                    "name": f"t_{key}_{m.value}",
                    "value": values.get(f"t_{key}_{m.value}", ""),
                    "error": errors.get(f"t_{key}_{m.value}", ""),
                    "metric": m,
                }
                for m in metrics
            ],
        }  # fmt: skip
        for key, label, rep in owners
    ]
    return render(
        request,
        "reporting/objectives.html",
        {"team": team, "teams": teams, "period": period, "metrics": metrics, "grid": grid, "errors": errors},
        status=400 if errors else 200,
    )


# Variance analysis and corrective actions ---------------------------------------------------------


def _action_form(team: Team, data=None, initial=None) -> ActionForm:
    reps = indicators.team_reps(team)
    owners = list(User.objects.filter(pk=team.supervisor_id)) + reps if team.supervisor_id else reps
    return ActionForm(data, reps=reps, owners=owners, initial=initial)


@login_required
@in_company_time
def variance_view(request: HttpRequest) -> HttpResponse:
    team, teams = _team(request)
    rep = _rep(request, team)
    period = _period(request)
    view = indicators.variance(team=team, rep=rep, period=period)
    gap = ""
    if view.objective:
        gap = _("CA %(actual)s € pour un attendu de %(expected)s € à date (objectif %(target)s €)") % {
            "actual": formats.number_format(round(view.objective.actual), 0, force_grouping=True),
            "expected": formats.number_format(round(view.objective.expected), 0, force_grouping=True),
            "target": formats.number_format(round(view.objective.target), 0, force_grouping=True),
        }
    form = _action_form(
        team,
        initial={
            "rep": rep.pk if rep else "",
            "metric": Metric.REVENUE,
            "cause": view.main_cause,
            "gap": gap,
            "owner": (rep or team.supervisor or request.user).pk,
            "due_on": timezone.localdate() + dt.timedelta(days=14),
        },
    )
    actions = CorrectiveAction.objects.filter(team=team, period_kind=period.kind, period_start=period.start)
    if rep:
        actions = actions.filter(rep=rep)
    return render(
        request,
        "reporting/variance.html",
        {"view": view, "team": team, "teams": teams, "rep": rep, "reps": indicators.team_reps(team),
         "period": period, "form": form, "actions": actions.select_related("rep", "owner")},
    )  # fmt: skip


@login_required
@in_company_time
@require_POST
def action_create(request: HttpRequest) -> HttpResponse:
    team, _teams = _team(request, request.POST)
    period = Period.parse(request.POST.get("period"), request.POST.get("start"), timezone.localdate())
    form = _action_form(team, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        rep = User.objects.filter(pk=data["rep"], team=team).first() if data["rep"] else None
        owner = User.objects.filter(pk=data["owner"]).first()
        try:
            services.action_create(
                team=team, rep=rep, metric=data["metric"], period=period, cause=data["cause"],
                description=data["description"], owner=owner, due_on=data["due_on"], gap=data["gap"], by=request.user,
            )  # fmt: skip
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Action corrective enregistrée."))
            return redirect(f"{reverse('reporting:actions')}?team={team.pk}")
    rep = _rep(request, team, request.POST)
    view = indicators.variance(team=team, rep=rep, period=period)
    actions = CorrectiveAction.objects.filter(team=team, period_kind=period.kind, period_start=period.start)
    return render(
        request,
        "reporting/variance.html",
        {"view": view, "team": team, "teams": services.teams_for(request.user), "rep": rep,
         "reps": indicators.team_reps(team), "period": period, "form": form,
         "actions": actions.select_related("rep", "owner")},
        status=400,
    )  # fmt: skip


@login_required
@in_company_time
def actions(request: HttpRequest) -> HttpResponse:
    team, teams = _team(request)
    status = request.GET.get("status", "")
    qs = CorrectiveAction.objects.filter(team=team).select_related("rep", "owner", "created_by")
    if status in ActionStatus.values:
        qs = qs.filter(status=status)
    qs = qs.order_by("status", "due_on", "pk")
    if fmt := _fmt(request):
        header = [_("Créée le"), _("Télévendeur"), _("Indicateur"), _("Période"), _("Écart constaté"), _("Cause"),
                  _("Action décidée"), _("Responsable"), _("Pour le"), _("État"), _("Résultat constaté")]  # fmt: skip
        rows = (
            [
                timezone.localtime(a.created_at).date().isoformat(),
                a.rep.get_full_name() if a.rep else _("Équipe"),
                a.get_metric_display(),
                Period.containing(a.period_kind, a.period_start).label,
                a.gap,
                a.get_cause_display(),
                a.description,
                a.owner.get_full_name() or a.owner.username,
                a.due_on.isoformat(),
                a.get_status_display(),
                a.result,
            ]  # fmt: skip
            for a in qs
        )
        return download(header, rows, fmt=fmt, basename="actions-correctives", title=_("Actions correctives"))
    return render(
        request,
        "reporting/actions.html",
        {"team": team, "teams": teams, "actions": list(qs), "status": status, "statuses": ActionStatus.choices,
         "close_form": ActionCloseForm(), "today": timezone.localdate(), "period": _period(request)},
    )  # fmt: skip


@login_required
@in_company_time
@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_object_or_404(CorrectiveAction.objects.select_related("team"), pk=pk)
    if not (services.can_see_team(request.user, action.team) or action.owner_id == request.user.pk):
        raise Http404
    form = ActionCloseForm(request.POST)
    if form.is_valid():
        try:
            services.action_close(
                action=action,
                status=form.cleaned_data["status"],
                result=form.cleaned_data["result"],
                by=request.user,
            )
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Action mise à jour."))
    else:
        messages.error(request, _("Choisissez un état."))
    return redirect(f"{reverse('reporting:actions')}?team={action.team_id}#action-{action.pk}")


# Drill-downs ---------------------------------------------------------------------------------


@login_required
@in_company_time
def drill_customers(request: HttpRequest) -> HttpResponse:
    team, teams = _team(request)
    rep = _rep(request, team)
    period = _period(request)
    today = timezone.localdate()
    rep_ids = [rep.pk] if rep else [r.pk for r in indicators.team_reps(team, period)]
    order = "revenue" if request.GET.get("order") == "revenue" else "change"
    rows = drill.customers_behind_revenue(rep_ids=rep_ids, period=period, today=today, order=order)
    ref_start, ref_end = period.comparable_previous(today)
    if fmt := _fmt(request):
        header = [_("Client"), _("Ville"), _("Télévendeur"), _("CA HT période (€)"), _("Commandes période"),
                  _("CA HT référence (€)"), _("Commandes référence"), _("Écart (€)")]  # fmt: skip
        data = (
            [
                r.company.display_name,
                r.company.city,
                r.company.rep.get_full_name() if r.company.rep else "",
                _num(r.revenue),
                r.orders,
                _num(r.reference_revenue),
                r.reference_orders,
                _num(r.change),
            ]  # fmt: skip
            for r in rows
        )
        return download(header, data, fmt=fmt, basename="clients-ca", title=_("Clients"))
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "reporting/drill_customers.html",
        {"team": team, "teams": teams, "rep": rep, "period": period, "page": page, "order": order,
         "ref_start": ref_start, "ref_end": ref_end, "count": len(rows),
         "total": sum((r.revenue for r in rows), start=indicators.ZERO),
         "reference_total": sum((r.reference_revenue for r in rows), start=indicators.ZERO)},
    )  # fmt: skip


@login_required
@in_company_time
def drill_calls(request: HttpRequest) -> HttpResponse:
    team, teams = _team(request)
    rep = _rep(request, team)
    period = _period(request)
    rep_ids = [rep.pk] if rep else [r.pk for r in indicators.team_reps(team, period)]
    outcome = request.GET.get("outcome", "")
    weekday = _int(request.GET.get("weekday"))
    qs = drill.calls_behind(
        rep_ids=rep_ids, period=period, today=timezone.localdate(), outcome=outcome, weekday=weekday
    )
    if fmt := _fmt(request):
        header = [_("Date"), _("Télévendeur"), _("Client"), _("Contact"), _("Type"), _("Issue"), _("Durée (s)"),
                  _("Notes")]  # fmt: skip
        data = (
            [
                timezone.localtime(i.occurred_at).strftime("%Y-%m-%d %H:%M"),
                i.author.get_full_name() if i.author else "",
                i.company.display_name,
                str(i.contact) if i.contact else "",
                i.get_kind_display(),
                i.get_outcome_display(),
                i.duration_seconds or "",
                i.notes,
            ]  # fmt: skip
            for i in qs.iterator(chunk_size=2000)
        )
        return download(header, data, fmt=fmt, basename="appels", title=_("Appels"))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))

    return render(
        request,
        "reporting/drill_calls.html",
        {"team": team, "teams": teams, "rep": rep, "reps": indicators.team_reps(team), "period": period,
         "page": page, "outcome": outcome, "weekday": weekday, "weekdays": [(i, WEEKDAYS[i]) for i in range(5)]},
    )  # fmt: skip


# Self-assessment -----------------------------------------------------------------------------


@login_required
@in_company_time
@require_http_methods(["GET", "POST"])
def self_assessment(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.role != Role.REP:
        raise PermissionDenied(_("L'auto-évaluation est celle d'un télévendeur."))
    source = request.POST if request.method == "POST" else request.GET
    period = Period.parse(source.get("period"), source.get("start"), timezone.localdate())
    today = timezone.localdate()
    figures = indicators.self_assessment_figures(rep=user, period=period, today=today)
    existing = SelfAssessment.objects.filter(
        rep=user, period_kind=period.kind, period_start=period.start
    ).first()
    if request.method == "POST":
        form = SelfAssessmentForm(request.POST)
        if form.is_valid():
            try:
                services.self_assessment_save(
                    rep=user, period=period, figures=figures, by=user, **form.cleaned_data
                )
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Auto-évaluation enregistrée : votre superviseur peut la lire."))
                return redirect(f"{reverse('reporting:self_assessment')}?{period.query}")
    else:
        form = SelfAssessmentForm(
            initial={
                "difficulties": existing.difficulties,
                "progress": existing.progress,
                "next_steps": existing.next_steps,
            }
            if existing
            else None  # fmt: skip
        )
    view = indicators.my_performance(rep=user, period=period, today=today)
    segments = indicators.talk_by_segment(rep_ids=[user.pk], period=period, today=today)
    history = SelfAssessment.objects.filter(rep=user).exclude(pk=existing.pk if existing else None)[:6]
    return render(
        request,
        "reporting/self_assessment.html",
        {"view": view, "period": period, "form": form, "existing": existing, "segments": segments,
         "history": history},
        status=400 if request.method == "POST" else 200,
    )  # fmt: skip


@login_required
@in_company_time
def assessments(request: HttpRequest) -> HttpResponse:
    """The supervisor reads the team's self-assessments and answers them."""
    team, teams = _team(request)
    items = (
        SelfAssessment.objects.filter(rep__team=team)
        .select_related("rep")
        .order_by("-period_start", "rep__last_name")
    )
    return render(
        request,
        "reporting/assessments.html",
        {
            "team": team,
            "teams": teams,
            "items": list(items[:60]),
            "form": CommentForm(),
            "period": _period(request),
        },
    )


@login_required
@in_company_time
@require_POST
def assessment_comment(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = get_object_or_404(SelfAssessment.objects.select_related("rep__team"), pk=pk)
    team = assessment.rep.team
    if team is None or not services.can_see_team(request.user, team):
        raise Http404
    form = CommentForm(request.POST)
    if form.is_valid():
        services.self_assessment_comment(
            assessment=assessment, comment=form.cleaned_data["comment"], by=request.user
        )
        messages.success(request, _("Commentaire enregistré."))
    else:
        messages.error(request, _("Écrivez un commentaire."))
    return redirect(f"{reverse('reporting:assessments')}?team={team.pk}#assessment-{assessment.pk}")


# Portfolio and service tabs, synthesis ---------------------------------------------------------


@login_required
@in_company_time
def portfolio_view(request: HttpRequest) -> HttpResponse:

    team, teams = _team(request)
    period = _period(request)
    view = portfolio(team=team, period=period)
    if fmt := _fmt(request):
        header = [_("Client"), _("Ville"), _("Télévendeur"), _("Commande attendue le"), _("Jours de retard"),
                  _("Panier habituel (€)"), _("Dernière commande")]  # fmt: skip
        rows = (
            [
                r.company.display_name,
                r.company.city,
                r.rep.get_full_name() if r.rep else "",
                r.expected_on.isoformat(),
                r.days_late,
                _num(r.usual_basket),
                r.last_order_on.isoformat() if r.last_order_on else "",
            ]  # fmt: skip
            for r in view.late_customers
        )
        return download(header, rows, fmt=fmt, basename="clients-en-retard", title=_("Clients en retard"))
    pareto_chart = charts.pareto(
        _("Concentration du chiffre d'affaires sur 12 mois"), view.pareto.points, top20_share=view.pareto.top20_share,
        top_customers_share=(view.pareto.top20_customers / view.pareto.customers) if view.pareto.customers else 0.2,
    )  # fmt: skip
    abc_chart = charts.bars(
        _("Part du CA par classe ABC"), [row.label for row in view.abc], [row.share for row in view.abc],
        fmt="percent", label_header=_("Classe"), value_header=_("Part du CA"),
    )  # fmt: skip
    return render(
        request,
        "reporting/portfolio.html",
        {"view": view, "team": team, "teams": teams, "period": period, "pareto_chart": pareto_chart,
         "abc_chart": abc_chart},
    )  # fmt: skip


@login_required
@in_company_time
def service_view(request: HttpRequest) -> HttpResponse:

    team, teams = _team(request)
    period = _period(request)
    view = service_quality(team=team, period=period)
    if fmt := _fmt(request):
        header = [_("Type"), _("Cause"), _("Nombre"), _("Montant en jeu (€ HT)")]
        rows = [[_("Réclamation"), r.label, r.count, _num(r.amount)] for r in view.claims_by_cause] + [
            [_("Incident de livraison"), r.label, r.count, ""] for r in view.incidents_by_cause
        ]
        return download(header, rows, fmt=fmt, basename="service-causes", title=_("Causes"))
    claims_chart = charts.bars(
        _("Réclamations par cause"), [r.label for r in view.claims_by_cause], [r.count for r in view.claims_by_cause],
        fmt="int", label_header=_("Cause"), value_header=_("Réclamations"),
    )  # fmt: skip
    return render(
        request,
        "reporting/service.html",
        {"view": view, "team": team, "teams": teams, "period": period, "claims_chart": claims_chart},
    )


@login_required
@in_company_time
def synthesis(request: HttpRequest) -> HttpResponse:

    team, _teams = _team(request)
    period = _period(request)
    response = HttpResponse(synthesis_pdf(team=team, period=period), content_type="application/pdf")
    name = slugify(f"synthese {team.name} {period.kind} {period.start.isoformat()}")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
