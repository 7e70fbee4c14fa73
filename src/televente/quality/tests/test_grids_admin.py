"""Django admin of the quality models and their audit trail."""

from __future__ import annotations

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from televente.quality import grids as svc
from televente.quality.models import Evaluation, Grid, GridItem


def test_grid_changes_are_audited(world, grids):
    grid = svc.grid_create(by=world.sup_a, name="Auditée")
    svc.version_update(by=world.sup_a, version=grid.versions.get(), name="Auditée 2", pass_mark=75)
    entries = LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Grid), object_pk=str(grid.pk)
    )
    assert entries.count() >= 2
    assert any("name" in (e.changes_dict or {}) for e in entries)


def test_all_quality_models_are_audited():
    from auditlog.registry import auditlog
    from django.apps import apps

    models = list(apps.get_app_config("quality").get_models())
    assert models and all(auditlog.contains(m) for m in models), [
        m for m in models if not auditlog.contains(m)
    ]
    assert Evaluation in models


def test_admin_pages_and_shipped_grids_read_only(client, world, grids):
    client.force_login(world.admin)
    for name in ("grid", "gridversion", "griditem", "evaluation", "certificationrecord", "competency"):
        assert client.get(reverse(f"admin:quality_{name}_changelist")).status_code == 200
    c1 = grids["cqp-televente-c1"]
    page = client.get(reverse("admin:quality_grid_change", args=[c1.pk]))
    assert page.status_code == 200
    client.post(reverse("admin:quality_grid_change", args=[c1.pk]), {"name": "Changée", "code": c1.code})
    c1.refresh_from_db()
    assert c1.name == "CQP télévente – Compétence 1"
    item = GridItem.objects.filter(section__version__grid=c1).first()
    assert (
        client.post(reverse("admin:quality_griditem_delete", args=[item.pk]), {"post": "yes"}).status_code
        == 403
    )
    assert GridItem.objects.filter(pk=item.pk).exists()


def test_admin_cannot_add_versions_sections_or_items_outside_the_screens(client, world, grids):
    """Else an item could be added to a section of a version in service (past evaluations)."""
    client.force_login(world.admin)
    for name in ("gridversion", "gridsection", "griditem"):
        assert client.get(reverse(f"admin:quality_{name}_add")).status_code == 403
    section = grids["cqp-televente-c1"].current_version.sections.get()
    n = section.items.count()
    response = client.post(
        reverse("admin:quality_griditem_add"),
        {"section": section.pk, "position": 99, "text": "Ajout", "weight": 1, "answer_type": "yes_no_na"},
    )
    assert response.status_code == 403 and section.items.count() == n
