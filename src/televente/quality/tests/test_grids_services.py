"""Grid services and selectors: copy, new grid, new version, editing the draft only, publishing
atomically, validation messages, and the selectors the other quality screens use."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from televente.core.errors import DomainError, PermissionRefused
from televente.quality import grids as svc
from televente.quality.choices import AnswerType, EvaluationKind, VersionStatus
from televente.quality.models import Competency, Evaluation, Grid, GridItem, GridSection, GridVersion


@pytest.fixture
def c1(grids):
    return grids["cqp-televente-c1"]


def _texts(version):
    return [(s.title, [i.text for i in items]) for s, items in svc.version_structure(version=version)]


def test_copy_makes_a_company_grid_with_a_draft_copying_the_current_version(world, c1):
    copy = svc.grid_copy(by=world.sup_a, grid=c1)
    assert not copy.is_shipped and copy.copied_from == c1 and copy.created_by == world.sup_a
    assert copy.code == "cqp-televente-competence-1-copie"
    assert copy.name == "CQP télévente – Compétence 1 (copie)"
    draft = copy.versions.get()
    assert draft.number == 1 and draft.status == VersionStatus.DRAFT
    assert _texts(draft) == _texts(c1.current_version)
    # The source is untouched and its items are not shared.
    source_items = set(
        GridItem.objects.filter(section__version=c1.current_version).values_list("pk", flat=True)
    )
    copy_items = set(GridItem.objects.filter(section__version=draft).values_list("pk", flat=True))
    assert source_items.isdisjoint(copy_items) and len(copy_items) == len(source_items) == 10


def test_copy_codes_stay_unique(world, c1):
    a = svc.grid_copy(by=world.sup_a, grid=c1, name="Ma grille")
    b = svc.grid_copy(by=world.sup_a, grid=c1, name="Ma grille")
    assert a.code == "ma-grille" and b.code == "ma-grille-2"


def test_rep_cannot_copy_or_create(world, c1):
    with pytest.raises(PermissionRefused):
        svc.grid_copy(by=world.rep_a, grid=c1)
    with pytest.raises(PermissionRefused):
        svc.grid_create(by=world.rep_a, name="X")


def test_new_grid_has_an_empty_draft_and_needs_a_name(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="  Accueil entrant ", description="Appels entrants")
    assert grid.name == "Accueil entrant" and grid.code == "accueil-entrant"
    version = grid.versions.get()
    assert version.status == VersionStatus.DRAFT and version.sections.count() == 0
    with pytest.raises(DomainError) as exc:
        svc.grid_create(by=world.sup_a, name="  ")
    assert exc.value.field == "name"


def test_shipped_grid_is_never_edited(world, c1):
    version = c1.current_version
    section = version.sections.first()
    with pytest.raises(DomainError, match="fournie avec le logiciel"):
        svc.item_add(by=world.sup_a, section=section, text="Nouveau")
    with pytest.raises(DomainError, match="fournie avec le logiciel"):
        svc.version_new(by=world.sup_a, grid=c1)
    with pytest.raises(DomainError):
        svc.version_update(by=world.admin, version=version, name="X", pass_mark=50)


def test_published_version_is_read_only(world, c1):
    grid = svc.grid_copy(by=world.sup_a, grid=c1)
    draft = grid.versions.get()
    svc.version_publish(by=world.sup_a, version=draft)
    draft.refresh_from_db()
    section = draft.sections.first()
    item = section.items.first()
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.item_update(by=world.sup_a, item=item, text="Changé", weight=2)
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.section_delete(by=world.sup_a, section=section)
    item.refresh_from_db()
    assert item.text != "Changé"


def test_edit_the_draft_sections_and_items(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="Réclamations")
    draft = grid.versions.get()
    competency = Competency.objects.get(code="CQP-C6")
    s1 = svc.section_add(by=world.sup_a, version=draft, title="", competency=competency)
    assert s1.title == competency.title and s1.position == 1
    s2 = svc.section_add(by=world.sup_a, version=draft, title="Clôture")
    a = svc.item_add(by=world.sup_a, section=s1, text="Le client est écouté", weight=3, critical=True)
    b = svc.item_add(
        by=world.sup_a, section=s1, text="Une solution est proposée", answer_type=AnswerType.SCALE
    )
    assert (a.position, b.position, a.weight, a.critical) == (1, 2, 3, True)
    svc.item_move(by=world.sup_a, item=b, direction=-1)
    assert [i.text for i in s1.items.order_by("position")] == [
        "Une solution est proposée",
        "Le client est écouté",
    ]
    svc.section_move(by=world.sup_a, section=s2, direction=-1)
    assert list(draft.sections.order_by("position").values_list("title", flat=True)) == [
        "Clôture",
        competency.title,
    ]
    svc.item_update(
        by=world.sup_a, item=a, text="Le client est écouté activement", weight=10, guidance="Reformule"
    )
    a.refresh_from_db()
    assert (a.text, a.weight, a.guidance, a.critical) == (
        "Le client est écouté activement",
        10,
        "Reformule",
        False,
    )
    svc.item_delete(by=world.sup_a, item=b)
    svc.section_update(by=world.sup_a, section=s2, title="Conclusion", description="Fin d'appel")
    s2.refresh_from_db()
    assert s2.title == "Conclusion"
    svc.version_update(
        by=world.sup_a, version=draft, name="Réclamations v2", pass_mark=70, change_note="Essai"
    )
    grid.refresh_from_db()
    draft.refresh_from_db()
    assert (grid.name, draft.pass_mark, draft.change_note) == ("Réclamations v2", 70, "Essai")


@pytest.mark.parametrize(
    ("kwargs", "field", "message"),
    [
        ({"text": "  "}, "text", "Écrivez le texte"),
        ({"text": "Ok", "weight": 0}, "weight", "de 1 à 10"),
        ({"text": "Ok", "weight": 11}, "weight", "de 1 à 10"),
        ({"text": "Ok", "answer_type": "free"}, "answer_type", "type de réponse"),
    ],
)
def test_item_validation(world, grids, kwargs, field, message):
    grid = svc.grid_create(by=world.sup_a, name="Test")
    section = svc.section_add(by=world.sup_a, version=grid.versions.get(), title="S")
    with pytest.raises(DomainError, match=message) as exc:
        svc.item_add(by=world.sup_a, section=section, **kwargs)
    assert exc.value.field == field
    assert section.items.count() == 0


def test_section_needs_a_title_or_a_competency(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="Test")
    with pytest.raises(DomainError, match="intitulé") as exc:
        svc.section_add(by=world.sup_a, version=grid.versions.get(), title="")
    assert exc.value.field == "title"


def test_publish_needs_a_section_with_an_item(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="Vide")
    draft = grid.versions.get()
    with pytest.raises(DomainError, match="au moins une section avec un indicateur"):
        svc.version_publish(by=world.sup_a, version=draft)
    section = svc.section_add(by=world.sup_a, version=draft, title="S1")
    svc.section_add(by=world.sup_a, version=draft, title="Vide")
    svc.item_add(by=world.sup_a, section=section, text="Un indicateur")
    with pytest.raises(DomainError, match="« Vide » n'a aucun indicateur"):
        svc.version_publish(by=world.sup_a, version=draft)
    draft.refresh_from_db()
    assert draft.status == VersionStatus.DRAFT


def test_new_version_then_publish_retires_the_former_one_and_keeps_evaluations(world, c1, call):
    grid = svc.grid_copy(by=world.sup_a, grid=c1)
    v1 = svc.version_publish(by=world.sup_a, version=grid.versions.get())
    assert v1.status == VersionStatus.PUBLISHED and v1.published_at is not None
    evaluation = Evaluation.objects.create(
        grid_version=v1,
        kind=EvaluationKind.SUPERVISOR,
        rep=world.rep_a,
        evaluator=world.sup_a,
        interaction=call,
    )
    v2 = svc.version_new(by=world.sup_a, grid=grid)
    assert (v2.number, v2.status) == (2, VersionStatus.DRAFT)
    assert _texts(v2) == _texts(v1)
    assert svc.version_new(by=world.sup_a, grid=grid) == v2  # one draft at a time
    svc.item_add(by=world.sup_a, section=v2.sections.first(), text="Nouvel indicateur")
    svc.version_publish(by=world.sup_a, version=v2)
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (VersionStatus.RETIRED, VersionStatus.PUBLISHED)
    assert grid.current_version == v2
    evaluation.refresh_from_db()
    assert evaluation.grid_version == v1
    assert len(_texts(v1)[0][1]) == len(_texts(v2)[0][1]) - 1


def test_one_published_version_per_grid_is_enforced_by_the_database(world, c1):
    with pytest.raises(IntegrityError), transaction.atomic():
        GridVersion.objects.create(grid=c1, number=99, status=VersionStatus.PUBLISHED)


def test_publish_is_atomic(world, c1, monkeypatch):
    """If anything fails after the former version was retired, nothing changes."""
    grid = svc.grid_copy(by=world.sup_a, grid=c1)
    v1 = svc.version_publish(by=world.sup_a, version=grid.versions.get())
    v2 = svc.version_new(by=world.sup_a, grid=grid)
    original = GridVersion.save

    def broken(self, *args, **kwargs):
        if self.pk == v2.pk:
            raise RuntimeError("disk full")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(GridVersion, "save", broken)
    with pytest.raises(RuntimeError):
        svc.version_publish(by=world.sup_a, version=v2)
    monkeypatch.undo()
    v1.refresh_from_db()
    v2.refresh_from_db()
    assert (v1.status, v2.status) == (VersionStatus.PUBLISHED, VersionStatus.DRAFT)


def test_grid_versions_for_evaluation(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="AAA première")
    section = svc.section_add(by=world.sup_a, version=grid.versions.get(), title="S")
    svc.item_add(by=world.sup_a, section=section, text="I")
    svc.version_publish(by=world.sup_a, version=grid.versions.get())
    inactive = svc.grid_copy(by=world.sup_a, grid=grids["cqp-televente-c2"])
    svc.version_publish(by=world.sup_a, version=inactive.versions.get())
    svc.grid_set_active(by=world.sup_a, grid=inactive, active=False)
    draft_only = svc.grid_create(by=world.sup_a, name="Brouillon")

    versions = svc.grid_versions_for_evaluation(user=world.rep_a)
    codes = [v.grid.code for v in versions]
    assert all(v.status == VersionStatus.PUBLISHED for v in versions)
    n_shipped = Grid.objects.filter(is_shipped=True).count()
    assert n_shipped >= 7
    assert codes[:n_shipped] == sorted(codes[:n_shipped])  # the CQP télévente grids first
    assert codes[0] == "cqp-televente-c1"
    assert all(Grid.objects.get(code=c).is_shipped for c in codes[:n_shipped])
    assert codes[n_shipped:] == [grid.code]  # company grids after the shipped ones, even « AAA »
    assert inactive.code not in codes and draft_only.code not in codes
    assert svc.grid_versions_for_evaluation(user=world.bo_logistics) == []


def test_version_structure_in_two_queries(world, grids, django_assert_max_num_queries):
    version = grids["mc-relation-client-telephone"].current_version
    with django_assert_max_num_queries(2):
        structure = svc.version_structure(version=version)
        assert [s.competency.code for s, _items in structure][:2] == ["MC-C1", "MC-C1.1"]
        assert sum(len(items) for _s, items in structure) == 35
    positions = [[i.position for i in items] for _s, items in structure]
    assert all(p == sorted(p) for p in positions)


def test_grid_list_selector(world, c1, django_assert_max_num_queries):
    copy = svc.grid_copy(by=world.sup_a, grid=c1)
    with django_assert_max_num_queries(3):
        rows = svc.grid_list(user=world.sup_a)
        by_code = {g.code: g for g in rows}
        shipped = by_code["cqp-televente-c1"]
        assert (shipped.current.number, shipped.current.n_sections, shipped.current.n_items) == (1, 1, 10)
        assert shipped.n_evaluations == 0 and shipped.draft is None
        mine = by_code[copy.code]
        assert mine.current is None and mine.draft.n_items == 10
    assert [g.is_shipped for g in rows] == sorted((g.is_shipped for g in rows), reverse=True)
    # A rep reads the same list without the grid that is only a draft.
    with django_assert_max_num_queries(3):
        rep_rows = svc.grid_list(user=world.rep_a)
    assert {g.code for g in rep_rows} == {g.code for g in rows} - {copy.code}


def test_export_has_the_shipped_file_layout(world, grids):
    from televente.quality.shipped import grid_files

    source = next(g for g in grid_files() if g["code"] == "cqp-televente-c3")
    data = svc.export_grid(version=grids["cqp-televente-c3"].current_version)
    assert data["code"] == source["code"] and data["version"] == 1
    assert [s["competency"] for s in data["sections"]] == [s["competency"] for s in source["sections"]]
    assert [i["text"] for i in data["sections"][0]["items"]] == [
        i["text"] for i in source["sections"][0]["items"]
    ]
    assert set(data["sections"][0]["items"][0]) == {"text", "critical", "weight", "answer_type", "guidance"}


def test_deleting_a_section_deletes_its_items(world, grids):
    grid = svc.grid_copy(by=world.sup_a, grid=grids["cqp-televente-c4"])
    section = grid.versions.get().sections.get()
    svc.section_delete(by=world.sup_a, section=section)
    assert not GridSection.objects.filter(pk=section.pk).exists()
    assert not GridItem.objects.filter(section_id=section.pk).exists()
