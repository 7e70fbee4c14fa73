"""The reporting screens with the test client: who sees what, forms that keep what was typed,
exports, drill-downs."""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.customers.choices import Outcome
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import LineOrigin
from televente.orders.tests.factories import sellable
from televente.reporting import stats
from televente.reporting.choices import ActionStatus, Metric, PeriodKind
from televente.reporting.models import CorrectiveAction, Objective, SelfAssessment
from televente.reporting.periods import Period

from .test_indicators import call, make_order


@pytest.fixture
def month():
    return Period.containing(PeriodKind.MONTH, timezone.localdate())


@pytest.fixture
def activity(world):
    """This month: Léa (rep_a) took a 300 € order from a reached call yesterday-or-today; rep_a2 nothing."""
    today = timezone.localdate()
    company = CompanyFactory(rep=world.rep_a, trade_name="Bistrot <b>Gras</b>")
    product = sellable(code="P1")
    now = timezone.now()
    make_order(company, world.rep_a, now, [(product, "300", LineOrigin.HABITUAL, 30, "0")])
    call(world.rep_a, company, now - dt.timedelta(minutes=5), Outcome.REACHED_ORDER, 240)
    call(world.rep_a, company, now - dt.timedelta(minutes=50), Outcome.NOT_REACHED)
    stats.refresh_days(day_from=today.replace(day=1), day_to=today)
    return company


def test_the_supervisor_sees_the_team_dashboard(client, world, activity, month):
    Objective.objects.create(team=world.team_a, rep=world.rep_a, period_kind=PeriodKind.MONTH,
                             period_start=month.start, metric=Metric.REVENUE, target=Decimal("1000"),
                             set_by=world.sup_a)  # fmt: skip
    client.force_login(world.sup_a)
    response = client.get(reverse("reporting:team"))
    assert response.status_code == 200
    page = response.content.decode()
    assert world.rep_a.get_full_name() in page and world.rep_a2.get_full_name() in page
    assert "300\u00a0€" in page
    assert "Objectif CA" in page
    assert reverse("reporting:drill_customers") in page


def test_a_rep_gets_their_own_page_and_never_the_team_one(client, world, activity):
    client.force_login(world.rep_a)
    assert client.get(reverse("reporting:team")).url == reverse("reporting:mine")
    response = client.get(reverse("reporting:mine"))
    assert response.status_code == 200
    assert "300\u00a0€" in response.content.decode()
    assert client.get(reverse("reporting:variance")).status_code == 403
    assert client.get(reverse("reporting:drill_customers")).status_code == 403


def test_another_teams_supervisor_cannot_open_the_team(client, world, activity):
    client.force_login(world.sup_b)
    assert client.get(reverse("reporting:team"), {"team": world.team_a.pk}).status_code == 404
    assert client.get(reverse("reporting:drill_calls"), {"team": world.team_a.pk}).status_code == 404
    response = client.get(
        reverse("reporting:drill_customers"), {"team": world.team_b.pk, "rep": world.rep_a.pk}
    )
    assert response.status_code == 404  # a rep of another team, by id


def test_objectives_are_set_in_a_grid_and_bad_input_keeps_what_was_typed(client, world, month):
    client.force_login(world.sup_a)
    url = reverse("reporting:objectives")
    base = {"team": world.team_a.pk, "period": "month", "start": month.start.isoformat()}
    response = client.post(url, {**base, f"t_{world.rep_a.pk}_revenue": "12 500,50",
                                 f"t_{world.rep_a2.pk}_revenue": "beaucoup", "t_team_calls": "1500"})  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert "« beaucoup » n&#x27;est pas un nombre." in page
    assert 'value="12 500,50"' in page and 'value="1500"' in page
    assert not Objective.objects.exists()
    response = client.post(url, {**base, f"t_{world.rep_a.pk}_revenue": "12 500,50", "t_team_calls": "1500",
                                 f"t_{world.rep_a.pk}_cross_sell": "25 %"})  # fmt: skip
    assert response.status_code == 302
    assert Objective.objects.get(rep=world.rep_a, metric=Metric.REVENUE).target == Decimal("12500.50")
    assert Objective.objects.get(rep=None, metric=Metric.CALLS).target == 1500
    # The grid shows them back, and an emptied box removes its objective.
    page = client.get(url, base).content.decode()
    assert 'value="12500,50"' in page
    client.post(url, {**base, f"t_{world.rep_a.pk}_revenue": "12500.50"})
    assert set(Objective.objects.values_list("metric", flat=True)) == {Metric.REVENUE}


def test_a_rep_cannot_set_objectives(client, world, month):
    client.force_login(world.rep_a)
    assert client.post(reverse("reporting:objectives"), {"t_team_calls": "5"}).status_code == 403
    assert not Objective.objects.exists()


def test_variance_then_a_corrective_action_then_its_result(client, world, activity, month):
    client.force_login(world.sup_a)
    response = client.get(reverse("reporting:variance"), {"team": world.team_a.pk, "rep": world.rep_a.pk})
    assert response.status_code == 200
    assert "Ce qui l'explique" in response.content.decode()
    post = {"team": world.team_a.pk, "period": "month", "start": month.start.isoformat(), "rep": world.rep_a.pk,
            "metric": "revenue", "cause": "lower_reach", "description": "", "owner": world.sup_a.pk,
            "due_on": (timezone.localdate() + dt.timedelta(days=7)).isoformat(), "gap": "CA -8 %"}  # fmt: skip
    response = client.post(reverse("reporting:action_create"), post)
    assert response.status_code == 400  # no description: the form comes back with what was typed
    assert "CA -8 %" in response.content.decode()
    response = client.post(
        reverse("reporting:action_create"), {**post, "description": "Appeler le lundi après 10 h"}
    )
    assert response.status_code == 302
    action = CorrectiveAction.objects.get()
    assert (action.rep, action.cause, action.period_start) == (world.rep_a, "lower_reach", month.start)
    response = client.post(
        reverse("reporting:action_update", args=[action.pk]), {"status": "done", "result": ""}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN  # a result is needed to close it
    client.post(
        reverse("reporting:action_update", args=[action.pk]),
        {"status": "done", "result": "Joignabilité +9 pts"},
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_at is not None
    listing = client.get(reverse("reporting:actions"), {"team": world.team_a.pk, "format": "csv"})
    rows = list(
        csv.reader(io.StringIO(b"".join(listing.streaming_content).decode("utf-8-sig")), delimiter=";")
    )
    assert rows[1][6] == "Appeler le lundi après 10 h"


def test_drill_downs_and_exports(client, world, activity):
    client.force_login(world.sup_a)
    response = client.get(
        reverse("reporting:drill_customers"), {"team": world.team_a.pk, "rep": world.rep_a.pk}
    )
    page = response.content.decode()
    assert "Bistrot &lt;b&gt;Gras&lt;/b&gt;" in page and "<b>Gras" not in page
    calls = client.get(reverse("reporting:drill_calls"), {"team": world.team_a.pk, "outcome": "not_reached"})
    assert calls.context["page"].paginator.count == 1
    export = client.get(reverse("reporting:team"), {"team": world.team_a.pk, "format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    export = client.get(reverse("reporting:drill_customers"), {"team": world.team_a.pk, "format": "csv"})
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "Bistrot <b>Gras</b>" in text and "300" in text


def test_the_live_part_refreshes_alone(client, world, activity):
    client.force_login(world.sup_a)
    response = client.get(reverse("reporting:team"), {"live": "1"}, headers={"HX-Request": "true"})
    page = response.content.decode()
    assert page.lstrip().startswith('<section class="card" id="live"')
    assert "</html>" not in page


def test_self_assessment_written_by_the_rep_and_answered_by_the_supervisor(client, world, activity, month):
    client.force_login(world.rep_a)
    url = reverse("reporting:self_assessment")
    response = client.post(url, {"period": "month", "start": month.start.isoformat()})
    assert response.status_code == 400  # nothing written
    response = client.post(url, {"period": "month", "start": month.start.isoformat(),
                                 "difficulties": "Les boulangeries ne répondent pas le lundi", "progress": "",
                                 "next_steps": "Rappeler après 14 h"})  # fmt: skip
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get(rep=world.rep_a)
    assert assessment.figures["rates"]["reach_rate"]["mine"] == pytest.approx(0.5)
    client.force_login(world.sup_a)
    page = client.get(reverse("reporting:assessments"), {"team": world.team_a.pk}).content.decode()
    assert "Les boulangeries ne répondent pas le lundi" in page
    client.post(reverse("reporting:assessment_comment", args=[assessment.pk]), {"comment": "Bonne piste."})
    assessment.refresh_from_db()
    assert assessment.supervisor_comment == "Bonne piste."
    client.force_login(world.sup_b)
    assert client.post(reverse("reporting:assessment_comment", args=[assessment.pk]),
                       {"comment": "x"}).status_code == 404  # fmt: skip


def test_portfolio_service_and_synthesis_tabs(client, world, activity):
    client.force_login(world.sup_a)
    for name in ("reporting:portfolio", "reporting:service"):
        response = client.get(reverse(name), {"team": world.team_a.pk})
        assert response.status_code == 200, name
        assert "<svg" in response.content.decode()
    export = client.get(reverse("reporting:service"), {"team": world.team_a.pk, "format": "csv"})
    assert export["Content-Disposition"].startswith('attachment; filename="service-causes-')
    pdf = client.get(reverse("reporting:synthesis"), {"team": world.team_a.pk})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert 'filename="synthese-equipe-a-month-' in pdf["Content-Disposition"]
    client.force_login(world.rep_a)
    assert client.get(reverse("reporting:synthesis")).status_code == 403
    client.force_login(world.sup_b)
    assert client.get(reverse("reporting:synthesis"), {"team": world.team_a.pk}).status_code == 404


def test_the_pages_read_a_bounded_number_of_queries(client, world, activity, django_assert_max_num_queries):
    for rep in range(12):  # a bigger team must not mean more queries
        world.rep_a.__class__.objects.create_user(username=f"extra{rep}", team=world.team_a, role="rep")
    client.force_login(world.sup_a)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("reporting:team")).status_code == 200
    client.force_login(world.rep_a)
    with django_assert_max_num_queries(18):
        assert client.get(reverse("reporting:mine")).status_code == 200


def test_a_rep_in_another_time_zone_sees_the_companys_day(client, world, activity):
    world.rep_a.time_zone = "Pacific/Kiritimati"  # UTC+14: their "today" is often the company's tomorrow
    world.rep_a.save(update_fields=["time_zone"])
    client.force_login(world.rep_a)
    response = client.get(reverse("reporting:mine"))
    assert response.context["view"].today_figures.revenue == Decimal("300")
    # The profile's zone was the request's only: it does not stay active in this thread afterwards.
    from django.conf import settings

    assert timezone.get_current_timezone_name() == settings.TIME_ZONE


def test_the_supervisors_other_screens_read_a_bounded_number_of_queries(
    client, world, activity, django_assert_max_num_queries
):
    for rep in range(12):  # a bigger team must not mean more queries
        world.rep_a.__class__.objects.create_user(username=f"more{rep}", team=world.team_a, role="rep")
    client.force_login(world.sup_a)
    for name, bound in (
        ("reporting:variance", 30),
        ("reporting:drill_customers", 15),
        ("reporting:drill_calls", 15),
        ("reporting:actions", 12),
        ("reporting:objectives", 12),
        ("reporting:portfolio", 25),
        ("reporting:service", 18),
    ):
        with django_assert_max_num_queries(bound):
            assert client.get(reverse(name), {"team": world.team_a.pk}).status_code == 200, name
