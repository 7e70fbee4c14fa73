"""Script screens: the list and editor (supervisors), the read-only script for reps, the runner card
of the cockpit and the customer file, the results per script, and the objection library."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.calls.models import CallTask
from televente.core.errors import DomainError, add_form_error
from televente.customers.models import Company

from . import selectors, services
from .choices import AnswerType, ObjectionFamily
from .forms import AnswerFormSet, ObjectionForm, ScriptForm, StepFormSet, script_initial, step_initial
from .models import Objection, ObjectionAnswer, Script, ScriptRun, ScriptStep


def _reader(request: HttpRequest) -> None:
    if not services.can_read_scripts(request.user):
        raise PermissionDenied


def _editor(request: HttpRequest) -> None:
    if not services.can_edit_scripts(request.user):
        raise PermissionDenied


def _int(value) -> int | None:
    return int(value) if value and str(value).isdigit() else None


# The list, the script page, the editor ----------------------------------------------------------------------


@login_required
@require_GET
def script_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    can_edit = services.can_edit_scripts(request.user)
    return render(
        request,
        "scripts/script_list.html",
        {
            "scripts": selectors.scripts_list(user=request.user, include_inactive=can_edit),
            "can_edit": can_edit,
        },
    )


@login_required
@require_GET
def script_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    try:
        script, steps = selectors.script_detail(user=request.user, pk=pk)
    except Script.DoesNotExist as exc:
        raise Http404 from exc
    if not script.is_active and not services.can_edit_scripts(request.user):
        raise Http404
    return render(
        request,
        "scripts/script_detail.html",
        {"script": script, "steps": steps, "can_edit": services.can_edit_scripts(request.user)},
    )


def _edit(request: HttpRequest, script: Script | None) -> HttpResponse:
    if request.method == "POST":
        form = ScriptForm(request.POST)
        # The saved steps as initial: on an error the rows keep their titles and the "delete" boxes
        # ticked, and unchanged rows are still recognised as kept.
        initial = (
            step_initial(selectors.script_detail(user=request.user, pk=script.pk)[1]) if script else None
        )
        formset = StepFormSet(request.POST, prefix="steps", initial=initial)
        if form.is_valid() and formset.is_valid():
            try:
                saved = services.script_save(
                    by=request.user,
                    script=script,
                    name=form.cleaned_data["name"],
                    description=form.cleaned_data["description"],
                    reasons=form.cleaned_data["reasons"],
                    steps=formset.steps(),
                )
            except DomainError as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, _("Script « %(name)s » enregistré.") % {"name": saved.name})
                return redirect("scripts:detail", pk=saved.pk)
    else:
        if script is not None:
            _s, steps = selectors.script_detail(user=request.user, pk=script.pk)
            form = ScriptForm(initial=script_initial(script))
            formset = StepFormSet(initial=step_initial(steps), prefix="steps")
        else:
            form = ScriptForm()
            formset = StepFormSet(prefix="steps", initial=[{"position": 1, "kind": "greeting"}])
    return render(
        request,
        "scripts/script_form.html",
        {"form": form, "formset": formset, "script": script},
        status=422 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def script_new(request: HttpRequest) -> HttpResponse:
    _editor(request)
    return _edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def script_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    return _edit(request, get_object_or_404(Script, pk=pk))


@login_required
@require_POST
def script_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    copy = services.script_copy(script=get_object_or_404(Script, pk=pk), by=request.user)
    messages.success(request, _("Copie créée, inactive : adaptez-la puis activez-la."))
    return redirect("scripts:edit", pk=copy.pk)


@login_required
@require_POST
def script_toggle(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    script = get_object_or_404(Script, pk=pk)
    services.script_set_active(script=script, by=request.user, active=not script.is_active)
    messages.success(
        request,
        (_("Script « %(name)s » activé.") if script.is_active else _("Script « %(name)s » désactivé."))
        % {"name": script.name},
    )
    return redirect("scripts:detail", pk=script.pk)


@login_required
@require_GET
def script_results(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    script = get_object_or_404(Script, pk=pk)
    return render(
        request,
        "scripts/script_results.html",
        {"script": script, **selectors.script_results(user=request.user, script=script)},
    )


# The runner (cockpit, customer file) ------------------------------------------------------------------------


def _panel_call(request: HttpRequest, company_pk: int) -> tuple[Company, CallTask | None]:
    """The customer, and the call in progress when the cockpit gives it (visible to the user, about
    this customer): another team's call answers 404."""
    company = get_object_or_404(Company.objects.visible_to(request.user), pk=company_pk)
    source = request.POST if request.method == "POST" else request.GET
    task_id = _int(source.get("appel"))
    task = None
    if task_id is not None:
        task = get_object_or_404(CallTask.objects.visible_to(request.user), pk=task_id, company=company)
    return company, task


def _render_panel(
    request: HttpRequest, company: Company, task, *, script_id=None, run_id=None, step_id=None, error=None,
    typed=None, status=200,
):  # fmt: skip
    runner = selectors.runner(
        user=request.user, company=company, task=task, script_id=script_id, run_id=run_id, step_id=step_id
    )
    return render(
        request,
        "scripts/_panel.html",
        {
            "company": company,
            "task": task,
            "r": runner,
            "error": error,
            "answer": runner.answer if typed is None else typed,
            "types": AnswerType,
            "choose": task is None and runner.script is None,
        },
        status=status,
    )


@login_required
@require_GET
def company_panel(request: HttpRequest, company_pk: int) -> HttpResponse:
    _reader(request)
    company, task = _panel_call(request, company_pk)
    script_id = _int(request.GET.get("script"))
    if task is None and script_id is None:
        # On the customer file there is no call: the scripts to open for a call without a plan.
        return render(
            request,
            "scripts/_panel.html",
            {
                "company": company,
                "task": None,
                "choose": True,
                "r": selectors.runner(user=request.user, company=company),
            },
        )
    return _render_panel(request, company, task, script_id=script_id, run_id=_int(request.GET.get("run")))


@login_required
@require_POST
def panel_next(request: HttpRequest, company_pk: int) -> HttpResponse:
    _reader(request)
    company, task = _panel_call(request, company_pk)
    script = get_object_or_404(Script, pk=_int(request.POST.get("script")) or 0)
    step = get_object_or_404(ScriptStep, pk=_int(request.POST.get("step")) or 0, script=script)
    run = _run(request, company, task)
    if not script.is_active and not (
        (run is not None and run.script_id == script.pk)
        or (task is not None and ScriptRun.objects.filter(script=script, task=task).exists())
    ):
        raise Http404  # an inactive script is only finished by the calls already following it
    try:
        run = services.run_answer(
            script=script, company=company, task=task, run=run, by=request.user, step=step,
            answer=request.POST.get("answer", ""),
        )  # fmt: skip
    except DomainError as exc:
        # Stay on the step with what was typed and the reason next to the field.
        return _render_panel(
            request, company, task, script_id=script.pk, run_id=run.pk if run else None, step_id=step.pk,
            error=exc.message, typed=request.POST.get("answer", ""),
            status=200 if request.htmx else 422,  # htmx swaps no 4xx answer: the message would be lost
        )  # fmt: skip
    return _render_panel(request, company, task, script_id=script.pk, run_id=run.pk)


@login_required
@require_POST
def panel_back(request: HttpRequest, company_pk: int) -> HttpResponse:
    _reader(request)
    company, task = _panel_call(request, company_pk)
    run = _run(request, company, task)
    if run is None:
        raise Http404
    try:
        run = services.run_back(run=run, by=request.user)
    except DomainError as exc:
        return _render_panel(
            request, company, task, script_id=run.script_id, run_id=run.pk, error=exc.message
        )
    return _render_panel(request, company, task, script_id=run.script_id, run_id=run.pk)


def _run(request: HttpRequest, company: Company, task) -> ScriptRun | None:
    run_id = _int(request.POST.get("run"))
    if run_id is None:
        return None
    run = ScriptRun.objects.filter(pk=run_id, company=company, task=task).first()
    if run is None or (task is None and run.rep_id != request.user.pk):
        raise Http404
    return run


@login_required
@require_GET
def panel_objections(request: HttpRequest, company_pk: int) -> HttpResponse:
    _reader(request)
    company, task = _panel_call(request, company_pk)
    query = request.GET.get("q", "")
    return render(
        request,
        "scripts/_objection_results.html",
        {
            "company": company,
            "task": task,
            "q": query,
            "rows": selectors.objection_search(user=request.user, query=query),
        },
    )


@login_required
@require_POST
def panel_objection_use(request: HttpRequest, company_pk: int, answer_pk: int) -> HttpResponse:
    _reader(request)
    company, task = _panel_call(request, company_pk)
    answer = get_object_or_404(ObjectionAnswer.objects.select_related("objection"), pk=answer_pk)
    query = request.POST.get("q", "")
    used = None
    error = None
    try:
        with transaction.atomic():
            services.objection_answer_use(answer=answer, company=company, task=task, by=request.user)
        used = answer.pk
    except DomainError as exc:
        error = exc.message
    return render(
        request,
        "scripts/_objection_results.html",
        {
            "company": company,
            "task": task,
            "q": query,
            "rows": selectors.objection_search(user=request.user, query=query),
            "used": used,
            "error": error,
        },
    )


# The objection library --------------------------------------------------------------------------------------


@login_required
@require_GET
def objection_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    can_edit = services.can_edit_scripts(request.user)
    family = request.GET.get("famille", "")
    family = family if family in ObjectionFamily.values else ""
    query = request.GET.get("q", "")
    return render(
        request,
        "scripts/objection_list.html",
        {
            "rows": selectors.objection_library(
                user=request.user, family=family, query=query, include_inactive=can_edit
            ),
            "families": ObjectionFamily.choices,
            "family": family,
            "q": query,
            "can_edit": can_edit,
            "days": selectors.STATS_DAYS,
            "now": timezone.now(),
        },
    )


def _objection_edit(request: HttpRequest, objection: Objection | None) -> HttpResponse:
    form = ObjectionForm(request.POST or None, instance=objection)
    formset = AnswerFormSet(request.POST or None, instance=objection or Objection(), prefix="answers")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            with transaction.atomic():
                saved = services.objection_save(form=form, formset=formset, by=request.user)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Objection enregistrée."))
            return redirect(f"{_objections_url()}#objection-{saved.pk}")
    return render(
        request,
        "scripts/objection_form.html",
        {"form": form, "formset": formset, "objection": objection},
        status=422 if request.method == "POST" else 200,
    )


def _objections_url() -> str:
    from django.urls import reverse

    return reverse("scripts:objections")


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest) -> HttpResponse:
    _editor(request)
    return _objection_edit(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def objection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _editor(request)
    return _objection_edit(request, get_object_or_404(Objection, pk=pk))
