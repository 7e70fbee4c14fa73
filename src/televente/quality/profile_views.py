"""Competency profiles, the team page, training actions and certification (seed 002)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.core.errors import DomainError, add_form_error

from . import certification as services
from . import profile as selectors
from .choices import EvaluationKind, TrainingStatus
from .models import CertificationBlock, CertificationEvidence, CertificationRecord, Evaluation, TrainingAction
from .permissions import can_evaluate, can_evaluate_rep, can_use
from .profile_forms import CertificationRecordForm, EvidenceForm, TrainingDoneForm, TrainingForm


def _user(request: HttpRequest):
    if not can_use(request.user):
        raise PermissionDenied
    return request.user


def _rep(request: HttpRequest, rep_pk: int):
    """A rep the user may look at (themselves, their teams' reps, anybody for admin); 404 otherwise."""
    user = _user(request)
    rep = get_object_or_404(User.objects.select_related("team__supervisor"), pk=rep_pk, role=Role.REP)
    if rep.pk != user.pk and not can_evaluate_rep(user, rep):
        raise Http404
    return rep


PALETTE = ("#1f6feb", "#c2410c", "#15803d", "#7c3aed", "#b91c1c", "#0e7490", "#a16207", "#be185d")


def _chart(profile) -> dict:
    """Coordinates of the trend chart (an SVG drawn by the template, no inline style): one line per
    competency, the months along the bottom, 0-100 % up the left. The numbers are strings with a
    decimal point: the template would print them the French way (« 110,0 »)."""
    width, height = 720, 200
    left, right, top, bottom = 44, 30, 10, 26
    n = len(profile.months)
    step = (width - left - right) / max(n - 1, 1)

    def x(i):
        return f"{left + i * step:.1f}"

    def y(rate):
        return f"{height - bottom - float(rate) * (height - top - bottom) / 100:.1f}"

    series = []
    for index, line in enumerate(profile.lines):
        dots = [(x(i), y(v)) for i, v in line.points]
        series.append(
            {
                "line": line,
                "color": PALETTE[index % len(PALETTE)],
                "points": " ".join(f"{a},{b}" for a, b in dots),
                "dots": dots,
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "label_x": left - 6,
        "month_y": height - 8,
        "series": series,
        "grid": [(y(r), f"{float(y(r)) + 4:.1f}", r) for r in (0, 50, 80, 100)],
        "months": [(x(i), m) for i, m in enumerate(profile.months)],
    }


def _render_profile(request: HttpRequest, rep) -> HttpResponse:
    profile = selectors.rep_profile(user=request.user, rep=rep)
    return render(
        request,
        "quality/profile.html",
        {
            "profile": profile,
            "rep": rep,
            "is_self": rep.pk == request.user.pk,
            "can_manage": can_evaluate_rep(request.user, rep),
            "chart": _chart(profile),
            "strength_rate": selectors.STRENGTH_RATE,
            "weak_rate": selectors.WEAK_RATE,
            "big_gap": selectors.BIG_GAP,
        },
    )


@login_required
@require_GET
def my_profile(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if user.role != Role.REP:
        return redirect("quality:team")
    return _render_profile(request, user)


@login_required
@require_GET
def profile(request: HttpRequest, rep_pk: int) -> HttpResponse:
    return _render_profile(request, _rep(request, rep_pk))


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_evaluate(user):
        return redirect("quality:my_profile")
    return render(
        request,
        "quality/team.html",
        {"lines": selectors.team_overview(user=user), "today": timezone.localdate()},
    )


# --- Training actions -----------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def training_new(request: HttpRequest, rep_pk: int) -> HttpResponse:
    rep = _rep(request, rep_pk)
    user = request.user
    if not can_evaluate_rep(user, rep):
        raise PermissionDenied
    evaluation = None
    source = request.POST.get("evaluation") or request.GET.get("evaluation", "")
    if str(source).isdigit():
        evaluation = (
            Evaluation.objects.visible_to(user)
            .filter(rep=rep)
            .exclude(kind=EvaluationKind.CALIBRATION)  # a calibration score does not commit the rep
            .select_related("grid_version")
            .filter(pk=source)
            .first()
        )
    if request.method == "POST":
        form = TrainingForm(request.POST, creating=True)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.training_create(
                    by=user,
                    rep=rep,
                    title=data["title"],
                    planned_on=data["planned_on"],
                    competency=data["competency"],
                    description=data["description"],
                    evaluation=evaluation,
                )
            except DomainError as exc:
                add_form_error(form, exc)
            else:
                messages.success(request, _("Action de formation enregistrée."))
                return redirect("quality:profile", rep_pk=rep.pk)
    else:
        initial = {"planned_on": timezone.localdate() + dt.timedelta(days=14)}
        initial.update({k: v for k, v in services.training_prefill(evaluation).items() if k != "evaluation"})
        form = TrainingForm(initial=initial, creating=True)
    return render(
        request,
        "quality/training_form.html",
        {"form": form, "rep": rep, "evaluation": evaluation, "action": None},
    )


@login_required
@require_http_methods(["GET", "POST"])
def training_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    action = get_object_or_404(
        TrainingAction.objects.visible_to(user).select_related("rep__team", "competency", "evaluation"), pk=pk
    )
    rep = action.rep
    manager = can_evaluate_rep(user, rep)
    if not manager and rep.pk != user.pk:
        raise Http404
    back = reverse("quality:profile", kwargs={"rep_pk": rep.pk}) if manager else reverse("quality:my_profile")
    if manager:
        if request.method == "POST":
            form = TrainingForm(request.POST)
            if form.is_valid():
                try:
                    services.training_update(by=user, action=action, **form.cleaned_data)
                except DomainError as exc:
                    add_form_error(form, exc)
                else:
                    messages.success(request, _("Action de formation enregistrée."))
                    return redirect(back)
        else:
            form = TrainingForm(
                initial={
                    "title": action.title,
                    "competency": action.competency,
                    "planned_on": action.planned_on,
                    "description": action.description,
                    "status": action.status,
                    "done_on": action.done_on,
                    "result": action.result,
                }
            )
    else:
        if action.status != TrainingStatus.PLANNED:
            if request.method == "POST":
                raise PermissionDenied
            form = None
        elif request.method == "POST":
            form = TrainingDoneForm(request.POST)
            if form.is_valid():
                try:
                    services.training_done(by=user, action=action, result=form.cleaned_data["result"])
                except DomainError as exc:
                    add_form_error(form, exc)
                else:
                    messages.success(request, _("Action marquée réalisée."))
                    return redirect(back)
        else:
            form = TrainingDoneForm()
    return render(
        request,
        "quality/training_form.html",
        {"form": form, "rep": rep, "action": action, "manager": manager, "back": back},
    )


# --- Certification --------------------------------------------------------------------------------


@login_required
@require_GET
def certification_overview(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    if not can_evaluate(user):
        return redirect("quality:certification_rep", rep_pk=user.pk)
    blocks, rows = selectors.certification_matrix(user=user)
    return render(request, "quality/certification.html", {"blocks": blocks, "rows": rows})


@login_required
@require_GET
def certification_rep(request: HttpRequest, rep_pk: int) -> HttpResponse:
    rep = _rep(request, rep_pk)
    return render(
        request,
        "quality/certification_rep.html",
        {
            "rep": rep,
            "cells": selectors.rep_certification(user=request.user, rep=rep),
            "can_manage": can_evaluate_rep(request.user, rep),
            "is_self": rep.pk == request.user.pk,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def certification_record(request: HttpRequest, rep_pk: int, block_pk: int) -> HttpResponse:
    rep = _rep(request, rep_pk)
    user = request.user
    block = get_object_or_404(CertificationBlock, pk=block_pk)
    record = CertificationRecord.objects.visible_to(user).filter(rep=rep, block=block).first()
    can_manage = can_evaluate_rep(user, rep)
    evaluations, sessions = services.evidence_choices(rep=rep, block=block)
    record_form = evidence_form = None
    if can_manage:
        record_form = CertificationRecordForm(
            initial={
                "status": record.status if record else "in_progress",
                "validated_on": record.validated_on if record else None,
                "jury": record.jury if record else "",
                "certificate_number": record.certificate_number if record else "",
                "notes": record.notes if record else "",
            },
            prefix="record",
        )
        evidence_form = EvidenceForm(
            initial={"dated": timezone.localdate()},
            evaluations=evaluations,
            sessions=sessions,
            prefix="evidence",
        )
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        here = redirect("quality:certification_record", rep_pk=rep.pk, block_pk=block.pk)
        if request.POST.get("action") == "evidence":
            evidence_form = EvidenceForm(
                request.POST, evaluations=evaluations, sessions=sessions, prefix="evidence"
            )
            if evidence_form.is_valid():
                try:
                    services.evidence_add(by=user, rep=rep, block=block, **evidence_form.cleaned_data)
                except DomainError as exc:
                    add_form_error(evidence_form, exc)
                else:
                    messages.success(request, _("Preuve ajoutée."))
                    return here
        else:
            record_form = CertificationRecordForm(request.POST, prefix="record")
            if record_form.is_valid():
                try:
                    saved = services.certification_save(
                        by=user, rep=rep, block=block, **record_form.cleaned_data
                    )
                except DomainError as exc:
                    add_form_error(record_form, exc)
                else:
                    if saved.expires_on:
                        messages.success(
                            request,
                            _("Bloc %(number)s enregistré : validé jusqu'au %(date)s.")
                            % {"number": block.number, "date": saved.expires_on.strftime("%d/%m/%Y")},
                        )
                    else:
                        messages.success(request, _("Bloc %(number)s enregistré.") % {"number": block.number})
                    return here
    evidence = (
        list(record.evidence.select_related("evaluation__grid_version__grid", "session", "added_by"))
        if record
        else []
    )
    cell = selectors._cell(block, record, timezone.localdate(), len(evidence))
    return render(
        request,
        "quality/certification_record.html",
        {
            "rep": rep,
            "cert_block": block,
            "record": record,
            "cell": cell,
            "evidence": evidence,
            "record_form": record_form,
            "evidence_form": evidence_form,
            "can_manage": can_manage,
            "is_self": rep.pk == user.pk,
            "methods": [m for m in block.evaluation_methods.splitlines() if m.strip()],
            "abilities": [m for m in block.description.splitlines() if m.strip()],
        },
    )


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    evidence = get_object_or_404(
        CertificationEvidence.objects.select_related("record__rep__team", "record__block").filter(
            record__in=CertificationRecord.objects.visible_to(user)
        ),
        pk=pk,
    )
    record = evidence.record
    if not can_evaluate_rep(user, record.rep):  # the rep reads their evidence but does not remove it
        raise PermissionDenied
    try:
        services.evidence_delete(by=user, evidence=evidence)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Preuve retirée."))
    return redirect("quality:certification_record", rep_pk=record.rep_id, block_pk=record.block_id)
