"""Grid screens through the Django test client: who sees and does what, and forms keeping input."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from televente.quality import grids as svc
from televente.quality.choices import VersionStatus
from televente.quality.models import Grid, GridItem


@pytest.fixture
def c1(grids):
    return grids["cqp-televente-c1"]


@pytest.fixture
def own(world, c1):
    """A company grid copied from C1, still in draft."""
    return svc.grid_copy(by=world.sup_a, grid=c1, name="Prise de commande maison")


def test_anonymous_is_sent_to_login(client, grids):
    response = client.get(reverse("quality:grids"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_list_for_a_supervisor(client, world, c1, own):
    client.force_login(world.sup_a)
    response = client.get(reverse("quality:grids"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Grilles fournies" in html and "Copier pour adapter" in html and "Nouvelle grille" in html
    assert html.index("CQP télévente – Compétence 1") < html.index("Prise de commande maison")
    assert "CQP relation commerciale à distance / vente à distance en commerce de gros" in html  # its source


def test_list_and_detail_for_a_rep_read_only(client, world, c1, own):
    client.force_login(world.rep_a)
    html = client.get(reverse("quality:grids")).content.decode()
    assert "CQP télévente – Compétence 1" in html
    assert "Copier pour adapter" not in html and "Nouvelle grille" not in html
    detail = client.get(reverse("quality:grid", args=[c1.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "L'interlocuteur décideur pour passer commande" in text or "L&#x27;interlocuteur décideur" in text
    assert "Copier pour adapter" not in text and "Modifier" not in text
    # A rep never sees a draft version.
    assert client.get(reverse("quality:grid", args=[own.pk]) + "?version=1").status_code == 404


def test_back_office_has_no_access(client, world, c1):
    client.force_login(world.bo_logistics)
    assert client.get(reverse("quality:grids")).status_code == 403
    assert client.get(reverse("quality:grid", args=[c1.pk])).status_code == 403


def test_rep_cannot_copy_create_edit_or_publish(client, world, c1, own):
    client.force_login(world.rep_a)
    n = Grid.objects.count()
    assert client.post(reverse("quality:grid_copy", args=[c1.pk])).status_code == 403
    assert client.get(reverse("quality:grid_new")).status_code == 403
    assert client.post(reverse("quality:grid_new"), {"name": "X"}).status_code == 403
    assert client.get(reverse("quality:grid_edit", args=[own.pk])).status_code == 403
    assert client.post(reverse("quality:grid_publish", args=[own.pk])).status_code == 403
    assert Grid.objects.count() == n
    assert own.versions.get().status == VersionStatus.DRAFT


def test_unknown_grid_is_404(client, world, grids):
    client.force_login(world.sup_a)
    assert client.get(reverse("quality:grid", args=[999999])).status_code == 404
    assert client.get(reverse("quality:grid_edit", args=[999999])).status_code == 404
    assert (
        client.get(reverse("quality:grid", args=[grids["cqp-televente-c1"].pk]) + "?version=7").status_code
        == 404
    )


def test_copy_is_post_only_and_redirects_to_edit(client, world, c1):
    client.force_login(world.sup_b)
    assert client.get(reverse("quality:grid_copy", args=[c1.pk])).status_code == 405
    response = client.post(reverse("quality:grid_copy", args=[c1.pk]), {"name": "Ma C1"})
    copy = Grid.objects.get(name="Ma C1")
    assert response.status_code == 302 and response["Location"] == reverse(
        "quality:grid_edit", args=[copy.pk]
    )
    assert copy.copied_from == c1 and copy.versions.get().sections.get().items.count() == 10
    page = client.get(response["Location"])
    assert page.status_code == 200 and "Mettre en service" in page.content.decode()


def test_shipped_grid_edit_page_offers_a_copy(client, world, c1):
    client.force_login(world.sup_a)
    response = client.get(reverse("quality:grid_edit", args=[c1.pk]))
    html = response.content.decode()
    assert response.status_code == 200 and "ne se modifie pas" in html and "Copier pour adapter" in html
    # Posting edits to a shipped grid changes nothing.
    item = GridItem.objects.filter(section__version=c1.current_version).first()
    client.post(reverse("quality:grid_edit", args=[c1.pk]), {"op": "item_delete", "target": item.pk})
    assert GridItem.objects.filter(pk=item.pk).exists()


def test_new_grid_form_keeps_input_on_error(client, world, grids):
    client.force_login(world.sup_a)
    response = client.post(reverse("quality:grid_new"), {"name": "", "description": "Mes appels entrants"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Mes appels entrants" in html and "has-error" in html
    response = client.post(reverse("quality:grid_new"), {"name": "Entrants", "description": ""})
    grid = Grid.objects.get(name="Entrants")
    assert response["Location"] == reverse("quality:grid_edit", args=[grid.pk])
    assert grid.versions.get().status == VersionStatus.DRAFT


def test_edit_add_section_and_items_then_publish(client, world, grids):
    client.force_login(world.sup_a)
    grid = svc.grid_create(by=world.sup_a, name="Entrants")
    url = reverse("quality:grid_edit", args=[grid.pk])
    r = client.post(
        url, {"op": "section_add", "ns-title": "Accueil", "ns-competency": "", "ns-description": ""}
    )
    assert r.status_code == 302
    section = grid.versions.get().sections.get()
    r = client.post(url, {
        "op": "item_add", "target": section.pk, f"n{section.pk}-text": "Le client est salué",
        f"n{section.pk}-weight": "2", f"n{section.pk}-answer_type": "yes_no", f"n{section.pk}-critical": "on",
        f"n{section.pk}-guidance": "",
    })  # fmt: skip
    assert r.status_code == 302
    item = section.items.get()
    assert (item.text, item.weight, item.answer_type, item.critical) == (
        "Le client est salué",
        2,
        "yes_no",
        True,
    )
    page = client.get(url).content.decode()
    assert "Le client est salué" in page
    r = client.post(reverse("quality:grid_publish", args=[grid.pk]))
    assert r.status_code == 302 and r["Location"] == reverse("quality:grid", args=[grid.pk])
    assert grid.versions.get().status == VersionStatus.PUBLISHED
    # No draft any more: the edit screen offers a new version.
    html = client.get(url).content.decode()
    assert "Créer une nouvelle version" in html
    client.post(url, {"op": "new_version"})
    assert list(grid.versions.order_by("number").values_list("number", "status")) == [
        (1, VersionStatus.PUBLISHED),
        (2, VersionStatus.DRAFT),
    ]


def test_bad_item_keeps_what_was_typed(client, world, own):
    client.force_login(world.sup_a)
    url = reverse("quality:grid_edit", args=[own.pk])
    item = GridItem.objects.filter(section__version__grid=own).order_by("position").first()
    p = f"i{item.pk}"
    response = client.post(url, {
        "op": "item_save", "target": item.pk, f"{p}-text": "Texte retravaillé par le superviseur",
        f"{p}-weight": "12", f"{p}-answer_type": "yes_no_na", f"{p}-guidance": "Écouter la fin",
    })  # fmt: skip
    assert response.status_code == 400
    html = response.content.decode()
    assert "Texte retravaillé par le superviseur" in html and "Écouter la fin" in html
    assert "de 1 à 10" in html
    item.refresh_from_db()
    assert item.text != "Texte retravaillé par le superviseur"


def test_publish_refused_shows_the_reason(client, world, grids):
    client.force_login(world.sup_a)
    grid = svc.grid_create(by=world.sup_a, name="Vide")
    response = client.post(reverse("quality:grid_publish", args=[grid.pk]), follow=True)
    assert "au moins une section avec un indicateur" in response.content.decode()
    assert grid.versions.get().status == VersionStatus.DRAFT


def test_item_of_another_grid_is_404(client, world, c1, own):
    client.force_login(world.sup_a)
    foreign = GridItem.objects.filter(section__version=c1.current_version).first()
    response = client.post(
        reverse("quality:grid_edit", args=[own.pk]), {"op": "item_delete", "target": foreign.pk}
    )
    assert response.status_code == 404
    assert GridItem.objects.filter(pk=foreign.pk).exists()


def test_reorder_with_buttons(client, world, own):
    client.force_login(world.sup_a)
    items = list(GridItem.objects.filter(section__version__grid=own).order_by("position"))
    client.post(reverse("quality:grid_edit", args=[own.pk]), {"op": "item_down", "target": items[0].pk})
    after = list(GridItem.objects.filter(section__version__grid=own).order_by("position"))
    assert after[0] == items[1] and after[1] == items[0]


def test_detail_shows_versions_and_older_version(client, world, c1, own):
    client.force_login(world.sup_a)
    svc.version_publish(by=world.sup_a, version=own.versions.get())
    v2 = svc.version_new(by=world.sup_a, grid=own)
    svc.item_add(by=world.sup_a, section=v2.sections.get(), text="Indicateur ajouté en v2")
    svc.version_publish(by=world.sup_a, version=v2)
    html = client.get(reverse("quality:grid", args=[own.pk])).content.decode()
    assert "Indicateur ajouté en v2" in html and "Remplacée" in html and "En service" in html
    html = client.get(reverse("quality:grid", args=[own.pk]) + "?version=1").content.decode()
    assert "Indicateur ajouté en v2" not in html


def test_export_json(client, world, c1):
    client.force_login(world.rep_a)
    response = client.get(reverse("quality:grid_export", args=[c1.pk]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["code"] == "cqp-televente-c1" and len(data["sections"][0]["items"]) == 10


def _count_queries(client, url) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_list_view_queries_do_not_grow_with_grids(client, world, c1, django_assert_max_num_queries):
    client.force_login(world.sup_a)
    url = reverse("quality:grids")
    client.get(url)
    before = _count_queries(client, url)
    for n in range(5):
        copy = svc.grid_copy(by=world.sup_a, grid=c1, name=f"Copie {n}")
        if n % 2:
            svc.version_publish(by=world.sup_a, version=copy.versions.get())
    assert _count_queries(client, url) == before
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_stop_offering_a_shipped_grid(client, world, grids):
    mc = grids["mc-relation-client-telephone"]
    url = reverse("quality:grid_edit", args=[mc.pk])
    client.force_login(world.rep_a)
    assert client.post(url, {"op": "set_active", "active": "0"}).status_code == 403
    client.force_login(world.sup_a)
    response = client.post(url, {"op": "set_active", "active": "0"}, follow=True)
    assert "n'est plus proposée" in response.content.decode()
    mc.refresh_from_db()
    assert not mc.is_active
    assert mc.pk not in {v.grid_id for v in svc.grid_versions_for_evaluation(user=world.sup_a)}
    client.post(url, {"op": "set_active", "active": "1"})
    mc.refresh_from_db()
    assert mc.is_active
