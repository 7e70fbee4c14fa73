"""The supervisor's claim analysis: exact figures on claims built through the services, the number
of queries, who may open the page, the CSV export and the filters' messages."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from televente.claims import services
from televente.claims.analysis import claim_analysis, percentile
from televente.claims.analysis_views import bar_chart
from televente.claims.models import Claim, ClaimLine
from televente.customers.tests.factories import CompanyFactory

D = Decimal


@pytest.fixture
def run_tasks():
    """The figures need no background task. (The claims conftest's `run_tasks` runs the db_worker,
    whose close_old_connections() closes a PostgreSQL connection inside the test's transaction.)"""
    return lambda: None


def _settle_and_close(claim, by, *, verdict, kind, amount, note="", satisfaction="", comment=""):
    services.claim_verdict(claim=claim, by=by, verdict=verdict, note="Vu dans l'historique des ventes.")
    services.settlement_propose(claim=claim, by=by, kind=kind, amount=amount, note=note)
    services.claim_notify_customer(
        claim=claim, by=by, step="settlement", channel="phone", message="Nous vous faisons un avoir."
    )
    claim = services.claim_close(claim=claim, by=by)
    if satisfaction:
        claim = services.claim_satisfaction_record(claim=claim, answer=satisfaction, comment=comment, by=by)
    return claim


def _took(claim, days: int, *, late: bool = False) -> None:
    """The claim was received `days` days before it was closed (and, if late, due before that)."""
    claim.refresh_from_db()
    received = claim.closed_at - dt.timedelta(days=days)
    due = claim.closed_at - dt.timedelta(hours=1) if late else claim.closed_at + dt.timedelta(days=1)
    Claim.objects.filter(pk=claim.pk).update(created_at=received, due_at=due)


@pytest.fixture
def scene(world, company, delivered, make_claim):
    """Six claims of team A received in the last days (four closed, one awaiting approval, one
    overdue), one of team A received 200 days ago and still open, one of team B.

    type      cause     amount  closed after  in time  verdict    settlement          satisfaction
    c1 damaged  carrier    40   1 day         yes      founded    credit note 40      satisfied "Très bien"
    c2 damaged  carrier    60   3 days        no       founded    replacement 60      not satisfied "Trop long"
    c3 quality  supplier  100   5 days        yes      partly     credit note 50      satisfied
    c4 late     carrier     0   (open, overdue, escalated)
    c5 invoicing pricing   25   2 days        yes      unfounded  refusal             -
    c6 missing  picking    10   (open, credit note 300 awaiting the supervisor)
    """
    rep = world.rep_a
    line1, line2 = list(delivered.lines.order_by("position", "pk"))
    other = CompanyFactory(rep=rep, team=world.team_a, legal_name="Brasserie du Port", trade_name="")
    c1 = make_claim(cause="carrier", amount="40", service="logistics")
    c2 = make_claim(cause="carrier", amount="60", service="logistics")
    c3 = make_claim(claim_type="quality", cause="supplier", amount="100")
    c4 = make_claim(claim_type="late", cause="carrier", amount="0", order=None, lines=[])
    c5 = services.claim_create(
        company=other,
        by=rep,
        claim_type="invoicing",
        cause="pricing",
        amount="25",
        description="Remise oubliée.",
    )
    c6 = make_claim(
        claim_type="missing", cause="picking", amount="10", lines=[(line2.pk, 1)], service="logistics"
    )
    old = make_claim(claim_type="price", cause="pricing", amount="5", order=None, lines=[])
    team_b = CompanyFactory(rep=world.rep_b, team=world.team_b)
    services.claim_create(
        company=team_b,
        by=world.rep_b,
        claim_type="service",
        cause="communication",
        description="Jamais rappelé.",
    )

    c1 = _settle_and_close(
        c1,
        rep,
        verdict="founded",
        kind="credit_note",
        amount="40",
        satisfaction="satisfied",
        comment="Très bien",
    )
    c2 = _settle_and_close(
        c2,
        rep,
        verdict="founded",
        kind="replacement",
        amount="60",
        satisfaction="not_satisfied",
        comment="Trop long",
    )
    c3 = _settle_and_close(
        c3, rep, verdict="partly", kind="credit_note", amount="50", satisfaction="satisfied"
    )
    c5 = _settle_and_close(c5, rep, verdict="unfounded", kind="refusal", amount="0", note="Remise appliquée.")
    services.claim_verdict(claim=c6, by=rep, verdict="founded", note="Ligne non livrée.")
    services.settlement_propose(claim=c6, by=rep, kind="credit_note", amount="300")
    _took(c1, 1)
    _took(c2, 3, late=True)
    _took(c3, 5)
    _took(c5, 2)
    long_ago = timezone.now() - dt.timedelta(days=200)
    Claim.objects.filter(pk=old.pk).update(created_at=long_ago, due_at=long_ago + dt.timedelta(days=2))
    Claim.objects.filter(pk=c4.pk).update(due_at=timezone.now() - dt.timedelta(hours=2))
    services.claims_check_deadlines()
    return {
        "c1": c1,
        "c2": c2,
        "c3": c3,
        "c4": c4,
        "c5": c5,
        "c6": c6,
        "old": old,
        "line1": line1,
        "line2": line2,
    }


def _period():
    today = timezone.localdate()
    return today - dt.timedelta(days=89), today


def test_figures(world, scene):
    since, until = _period()
    a = claim_analysis(user=world.sup_a, since=since, until=until)

    assert a.received == 6
    assert a.amount_at_stake == D("235.00")
    assert [(r.code, r.count, r.amount, r.share) for r in a.by_type] == [
        ("damaged", 2, D("100.00"), D("33.3")),
        ("quality", 1, D("100.00"), D("16.7")),
        ("invoicing", 1, D("25.00"), D("16.7")),
        ("missing", 1, D("10.00"), D("16.7")),
        ("late", 1, D("0.00"), D("16.7")),
    ]
    # Pareto: by count, ties by amount; the causes before which less than 80 % is reached.
    assert [(r.code, r.count, r.amount, r.cumulative, r.vital) for r in a.by_cause] == [
        ("carrier", 3, D("100.00"), D("50.0"), True),
        ("supplier", 1, D("100.00"), D("66.7"), True),
        ("pricing", 1, D("25.00"), D("83.3"), True),
        ("picking", 1, D("10.00"), D("100.0"), False),
    ]
    assert a.vital_causes == ["carrier", "supplier", "pricing"]
    assert a.by_cause[0].label == "Transport"

    # Closed in the period after 1, 3, 5 and 2 days: median 2.5, p90 3 + 0.7 x (5 - 3) = 4.4.
    assert a.closed == 4
    assert a.median_days == D("2.5")
    assert a.p90_days == D("4.4")
    assert a.within_deadline == 3
    assert a.within_deadline_share == D("75.0")

    assert (a.answered, a.satisfied, a.not_satisfied, a.satisfied_share) == (3, 2, 1, D("66.7"))
    assert [(c.number, c.text, c.satisfied) for c in a.comments] == [
        (scene["c2"].number, "Trop long", False),
        (scene["c1"].number, "Très bien", True),
    ]

    assert a.overdue == 2  # c4 and the claim of 200 days ago: today's backlog, whatever the period
    assert a.escalated == 2
    assert a.awaiting_approval == 1

    butter = scene["line1"].product
    assert [(p.code, p.claims) for p in a.top_products] == [
        (butter.code, 3),
        (scene["line2"].product.code, 1),
    ]
    assert a.top_products[0].amount == sum(
        ClaimLine.objects.filter(product=butter).values_list("amount", flat=True), D("0")
    )
    assert [(c.name, c.claims, c.amount) for c in a.top_customers] == [
        (scene["c1"].company.display_name, 5, D("210.00")),
        ("Brasserie du Port", 1, D("25.00")),
    ]

    assert [(v.code, v.count) for v in a.verdicts] == [
        ("founded", 3),
        ("partly", 1),
        ("unfounded", 1),
        ("", 1),
    ]
    assert [(s.code, s.count, s.amount) for s in a.settlements] == [
        ("credit_note", 2, D("90.00")),
        ("replacement", 1, D("60.00")),
        ("refusal", 1, D("0.00")),
    ]
    assert a.settled_total == D("150.00")


def test_scope_and_filters(world, scene):
    since, until = _period()
    assert claim_analysis(user=world.admin, since=since, until=until).received == 7
    team_b = claim_analysis(user=world.admin, since=since, until=until, team=world.team_b)
    assert (team_b.received, [r.code for r in team_b.by_type]) == (1, ["service"])
    # Supervisor A does not see team B's claims even when asking for that team.
    assert claim_analysis(user=world.sup_a, since=since, until=until, team=world.team_b).received == 0
    logistics = claim_analysis(user=world.sup_a, since=since, until=until, service="logistics")
    assert (logistics.received, logistics.closed, logistics.awaiting_approval) == (3, 2, 1)
    # The claim received 200 days ago is in a period that covers it.
    old = claim_analysis(user=world.sup_a, since=until - dt.timedelta(days=365), until=until)
    assert old.received == 7


def test_empty_period(world, scene):
    a = claim_analysis(user=world.sup_a, since=dt.date(2001, 1, 1), until=dt.date(2001, 1, 31))
    assert (a.received, a.by_cause, a.median_days, a.within_deadline_share, a.satisfied_share) == (
        0,
        [],
        None,
        None,
        None,
    )
    assert a.overdue == 2  # a snapshot of today


def test_bounded_queries(world, scene, django_assert_max_num_queries):
    since, until = _period()
    for user in (world.sup_a, world.admin):
        with django_assert_max_num_queries(7):
            claim_analysis(user=user, since=since, until=until, team=world.team_a, service="logistics")


def test_percentile_interpolates():
    values = [D(v) for v in (1, 2, 3, 5)]
    assert percentile(values, D("0.5")) == D("2.5")
    assert percentile([D(7)], D("0.9")) == D(7)
    assert percentile([], D("0.5")) is None


def test_bar_chart_geometry(world, scene):
    since, until = _period()
    chart = bar_chart(claim_analysis(user=world.sup_a, since=since, until=until).by_cause)
    assert [bar.width for bar in chart.bars] == [470, 157, 157, 157]
    assert chart.bars[1].y - chart.bars[0].y == 28


# The page --------------------------------------------------------------------------------------------------------------


def test_page_for_the_supervisor(client, world, scene):
    client.force_login(world.sup_a)
    response = client.get(reverse("claims:analysis"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Analyse des réclamations" in html
    assert "Transport" in html and "66,7" in html and "83,3" in html  # Pareto cumulative shares
    assert "2,5" in html and "4,4" in html  # median and p90 in days
    assert "75,0" in html  # closed in time
    assert "Trop long" in html and scene["c2"].number in html
    assert '<svg role="img"' in html and "<title" in html
    assert "style=" not in html and "<script>" not in html
    assert f"{reverse('claims:list')}?file=closed&amp;type=damaged" in html


@pytest.mark.parametrize("who", ["rep_a", "field_a"])
def test_reps_are_refused(client, world, who):
    client.force_login(getattr(world, who))
    assert client.get(reverse("claims:analysis")).status_code == 403


def test_back_office_and_admin_see_all(client, world, scene):
    for user in (world.bo_logistics, world.admin):
        client.force_login(user)
        response = client.get(reverse("claims:analysis"), {"equipe": world.team_b.pk})
        assert response.status_code == 200
        assert response.context["a"].received == 1


def test_csv_export(client, world, scene):
    client.force_login(world.sup_a)
    response = client.get(reverse("claims:analysis"), {"format": "csv", "service": "logistics"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Tableau;Code;Libellé;Réclamations")
    assert lines[1:] == [
        "Par cause;carrier;Transport;2;66.7;66.7;oui;100.00",
        "Par cause;picking;Erreur de préparation;1;33.3;100.0;oui;10.00",
        "Par type;damaged;Produit abîmé;2;66.7;;;100.00",
        "Par type;missing;Produit manquant;1;33.3;;;10.00",
    ]


def test_csv_neutralises_formulas(world, monkeypatch):
    from televente.claims import analysis_views
    from televente.claims.analysis import Breakdown, ClaimAnalysis

    result = ClaimAnalysis(since=dt.date(2025, 1, 1), until=dt.date(2025, 1, 31))
    result.by_type = [Breakdown(code="x", label="=HYPERLINK(1)", count=1, amount=D("1"), share=D("100"))]
    body = b"".join(analysis_views._csv(result).streaming_content).decode("utf-8-sig")
    assert ";'=HYPERLINK(1);" in body


def test_bad_dates_fall_back_with_a_message(client, world, scene):
    client.force_login(world.sup_a)
    response = client.get(reverse("claims:analysis"), {"du": "31/02/2025", "au": "hier"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "n&#x27;est pas valide" in html or "n'est pas valide" in html
    since, until = _period()
    assert (response.context["a"].since, response.context["a"].until) == (since, until)

    response = client.get(reverse("claims:analysis"), {"du": "2025-03-01", "au": "2025-02-01"})
    assert "postérieure à la date de fin" in response.content.decode()

    response = client.get(reverse("claims:analysis"), {"du": "01/01/2025", "au": "2025-01-31"})
    assert (response.context["a"].since, response.context["a"].until) == (
        dt.date(2025, 1, 1),
        dt.date(2025, 1, 31),
    )
    assert response.context["errors"] == []


def test_unknown_team_is_ignored_with_a_message(client, world, scene):
    client.force_login(world.sup_a)
    response = client.get(reverse("claims:analysis"), {"equipe": world.team_b.pk})
    assert "Équipe inconnue" in response.content.decode()
    assert response.context["a"].received == 6
