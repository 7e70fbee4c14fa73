"""Evaluation grids: the services that copy, create, edit and publish grids, and the selectors the
grid screens and the other quality pages read them with.

Rules: a shipped grid is never edited (a supervisor copies it); only a DRAFT version is edited; a
published or retired version is read-only because evaluations point at it; publishing a draft
retires the former published version in the same transaction (one published version per grid).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from televente.core.errors import DomainError, PermissionRefused

from .choices import AnswerType, VersionStatus
from .models import Competency, Grid, GridItem, GridSection, GridVersion
from .permissions import can_manage_grids, can_use

MIN_WEIGHT, MAX_WEIGHT = 1, 10


# --------------------------------------------------------------------------- selectors


def visible_grids(*, user):
    """Every grid is readable by whoever uses the quality pages (reps self-assess with them),
    except that a rep never sees a draft: a grid that was never put into service (only a draft
    version) is hidden from reps."""
    if not can_use(user):
        return Grid.objects.none()
    if can_manage_grids(user):
        return Grid.objects.all()
    return Grid.objects.filter(
        pk__in=GridVersion.objects.exclude(status=VersionStatus.DRAFT).values("grid_id")
    )


def grid_list(*, user) -> list[Grid]:
    """Shipped grids first, then the company's own; each with its current version's figures:
    `current` (published version or None), `draft` (draft version or None), `n_sections`,
    `n_items`, `n_critical`, `n_evaluations` (all versions). Three queries. Reps get no `draft`."""
    grids = list(visible_grids(user=user).select_related("copied_from").order_by("-is_shipped", "code"))
    if not grids:
        return grids
    hidden = (
        [VersionStatus.RETIRED] if can_manage_grids(user) else [VersionStatus.RETIRED, VersionStatus.DRAFT]
    )
    versions = (
        GridVersion.objects.filter(grid__in=grids)
        .exclude(status__in=hidden)
        .annotate(
            n_sections=Count("sections", distinct=True),
            n_items=Count("sections__items", distinct=True),
            n_critical=Count("sections__items", filter=Q(sections__items__critical=True), distinct=True),
        )
    )
    by_grid: dict[int, dict[str, GridVersion]] = {}
    for v in versions:
        by_grid.setdefault(v.grid_id, {})[v.status] = v
    evaluations = dict(
        Grid.objects.filter(pk__in=[g.pk for g in grids])
        .annotate(n=Count("versions__evaluations"))
        .values_list("pk", "n")
    )
    for g in grids:
        mine = by_grid.get(g.pk, {})
        g.current = mine.get(VersionStatus.PUBLISHED)
        g.draft = mine.get(VersionStatus.DRAFT)
        g.n_evaluations = evaluations.get(g.pk, 0)
    return grids


def grid_versions(*, grid) -> list[GridVersion]:
    """All versions of a grid, newest first, with how many evaluations were made with each."""
    return list(grid.versions.annotate(n_evaluations=Count("evaluations")).order_by("-number"))


def version_structure(*, version) -> list[tuple[GridSection, list[GridItem]]]:
    """The sections of a version in order, each with its items in order (and each section's
    competency with its certification block): two queries."""
    sections = (
        GridSection.objects.filter(version=version)
        .select_related("competency__block")
        .prefetch_related(Prefetch("items", queryset=GridItem.objects.order_by("position", "id")))
        .order_by("position", "id")
    )
    return [(s, list(s.items.all())) for s in sections]


def grid_versions_for_evaluation(*, user) -> list[GridVersion]:
    """The published versions of the active grids, usable now to evaluate: shipped grids first."""
    if not can_use(user):
        return []
    return list(
        GridVersion.objects.filter(status=VersionStatus.PUBLISHED, grid__is_active=True)
        .select_related("grid")
        .order_by("-grid__is_shipped", "grid__code")
    )


def draft_of(grid) -> GridVersion | None:
    return grid.versions.filter(status=VersionStatus.DRAFT).order_by("-number").first()


def competency_choices():
    return Competency.objects.select_related("block").order_by("framework", "position", "code")


def export_grid(*, version) -> dict:
    """The version in the layout of `grids/*.json`, so a grid can move between installations."""
    grid = version.grid
    return {
        "code": grid.code,
        "name": grid.name,
        "description": grid.description,
        "source": grid.source,
        "version": version.number,
        "pass_mark": version.pass_mark,
        "change_note": version.change_note,
        "sections": [
            {
                "competency": section.competency.code if section.competency else None,
                "title": section.title,
                "description": section.description,
                "items": [
                    {
                        "text": item.text,
                        "critical": item.critical,
                        "weight": item.weight,
                        "answer_type": item.answer_type,
                        "guidance": item.guidance,
                    }
                    for item in items
                ],
            }
            for section, items in version_structure(version=version)
        ],
    }


# --------------------------------------------------------------------------- services


def _check_manager(by) -> None:
    if not can_manage_grids(by):
        raise PermissionRefused(_("Seuls les superviseurs et l'administrateur modifient les grilles."))


def _check_editable_grid(grid) -> None:
    if grid.is_shipped:
        raise DomainError(
            _("Une grille fournie avec le logiciel ne se modifie pas : copiez-la pour l'adapter."),
            code="shipped",
        )


def _check_draft(version) -> None:
    """Locks the grid row (as `version_publish` does) and reads the version's state again, so an
    edit can never land in a version that was published meanwhile by someone else."""
    grid = Grid.objects.select_for_update().get(pk=version.grid_id)
    _check_editable_grid(grid)
    status = GridVersion.objects.filter(pk=version.pk).values_list("status", flat=True).first()
    if status != VersionStatus.DRAFT:
        raise DomainError(
            _("Une version en service ou remplacée ne se modifie plus : créez une nouvelle version."),
            code="not_draft",
        )


def _unique_code(name: str) -> str:
    base = (slugify(name) or "grille")[:52].strip("-") or "grille"
    code, n = base, 2
    while Grid.objects.filter(code=code).exists():
        code = f"{base}-{n}"
        n += 1
    return code


def _copy_structure(source: GridVersion, target: GridVersion) -> None:
    for section, items in version_structure(version=source):
        copy = GridSection.objects.create(
            version=target,
            position=section.position,
            competency=section.competency,
            title=section.title,
            description=section.description,
        )
        GridItem.objects.bulk_create(
            GridItem(
                section=copy,
                position=item.position,
                text=item.text,
                guidance=item.guidance,
                weight=item.weight,
                answer_type=item.answer_type,
                critical=item.critical,
            )
            for item in items
        )


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise DomainError(_("Donnez un nom à la grille."), field="name")
    return name


@transaction.atomic
def grid_create(*, by, name: str, description: str = "") -> Grid:
    """A new grid of the company, with an empty draft version 1."""
    _check_manager(by)
    name = _clean_name(name)
    grid = Grid.objects.create(
        code=_unique_code(name), name=name, description=(description or "").strip(), created_by=by
    )
    GridVersion.objects.create(grid=grid, number=1, status=VersionStatus.DRAFT)
    return grid


@transaction.atomic
def grid_copy(*, by, grid: Grid, name: str | None = None) -> Grid:
    """A company grid copied from `grid` (its current version, else its latest), as draft v1."""
    _check_manager(by)
    source = grid.current_version or grid.versions.order_by("-number").first()
    if source is None:
        raise DomainError(_("Cette grille n'a aucune version à copier."))
    name = (name or "").strip() or _("%(name)s (copie)") % {"name": grid.name}
    copy = Grid.objects.create(
        code=_unique_code(name),
        name=name[:200],
        description=grid.description,
        source=grid.source,
        copied_from=grid,
        created_by=by,
    )
    version = GridVersion.objects.create(
        grid=copy,
        number=1,
        status=VersionStatus.DRAFT,
        pass_mark=source.pass_mark,
        change_note=_("Copie de « %(name)s » v%(number)s") % {"name": grid.name, "number": source.number},
    )
    _copy_structure(source, version)
    return copy


@transaction.atomic
def version_new(*, by, grid: Grid) -> GridVersion:
    """A draft v(n+1) copying the published version (or the latest one)."""
    _check_manager(by)
    grid = Grid.objects.select_for_update().get(pk=grid.pk)
    _check_editable_grid(grid)
    existing = draft_of(grid)
    if existing is not None:
        return existing
    source = grid.current_version or grid.versions.order_by("-number").first()
    number = (grid.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = GridVersion.objects.create(
        grid=grid,
        number=number,
        status=VersionStatus.DRAFT,
        pass_mark=source.pass_mark if source else 80,
    )
    if source is not None:
        _copy_structure(source, version)
    return version


@transaction.atomic
def version_update(
    *, by, version: GridVersion, name: str, description: str = "", pass_mark: int, change_note: str = ""
) -> GridVersion:
    """The grid's name and description, and the draft's pass mark and change note."""
    _check_manager(by)
    _check_draft(version)
    name = _clean_name(name)
    if pass_mark is None or not 0 <= int(pass_mark) <= 100:
        raise DomainError(_("Le seuil de réussite est un pourcentage entre 0 et 100."), field="pass_mark")
    grid = version.grid
    grid.name, grid.description = name, (description or "").strip()
    grid.save(update_fields=["name", "description", "updated_at"])
    version.pass_mark, version.change_note = int(pass_mark), (change_note or "").strip()
    version.save(update_fields=["pass_mark", "change_note", "updated_at"])
    return version


def _clean_section(title: str, competency) -> str:
    title = (title or "").strip()
    if not title:
        if competency is None:
            raise DomainError(_("Donnez un intitulé à la section."), field="title")
        title = competency.title
    return title[:300]


@transaction.atomic
def section_add(
    *, by, version: GridVersion, title: str, competency=None, description: str = ""
) -> GridSection:
    _check_manager(by)
    _check_draft(version)
    last = version.sections.aggregate(n=Max("position"))["n"] or 0
    return GridSection.objects.create(
        version=version,
        position=last + 1,
        title=_clean_section(title, competency),
        competency=competency,
        description=(description or "").strip(),
    )


@transaction.atomic
def section_update(
    *, by, section: GridSection, title: str, competency=None, description: str = ""
) -> GridSection:
    _check_manager(by)
    _check_draft(section.version)
    section.title = _clean_section(title, competency)
    section.competency = competency
    section.description = (description or "").strip()
    section.save(update_fields=["title", "competency", "description", "updated_at"])
    return section


@transaction.atomic
def section_delete(*, by, section: GridSection) -> None:
    _check_manager(by)
    _check_draft(section.version)
    section.delete()


def _clean_item(text: str, weight, answer_type: str) -> tuple[str, int]:
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Écrivez le texte de l'indicateur."), field="text")
    try:
        weight = int(weight)
    except (TypeError, ValueError):
        weight = 0
    if not MIN_WEIGHT <= weight <= MAX_WEIGHT:
        raise DomainError(_("Le poids d'un indicateur va de 1 à 10."), field="weight")
    if answer_type not in AnswerType.values:
        raise DomainError(_("Choisissez un type de réponse."), field="answer_type")
    return text, weight


@transaction.atomic
def item_add(
    *, by, section: GridSection, text: str, guidance: str = "", weight=1,
    answer_type: str = AnswerType.YES_NO_NA, critical: bool = False,
) -> GridItem:  # fmt: skip
    _check_manager(by)
    _check_draft(section.version)
    text, weight = _clean_item(text, weight, answer_type)
    last = section.items.aggregate(n=Max("position"))["n"] or 0
    return GridItem.objects.create(
        section=section,
        position=last + 1,
        text=text,
        guidance=(guidance or "").strip(),
        weight=weight,
        answer_type=answer_type,
        critical=bool(critical),
    )


@transaction.atomic
def item_update(
    *, by, item: GridItem, text: str, guidance: str = "", weight=1,
    answer_type: str = AnswerType.YES_NO_NA, critical: bool = False,
) -> GridItem:  # fmt: skip
    _check_manager(by)
    _check_draft(item.section.version)
    item.text, item.weight = _clean_item(text, weight, answer_type)
    item.guidance = (guidance or "").strip()
    item.answer_type = answer_type
    item.critical = bool(critical)
    item.save(update_fields=["text", "guidance", "weight", "answer_type", "critical", "updated_at"])
    return item


@transaction.atomic
def item_delete(*, by, item: GridItem) -> None:
    _check_manager(by)
    _check_draft(item.section.version)
    item.delete()


def _move(rows: list, obj, direction: int) -> None:
    """Swap `obj` with its neighbour and renumber 1..n."""
    index = next(i for i, r in enumerate(rows) if r.pk == obj.pk)
    other = index + direction
    if 0 <= other < len(rows):
        rows[index], rows[other] = rows[other], rows[index]
    for position, row in enumerate(rows, start=1):
        if row.position != position:
            row.position = position
            row.save(update_fields=["position", "updated_at"])


@transaction.atomic
def section_move(*, by, section: GridSection, direction: int) -> None:
    """direction -1 moves the section up, +1 down."""
    _check_manager(by)
    _check_draft(section.version)
    _move(list(section.version.sections.order_by("position", "id")), section, 1 if direction > 0 else -1)


@transaction.atomic
def item_move(*, by, item: GridItem, direction: int) -> None:
    _check_manager(by)
    _check_draft(item.section.version)
    _move(list(item.section.items.order_by("position", "id")), item, 1 if direction > 0 else -1)


@transaction.atomic
def version_publish(*, by, version: GridVersion) -> GridVersion:
    """The draft goes into service; the former published version is retired (same transaction)."""
    _check_manager(by)
    Grid.objects.select_for_update().get(pk=version.grid_id)
    version = GridVersion.objects.select_related("grid").get(pk=version.pk)
    _check_draft(version)
    structure = version_structure(version=version)
    if not structure or not any(items for _section, items in structure):
        raise DomainError(
            _("Pour mettre la grille en service, il faut au moins une section avec un indicateur.")
        )
    empty = [section.title for section, items in structure if not items]
    if empty:
        raise DomainError(
            _("La section « %(title)s » n'a aucun indicateur : complétez-la ou supprimez-la.")
            % {"title": empty[0]}
        )
    # One by one (there is at most one) rather than `.update()`, so the audit log records it.
    for former in GridVersion.objects.filter(grid_id=version.grid_id, status=VersionStatus.PUBLISHED):
        former.status = VersionStatus.RETIRED
        former.save(update_fields=["status", "updated_at"])
    version.status = VersionStatus.PUBLISHED
    version.published_at = timezone.now()
    version.save(update_fields=["status", "published_at", "updated_at"])
    return version


@transaction.atomic
def grid_set_active(*, by, grid: Grid, active: bool) -> Grid:
    """An inactive grid is no longer offered for new evaluations (its versions stay)."""
    _check_manager(by)
    grid.is_active = bool(active)
    grid.save(update_fields=["is_active", "updated_at"])
    return grid
