"""Profile, team, training and certification screens: permissions, forms, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.quality import profile
from televente.quality.certification import add_years
from televente.quality.choices import TrainingStatus
from televente.quality.models import (
    CertificationBlock,
    CertificationEvidence,
    CertificationRecord,
    TrainingAction,
)

from .test_profile_services import answers, make_eval

pytestmark = pytest.mark.django_db


def block(n):
    return CertificationBlock.objects.get(certification="RNCP 32391", number=n)


@pytest.fixture
def history(world, grids):
    c1, c2 = grids["cqp-televente-c1"], grids["cqp-televente-c2"]
    today = timezone.localdate()
    evals = [
        make_eval(c1, world.rep_a, world.sup_a, today - dt.timedelta(days=d), answers(c1, n))
        for d, n in ((70, 4), (40, 6), (5, 9))
    ]
    evals.append(
        make_eval(
            c2,
            world.rep_a,
            world.sup_a,
            today - dt.timedelta(days=3),
            answers(c2, 4),
            agreed_actions="Questions ouvertes",
        )
    )
    return evals


def test_profile_pages_permissions(client, world, history):
    url = reverse("quality:profile", args=[world.rep_a.pk])
    client.force_login(world.rep_a)
    r = client.get(reverse("quality:my_profile"))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Mon profil de compétences" in html and "Réaliser une prise de commande" in html and "<svg" in html
    assert client.get(url).status_code == 200  # their own
    assert client.get(reverse("quality:profile", args=[world.rep_a2.pk])).status_code == 404
    assert client.get(reverse("quality:team")).status_code == 302
    client.force_login(world.sup_b)
    assert client.get(url).status_code == 404
    client.force_login(world.sup_a)
    r = client.get(url)
    assert r.status_code == 200 and "Nouvelle action de formation" in r.content.decode()
    assert client.get(reverse("quality:my_profile")).status_code == 302
    client.force_login(world.admin)
    assert client.get(url).status_code == 200
    client.force_login(world.bo_logistics)
    assert client.get(url).status_code == 403


def test_team_page(client, world, history):
    client.force_login(world.sup_a)
    r = client.get(reverse("quality:team"))
    html = r.content.decode()
    assert r.status_code == 200
    assert reverse("quality:profile", args=[world.rep_a.pk]) in html
    assert reverse("quality:profile", args=[world.rep_b.pk]) not in html


def test_training_new_prefilled_from_an_evaluation_then_saved(client, world, history):
    evaluation = history[-1]
    url = reverse("quality:training_new", args=[world.rep_a.pk])
    client.force_login(world.sup_a)
    r = client.get(url, {"evaluation": evaluation.pk})
    html = r.content.decode()
    assert r.status_code == 200 and 'value="Questions ouvertes"' in html
    assert f'name="evaluation" value="{evaluation.pk}"' in html
    comp = evaluation.grid_version.sections.get().competency
    assert f'<option value="{comp.pk}" selected>' in html
    # Bad input keeps what was typed.
    r = client.post(
        url,
        {"evaluation": evaluation.pk, "title": "Atelier découverte", "planned_on": "", "competency": comp.pk},
    )
    assert r.status_code == 200 and 'value="Atelier découverte"' in r.content.decode()
    assert not TrainingAction.objects.exists()
    planned = (timezone.localdate() + dt.timedelta(days=7)).isoformat()
    r = client.post(
        url,
        {
            "evaluation": evaluation.pk,
            "title": "Atelier découverte",
            "planned_on": planned,
            "competency": comp.pk,
        },
    )
    assert r.status_code == 302
    action = TrainingAction.objects.get()
    assert action.evaluation == evaluation and action.competency == comp and action.created_by == world.sup_a
    # Other supervisors and the rep cannot plan.
    client.force_login(world.sup_b)
    assert client.get(url).status_code == 404
    client.force_login(world.rep_a)
    assert client.get(url).status_code == 403


def test_training_edit_by_supervisor_and_done_by_rep(client, world, history):
    action = TrainingAction.objects.create(
        rep=world.rep_a, title="Atelier", planned_on=timezone.localdate(), created_by=world.sup_a
    )
    url = reverse("quality:training_edit", args=[action.pk])
    client.force_login(world.rep_a2)
    assert client.get(url).status_code == 404
    client.force_login(world.sup_b)
    assert client.get(url).status_code == 404
    client.force_login(world.rep_a)
    r = client.get(url)
    assert r.status_code == 200 and "J'ai réalisé cette action" in r.content.decode()
    assert client.post(url, {"result": "Très utile"}).status_code == 302
    action.refresh_from_db()
    assert action.status == TrainingStatus.DONE and action.result == "Très utile"
    assert client.post(url, {"result": "encore"}).status_code == 403
    client.force_login(world.sup_a)
    r = client.post(
        url, {"title": "Atelier 2", "planned_on": action.planned_on.isoformat(), "status": "cancelled"}
    )
    assert r.status_code == 302
    action.refresh_from_db()
    assert (
        action.title == "Atelier 2" and action.status == TrainingStatus.CANCELLED and action.done_on is None
    )


def test_certification_overview_matrix_and_rep_redirect(client, world, grids):
    CertificationRecord.objects.create(
        rep=world.rep_a, block=block(1), status="validated",
        validated_on=timezone.localdate() - dt.timedelta(days=5 * 365 - 30),
        expires_on=timezone.localdate() + dt.timedelta(days=29),
    )  # fmt: skip
    CertificationRecord.objects.create(
        rep=world.rep_a, block=block(2), status="validated",
        validated_on=dt.date(2020, 1, 1), expires_on=dt.date(2025, 1, 1),
    )  # fmt: skip
    client.force_login(world.sup_a)
    r = client.get(reverse("quality:certification"))
    html = r.content.decode()
    assert r.status_code == 200 and "Expire dans 29 jours" in html and "Expiré" in html
    assert "rep_b" not in html
    client.force_login(world.rep_a)
    r = client.get(reverse("quality:certification"))
    assert r.status_code == 302 and r["Location"] == reverse(
        "quality:certification_rep", args=[world.rep_a.pk]
    )
    r = client.get(r["Location"])
    assert r.status_code == 200 and "Dossier professionnel" in r.content.decode()
    assert client.get(reverse("quality:certification_rep", args=[world.rep_a2.pk])).status_code == 404


def test_a_block_expiring_today_says_so(client, world, grids):
    today = timezone.localdate()
    CertificationRecord.objects.create(
        rep=world.rep_a, block=block(4), status="validated",
        validated_on=add_years(today, -5), expires_on=today,
    )  # fmt: skip
    client.force_login(world.rep_a)
    html = client.get(reverse("quality:certification_rep", args=[world.rep_a.pk])).content.decode()
    assert "Expire aujourd'hui" in html.replace("&#x27;", "'") and "Expire dans 0" not in html


def test_training_is_not_prefilled_from_a_calibration_score(client, world, history):
    calibration = make_eval(
        history[0].grid_version.grid, world.rep_a, world.sup_b, timezone.localdate(), "no",
        kind="calibration", agreed_actions="Ne pas reprendre",
    )  # fmt: skip
    client.force_login(world.admin)
    url = reverse("quality:training_new", args=[world.rep_a.pk])
    html = client.get(url, {"evaluation": calibration.pk}).content.decode()
    assert "Ne pas reprendre" not in html and 'name="evaluation"' not in html


def test_block_3_recorded_as_validated_with_its_expiry(client, world, history):
    url = reverse("quality:certification_record", args=[world.rep_a.pk, block(3).pk])
    client.force_login(world.sup_a)
    r = client.get(url)
    html = r.content.decode()
    assert r.status_code == 200
    # The evaluations offered as evidence are the rep's on grids covering block 3 (C1, C2).
    assert html.count('name="evidence-evaluation"') == 1 and str(history[0].grid_version.grid.name) in html
    # Validation without a date: refused, what was typed is kept.
    r = client.post(url, {"action": "record", "record-status": "validated", "record-jury": "Jury paritaire"})
    assert r.status_code == 200 and 'value="Jury paritaire"' in r.content.decode()
    assert "Un bloc validé a une date de validation." in r.content.decode()
    r = client.post(
        url,
        {"action": "record", "record-status": "validated", "record-validated_on": "2026-01-10",
         "record-jury": "Jury paritaire", "record-certificate_number": "C-42"},
    )  # fmt: skip
    assert r.status_code == 302
    record = CertificationRecord.objects.get(rep=world.rep_a, block=block(3))
    assert record.expires_on == dt.date(2031, 1, 10)
    assert "10/01/2031" in client.get(url).content.decode()
    r = client.post(
        url,
        {"action": "evidence", "evidence-kind": "evaluation", "evidence-dated": timezone.localdate().isoformat(),
         "evidence-evaluation": history[0].pk},
    )  # fmt: skip
    assert r.status_code == 302
    evidence = CertificationEvidence.objects.get()
    # The rep reads but does not write.
    client.force_login(world.rep_a)
    r = client.get(url)
    assert r.status_code == 200 and "Enregistrer le bloc" not in r.content.decode()
    assert client.post(url, {"action": "record", "record-status": "in_progress"}).status_code == 403
    assert client.post(reverse("quality:evidence_delete", args=[evidence.pk])).status_code == 403
    assert client.get(reverse("quality:evidence_delete", args=[evidence.pk])).status_code == 405
    assert CertificationEvidence.objects.exists()
    client.force_login(world.sup_b)
    assert client.get(url).status_code == 404
    assert client.post(reverse("quality:evidence_delete", args=[evidence.pk])).status_code == 404
    client.force_login(world.sup_a)
    assert client.post(reverse("quality:evidence_delete", args=[evidence.pk])).status_code == 302
    assert not CertificationEvidence.objects.exists()


def test_profile_query_count_is_bounded(world, grids, django_assert_max_num_queries):
    c1 = grids["cqp-televente-c1"]
    for d in range(0, 150, 6):
        make_eval(
            c1, world.rep_a, world.sup_a, timezone.localdate() - dt.timedelta(days=d), answers(c1, d % 9)
        )
    make_eval(c1, world.rep_a, world.rep_a, timezone.localdate(), "yes", kind="self")
    with django_assert_max_num_queries(6):
        p = profile.rep_profile(user=world.sup_a, rep=world.rep_a)
    assert len(p.latest) == profile.LATEST and p.lines and p.gaps


def test_team_and_certification_query_counts(world, grids, history, django_assert_max_num_queries):
    CertificationRecord.objects.create(rep=world.rep_a, block=block(1), status="in_progress")
    with django_assert_max_num_queries(5):
        lines = profile.team_overview(user=world.sup_a)
    assert len(lines) == 2
    with django_assert_max_num_queries(3):
        blocks, rows = profile.certification_matrix(user=world.sup_a)
    assert len(blocks) == 5 and len(rows) == 2
    with django_assert_max_num_queries(2):
        cells = profile.rep_certification(user=world.sup_a, rep=world.rep_a)
    assert cells[0].state == profile.STATE_IN_PROGRESS
