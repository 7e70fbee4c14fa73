"""The rep's cockpit (the main screen of the day) and the supervisor's plan screens."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.models import Team
from televente.accounts.permissions import is_supervisor_or_admin
from televente.core.errors import DomainError, add_form_error
from televente.customers.actions import actions_for, panels_for

from . import selectors, services
from .choices import CallOutcome, PauseReason
from .forms import AbsenceForm, GenerateForm, MoveForm, OutcomeForm, PlanSettingsForm, SkipForm
from .models import CallPlan, CallTask, PlanSettings


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    """After an htmx POST, HX-Location (NetBox); a plain form gets a 302."""
    if request.htmx:
        response = HttpResponse(status=204)
        response["HX-Location"] = url
        return response
    return redirect(url)


# The rep's cockpit ----------------------------------------------------------------------------------------------------


def _cockpit_context(request: HttpRequest, task_id: int | None = None, **forms) -> dict:
    data = selectors.cockpit(user=request.user, task_id=task_id)
    task = data.task
    context = {"cockpit": data, "task": task}
    if task is not None:
        context["prep"] = selectors.call_preparation(company=task.company)
        context["actions"] = actions_for(request.user, task.company)
        # Panels learn which call they sit beside (the script of its reason, the documents it sends).
        context["call_panels"] = [
            f"{url}?appel={task.pk}" for url in panels_for(request.user, task.company, during_call=True)
        ]
        context["panels"] = [
            f"{url}?appel={task.pk}" for url in panels_for(request.user, task.company, during_call=False)
        ]
        default_next = services.next_call_day(task.company, timezone.localdate())
        context["outcome_form"] = forms.get("outcome_form") or OutcomeForm(
            initial={
                "next_action": "callback",
                "next_action_date": default_next.date() if default_next else None,
                "next_action_time": default_next.time() if default_next else None,
            }
        )
        context["skip_form"] = forms.get("skip_form") or SkipForm()
        context["target_seconds"] = task.expected_minutes * 60
        context["window_state"] = task.window_state(timezone.now())
        context["outcomes"] = CallOutcome
    context["pause_reasons"] = PauseReason.choices
    context["dial_scheme"] = settings.CLICK_TO_CALL_SCHEME
    return context


@login_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    task_id = request.GET.get("appel")
    context = _cockpit_context(request, int(task_id) if task_id and task_id.isdigit() else None)
    return render(request, "calls/cockpit.html", context)


def _my_task(request: HttpRequest, pk: int) -> CallTask:
    return get_object_or_404(
        CallTask.objects.visible_to(request.user).select_related("plan__team", "company"), pk=pk
    )


@login_required
@require_POST
def call_start(request: HttpRequest, pk: int) -> HttpResponse:
    task = _my_task(request, pk)
    try:
        services.call_start(task=task, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    return _redirect(request, f"{reverse('calls:cockpit')}?appel={task.pk}")


@login_required
@require_POST
def call_outcome(request: HttpRequest, pk: int) -> HttpResponse:
    task = _my_task(request, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        try:
            done = services.call_outcome_record(task=task, by=request.user, **form.service_data())
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Appel enregistré : %(outcome)s.") % {"outcome": done.outcome_label})
            return _redirect(request, reverse("calls:cockpit"))
    context = _cockpit_context(request, task.pk, outcome_form=form)
    return render(request, "calls/cockpit.html", context)


@login_required
@require_POST
def call_skip(request: HttpRequest, pk: int) -> HttpResponse:
    task = _my_task(request, pk)
    form = SkipForm(request.POST)
    if form.is_valid():
        try:
            services.call_skip(task=task, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Appel passé."))
            return _redirect(request, reverse("calls:cockpit"))
    return render(request, "calls/cockpit.html", _cockpit_context(request, task.pk, skip_form=form))


@login_required
@require_POST
def pause(request: HttpRequest) -> HttpResponse:
    """Starts a pause (with its reason) or ends the one under way."""
    try:
        if request.POST.get("action") == "end":
            services.pause_end(by=request.user)
        else:
            services.pause_start(by=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.message)
    return _redirect(request, reverse("calls:cockpit"))


# The supervisor's plans -----------------------------------------------------------------------------------------------


def _supervisor(request: HttpRequest) -> None:
    if not is_supervisor_or_admin(request.user):
        raise PermissionDenied


def _team(request: HttpRequest) -> Team:
    teams = selectors.teams_to_plan(user=request.user)
    if not teams:
        raise Http404(_("Aucune équipe à planifier."))
    wanted = request.GET.get("equipe") or request.POST.get("team")
    return next((t for t in teams if str(t.pk) == wanted), teams[0])


@login_required
@require_http_methods(["GET", "POST"])
def plans(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    team = _team(request)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    form = GenerateForm(request.POST or None, initial={"date": tomorrow})
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.plan_get_or_create(team=team, day=form.cleaned_data["date"], by=request.user)
            services.plan_generate_request(plan=plan, by=request.user)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return redirect("calls:plan", pk=plan.pk)
    context = {
        "team": team,
        "teams": selectors.teams_to_plan(user=request.user),
        "plans": selectors.plans_of(user=request.user, team=team, around=timezone.localdate()),
        "form": form,
    }
    return render(request, "calls/plans.html", context)


def _plan(request: HttpRequest, pk: int) -> CallPlan:
    _supervisor(request)
    return get_object_or_404(CallPlan.objects.visible_to(request.user).select_related("team"), pk=pk)


@login_required
@require_GET
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    if request.htmx and request.GET.get("partial") == "status":
        response = render(request, "calls/plan_detail.html#plan-status", {"plan": plan})
        if not plan.is_running:
            response["HX-Refresh"] = "true"  # the board appears with the finished plan
        return response
    context = {
        "plan": plan,
        "board": None if plan.is_running else selectors.plan_board(user=request.user, plan=plan),
        "progress": selectors.plan_progress(plan=plan) if plan.date <= timezone.localdate() else None,
        "adherence": selectors.plan_adherence(plan=plan) if plan.date <= timezone.localdate() else None,
        "absence_form": AbsenceForm(team=plan.team),
        "today": timezone.localdate(),
    }
    return render(request, "calls/plan_detail.html", context)


@login_required
@require_GET
def plan_rep_calls(request: HttpRequest, pk: int, rep_pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    calls = selectors.rep_calls(plan=plan, rep_id=rep_pk)
    return render(request, "calls/plan_detail.html#rep-calls", {"plan": plan, "calls": calls})


@login_required
@require_POST
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        services.plan_publish(plan=plan, by=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Plan publié : les télévendeurs le voient dans « Mes appels »."))
    return redirect("calls:plan", pk=plan.pk)


@login_required
@require_POST
def plan_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    try:
        services.plan_generate_request(
            plan=plan, by=request.user, rest_of_day=request.POST.get("rest") == "1"
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    return redirect("calls:plan", pk=plan.pk)


@login_required
@require_POST
def absence_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = AbsenceForm(request.POST, team=plan.team)
    if form.is_valid():
        try:
            services.absence_record(day=plan.date, by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request, _("Absence enregistrée ; le reste du plan est recalculé sans ce télévendeur.")
            )
            return redirect("calls:plan", pk=plan.pk)
    context = {
        "plan": plan,
        "board": selectors.plan_board(user=request.user, plan=plan),
        "absence_form": form,
    }
    return render(request, "calls/plan_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def task_move(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisor(request)
    task = get_object_or_404(
        CallTask.objects.visible_to(request.user).select_related("plan__team", "company", "rep"), pk=pk
    )
    initial = {"rep": task.rep_id or task.own_rep_id}
    if task.planned_start:
        initial["start"] = timezone.localtime(task.planned_start).time()
    form = MoveForm(request.POST or None, team=task.plan.team, initial=initial)
    if request.method == "POST" and form.is_valid():
        start = dt.datetime.combine(
            task.plan.date, form.cleaned_data["start"], tzinfo=timezone.get_current_timezone()
        )
        try:
            services.task_move(task=task, by=request.user, rep=form.cleaned_data["rep"], start=start)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Appel déplacé."))
            return redirect("calls:plan", pk=task.plan_id)
    return render(request, "calls/task_move.html", {"task": task, "form": form})


@login_required
@require_http_methods(["GET", "POST"])
def plan_settings(request: HttpRequest) -> HttpResponse:
    _supervisor(request)
    team = _team(request)
    instance = PlanSettings.objects.filter(team=team).first() or PlanSettings(team=team)
    form = PlanSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_settings_save(team=team, by=request.user, data=form.service_data())
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Paramètres enregistrés ; ils servent aux prochains plans."))
            return redirect(f"{reverse('calls:plans')}?equipe={team.pk}")
    return render(request, "calls/settings.html", {"team": team, "form": form})
