"""A customer of team A (rep_a) with a contact who accepts emails, one of team B, an article, and
an open satisfaction survey (NPS, CSAT, two criteria, a choice and a free text)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from televente.catalog.tests.factories import ProductFactory
from televente.customers.tests.factories import CompanyFactory, ContactFactory
from televente.market.choices import QuestionKind, QuestionRole, SurveyStatus
from televente.market.models import Survey, SurveyQuestion


@pytest.fixture
def company(world):
    company = CompanyFactory(rep=world.rep_a, team=world.team_a, trade_name="Boulangerie du Marché")
    company.chef = ContactFactory(
        company=company, first_name="Paul", last_name="Martin", email="paul@boulangerie.fr"
    )
    return company


@pytest.fixture
def other_company(world):
    company = CompanyFactory(rep=world.rep_b, team=world.team_b, trade_name="Café de B")
    company.chef = ContactFactory(company=company, email="b@cafe.fr")
    return company


@pytest.fixture
def flour(db):
    return ProductFactory(
        code="FAR001", name="Farine T65 25 kg", base_price=Decimal("20.0000"), base_unit="sac"
    )


@pytest.fixture
def survey(world):
    survey = Survey.objects.create(
        title="Satisfaction 2026",
        introduction="Bonjour, quelques questions sur notre service.",
        thanks="Merci beaucoup !",
        status=SurveyStatus.OPEN,
        created_by=world.sup_a,
    )
    rows = [
        ("Recommanderiez-vous notre société ?", QuestionKind.SCALE, [], QuestionRole.NPS, ""),
        ("Êtes-vous satisfait de notre service ?", QuestionKind.SCALE, [], QuestionRole.CSAT, ""),
        ("Délais de livraison", QuestionKind.SCALE, [], QuestionRole.CRITERION, "Délais de livraison"),
        ("Qualité des produits", QuestionKind.SCALE, [], QuestionRole.CRITERION, "Qualité des produits"),
        ("Comment commandez-vous ?", QuestionKind.CHOICE, ["Téléphone", "Site web"], QuestionRole.PLAIN, ""),
        ("Une suggestion ?", QuestionKind.TEXT, [], QuestionRole.PLAIN, ""),
    ]
    for position, (text, kind, choices, role, criterion) in enumerate(rows, start=1):
        SurveyQuestion.objects.create(
            survey=survey,
            position=position,
            text=text,
            kind=kind,
            choices=choices,
            role=role,
            criterion=criterion,
            required=kind != QuestionKind.TEXT,
        )
    return survey


def answers_for(survey, nps=9, csat=8, delay=5, quality=9, choice="Téléphone", text=""):
    q = list(survey.questions.order_by("position"))
    return {q[0].pk: nps, q[1].pk: csat, q[2].pk: delay, q[3].pk: quality, q[4].pk: choice, q[5].pk: text}
