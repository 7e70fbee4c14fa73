from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.calls.models import CallPlan, CallTask
from televente.market import services
from televente.market.models import CompetitorObservation, Survey, SurveyInvitation, SurveyResponse

from .conftest import answers_for

pytestmark = pytest.mark.django_db


def _task(world, company):
    plan = CallPlan.objects.create(team=world.team_a, date=timezone.localdate())
    return CallTask.objects.create(
        plan=plan, company=company, rep=world.rep_a, reason="order", planned_start=timezone.now()
    )


def test_panel_shows_form_and_open_surveys_and_hides_other_teams(
    client, world, company, other_company, survey
):
    client.force_login(world.rep_a)
    page = client.get(reverse("market:company_panel", args=[company.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="x"' in html and "veille-concurrents" in html and survey.title in html
    assert client.get(reverse("market:company_panel", args=[other_company.pk])).status_code == 404
    client.force_login(world.bo_logistics)
    assert client.get(reverse("market:company_panel", args=[company.pk])).status_code == 403


def test_panel_post_records_with_the_call_and_keeps_input_on_error(client, world, company, flour):
    task = _task(world, company)
    client.force_login(world.rep_a)
    url = reverse("market:company_panel", args=[company.pk]) + f"?appel={task.pk}"
    bad = client.post(
        url, {"competitor": "Les Halles", "product": "introuvable", "price": "12,5"}, HTTP_HX_REQUEST="true"
    )
    html = bad.content.decode()
    assert "Aucun article ne correspond" in html and 'value="Les Halles"' in html and 'value="12,5"' in html
    ok = client.post(
        url,
        {
            "competitor": "Les Halles",
            "product": "FAR001",
            "price": "12,5",
            "price_unit": "sac",
            "satisfaction": "neutral",
        },
        HTTP_HX_REQUEST="true",
    )
    assert "enregistrée" in ok.content.decode()
    observation = CompetitorObservation.objects.get()
    assert observation.task == task and observation.product == flour and str(observation.price) == "12.5000"


def test_report_permissions_and_csv(client, world, company, other_company):
    services.observation_record(
        company=company, by=world.rep_a, competitor="Distri-Frais Ouest", price=1, notes="=HYPERLINK(1)"
    )
    services.observation_record(company=other_company, by=world.rep_b, competitor="Cash Centre")
    client.force_login(world.sup_a)
    page = client.get(reverse("market:competitors"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Distri-Frais Ouest" in html and "Cash Centre</a>" not in html and "nouveau" in html
    csv = client.get(reverse("market:competitors") + "?format=csv")
    body = b"".join(csv.streaming_content).decode("utf-8-sig")
    assert (
        csv["Content-Type"].startswith("text/csv")
        and "Distri-Frais Ouest" in body
        and "Café de B" not in body
    )
    assert "'=HYPERLINK(1)" in body  # a spreadsheet never runs what a rep typed
    client.force_login(world.rep_a)
    assert client.get(reverse("market:competitors")).status_code == 200
    assert client.get(reverse("market:home")).status_code == 403


def test_survey_builder_and_status(client, world):
    client.force_login(world.sup_a)
    data = {
        "title": "Intérêt pour une gamme bio",
        "kind": "market",
        "introduction": "",
        "thanks": "Merci",
        "q-TOTAL_FORMS": "2",
        "q-INITIAL_FORMS": "0",
        "q-MIN_NUM_FORMS": "0",
        "q-MAX_NUM_FORMS": "40",
        "q-0-position": "1",
        "q-0-text": "Vendez-vous du bio ?",
        "q-0-kind": "choice",
        "q-0-choices_text": "Oui\nNon",
        "q-0-required": "on",
        "q-1-text": "",
    }
    bad = client.post(reverse("market:survey_new"), {**data, "q-0-choices_text": "Oui"})
    assert bad.status_code == 422 and "deux réponses" in bad.content.decode()
    assert 'value="Intérêt pour une gamme bio"' in bad.content.decode()
    response = client.post(reverse("market:survey_new"), data)
    survey = Survey.objects.get()
    assert response.status_code == 302 and survey.questions.get().choices == ["Oui", "Non"]
    client.post(reverse("market:survey_status", args=[survey.pk]), {"status": "open"})
    survey.refresh_from_db()
    assert survey.status == "open"
    assert "gamme bio" in client.get(reverse("market:home")).content.decode()
    client.force_login(world.rep_a)
    assert client.get(reverse("market:survey", args=[survey.pk])).status_code == 403


def test_phone_script_in_order_and_saves(client, world, company, other_company, survey):
    task = _task(world, company)
    client.force_login(world.rep_a)
    url = reverse("market:survey_phone", args=[survey.pk, company.pk]) + f"?appel={task.pk}"
    html = client.get(url).content.decode()
    texts = [q.text for q in survey.questions.order_by("position")]
    assert [html.index(t) for t in texts] == sorted(html.index(t) for t in texts)
    assert survey.introduction in html
    payload = {f"q_{k}": v for k, v in answers_for(survey).items()}
    missing = client.post(url, {**payload, f"q_{survey.questions.first().pk}": ""})
    assert missing.status_code == 422
    done = client.post(url, {**payload, "contact": company.chef.pk})
    assert done.status_code == 302 and f"appel={task.pk}" in done["Location"]
    response = SurveyResponse.objects.get()
    assert response.task == task and response.contact == company.chef and response.recorded_by == world.rep_a
    other = reverse("market:survey_phone", args=[survey.pk, other_company.pk])
    assert client.get(other).status_code == 404


def test_invite_from_the_panel(client, world, company, survey):
    client.force_login(world.rep_a)
    url = reverse("market:survey_invite", args=[survey.pk, company.pk])
    page = client.post(url, {"contact": company.chef.pk}, HTTP_HX_REQUEST="true")
    assert "invité par e-mail" in page.content.decode()
    assert SurveyInvitation.objects.get().contact == company.chef


def test_public_page_needs_no_login_and_answers_once(client, world, company, survey):
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    url = reverse("market:answer", args=[services.survey_token(invitation.pk)])
    page = client.get(url)
    assert page.status_code == 200 and survey.questions.first().text in page.content.decode()
    payload = {f"q_{k}": v for k, v in answers_for(survey).items()}
    bad = client.post(url, {**payload, f"q_{survey.questions.first().pk}": "12"})
    assert bad.status_code == 422
    ok = client.post(url, payload)
    assert ok.status_code == 200 and "Merci beaucoup" in ok.content.decode()
    again = client.post(url, payload)
    assert again.status_code == 410 and "déjà répondu" in again.content.decode()
    assert client.get(url).status_code == 410
    assert SurveyResponse.objects.count() == 1
    assert client.get(reverse("market:answer", args=["abc"])).status_code == 404


def test_results_and_actions(client, world, company, survey):
    invitation = services.survey_invite(survey=survey, company=company, contact=company.chef, by=world.rep_a)
    services.survey_answer_by_link(invitation_id=invitation.pk, answers=answers_for(survey, nps=10))
    client.force_login(world.sup_a)
    page = client.get(reverse("market:results", args=[survey.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and 'id="nps">100<' in html and "Délais de livraison" in html
    client.post(
        reverse("market:action_add", args=[survey.pk]), {"title": "Livrer avant 7 h", "due_on": "2026-12-01"}
    )
    action = survey.actions.get()
    assert action.due_on == dt.date(2026, 12, 1)
    client.post(reverse("market:action_done", args=[survey.pk, action.pk]))
    client.post(reverse("market:actions_share", args=[survey.pk]))
    action.refresh_from_db()
    assert action.status == "done" and action.shared_at is not None
    client.force_login(world.rep_a)
    assert client.get(reverse("market:results", args=[survey.pk])).status_code == 403


def test_timeline_links(client, world, company, survey):
    observation = services.observation_record(
        company=company, by=world.rep_a, competitor="Boulange Pro Services"
    )
    response = services.survey_response_record(
        survey=survey, company=company, by=world.rep_a, answers=answers_for(survey)
    )
    client.force_login(world.rep_a)
    go = client.get(reverse("market:observation", args=[observation.pk]))
    assert go.status_code == 302 and f"concurrent={observation.competitor_id}" in go["Location"]
    assert client.get(reverse("market:response", args=[response.pk])).status_code == 200
    client.force_login(world.rep_b)
    assert client.get(reverse("market:response", args=[response.pk])).status_code == 404
    assert client.get(reverse("market:observation", args=[observation.pk])).status_code == 404
