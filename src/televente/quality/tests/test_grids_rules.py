"""Review of the grid rules: drafts hidden from reps, CSRF and POST only, query counts of the
detail and edit pages, edits refused on a version published meanwhile, audit of publishing."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse

from televente.core.errors import DomainError
from televente.quality import grids as svc
from televente.quality.choices import VersionStatus
from televente.quality.models import Grid, GridItem, GridSection, GridVersion


@pytest.fixture
def c1(grids):
    return grids["cqp-televente-c1"]


@pytest.fixture
def draft_only(world, grids):
    """A company grid never put into service (only its draft v1)."""
    grid = svc.grid_create(by=world.sup_a, name="Projet secret")
    section = svc.section_add(by=world.sup_a, version=grid.versions.get(), title="Accueil")
    svc.item_add(by=world.sup_a, section=section, text="Indicateur encore en brouillon")
    return grid


# --------------------------------------------------------------------------- drafts and reps


def test_rep_never_sees_a_grid_that_only_has_a_draft(client, world, draft_only):
    client.force_login(world.rep_a)
    html = client.get(reverse("quality:grids")).content.decode()
    assert "Projet secret" not in html
    assert client.get(reverse("quality:grid", args=[draft_only.pk])).status_code == 404
    assert client.get(reverse("quality:grid_export", args=[draft_only.pk])).status_code == 404
    assert draft_only not in svc.visible_grids(user=world.rep_a)
    # The supervisors see it, draft included.
    client.force_login(world.sup_b)
    html = client.get(reverse("quality:grid", args=[draft_only.pk])).content.decode()
    assert "Indicateur encore en brouillon" in html


def test_rep_sees_the_version_in_service_not_the_next_draft(client, world, draft_only):
    svc.version_publish(by=world.sup_a, version=draft_only.versions.get())
    v2 = svc.version_new(by=world.sup_a, grid=draft_only)
    svc.item_add(by=world.sup_a, section=v2.sections.get(), text="Ajout du brouillon v2")
    client.force_login(world.rep_a)
    rows = {g.pk: g for g in svc.grid_list(user=world.rep_a)}
    assert rows[draft_only.pk].current.number == 1 and rows[draft_only.pk].draft is None
    html = client.get(reverse("quality:grids")).content.decode()
    assert "en brouillon" not in html
    html = client.get(reverse("quality:grid", args=[draft_only.pk])).content.decode()
    assert "Indicateur encore en brouillon" in html and "Ajout du brouillon v2" not in html
    assert ">v2<" not in html
    assert client.get(reverse("quality:grid", args=[draft_only.pk]) + "?version=2").status_code == 404
    export = client.get(reverse("quality:grid_export", args=[draft_only.pk]) + "?version=2")
    assert export.status_code == 404
    # A supervisor sees the draft in the list and its structure.
    rows = {g.pk: g for g in svc.grid_list(user=world.sup_a)}
    assert rows[draft_only.pk].draft.number == 2 and rows[draft_only.pk].draft.n_items == 2


def test_admin_and_any_supervisor_edit_company_grids(client, world, draft_only):
    """Grids belong to the company, not to a team: sup_b and admin edit sup_a's grid."""
    section = draft_only.versions.get().sections.get()
    for user in (world.sup_b, world.admin):
        client.force_login(user)
        url = reverse("quality:grid_edit", args=[draft_only.pk])
        response = client.post(url, {
            "op": "item_add", "target": section.pk, f"n{section.pk}-text": f"Ajout de {user.username}",
            f"n{section.pk}-weight": "1", f"n{section.pk}-answer_type": "yes_no_na",
        })  # fmt: skip
        assert response.status_code == 302
    assert section.items.count() == 3


# --------------------------------------------------------------------------- POST only, CSRF


def test_state_changes_are_post_only(client, world, c1, draft_only):
    client.force_login(world.sup_a)
    assert client.get(reverse("quality:grid_publish", args=[draft_only.pk])).status_code == 405
    assert client.get(reverse("quality:grid_copy", args=[c1.pk])).status_code == 405
    assert draft_only.versions.get().status == VersionStatus.DRAFT


def test_csrf_is_enforced(world, c1, draft_only):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.sup_a)
    n = Grid.objects.count()
    assert client.post(reverse("quality:grid_copy", args=[c1.pk])).status_code == 403
    assert client.post(reverse("quality:grid_publish", args=[draft_only.pk])).status_code == 403
    item = GridItem.objects.get(section__version__grid=draft_only)
    response = client.post(
        reverse("quality:grid_edit", args=[draft_only.pk]), {"op": "item_delete", "target": item.pk}
    )
    assert response.status_code == 403
    assert Grid.objects.count() == n and GridItem.objects.filter(pk=item.pk).exists()
    assert draft_only.versions.get().status == VersionStatus.DRAFT


# --------------------------------------------------------------------------- versioning rules


def test_an_edit_on_a_version_published_meanwhile_is_refused(world, draft_only):
    """The caller holds the version object it loaded as a draft; someone publishes it; the edit
    must be refused (the services read the state again under the grid's lock)."""
    stale = GridVersion.objects.get(grid=draft_only)
    section = GridSection.objects.get(version=stale)
    item = GridItem.objects.get(section=section)
    svc.version_publish(by=world.sup_b, version=GridVersion.objects.get(pk=stale.pk))
    assert stale.status == VersionStatus.DRAFT  # the caller's copy is out of date
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.version_update(by=world.sup_a, version=stale, name="Autre", pass_mark=50)
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.section_add(by=world.sup_a, version=stale, title="Nouvelle")
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.item_delete(by=world.sup_a, item=item)
    assert GridItem.objects.filter(pk=item.pk).exists() and stale.sections.count() == 1


def test_publish_twice_is_refused_and_keeps_one_published_version(world, draft_only):
    draft = draft_only.versions.get()
    svc.version_publish(by=world.sup_a, version=draft)
    with pytest.raises(DomainError, match="ne se modifie plus"):
        svc.version_publish(by=world.sup_a, version=draft)
    assert draft_only.versions.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_retiring_the_former_version_is_audited(world, draft_only):
    v1 = svc.version_publish(by=world.sup_a, version=draft_only.versions.get())
    v2 = svc.version_new(by=world.sup_a, grid=draft_only)
    svc.version_publish(by=world.sup_a, version=v2)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(GridVersion), object_pk=str(v1.pk)
    )
    assert any(
        (e.changes_dict or {}).get("status", [None, None])[1] == VersionStatus.RETIRED for e in entries
    ), [e.changes_dict for e in entries]


def test_copy_of_a_grid_keeps_its_competencies_and_critical_items(world, grids):
    source = grids["cqp-televente-c6"]
    copy = svc.grid_copy(by=world.sup_a, grid=source, name="C6 maison")
    original = [
        (s.competency_id, [(i.text, i.critical, i.weight, i.answer_type, i.guidance) for i in items])
        for s, items in svc.version_structure(version=source.current_version)
    ]
    copied = [
        (s.competency_id, [(i.text, i.critical, i.weight, i.answer_type, i.guidance) for i in items])
        for s, items in svc.version_structure(version=copy.versions.get())
    ]
    assert copied == original and any(c for _cid, items in original for _t, c, *_ in items)
    assert copy.versions.get().pass_mark == source.current_version.pass_mark


# --------------------------------------------------------------------------- query counts


def _count(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_detail_page_queries_do_not_grow_with_sections(client, world, grids, django_assert_max_num_queries):
    """C1 has one section, the telephone grid nine (with competencies and blocks): same count."""
    client.force_login(world.sup_a)
    small = reverse("quality:grid", args=[grids["cqp-televente-c1"].pk])
    big = reverse("quality:grid", args=[grids["mc-relation-client-telephone"].pk])
    client.get(small)
    assert _count(client, small) == _count(client, big)
    with django_assert_max_num_queries(14):
        client.get(big)


def test_edit_page_queries_do_not_grow_with_sections(client, world, grids, django_assert_max_num_queries):
    client.force_login(world.sup_a)
    small = svc.grid_copy(by=world.sup_a, grid=grids["cqp-televente-c1"])
    big = svc.grid_copy(by=world.sup_a, grid=grids["mc-relation-client-telephone"])
    small_url = reverse("quality:grid_edit", args=[small.pk])
    big_url = reverse("quality:grid_edit", args=[big.pk])
    client.get(small_url)
    assert _count(client, small_url) == _count(client, big_url)
    with django_assert_max_num_queries(16):
        html = client.get(big_url).content.decode()
    # Every section's select still offers the competencies and shows its own as selected.
    section = big.versions.get().sections.order_by("position").first()
    assert f'<option value="{section.competency_id}" selected>' in html


def test_bad_section_keeps_what_was_typed_and_points_to_it(client, world, draft_only):
    client.force_login(world.sup_a)
    section = draft_only.versions.get().sections.get()
    p = f"s{section.pk}"
    response = client.post(reverse("quality:grid_edit", args=[draft_only.pk]), {
        "op": "section_save", "target": section.pk, f"{p}-title": "", f"{p}-competency": "",
        f"{p}-description": "Une description tapée",
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Une description tapée" in html and "Donnez un intitulé à la section." in html
    assert f'href="#section-{section.pk}"' in html
    section.refresh_from_db()
    assert section.title == "Accueil"


def test_posting_an_edit_after_the_draft_was_published_says_why(client, world, draft_only):
    item = GridItem.objects.get(section__version__grid=draft_only)
    svc.version_publish(by=world.sup_b, version=draft_only.versions.get())
    client.force_login(world.sup_a)
    p = f"i{item.pk}"
    response = client.post(
        reverse("quality:grid_edit", args=[draft_only.pk]),
        {"op": "item_save", "target": item.pk, f"{p}-text": "Trop tard", f"{p}-weight": "1",
         f"{p}-answer_type": "yes_no_na"},
        follow=True,
    )  # fmt: skip
    html = response.content.decode()
    assert "ne se modifie plus" in html and "Créer une nouvelle version" in html
    item.refresh_from_db()
    assert item.text == "Indicateur encore en brouillon"
