from __future__ import annotations

import datetime as dt
import re
import time
from decimal import Decimal

import pytest
from django.core import signing
from django.utils import timezone

from televente.core.errors import DomainError
from televente.customers.models import Interaction
from televente.market import selectors, services
from televente.market.choices import ResponseChannel, SurveyStatus
from televente.market.models import Competitor, CompetitorObservation, SurveyInvitation, SurveyResponse
from televente.messaging.models import Message

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def test_observation_creates_the_competitor_once_whatever_case_and_accents(world, company, flour):
    first = services.observation_record(
        company=company,
        by=world.rep_a,
        competitor="Distri-Frais Ouest",
        product=flour,
        product_label="Farine T65 Moulins X",
        price=Decimal("18.50"),
        price_unit="sac",
        satisfaction="dissatisfied",
        terms="franco 300 €",
    )
    second = services.observation_record(company=company, by=world.rep_a, competitor="  distri-frais  OUËST ")
    assert first.competitor_id == second.competitor_id
    assert Competitor.objects.count() == 1
    assert Competitor.objects.get().created_by == world.rep_a
    entry = Interaction.objects.get(reference=f"market.competitorobservation:{first.pk}")
    assert entry.kind == "note" and "Distri-Frais Ouest" in entry.subject and "18,5" in entry.subject
    company.refresh_from_db()
    assert company.competitor == "Distri-Frais Ouest"  # the file learns the current supplier


def test_observation_refused_for_a_company_outside_the_portfolio(world, other_company):
    with pytest.raises(DomainError):
        services.observation_record(company=other_company, by=world.rep_a, competitor="X")
    with pytest.raises(DomainError) as exc:
        services.observation_record(company=other_company, by=world.rep_b, competitor="   ")
    assert exc.value.field == "competitor"
    assert not CompetitorObservation.objects.exists()


def test_product_resolves_from_code_or_name(flour):
    assert services.product_resolve("far001") == flour
    assert services.product_resolve("Farine T65 25 kg") == flour
    assert services.product_resolve("") is None
    with pytest.raises(DomainError) as exc:
        services.product_resolve("Chocolat noir")
    assert exc.value.field == "product"


def test_invite_is_idempotent_and_queues_one_email_with_a_signed_link(world, company, survey):
    first = services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    again = services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    assert first.pk == again.pk and SurveyInvitation.objects.count() == 1
    message = Message.objects.get()
    assert message.idempotency_key == f"market.invitation:{first.pk}"
    assert message.to_address == "paul@boulangerie.fr"
    token = re.search(r"/veille/enquete/([^/\s]+)/", message.body_text).group(1)
    assert signing.loads(token, salt="market.survey") == first.pk


def test_invite_refuses_opt_out_no_email_or_a_survey_not_open(world, company, survey):
    company.chef.opt_out_email = True
    company.chef.save()
    with pytest.raises(DomainError, match="refuse"):
        services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    company.chef.opt_out_email, company.chef.email = False, ""
    company.chef.save()
    with pytest.raises(DomainError, match="adresse"):
        services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    company.chef.email = "paul@boulangerie.fr"
    company.chef.save()
    survey.status = SurveyStatus.DRAFT
    survey.save()
    with pytest.raises(DomainError, match="ouverte"):
        services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    assert not SurveyInvitation.objects.exists() and not Message.objects.exists()


def test_public_answer_saved_once_even_submitted_twice(world, company, survey):
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=None)
    response = services.survey_answer_by_link(invitation_id=invitation.pk, answers=answers_for(survey))
    assert response.channel == ResponseChannel.EMAIL and response.contact == company.chef
    assert response.answers.count() == 5  # the free text left empty is not stored
    with pytest.raises(services.AlreadyAnswered):
        services.survey_answer_by_link(invitation_id=invitation.pk, answers=answers_for(survey, nps=0))
    assert SurveyResponse.objects.count() == 1
    invitation.refresh_from_db()
    assert invitation.used_at is not None
    assert Interaction.objects.filter(reference=f"market.surveyresponse:{response.pk}").exists()


def test_answers_are_checked(world, company, survey):
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=None)
    q = list(survey.questions.order_by("position"))
    for bad, field in (
        (answers_for(survey, nps=11), q[0]),
        (answers_for(survey, choice="Fax"), q[4]),
        ({**answers_for(survey), q[1].pk: ""}, q[1]),
    ):
        with pytest.raises(DomainError) as exc:
            services.survey_answer_by_link(invitation_id=invitation.pk, answers=bad)
        assert exc.value.field == f"q_{field.pk}"
    assert not SurveyResponse.objects.exists()


def test_bad_and_expired_tokens(world, company, survey, monkeypatch):
    assert services.survey_invitation_id("nimportequoi") is None
    assert services.survey_invitation_id(signing.dumps(1, salt="claims.survey")) is None  # another link
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=None)
    token = services.survey_token(invitation.pk)
    assert services.survey_invitation_id(token) == invitation.pk
    real = time.time
    monkeypatch.setattr(signing.time, "time", lambda: real() - 61 * 24 * 3600)
    old = services.survey_token(invitation.pk)  # signed 61 days ago
    monkeypatch.setattr(signing.time, "time", real)
    with pytest.raises(services.TokenExpired):
        services.survey_invitation_id(old)


def test_phone_response_by_the_rep(world, company, survey):
    response = services.survey_response_record(
        survey=survey, company=company, by=world.rep_a, answers=answers_for(survey), contact=company.chef
    )
    assert response.channel == ResponseChannel.PHONE and response.recorded_by == world.rep_a
    with pytest.raises(DomainError):
        services.survey_response_record(
            survey=survey, company=company, by=world.rep_b, answers=answers_for(survey)
        )


def test_nps_csat_and_criteria_exact(world, company, survey):
    # NPS scores: 10, 9, 8, 6, 3 -> 2 promoters, 2 detractors of 5 -> 0; then add 9 -> 3-2 of 6 = 16.7
    for nps, csat, delay, quality in (
        (10, 9, 4, 9),
        (9, 8, 6, 8),
        (8, 7, 5, 10),
        (6, 5, 3, 7),
        (3, 10, 2, 6),
    ):
        services.survey_response_record(
            survey=survey,
            company=company,
            by=world.rep_a,
            answers=answers_for(survey, nps, csat, delay, quality),
        )
    result = selectors.survey_results(user=world.sup_a, survey=survey)
    assert result["nps"] == 0.0 and result["promoters"] == 2 and result["detractors"] == 2
    assert result["csat"] == 60.0  # 9, 8, 10 of 5
    assert [c["label"] for c in result["strengths"]] == ["Qualité des produits"]
    assert result["weaknesses"][0] == {"label": "Délais de livraison", "average": 4.0, "n": 5}
    services.survey_response_record(
        survey=survey,
        company=company,
        by=world.rep_a,
        answers=answers_for(survey, nps=9, text="Livrer plus tôt"),
    )
    result = selectors.survey_results(user=world.sup_a, survey=survey)
    assert result["nps"] == 16.7 and result["count"] == 6
    choice = next(d for d in result["details"] if d["question"].kind == "choice")
    assert choice["distribution"][0] == {"choice": "Téléphone", "n": 6, "share": 100}
    texts = next(d for d in result["details"] if d["question"].kind == "text")
    assert texts["texts"] == ["Livrer plus tôt"]
    # another team's supervisor sees none of these customers' answers
    assert selectors.survey_results(user=world.sup_b, survey=survey)["count"] == 0


def test_nps_and_csat_formulas():
    assert selectors.nps([]) is None
    assert selectors.nps([10, 10, 10]) == 100.0
    assert selectors.nps([0, 9]) == 0.0
    assert selectors.nps([9, 9, 7, 0]) == 25.0
    assert selectors.csat([8, 7, 10]) == 66.7


def test_competitor_report_groups_and_counts_queries(world, company, flour, django_assert_max_num_queries):
    for price, unit, who, sat in (
        ("18", "sac", "Distri-Frais Ouest", "dissatisfied"),
        ("19", "sac", "Distri-Frais Ouest", "satisfied"),
        ("22", "Sac", "Les Halles de Loire", ""),
        ("0.80", "kg", "Les Halles de Loire", ""),
    ):
        services.observation_record(
            company=company,
            by=world.rep_a,
            competitor=who,
            product=flour,
            price=Decimal(price),
            price_unit=unit,
            satisfaction=sat,
        )
    today = timezone.localdate()
    with django_assert_max_num_queries(1):
        report = selectors.competitor_report(
            user=world.sup_a, since=today - dt.timedelta(days=90), until=today
        )
    assert report["total"] == 4
    distri = next(r for r in report["by_competitor"] if r.name == "Distri-Frais Ouest")
    assert (
        distri.mentions == 2
        and distri.customer_count == 1
        and distri.dissatisfied_share == 50
        and distri.is_new
    )
    (row,) = report["by_product"]
    assert row.median == Decimal("19.00") and row.minimum == Decimal("18") and row.other_units == 1
    assert row.gap == Decimal("-5.0")
    assert report["by_zone"][0]["total"] == 4
    assert selectors.competitor_report(user=world.sup_b, since=today, until=today)["total"] == 0


def test_survey_builder_freezes_questions_once_answered(world, company, survey):
    questions = [
        {"position": 1, "text": "Note ?", "kind": "scale", "role": "nps", "required": True},
        {"position": 2, "text": "Canal ?", "kind": "choice", "choices": ["A", "B", ""], "required": False},
    ]
    draft = services.survey_save(by=world.sup_a, title="Bio", kind="market", questions=questions)
    assert [q.choices for q in draft.questions.order_by("position")] == [[], ["A", "B"]]
    with pytest.raises(DomainError):
        services.survey_save(by=world.rep_a, title="Bio", kind="market", questions=questions)
    with pytest.raises(DomainError, match="deux"):
        services.survey_save(
            by=world.sup_a,
            title="Bio",
            kind="market",
            questions=[{"text": "Canal ?", "kind": "choice", "choices": ["A"]}],
        )
    services.survey_response_record(
        survey=survey, company=company, by=world.rep_a, answers=answers_for(survey)
    )
    with pytest.raises(DomainError, match="déjà répondu"):
        services.survey_save(
            by=world.sup_a, survey=survey, title="X", kind="satisfaction", questions=questions
        )
    with pytest.raises(DomainError):
        services.survey_set_status(survey=survey, by=world.sup_a, status="draft")


def test_actions_shared_once_per_set_and_contact(world, company, survey, other_company):
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=None)
    services.survey_answer_by_link(invitation_id=invitation.pk, answers=answers_for(survey))
    action = services.action_save(survey=survey, by=world.sup_a, title="Livraison avant 7 h")
    assert services.actions_share(survey=survey, by=world.sup_a) == 1
    assert services.actions_share(survey=survey, by=world.sup_a) == 0
    action.refresh_from_db()
    assert action.shared_at is not None
    message = Message.objects.filter(idempotency_key__startswith="market.actions:").get()
    assert "Livraison avant 7 h" in message.body_text
    services.action_mark_done(action=action, by=world.sup_a)
    assert services.actions_share(survey=survey, by=world.sup_a) == 1  # news: the action is done


def test_card_and_results_reads_are_bounded(world, company, survey, django_assert_max_num_queries):
    for n in range(5):
        services.observation_record(company=company, by=world.rep_a, competitor=f"Concurrent {n}")
        services.survey_response_record(
            survey=survey, company=company, by=world.rep_a, answers=answers_for(survey, nps=n)
        )
    with django_assert_max_num_queries(6):
        card = selectors.company_market(user=world.rep_a, company=company)
    assert len(card["observations"]) == 5 and card["open_surveys"][0].answered_at is not None
    with django_assert_max_num_queries(4):
        result = selectors.survey_results(user=world.sup_a, survey=survey)
    assert result["count"] == 5
