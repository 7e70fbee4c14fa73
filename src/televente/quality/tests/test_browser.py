"""The coaching journey in Chromium (JOURNEYS.md, the supervisor at 14:00):

the supervisor evaluates one of the rep's recorded calls from the customer's timeline with the seed
000 Compétence 1 grid, fails the critical item (the order's read-back), notes actions and plans a
training action; the rep acknowledges with a comment; the supervisor opens a calibration of the same
call and a second supervisor scores it: the calibration shows where they disagree; the rep's profile
shows the trend over the months; block 3 of the CQP is recorded as validated with its expiry."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from televente.accounts.tests.test_browser import SHOTS, sign_in
from televente.customers.choices import Outcome
from televente.quality import services
from televente.quality.choices import CertificationStatus, EvaluationStatus
from televente.quality.models import CertificationRecord, Evaluation, TrainingAction
from televente.quality.tests.conftest import record_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

C1 = "CQP télévente – Compétence 1"


def past_evaluation(world, version, months_ago: int, failures: int) -> None:
    """An official evaluation of an older call of rep_a, `failures` items answered « Non »."""
    when = timezone.now() - dt.timedelta(days=30 * months_ago + 3)
    call = record_call(world.rep_a, world.team_a, f"Client {months_ago}", when=when, recording=False)
    evaluation = services.evaluation_start(by=world.sup_a, grid_version=version, interaction=call)
    items = [item for section in version.sections.all() for item in section.items.all()]
    answers = {item.pk: ("no" if n < failures else "yes", "") for n, item in enumerate(items)}
    services.evaluation_save(evaluation=evaluation, by=world.sup_a, answers=answers, share=True)
    Evaluation.objects.filter(pk=evaluation.pk).update(evaluated_on=timezone.localdate(when))


def answer(page: Page, index: int, value: str, comment: str = "") -> None:
    item = page.locator(".eval-item").nth(index)
    item.get_by_label(value, exact=True).check()
    if comment:
        item.get_by_placeholder("Commentaire").fill(comment)


def test_evaluate_acknowledge_calibrate_profile_and_certify(
    page: Page, live_server, world, grids, reference_data
):
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    SHOTS.mkdir(parents=True, exist_ok=True)
    version = grids["cqp-televente-c1"].current_version
    past_evaluation(world, version, 2, failures=5)
    past_evaluation(world, version, 1, failures=3)
    call = record_call(world.rep_a, world.team_a, "Épicerie du Port", outcome=Outcome.REACHED_NO_ORDER)

    # The supervisor finds the call on the customer's timeline and evaluates it with Compétence 1.
    sign_in(page, live_server, "sup_a")
    page.goto(f"{live_server.url}/clients/{call.company_id}/")
    page.get_by_role("link", name="Évaluer cet appel").click()
    expect(page.get_by_role("link", name="Écouter")).to_have_attribute(
        "href", f"https://pbx.example.com/rec/{call.pk}.mp3"
    )
    page.get_by_label("Grille d'évaluation").select_option(label=f"{C1} (v1)")
    page.get_by_role("button", name="Commencer l'évaluation").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Évaluation de")
    items = page.locator(".eval-item")
    expect(items).to_have_count(10)
    answer(page, 0, "Non", "Le décideur a été demandé trop tard.")
    for n in range(1, 9):
        answer(page, n, "Oui")
    answer(page, 9, "Non", "Pas de relecture des quantités ni du produit remplacé.")
    page.get_by_label("Commentaire général").fill("Très bonne reformulation des besoins.")
    page.get_by_label("Actions convenues").fill(
        "Demander le décideur dès l'accroche.\nRelire la commande avant de raccrocher."
    )
    page.get_by_role("button", name="Transmettre au télévendeur").click()
    expect(page.get_by_role("alert")).to_contain_text("Non satisfaisant : item critique")
    evaluation = Evaluation.objects.get(interaction=call, kind="supervisor")
    assert (
        evaluation.status == EvaluationStatus.SHARED
        and evaluation.critical_failed
        and evaluation.passed is False
    )
    assert (
        evaluation.score == 80
    )  # 8 « Oui » out of 10: the score reaches the pass mark, the critical item fails it
    page.screenshot(path=str(SHOTS / "quality_evaluation.png"), full_page=True)

    # ... and plans a training action from it (prefilled from the agreed actions).
    page.get_by_role("link", name="Planifier une action de formation").click()
    expect(page.locator("#id_title")).to_have_value("Demander le décideur dès l'accroche.")
    page.get_by_role("button", name="Enregistrer").click()
    expect(page.get_by_text("Demander le décideur dès l'accroche.").first).to_be_visible()
    assert TrainingAction.objects.get().evaluation == evaluation

    # She opens a calibration of the same call and scores it.
    page.goto(f"{live_server.url}/qualite/calibrages/nouveau/{call.pk}/")
    page.get_by_label("Grille d'évaluation").select_option(label=f"{C1} (v1)")
    page.get_by_role("button", name="Ouvrir le calibrage").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Ma note de calibrage")
    for n in range(10):
        answer(page, n, "Non" if n in (0, 9) else "Oui")
    page.get_by_role("button", name="Enregistrer ma note").click()

    # The rep reads the evaluation from her quality page and acknowledges it with a comment.
    page.context.clear_cookies()
    sign_in(page, live_server, "rep_a")
    page.goto(f"{live_server.url}/qualite/")
    expect(page.get_by_role("heading", name="3 évaluations à prendre en compte")).to_be_visible()
    page.locator("li", has_text="Épicerie du Port").get_by_role("link", name="Lire").click()
    expect(page.get_by_role("alert")).to_contain_text("Non satisfaisant : item critique")
    expect(page.get_by_text("Relire la commande avant de raccrocher.")).to_be_visible()
    page.get_by_label("Votre commentaire (facultatif)").fill("D'accord, je relirai chaque commande.")
    page.get_by_role("button", name="J'ai pris connaissance de l'évaluation").click()
    expect(page.get_by_text("D'accord, je relirai chaque commande.")).to_be_visible()
    evaluation.refresh_from_db()
    assert evaluation.status == EvaluationStatus.ACKNOWLEDGED and evaluation.rep_comment

    # A second supervisor joins the calibration: the comparison shows where they disagree.
    page.context.clear_cookies()
    sign_in(page, live_server, "sup_b")
    page.goto(f"{live_server.url}/qualite/calibrages/")
    page.locator("tr", has_text="Épicerie du Port").get_by_role("link").first.click()
    page.get_by_role("button", name="Noter cet appel").click()
    for n in range(10):
        answer(page, n, "Oui")
    page.get_by_role("button", name="Enregistrer ma note").click()
    table = page.locator(".calibration-table")
    expect(table.locator("tr.disagree")).to_have_count(2)
    expect(page.get_by_text("2 indicateurs en désaccord")).to_be_visible()
    page.screenshot(path=str(SHOTS / "quality_calibration.png"), full_page=True)

    # The rep's profile shows Compétence 1 over the months.
    page.context.clear_cookies()
    sign_in(page, live_server, "sup_a")
    page.goto(f"{live_server.url}/qualite/profil/{world.rep_a.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(world.rep_a.get_full_name())
    expect(page.get_by_text("Réaliser une prise de commande par téléphone").first).to_be_visible()
    expect(page.locator("svg.trend-chart")).to_be_visible()
    page.screenshot(path=str(SHOTS / "quality_profile.png"), full_page=True)

    # Block 3 of the CQP is validated today: it expires in five years.
    page.goto(f"{live_server.url}/qualite/certification/{world.rep_a.pk}/")
    page.locator(
        "section", has=page.get_by_role("heading", name="Bloc 3 – Vente aux professionnels")
    ).get_by_role("link", name="Enregistrer / preuves").click()
    page.get_by_label("État").select_option(label="Validé")
    today = timezone.localdate()
    page.get_by_label("Date de validation (jury)").fill(today.isoformat())
    page.get_by_label("Jury / organisme").fill("CPNEFP des commerces de gros")
    page.get_by_role("button", name="Enregistrer le bloc").click()
    record = CertificationRecord.objects.get(rep=world.rep_a, block__number=3)
    assert record.status == CertificationStatus.VALIDATED
    assert record.expires_on == today.replace(year=today.year + 5) or (today.month, today.day) == (2, 29)
    expect(page.get_by_text(record.expires_on.strftime("%d/%m/%Y")).first).to_be_visible()
    page.screenshot(path=str(SHOTS / "quality_certification.png"), full_page=True)
    assert errors == []
