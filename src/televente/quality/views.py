"""Quality screens: home, calls to evaluate, evaluations (fill, read, acknowledge), self-assessment,
coaching sessions and calibrations. Views stay thin: rules in services, reads in selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, PermissionRefused, add_form_error

from . import permissions, selectors, services
from .choices import EvaluationKind, EvaluationStatus
from .forms import (
    AcknowledgeForm,
    CalibrationForm,
    CallFilterForm,
    EvaluationFillForm,
    EvaluationFilterForm,
    GridChoiceForm,
    SelfAssessmentForm,
    SessionEvaluateForm,
    SessionForm,
)

PAGE = 50


def _user(request: HttpRequest):
    if not permissions.can_use(request.user):
        raise PermissionDenied
    return request.user


def _evaluator(request: HttpRequest):
    if not permissions.can_evaluate(request.user):
        raise PermissionDenied
    return request.user


def _evaluable_call(user, pk: int):
    """A call of a rep the user evaluates (others: 404)."""
    return get_object_or_404(
        selectors.visible_calls(user=user).filter(author__in=selectors.evaluable_reps(user=user)), pk=pk
    )


# Home -----------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if permissions.can_evaluate(user):
        return render(
            request, "quality/home.html", {"is_evaluator": True, **selectors.home_supervisor(user=user)}
        )
    return render(request, "quality/home.html", {"is_evaluator": False, **selectors.home_rep(user=user)})


# Calls ----------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def call_list(request: HttpRequest) -> HttpResponse:
    user = _evaluator(request)
    form = CallFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    calls = selectors.calls_to_evaluate(
        user=user,
        rep=filters.get("rep"),
        days=filters.get("days") or 30,
        outcome=filters.get("outcome") or None,
        pending_only=bool(filters.get("pending")),
    )
    page = Paginator(calls, PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.with_call_details(page.object_list)
    return render(request, "quality/call_list.html", {"form": form, "page": page})


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_new(request: HttpRequest, interaction_pk: int) -> HttpResponse:
    """The call's summary and the choice of grid; POST starts the evaluation and opens the grid."""
    user = _evaluator(request)
    interaction = _evaluable_call(user, interaction_pk)
    form = GridChoiceForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_start(
                by=user, interaction=interaction, grid_version=form.cleaned_data["grid_version"]
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            if evaluation.status != EvaluationStatus.DRAFT:
                messages.info(request, _("Vous avez déjà évalué cet appel avec cette grille."))
                return redirect("quality:evaluation", pk=evaluation.pk)
            return redirect("quality:evaluation_fill", pk=evaluation.pk)
    return render(
        request,
        "quality/evaluation_new.html",
        {
            "form": form,
            "interaction": interaction,
            "recording_url": selectors.call_recording(interaction),
            "results": selectors.call_results(interaction=interaction),
            "existing": selectors.evaluation_list(user=user).filter(interaction=interaction),
        },
    )


# Evaluations ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def evaluation_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = EvaluationFilterForm(request.GET or None, user=user)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    evaluations = selectors.evaluation_list(
        user=user,
        rep=filters.get("rep"),
        grid=filters.get("grid"),
        status=filters.get("status") or "",
        kind=filters.get("kind") or "",
    )
    page = Paginator(evaluations, PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "quality/evaluation_list.html",
        {"form": form, "page": page, "is_evaluator": permissions.can_evaluate(user)},
    )


@login_required
@require_GET
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    context = selectors.evaluation_detail(user=user, pk=pk)
    evaluation = context["evaluation"]
    if (
        evaluation.status == EvaluationStatus.DRAFT
        and evaluation.evaluator_id == user.pk
        and not (evaluation.calibration_id and evaluation.calibration.closed_at)
    ):
        return redirect("quality:evaluation_fill", pk=evaluation.pk)
    context.update(
        {
            "ack_form": AcknowledgeForm(),
            "can_acknowledge": evaluation.kind == EvaluationKind.SUPERVISOR
            and evaluation.rep_id == user.pk
            and evaluation.status == EvaluationStatus.SHARED,
            "can_plan_training": permissions.can_evaluate_rep(user, evaluation.rep),
            "is_evaluator": permissions.can_evaluate(user),
        }
    )
    return render(request, "quality/evaluation_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def evaluation_fill(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    evaluation = selectors.get_evaluation(user=user, pk=pk)
    if evaluation.evaluator_id != user.pk:
        raise PermissionDenied
    if evaluation.status != EvaluationStatus.DRAFT:
        messages.info(request, _("Cette évaluation a été transmise : elle ne se modifie plus."))
        return redirect("quality:evaluation", pk=evaluation.pk)
    if evaluation.calibration_id and evaluation.calibration.closed_at is not None:
        messages.info(request, _("Ce calibrage est clos : les notes ne se modifient plus."))
        return redirect("quality:calibration", pk=evaluation.calibration_id)
    rows = selectors.evaluation_rows(evaluation)
    if request.method == "POST":
        form = EvaluationFillForm(request.POST, rows=rows)
        share = "share" in request.POST
        if form.is_valid():
            try:
                services.evaluation_save(
                    evaluation=evaluation,
                    by=user,
                    answers=form.answers(),
                    overall_comment=form.cleaned_data["overall_comment"],
                    agreed_actions=form.cleaned_data["agreed_actions"],
                    share=share,
                )
            except DomainError as exc:
                add_form_error(form, exc)
                if exc.code == "unanswered":
                    for item_id, (value, _comment) in form.answers().items():
                        if not value:
                            form.add_error(f"item_{item_id}", _("Réponse attendue."))
            else:
                if share:
                    if evaluation.kind == EvaluationKind.SELF:
                        messages.success(request, _("Auto-évaluation transmise à votre superviseur."))
                    else:
                        messages.success(request, _("Évaluation transmise au télévendeur."))
                    return redirect("quality:evaluation", pk=evaluation.pk)
                if evaluation.calibration_id:
                    messages.success(request, _("Votre note est enregistrée."))
                    return redirect("quality:calibration", pk=evaluation.calibration_id)
                messages.success(request, _("Brouillon enregistré."))
                return redirect("quality:evaluation_fill", pk=evaluation.pk)
    else:
        form = EvaluationFillForm(
            initial={
                "overall_comment": evaluation.overall_comment,
                "agreed_actions": evaluation.agreed_actions,
            },
            rows=rows,
        )
    interaction = evaluation.interaction
    return render(
        request,
        "quality/evaluation_fill.html",
        {
            "evaluation": evaluation,
            "form": form,
            "interaction": interaction,
            "recording_url": selectors.call_recording(interaction) if interaction else "",
            "results": selectors.call_results(interaction=interaction) if interaction else None,
        },
    )


@login_required
@require_POST
def evaluation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    evaluation = selectors.get_evaluation(user=user, pk=pk)
    form = AcknowledgeForm(request.POST)
    if form.is_valid():
        try:
            services.evaluation_acknowledge(
                evaluation=evaluation, by=user, comment=form.cleaned_data["comment"]
            )
        except PermissionRefused:
            raise PermissionDenied from None
        except DomainError as exc:
            # A second click (already acknowledged), or not shared yet: nothing changes, back to the page.
            if evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.rep_id == user.pk:
                messages.info(request, _("Vous avez déjà pris connaissance de cette évaluation."))
            else:
                messages.error(request, exc.message)
            return redirect("quality:evaluation", pk=evaluation.pk)
        messages.success(
            request, _("Merci : votre superviseur sait que vous avez pris connaissance de l'évaluation.")
        )
        return redirect("quality:evaluation", pk=evaluation.pk)
    context = selectors.evaluation_detail(user=user, pk=pk)
    context.update(
        {
            "ack_form": form,
            "can_acknowledge": evaluation.kind == EvaluationKind.SUPERVISOR
            and evaluation.rep_id == user.pk
            and evaluation.status == EvaluationStatus.SHARED,
            "can_plan_training": False,
            "is_evaluator": False,
        }
    )
    return render(request, "quality/evaluation_detail.html", context, status=400)


@login_required
@require_POST
def evaluation_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    evaluation = selectors.get_evaluation(user=user, pk=pk)
    calibration_id, session_id = evaluation.calibration_id, evaluation.session_id
    try:
        services.evaluation_delete(evaluation=evaluation, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        if calibration_id:
            return redirect("quality:calibration", pk=calibration_id)
        return redirect("quality:evaluation", pk=evaluation.pk)
    messages.success(request, _("Brouillon supprimé."))
    if calibration_id:
        return redirect("quality:calibration", pk=calibration_id)
    if session_id:
        return redirect("quality:session", pk=session_id)
    return redirect("quality:home")


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment_new(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = SelfAssessmentForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_start(
                by=user,
                rep=user,
                kind=EvaluationKind.SELF,
                grid_version=form.cleaned_data["grid_version"],
                interaction=form.cleaned_data.get("interaction"),
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return redirect("quality:evaluation_fill", pk=evaluation.pk)
    return render(request, "quality/evaluation_self_new.html", {"form": form})


# Sessions -------------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    page = Paginator(selectors.session_list(user=user), PAGE).get_page(request.GET.get("page"))
    return render(
        request, "quality/session_list.html", {"page": page, "is_evaluator": permissions.can_evaluate(user)}
    )


@login_required
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    user = _evaluator(request)
    initial = {}
    if request.GET.get("rep", "").isdigit():
        initial["rep"] = int(request.GET["rep"])
    form = SessionForm(request.POST or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session = services.session_create(by=user, **form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Séance enregistrée : ajoutez-y les évaluations."))
            return redirect("quality:session", pk=session.pk)
    return render(request, "quality/session_new.html", {"form": form})


@login_required
@require_GET
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    context = selectors.session_detail(user=user, pk=pk)
    session = context["session"]
    context["can_evaluate"] = permissions.can_evaluate_in_session(user, session)
    return render(request, "quality/session_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def session_evaluate(request: HttpRequest, pk: int) -> HttpResponse:
    user = _evaluator(request)
    session = selectors.session_detail(user=user, pk=pk)["session"]
    form = SessionEvaluateForm(request.POST or None, user=user, session=session)
    if request.method == "POST" and form.is_valid():
        try:
            evaluation = services.evaluation_start(
                by=user,
                session=session,
                grid_version=form.cleaned_data["grid_version"],
                interaction=form.cleaned_data.get("interaction"),
            )
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            return redirect("quality:evaluation_fill", pk=evaluation.pk)
    return render(request, "quality/session_evaluate.html", {"form": form, "session": session})


# Calibration ----------------------------------------------------------------------------------------------------------


@login_required
@require_GET
def calibration_list(request: HttpRequest) -> HttpResponse:
    user = _evaluator(request)
    page = Paginator(selectors.calibration_list(user=user), PAGE).get_page(request.GET.get("page"))
    return render(request, "quality/calibration_list.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def calibration_new(request: HttpRequest, interaction_pk: int) -> HttpResponse:
    user = _evaluator(request)
    interaction = _evaluable_call(user, interaction_pk)
    form = CalibrationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            calibration = services.calibration_start(
                by=user,
                interaction=interaction,
                grid_version=form.cleaned_data["grid_version"],
                note=form.cleaned_data["note"],
            )
            evaluation = services.calibration_score(calibration=calibration, by=user)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(
                request,
                _("Calibrage ouvert : notez l'appel, puis invitez les autres superviseurs à le noter."),
            )
            return redirect("quality:evaluation_fill", pk=evaluation.pk)
    return render(
        request,
        "quality/calibration_new.html",
        {"form": form, "interaction": interaction, "recording_url": selectors.call_recording(interaction)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _evaluator(request)
    calibration = selectors.get_calibration(user=user, pk=pk)
    if request.method == "POST":
        if request.POST.get("action") != "close":
            raise Http404
        try:
            services.calibration_close(calibration=calibration, by=user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Calibrage clos."))
        return redirect("quality:calibration", pk=calibration.pk)
    comparison = selectors.calibration_comparison(calibration=calibration)
    mine = next((e for e in comparison["participants"] if e.evaluator_id == user.pk), None)
    return render(
        request,
        "quality/calibration_detail.html",
        {
            "calibration": calibration,
            "interaction": calibration.interaction,
            "recording_url": selectors.call_recording(calibration.interaction),
            "mine": mine,
            "can_close": calibration.closed_at is None
            and permissions.can_close_calibration(user, calibration),
            **comparison,
        },
    )


@login_required
@require_POST
def calibration_score(request: HttpRequest, pk: int) -> HttpResponse:
    user = _evaluator(request)
    calibration = selectors.get_calibration(user=user, pk=pk)
    try:
        evaluation = services.calibration_score(calibration=calibration, by=user)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quality:calibration", pk=calibration.pk)
    if evaluation.status != EvaluationStatus.DRAFT:
        return redirect("quality:calibration", pk=calibration.pk)
    return redirect("quality:evaluation_fill", pk=evaluation.pk)
