"""Regressions found in review: a phone survey sent twice, the invitation's permission, the
improvement action's form and owner."""

from __future__ import annotations

import pytest
from django.urls import reverse

from televente.core.errors import DomainError
from televente.market import services
from televente.market.models import ImprovementAction, SurveyInvitation, SurveyResponse

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def test_the_same_phone_answers_sent_twice_are_saved_once(world, company, survey):
    answers = answers_for(survey)
    first = services.survey_response_record(
        survey=survey, company=company, by=world.rep_a, answers=answers, contact=company.chef
    )
    again = services.survey_response_record(
        survey=survey, company=company, by=world.rep_a, answers=answers, contact=company.chef
    )
    assert again.pk == first.pk and SurveyResponse.objects.count() == 1


def test_back_office_cannot_send_a_survey(world, company, survey):
    with pytest.raises(DomainError):
        services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.bo_logistics)
    assert not SurveyInvitation.objects.exists()


def test_a_refused_action_keeps_what_was_typed_and_an_edit_keeps_its_owner(client, world, survey):
    client.force_login(world.sup_a)
    bad = client.post(
        reverse("market:action_add", args=[survey.pk]), {"title": "", "criterion": "Délais de livraison"}
    )
    assert bad.status_code == 422 and 'value="Délais de livraison"' in bad.content.decode()
    assert not ImprovementAction.objects.exists()
    client.post(reverse("market:action_add", args=[survey.pk]), {"title": "Livrer avant 7 h"})
    action = ImprovementAction.objects.get()
    assert action.owner == world.sup_a
    client.force_login(world.admin)
    client.post(reverse("market:action_edit", args=[survey.pk, action.pk]), {"title": "Livrer avant 6 h"})
    action.refresh_from_db()
    assert action.title == "Livrer avant 6 h" and action.owner == world.sup_a
