"""The evaluation, session and calibration screens through the Django test client."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.quality import services
from televente.quality.choices import EvaluationKind, EvaluationStatus, SessionKind
from televente.quality.models import Calibration, CoachingSession, Evaluation, GridItem

pytestmark = pytest.mark.django_db


def c1(grids):
    return grids["cqp-televente-c1"].current_version


def items_of(version):
    return list(
        GridItem.objects.filter(section__version=version).order_by("section__position", "position", "id")
    )


def fill_data(version, *, critical_no=False, **extra):
    data = {}
    for item in items_of(version):
        data[f"item_{item.pk}"] = "no" if (critical_no and item.critical) else "yes"
        data[f"comment_{item.pk}"] = "Prix non confirmé" if (critical_no and item.critical) else ""
    data.update({"overall_comment": "Bon appel.", "agreed_actions": "Récapituler les prix.", **extra})
    return data


def login(client, user):
    client.force_login(user)
    return client


# Access ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["home", "evaluations", "sessions", "self_new"])
def test_pages_open_for_rep_and_supervisor(client, world, grids, name):
    for user in (world.rep_a, world.sup_a, world.admin):
        response = login(client, user).get(reverse(f"quality:{name}"))
        assert response.status_code == 200, (user, name)


def test_field_rep_and_back_office_are_refused(client, world, grids):
    for user in (world.field_a, world.bo_logistics):
        assert login(client, user).get(reverse("quality:home")).status_code == 403


@pytest.mark.parametrize("name", ["calls", "calibrations", "session_new"])
def test_supervisor_pages_are_refused_to_reps(client, world, grids, name):
    assert login(client, world.rep_a).get(reverse(f"quality:{name}")).status_code == 403
    assert login(client, world.sup_a).get(reverse(f"quality:{name}")).status_code == 200


def test_home_of_the_supervisor_lists_calls_to_evaluate(client, world, call):
    html = login(client, world.sup_a).get(reverse("quality:home")).content.decode()
    assert "Épicerie du Port" in html
    assert reverse("quality:evaluate", args=[call.pk]) in html


def test_call_list_filters_and_scopes(client, world, call, other_call):
    html = login(client, world.sup_a).get(reverse("quality:calls")).content.decode()
    assert "Épicerie du Port" in html and "Café de la Gare" not in html
    assert f"https://pbx.example.com/rec/{call.pk}.mp3" in html
    assert 'target="_blank"' in html
    html = client.get(reverse("quality:calls"), {"outcome": "reached_order"}).content.decode()
    assert "Épicerie du Port" not in html
    html = client.get(reverse("quality:calls"), {"rep": world.rep_a2.pk}).content.decode()
    assert "Épicerie du Port" not in html


# The journey ----------------------------------------------------------------------------------------------------------


def test_supervisor_evaluates_and_the_rep_acknowledges(client, world, call, grids):
    version = c1(grids)
    client = login(client, world.sup_a)
    page = client.get(reverse("quality:evaluate", args=[call.pk]))
    assert page.status_code == 200 and "Épicerie du Port" in page.content.decode()
    response = client.post(reverse("quality:evaluate", args=[call.pk]), {"grid_version": version.pk})
    evaluation = Evaluation.objects.get()
    assert response.url == reverse("quality:evaluation_fill", args=[evaluation.pk])
    html = client.get(response.url).content.decode()
    assert "critique" in html and "Transmettre au télévendeur" in html and "Le client hésite" in html
    # Save a draft: the score shows.
    response = client.post(
        reverse("quality:evaluation_fill", args=[evaluation.pk]), fill_data(version, save="1")
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT and evaluation.score == 100
    # The rep cannot see the draft.
    assert (
        login(client, world.rep_a).get(reverse("quality:evaluation", args=[evaluation.pk])).status_code == 404
    )
    # Share with a critical item failed.
    client = login(client, world.sup_a)
    response = client.post(
        reverse("quality:evaluation_fill", args=[evaluation.pk]),
        fill_data(version, critical_no=True, share="1"),
    )
    assert response.url == reverse("quality:evaluation", args=[evaluation.pk])
    evaluation.refresh_from_db()
    assert (
        evaluation.status == EvaluationStatus.SHARED
        and evaluation.critical_failed
        and evaluation.passed is False
    )
    # The rep reads it and acknowledges.
    client = login(client, world.rep_a)
    html = client.get(reverse("quality:evaluation", args=[evaluation.pk])).content.decode()
    assert "Non satisfaisant : item critique" in html and "Récapituler les prix." in html
    assert "Prix non confirmé" in html
    assert reverse("quality:evaluation_acknowledge", args=[evaluation.pk]) in html
    assert "Planifier une action de formation" not in html
    response = client.post(
        reverse("quality:evaluation_acknowledge", args=[evaluation.pk]), {"comment": "Compris, merci."}
    )
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.rep_comment == "Compris, merci."
    # The supervisor sees the training link with the evaluation.
    html = (
        login(client, world.sup_a).get(reverse("quality:evaluation", args=[evaluation.pk])).content.decode()
    )
    assert f"{reverse('quality:training_new', args=[world.rep_a.pk])}?evaluation={evaluation.pk}" in html
    assert "Compris, merci." in html


def test_fill_keeps_what_was_typed_on_error(client, world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    first = items_of(version)[0]
    data = {
        f"item_{first.pk}": "no",
        f"comment_{first.pk}": "Pas de présentation claire",
        "overall_comment": "À reprendre",
        "share": "1",
    }
    response = login(client, world.sup_a).post(reverse("quality:evaluation_fill", args=[evaluation.pk]), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Répondez à tous les indicateurs" in html
    assert 'value="Pas de présentation claire"' in html and "À reprendre" in html
    assert f'value="no" id="id_item_{first.pk}_1" checked' in html
    assert html.count("Réponse attendue.") == len(items_of(version)) - 1
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.DRAFT


def test_fill_is_for_the_evaluator_only(client, world, call, grids):
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=c1(grids))
    assert (
        login(client, world.admin).get(reverse("quality:evaluation_fill", args=[evaluation.pk])).status_code
        == 403
    )
    assert (
        login(client, world.sup_b).get(reverse("quality:evaluation_fill", args=[evaluation.pk])).status_code
        == 404
    )
    assert (
        login(client, world.rep_a).get(reverse("quality:evaluation_fill", args=[evaluation.pk])).status_code
        == 404
    )


def test_other_team_calls_answer_404(client, world, call, grids):
    client = login(client, world.sup_b)
    assert client.get(reverse("quality:evaluate", args=[call.pk])).status_code == 404
    assert (
        client.post(reverse("quality:evaluate", args=[call.pk]), {"grid_version": c1(grids).pk}).status_code
        == 404
    )
    assert client.get(reverse("quality:calibration_new", args=[call.pk])).status_code == 404
    assert not Evaluation.objects.exists()


def test_acknowledge_is_post_and_for_the_rep(client, world, call, grids):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(
        evaluation=evaluation,
        by=world.sup_a,
        answers={i.pk: ("yes", "") for i in items_of(version)},
        share=True,
    )
    url = reverse("quality:evaluation_acknowledge", args=[evaluation.pk])
    assert login(client, world.rep_a).get(url).status_code == 405
    assert login(client, world.rep_a2).post(url, {"comment": "x"}).status_code == 404
    response = login(client, world.sup_a).post(url, {"comment": "x"})
    assert response.status_code == 403
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.SHARED


def test_delete_a_draft(client, world, call, grids):
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=c1(grids))
    response = login(client, world.sup_a).post(reverse("quality:evaluation_delete", args=[evaluation.pk]))
    assert response.url == reverse("quality:home")
    assert not Evaluation.objects.exists()


def test_evaluation_list_filters(client, world, call, other_call, grids):
    version = c1(grids)
    mine = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_start(by=world.sup_b, interaction=other_call, grid_version=version)
    html = login(client, world.sup_a).get(reverse("quality:evaluations")).content.decode()
    assert reverse("quality:evaluation", args=[mine.pk]) in html and "Café de la Gare" not in html
    html = client.get(reverse("quality:evaluations"), {"status": "shared"}).content.decode()
    assert reverse("quality:evaluation", args=[mine.pk]) not in html
    # The rep sees no draft.
    html = login(client, world.rep_a).get(reverse("quality:evaluations")).content.decode()
    assert reverse("quality:evaluation", args=[mine.pk]) not in html


# Self-assessment ------------------------------------------------------------------------------------------------------


def test_rep_self_assessment_on_their_call(client, world, call, other_call, grids):
    version = c1(grids)
    client = login(client, world.rep_a)
    html = client.get(reverse("quality:self_new")).content.decode()
    assert "Épicerie du Port" in html and "Café de la Gare" not in html
    # Someone else's call is not a choice.
    response = client.post(
        reverse("quality:self_new"), {"grid_version": version.pk, "interaction": other_call.pk}
    )
    assert response.status_code == 200 and not Evaluation.objects.exists()
    response = client.post(reverse("quality:self_new"), {"grid_version": version.pk, "interaction": call.pk})
    own = Evaluation.objects.get()
    assert own.kind == EvaluationKind.SELF and own.rep == world.rep_a and own.interaction == call
    assert response.url == reverse("quality:evaluation_fill", args=[own.pk])
    html = client.get(response.url).content.decode()
    assert "Transmettre à mon superviseur" in html
    client.post(response.url, fill_data(version, share="1"))
    own.refresh_from_db()
    assert own.status == EvaluationStatus.SHARED
    # The supervisor sees it next to their own evaluation of the same call.
    sup = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(
        evaluation=sup, by=world.sup_a, answers={i.pk: ("yes", "") for i in items_of(version)}, share=True
    )
    html = login(client, world.sup_a).get(reverse("quality:evaluation", args=[sup.pk])).content.decode()
    assert reverse("quality:evaluation", args=[own.pk]) in html


# Sessions -------------------------------------------------------------------------------------------------------------


def test_certification_session_screen(client, world, call, grids):
    client = login(client, world.sup_a)
    response = client.post(
        reverse("quality:session_new"),
        {"rep": world.rep_a.pk, "kind": SessionKind.CERTIFICATION, "held_on": timezone.localdate().isoformat(),
         "customer_minutes": 40, "notes": "Examen blanc"},
    )  # fmt: skip
    session = CoachingSession.objects.get()
    assert response.url == reverse("quality:session", args=[session.pk])
    html = client.get(response.url).content.decode()
    assert "au moins trois entretiens" in html and "pas encore réunies" in html
    response = client.post(
        reverse("quality:session_evaluate", args=[session.pk]),
        {"grid_version": c1(grids).pk, "interaction": call.pk},
    )
    evaluation = Evaluation.objects.get()
    assert evaluation.session == session and response.url == reverse(
        "quality:evaluation_fill", args=[evaluation.pk]
    )
    # sup_b does not see the session; the rep does.
    assert login(client, world.sup_b).get(reverse("quality:session", args=[session.pk])).status_code == 404
    assert login(client, world.rep_a).get(reverse("quality:session", args=[session.pk])).status_code == 200


def test_session_form_keeps_input_on_error(client, world, grids):
    response = login(client, world.sup_a).post(
        reverse("quality:session_new"),
        {"rep": world.rep_a.pk, "kind": SessionKind.ROLE_PLAY, "held_on": timezone.localdate().isoformat(),
         "customer_minutes": 15, "notes": "Notes gardées"},
    )  # fmt: skip
    assert response.status_code == 200
    html = response.content.decode()
    assert "Décrivez la situation du client" in html and "Notes gardées" in html
    assert not CoachingSession.objects.exists()
    # A rep of another team is not a choice.
    response = client.post(
        reverse("quality:session_new"),
        {"rep": world.rep_b.pk, "kind": SessionKind.LIVE, "held_on": timezone.localdate().isoformat(),
         "customer_minutes": 15},
    )  # fmt: skip
    assert response.status_code == 200 and not CoachingSession.objects.exists()


# Calibration ----------------------------------------------------------------------------------------------------------


def test_calibration_between_two_supervisors(client, world, call, grids):
    version = c1(grids)
    items = items_of(version)
    client = login(client, world.sup_a)
    response = client.post(reverse("quality:calibration_new", args=[call.pk]), {"grid_version": version.pk})
    calibration = Calibration.objects.get()
    mine = Evaluation.objects.get(kind=EvaluationKind.CALIBRATION, evaluator=world.sup_a)
    assert response.url == reverse("quality:evaluation_fill", args=[mine.pk])
    assert "Transmettre" not in client.get(response.url).content.decode()
    client.post(response.url, fill_data(version, save="1"))
    # sup_b joins (another team: only through the calibration).
    client = login(client, world.sup_b)
    assert "Épicerie du Port" in client.get(reverse("quality:calibrations")).content.decode()
    response = client.post(reverse("quality:calibration_score", args=[calibration.pk]))
    theirs = Evaluation.objects.get(kind=EvaluationKind.CALIBRATION, evaluator=world.sup_b)
    assert response.url == reverse("quality:evaluation_fill", args=[theirs.pk])
    data = fill_data(version, save="1")
    data[f"item_{items[0].pk}"] = "no"
    client.post(response.url, data)
    html = client.get(reverse("quality:calibration", args=[calibration.pk])).content.decode()
    assert 'class="disagree"' in html and "désaccord" in html
    assert "90,0 %" in html or "90 %" in html
    # The rep never sees it.
    client = login(client, world.rep_a)
    assert client.get(reverse("quality:calibration", args=[calibration.pk])).status_code == 403
    assert client.get(reverse("quality:evaluation", args=[theirs.pk])).status_code == 404
    # Only the initiator closes it.
    login(client, world.sup_b).post(
        reverse("quality:calibration", args=[calibration.pk]), {"action": "close"}
    )
    calibration.refresh_from_db()
    assert calibration.closed_at is None
    login(client, world.sup_a).post(
        reverse("quality:calibration", args=[calibration.pk]), {"action": "close"}
    )
    calibration.refresh_from_db()
    assert calibration.closed_at is not None


def test_views_query_counts(client, world, call, grids, django_assert_max_num_queries):
    version = c1(grids)
    evaluation = services.evaluation_start(by=world.sup_a, interaction=call, grid_version=version)
    services.evaluation_save(
        evaluation=evaluation,
        by=world.sup_a,
        answers={i.pk: ("yes", "") for i in items_of(version)},
        share=True,
    )
    client = login(client, world.sup_a)
    client.get(reverse("quality:evaluation", args=[evaluation.pk]))  # warm caches (navigation, sessions)
    with django_assert_max_num_queries(30):
        assert client.get(reverse("quality:evaluation", args=[evaluation.pk])).status_code == 200
    with django_assert_max_num_queries(25):
        assert client.get(reverse("quality:calls")).status_code == 200
