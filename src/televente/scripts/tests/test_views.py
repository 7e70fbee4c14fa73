"""The scripts screens with the Django test client: editor (supervisors only), read-only pages for
reps, the runner card with a call (another team's call answers 404), the objection search."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from televente.customers.choices import InteractionKind
from televente.customers.models import Interaction
from televente.scripts import demo
from televente.scripts.models import ObjectionUse, Script, ScriptRun

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return html.unescape(response.content.decode())


def step_post(rows: list[dict]) -> dict:
    data = {
        "steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": "0",
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, row in enumerate(rows):
        base = {"position": "", "kind": "discovery", "title": "", "answer_type": "none"}
        for key, value in {**base, **row}.items():
            data[f"steps-{i}-{key}"] = value
    return data


def test_a_supervisor_creates_a_script_and_errors_stay_next_to_the_field(client, world):
    client.force_login(world.sup_a)
    rows = [
        {"position": "1", "kind": "greeting", "title": "Bonjour"},
        {"position": "2", "title": "Satisfait ?", "question": "Satisfait ?", "answer_type": "yes_no",
         "branches": "Non -> 3\nPeut-être -> 1"},
        {"position": "3", "kind": "presentation", "title": "Offre"},
    ]  # fmt: skip
    data = {"name": "Relance express", "reasons": ["inactive"], **step_post(rows)}
    response = client.post(reverse("scripts:new"), data)
    assert response.status_code == 422
    assert "« Peut-être » n'est pas une des réponses proposées" in text(response)
    assert 'value="Relance express"' in text(response)
    data["steps-1-branches"] = "Non -> 3"
    response = client.post(reverse("scripts:new"), data)
    script = Script.objects.get(name="Relance express")
    assert response.status_code == 302 and script.reasons == ["inactive"]
    assert script.steps.get(position=2).branches.get().goes_to.position == 3
    page = client.get(reverse("scripts:edit", args=[script.pk]))
    assert "Non -> 3" in text(page)


def test_a_rep_reads_scripts_but_cannot_edit_them(client, world, reactivation):
    client.force_login(world.rep_a)
    listing = client.get(reverse("scripts:list"))
    assert listing.status_code == 200 and reactivation.name in text(listing)
    assert "Nouveau script" not in text(listing)
    assert client.get(reverse("scripts:detail", args=[reactivation.pk])).status_code == 200
    assert client.get(reverse("scripts:new")).status_code == 403
    assert client.get(reverse("scripts:edit", args=[reactivation.pk])).status_code == 403
    assert client.post(reverse("scripts:copy", args=[reactivation.pk])).status_code == 403
    assert client.get(reverse("scripts:results", args=[reactivation.pk])).status_code == 403
    assert client.get(reverse("scripts:objection_new")).status_code == 403


def test_copy_deactivate_and_results_for_a_supervisor(client, world, reactivation):
    client.force_login(world.sup_a)
    response = client.post(reverse("scripts:copy", args=[reactivation.pk]))
    copy = Script.objects.exclude(pk=reactivation.pk).get()
    assert response.url == reverse("scripts:edit", args=[copy.pk]) and not copy.is_active
    client.post(reverse("scripts:toggle", args=[reactivation.pk]))
    reactivation.refresh_from_db()
    assert not reactivation.is_active
    results = client.get(reverse("scripts:results", args=[reactivation.pk]))
    assert results.status_code == 200 and "Où les appels se sont arrêtés" in text(results)


def test_the_cockpit_card_runs_the_script_of_the_call(client, world, bakery, call, reactivation):
    client.force_login(world.rep_a)
    url = reverse("scripts:company_panel", args=[bakery.pk])
    card = client.get(url, {"appel": call.pk})
    assert card.status_code == 200 and reactivation.name in text(card) and "Accueil" in text(card)
    step = lambda n: reactivation.steps.get(position=n).pk  # noqa: E731
    post = {"appel": call.pk, "script": reactivation.pk}
    response = client.post(reverse("scripts:panel_next", args=[bakery.pk]), {**post, "step": step(1)})
    run = ScriptRun.objects.get()
    assert run.current_step.position == 2 and "Vérifier l'interlocuteur" in text(response)
    client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {**post, "run": run.pk, "step": step(4), "answer": "Pomona"},
    )
    bakery.refresh_from_db()
    assert bakery.competitor == "Pomona"
    bad = client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {**post, "run": run.pk, "step": step(7), "answer": "beaucoup"},
    )
    assert (
        bad.status_code == 422
        and "Indiquez un nombre positif" in text(bad)
        and 'value="beaucoup"' in text(bad)
    )
    back = client.post(reverse("scripts:panel_back", args=[bakery.pk]), {**post, "run": run.pk})
    assert back.status_code == 200
    # The card of the same call, reloaded, resumes where the call stopped.
    assert "Besoins" in text(client.get(url, {"appel": call.pk}))


def test_the_card_refuses_another_teams_call(client, world, bakery, other_team_call, reactivation):
    client.force_login(world.rep_a)
    url = reverse("scripts:company_panel", args=[bakery.pk])
    assert client.get(url, {"appel": other_team_call.pk}).status_code == 404
    assert client.get(reverse("scripts:company_panel", args=[other_team_call.company_id])).status_code == 404
    response = client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {"appel": other_team_call.pk, "script": reactivation.pk, "step": reactivation.steps.first().pk},
    )
    assert response.status_code == 404 and not ScriptRun.objects.exists()


def test_on_the_customer_file_the_card_lists_the_scripts_and_runs_without_a_call(
    client, world, bakery, reactivation
):
    client.force_login(world.rep_a)
    url = reverse("scripts:company_panel", args=[bakery.pk])
    card = client.get(url)
    assert "Appel hors plan" in text(card) and reactivation.name in text(card)
    card = client.get(url, {"script": reactivation.pk})
    assert "Accueil" in text(card)
    step = reactivation.steps.get(position=12)
    client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {"script": reactivation.pk, "step": reactivation.steps.get(position=4).pk, "answer": "Metro"},
    )
    run = ScriptRun.objects.get()
    assert run.task is None and run.rep == world.rep_a
    client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {"script": reactivation.pk, "run": run.pk, "step": step.pk},
    )
    run.refresh_from_db()
    assert run.finished_at is not None
    assert Interaction.objects.filter(
        company=bakery, kind=InteractionKind.NOTE, notes__contains="Metro"
    ).exists()
    # Someone else's run without a call cannot be continued.
    client.force_login(world.rep_a2)
    response = client.post(
        reverse("scripts:panel_next", args=[bakery.pk]),
        {"script": reactivation.pk, "run": run.pk, "step": step.pk},
    )
    assert response.status_code == 404


def test_the_objection_search_and_use_in_the_card(client, world, bakery, call):
    demo.build_objections(by=world.sup_a)
    client.force_login(world.rep_a)
    results = client.get(
        reverse("scripts:panel_objections", args=[bakery.pk]), {"q": "franco", "appel": call.pk}
    )
    assert "Votre franco est trop haut" in text(results) and "pas encore utilisée" in text(results)
    from televente.scripts.models import ObjectionAnswer

    answer = ObjectionAnswer.objects.get(text__startswith="En regroupant")
    used = client.post(
        reverse("scripts:panel_objection_use", args=[bakery.pk, answer.pk]), {"q": "franco", "appel": call.pk}
    )
    assert "Noté pour cet appel" in text(used) and "a mené à une commande 0 fois sur 1" in text(used)
    assert ObjectionUse.objects.get().task == call


def test_the_objection_library_and_its_editor(client, world):
    demo.build_objections(by=world.sup_a)
    client.force_login(world.rep_a)
    page = client.get(reverse("scripts:objections"), {"q": "delai"})
    assert "Vos délais de livraison sont trop longs" in text(page) and "C'est trop cher" not in text(page)
    client.force_login(world.sup_a)
    data = {
        "text": "Je commande sur internet",
        "family": "competitor",
        "keywords": "web site",
        "is_active": "on",
        "answers-TOTAL_FORMS": "2",
        "answers-INITIAL_FORMS": "0",
        "answers-MIN_NUM_FORMS": "0",
        "answers-MAX_NUM_FORMS": "1000",
        "answers-0-text": "Nous aussi : commandez en ligne, je vous rappelle pour les conseils.",
        "answers-0-position": "1",
        "answers-0-is_active": "on",
        "answers-1-text": "",
        "answers-1-position": "1",
        "answers-1-is_active": "on",
    }
    response = client.post(reverse("scripts:objection_new"), data)
    assert response.status_code == 302, text(response)
    from televente.scripts.models import Objection

    created = Objection.objects.get(text="Je commande sur internet")
    assert created.answers.count() == 1 and "internet" in created.search_text


def test_the_cockpit_card_and_the_list_have_bounded_queries(
    client, world, bakery, call, reactivation, django_assert_max_num_queries
):
    demo.build_objections(by=world.sup_a)
    client.force_login(world.rep_a)
    url = reverse("scripts:company_panel", args=[bakery.pk])
    with django_assert_max_num_queries(11):  # session and user, the customer, the call, the runner
        assert client.get(url, {"appel": call.pk}).status_code == 200
    with django_assert_max_num_queries(8):
        client.get(reverse("scripts:panel_objections", args=[bakery.pk]), {"q": "cher", "appel": call.pk})
    with django_assert_max_num_queries(6):
        client.get(reverse("scripts:list"))


def test_an_inactive_script_is_finished_by_its_call_but_not_started(
    client, world, bakery, call, reactivation
):
    client.force_login(world.rep_a)
    post = {"appel": call.pk, "script": reactivation.pk}
    step = lambda n: reactivation.steps.get(position=n).pk  # noqa: E731
    client.post(reverse("scripts:panel_next", args=[bakery.pk]), {**post, "step": step(1)})
    run = ScriptRun.objects.get()
    Script.objects.filter(pk=reactivation.pk).update(is_active=False)
    response = client.post(
        reverse("scripts:panel_next", args=[bakery.pk]), {**post, "run": run.pk, "step": step(2)}
    )
    assert response.status_code == 200 and 'name="step"' in text(response)
    run.refresh_from_db()
    assert run.current_step.position == 3
    # Without a run of it, nobody starts an inactive script.
    response = client.post(
        reverse("scripts:panel_next", args=[bakery.pk]), {"script": reactivation.pk, "step": step(1)}
    )
    assert response.status_code == 404 and ScriptRun.objects.count() == 1


def test_the_editor_keeps_the_saved_rows_on_error(client, world, reactivation):
    from televente.scripts.forms import step_initial

    client.force_login(world.sup_a)
    rows = step_initial(list(reactivation.steps.prefetch_related("branches__goes_to").order_by("position")))
    data = {
        "name": "", "steps-TOTAL_FORMS": str(len(rows)), "steps-INITIAL_FORMS": str(len(rows)),
        "steps-MIN_NUM_FORMS": "0", "steps-MAX_NUM_FORMS": "1000",
    }  # fmt: skip
    for i, row in enumerate(rows):
        for key, value in row.items():
            data[f"steps-{i}-{key}"] = "" if value is None else value
    data["steps-0-DELETE"] = "on"
    response = client.post(reverse("scripts:edit", args=[reactivation.pk]), data)
    assert response.status_code == 422
    body = text(response)
    assert (
        f"Étape 1 : {rows[0]['title']}" in body
        and 'name="steps-0-DELETE" id="id_steps-0-DELETE" checked' in body
    )
