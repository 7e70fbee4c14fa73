"""Grid screens: the list, a grid and its versions, the JSON export, copying, creating, editing the
draft version (sections and items, each its own small form) and publishing it."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from televente.core.errors import DomainError, PermissionRefused, add_form_error

from . import grids as svc
from .choices import VersionStatus
from .grid_forms import GridCopyForm, GridNewForm, ItemForm, SectionForm, VersionForm, competency_options
from .models import Grid, GridItem, GridSection
from .permissions import can_manage_grids, can_use


def _reader(request: HttpRequest) -> None:
    if not can_use(request.user):
        raise PermissionDenied


def _manager(request: HttpRequest) -> None:
    if not can_manage_grids(request.user):
        raise PermissionDenied


def _grid(request: HttpRequest, pk: int) -> Grid:
    _reader(request)
    return get_object_or_404(svc.visible_grids(user=request.user).select_related("copied_from"), pk=pk)


def _version(request: HttpRequest, grid: Grid):
    """`?version=N`, else the version in service, else the latest one. Reps never see drafts."""
    versions = grid.versions.all()
    if not can_manage_grids(request.user):
        versions = versions.exclude(status=VersionStatus.DRAFT)
    wanted = request.GET.get("version", "")
    if wanted:
        if not wanted.isdigit():
            raise Http404
        return get_object_or_404(versions, number=int(wanted))
    return versions.filter(status=VersionStatus.PUBLISHED).first() or versions.order_by("-number").first()


@login_required
@require_GET
def grid_list(request: HttpRequest) -> HttpResponse:
    _reader(request)
    grids = svc.grid_list(user=request.user)
    return render(
        request,
        "quality/grid_list.html",
        {
            "shipped": [g for g in grids if g.is_shipped],
            "own": [g for g in grids if not g.is_shipped],
            "can_manage": can_manage_grids(request.user),
        },
    )


@login_required
@require_GET
def grid_detail(request: HttpRequest, pk: int) -> HttpResponse:
    grid = _grid(request, pk)
    version = _version(request, grid)
    versions = svc.grid_versions(grid=grid)
    can_manage = can_manage_grids(request.user)
    if not can_manage:
        versions = [v for v in versions if v.status != VersionStatus.DRAFT]
    return render(
        request,
        "quality/grid_detail.html",
        {
            "grid": grid,
            "version": version,
            "structure": svc.version_structure(version=version) if version else [],
            "versions": versions,
            "can_manage": can_manage,
            "copy_form": GridCopyForm(),
        },
    )


@login_required
@require_GET
def grid_export(request: HttpRequest, pk: int) -> HttpResponse:
    grid = _grid(request, pk)
    version = _version(request, grid)
    if version is None:
        raise Http404
    data = svc.export_grid(version=version)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=1) + "\n", content_type="application/json; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{grid.code}-v{version.number}.json"'
    return response


@login_required
@require_POST
def grid_copy(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    grid = _grid(request, pk)
    form = GridCopyForm(request.POST)
    name = form.cleaned_data["name"] if form.is_valid() else ""
    try:
        copy = svc.grid_copy(by=request.user, grid=grid, name=name)
    except PermissionRefused as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quality:grid", pk=grid.pk)
    messages.success(request, _("Grille copiée : adaptez-la puis mettez-la en service."))
    return redirect("quality:grid_edit", pk=copy.pk)


@login_required
@require_http_methods(["GET", "POST"])
def grid_new(request: HttpRequest) -> HttpResponse:
    _reader(request)
    _manager(request)
    form = GridNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            grid = svc.grid_create(by=request.user, **form.cleaned_data)
        except DomainError as exc:
            add_form_error(form, exc)
        else:
            messages.success(request, _("Grille créée : ajoutez ses sections et ses indicateurs."))
            return redirect("quality:grid_edit", pk=grid.pk)
    return render(request, "quality/grid_new.html", {"form": form})


# --------------------------------------------------------------------------- edit


def _edit_context(grid, draft, bound: dict | None = None) -> dict:
    """The edit page: one small form per section and per item; `bound` replaces one of them by the
    form that failed, so what was typed stays on screen with its error."""
    bound = bound or {}
    options = competency_options()
    for form in bound.values():
        if isinstance(form, SectionForm):
            form.fields["competency"].choices = options
    structure = []
    for section, items in svc.version_structure(version=draft):
        section_form = bound.get(f"s{section.pk}") or SectionForm(
            prefix=f"s{section.pk}",
            options=options,
            initial={
                "title": section.title,
                "competency": section.competency_id,
                "description": section.description,
            },
        )
        item_forms = [
            (
                item,
                bound.get(f"i{item.pk}")
                or ItemForm(
                    prefix=f"i{item.pk}",
                    initial={
                        "text": item.text,
                        "guidance": item.guidance,
                        "weight": item.weight,
                        "answer_type": item.answer_type,
                        "critical": item.critical,
                    },
                ),
            )
            for item in items
        ]
        new_item = bound.get(f"n{section.pk}") or ItemForm(prefix=f"n{section.pk}")
        structure.append((section, section_form, item_forms, new_item))
    version_form = bound.get("v") or VersionForm(
        prefix="v",
        initial={
            "name": grid.name,
            "description": grid.description,
            "pass_mark": draft.pass_mark,
            "change_note": draft.change_note,
        },
    )
    return {
        "grid": grid,
        "draft": draft,
        "current": grid.current_version,
        "version_form": version_form,
        "structure": structure,
        "new_section": bound.get("ns") or SectionForm(prefix="ns", options=options),
        "n_items": sum(len(item_forms) for _s, _f, item_forms, _n in structure),
    }


def _apply(request: HttpRequest, grid: Grid, draft) -> tuple[dict | None, str]:
    """Runs the posted operation. Returns (bound forms to show again, anchor) or (None, anchor)."""
    op = request.POST.get("op", "")
    by = request.user
    target = request.POST.get("target", "")
    if op in ("section_save", "section_delete", "section_up", "section_down", "item_add"):
        if not target.isdigit():
            raise Http404
        section = get_object_or_404(GridSection, pk=int(target), version=draft)
    if op in ("item_save", "item_delete", "item_up", "item_down"):
        if not target.isdigit():
            raise Http404
        item = get_object_or_404(GridItem.objects.select_related("section__version__grid"), pk=int(target),
                                 section__version=draft)  # fmt: skip

    if op == "version":
        form = VersionForm(request.POST, prefix="v")
        if form.is_valid():
            try:
                svc.version_update(by=by, version=draft, **form.cleaned_data)
                messages.success(request, _("Grille enregistrée."))
                return None, "grid-settings"
            except DomainError as exc:
                add_form_error(form, exc)
        return {"v": form}, "grid-settings"
    if op == "section_add":
        form = SectionForm(request.POST, prefix="ns")
        if form.is_valid():
            try:
                section = svc.section_add(by=by, version=draft, **form.cleaned_data)
                return None, f"section-{section.pk}"
            except DomainError as exc:
                add_form_error(form, exc)
        return {"ns": form}, "section-new"
    if op == "section_save":
        form = SectionForm(request.POST, prefix=f"s{section.pk}")
        if form.is_valid():
            try:
                svc.section_update(by=by, section=section, **form.cleaned_data)
                return None, f"section-{section.pk}"
            except DomainError as exc:
                add_form_error(form, exc)
        return {f"s{section.pk}": form}, f"section-{section.pk}"
    if op == "section_delete":
        svc.section_delete(by=by, section=section)
        messages.success(request, _("Section supprimée."))
        return None, "sections"
    if op in ("section_up", "section_down"):
        svc.section_move(by=by, section=section, direction=-1 if op == "section_up" else 1)
        return None, f"section-{section.pk}"
    if op == "item_add":
        form = ItemForm(request.POST, prefix=f"n{section.pk}")
        if form.is_valid():
            try:
                item = svc.item_add(by=by, section=section, **form.cleaned_data)
                return None, f"item-{item.pk}"
            except DomainError as exc:
                add_form_error(form, exc)
        return {f"n{section.pk}": form}, f"new-item-{section.pk}"
    if op == "item_save":
        form = ItemForm(request.POST, prefix=f"i{item.pk}")
        if form.is_valid():
            try:
                svc.item_update(by=by, item=item, **form.cleaned_data)
                return None, f"item-{item.pk}"
            except DomainError as exc:
                add_form_error(form, exc)
        return {f"i{item.pk}": form}, f"item-{item.pk}"
    if op == "item_delete":
        svc.item_delete(by=by, item=item)
        messages.success(request, _("Indicateur supprimé."))
        return None, f"section-{item.section_id}"
    if op in ("item_up", "item_down"):
        svc.item_move(by=by, item=item, direction=-1 if op == "item_up" else 1)
        return None, f"item-{item.pk}"
    raise Http404


@login_required
@require_http_methods(["GET", "POST"])
def grid_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _reader(request)
    _manager(request)
    grid = _grid(request, pk)
    if request.method == "POST" and request.POST.get("op") == "set_active":
        # Offered or not for new evaluations: allowed on shipped grids too (content unchanged).
        active = request.POST.get("active") == "1"
        svc.grid_set_active(by=request.user, grid=grid, active=active)
        if active:
            messages.success(request, _("La grille est de nouveau proposée pour évaluer."))
        else:
            messages.success(request, _("La grille n'est plus proposée pour les nouvelles évaluations."))
        return redirect("quality:grid", pk=grid.pk)
    if grid.is_shipped:
        return render(request, "quality/grid_shipped.html", {"grid": grid, "copy_form": GridCopyForm()})
    draft = svc.draft_of(grid)
    if request.method == "POST" and request.POST.get("op") == "new_version":
        try:
            draft = svc.version_new(by=request.user, grid=grid)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("quality:grid", pk=grid.pk)
        messages.success(request, _("Version %(number)s créée en brouillon.") % {"number": draft.number})
        return redirect("quality:grid_edit", pk=grid.pk)
    if draft is None:
        if request.method == "POST":
            # The draft was put into service meanwhile (another tab, another supervisor): say so
            # rather than silently showing the « new version » page.
            messages.error(
                request,
                _("Une version en service ou remplacée ne se modifie plus : créez une nouvelle version."),
            )
            return redirect("quality:grid_edit", pk=grid.pk)
        return render(request, "quality/grid_no_draft.html", {"grid": grid, "current": grid.current_version})
    if request.method == "POST":
        try:
            bound, anchor = _apply(request, grid, draft)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("quality:grid_edit", pk=grid.pk)
        if bound is None:
            return redirect(reverse("quality:grid_edit", args=[grid.pk]) + f"#{anchor}")
        grid.refresh_from_db()
        draft.refresh_from_db()
        context = _edit_context(grid, draft, bound)
        context["error_anchor"] = anchor
        return render(request, "quality/grid_edit.html", context, status=400)
    return render(request, "quality/grid_edit.html", _edit_context(grid, draft))


@login_required
@require_POST
def grid_publish(request: HttpRequest, pk: int) -> HttpResponse:
    _manager(request)
    grid = _grid(request, pk)
    draft = svc.draft_of(grid)
    if draft is None:
        messages.error(request, _("Cette grille n'a pas de brouillon à mettre en service."))
        return redirect("quality:grid", pk=grid.pk)
    try:
        version = svc.version_publish(by=request.user, version=draft)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect("quality:grid_edit", pk=grid.pk)
    messages.success(
        request,
        _("Version %(number)s mise en service : les nouvelles évaluations l'utilisent.")
        % {"number": version.number},
    )
    return redirect("quality:grid", pk=grid.pk)
