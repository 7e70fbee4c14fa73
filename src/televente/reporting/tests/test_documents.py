"""The periodic synthesis PDF: rendered from a small known dataset, read back with pdftotext."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.utils import timezone

from televente.claims.models import Claim
from televente.customers.tests.factories import CompanyFactory
from televente.orders.choices import LineOrigin, OrderStatus
from televente.orders.models import Order, OrderLine
from televente.orders.tests.factories import sellable
from televente.receivables.models import Invoice, Payment
from televente.reporting import documents, stats
from televente.reporting.choices import ActionStatus, Cause, Metric, PeriodKind
from televente.reporting.models import CorrectiveAction, Objective
from televente.reporting.periods import Period

D1 = dt.date(2026, 10, 5)  # Monday
D2 = dt.date(2026, 10, 6)
TODAY = dt.date(2026, 10, 14)
OCTOBER = Period.containing(PeriodKind.MONTH, D1)


def at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=timezone.get_current_timezone())


def order(company, rep, when, amounts: list[str]) -> Order:
    product = sellable(code=f"P{Order.objects.count()}")
    made = Order.objects.create(
        company=company, rep=rep, team=rep.team, status=OrderStatus.CONFIRMED, confirmed_at=when,
        total_lines=sum((Decimal(a) for a in amounts), Decimal("0")), lines_count=len(amounts),
    )  # fmt: skip
    for position, amount in enumerate(amounts, start=1):
        OrderLine.objects.create(
            order=made, position=position, product=product, unit=product.units.get(code="UVC"), quantity=1,
            base_quantity=1, unit_price=Decimal(amount), vat_rate=Decimal("5.5"), amount=Decimal(amount),
            origin=LineOrigin.COMPLEMENT if position > 1 else LineOrigin.HABITUAL,
        )  # fmt: skip
    return made


@pytest.fixture
def dataset(world):
    world.team_a.name = "Équipe <Ouest> & Nord"  # escaped in the HTML, intact in the PDF
    world.team_a.save()
    c1 = CompanyFactory(rep=world.rep_a, trade_name="Boulangerie Une")
    c2 = CompanyFactory(rep=world.rep_a, trade_name="Brasserie Deux")
    c3 = CompanyFactory(rep=world.rep_a2, trade_name="Café Trois")
    order(c1, world.rep_a, at(D1, 9), ["1000.00", "234.50"])
    order(c2, world.rep_a, at(D2, 10), ["300.00"])
    order(c3, world.rep_a2, at(D2, 11), ["2500.00"])
    order(c1, world.rep_a, at(TODAY, 9), ["100.00"])  # today: live, not stored
    stats.refresh_days(day_from=D1, day_to=TODAY - dt.timedelta(days=1))
    for rep, target in ((None, "20000"), (world.rep_a, "8000"), (world.rep_a2, "12000")):
        Objective.objects.create(
            team=world.team_a, rep=rep, period_kind=OCTOBER.kind, period_start=OCTOBER.start,
            metric=Metric.REVENUE, target=Decimal(target), set_by=world.sup_a,
        )  # fmt: skip
    Objective.objects.create(
        team=world.team_a, rep=world.rep_a, period_kind=OCTOBER.kind, period_start=OCTOBER.start,
        metric=Metric.ORDERS, target=Decimal("10"), set_by=world.sup_a,
    )  # fmt: skip
    common = {"team": world.team_a, "period_kind": OCTOBER.kind, "period_start": OCTOBER.start,
              "created_by": world.sup_a, "owner": world.sup_a}  # fmt: skip
    CorrectiveAction.objects.create(
        **common, rep=world.rep_a2, metric=Metric.REVENUE, gap="-1 200 € à date", cause=Cause.FEWER_CALLS,
        description="Bloquer deux créneaux d'appels le matin", due_on=dt.date(2026, 10, 9),
    )  # fmt: skip
    CorrectiveAction.objects.create(
        **common, metric=Metric.ORDERS, cause=Cause.SMALLER_BASKETS, description="Relancer les paniers moyens",
        due_on=dt.date(2026, 10, 20), status=ActionStatus.DONE, result="Panier moyen +8 %",
        done_at=at(dt.date(2026, 10, 12), 17),
    )  # fmt: skip
    # Service: a claim closed in two days with a satisfied customer, one still open; collection.
    closed = Claim.objects.create(
        company=c1, team=world.team_a, claim_type="damaged", cause="carrier", description="Carton écrasé",
        amount=Decimal("40"), status="closed", due_at=at(D2, 18), closed_at=at(D1, 9) + dt.timedelta(days=2),
        satisfaction="satisfied", satisfaction_at=at(D2, 12),
    )  # fmt: skip
    opened = Claim.objects.create(
        company=c3, team=world.team_a, claim_type="missing", cause="picking", description="Colis manquant",
        amount=Decimal("15"), due_at=at(dt.date(2026, 10, 20), 18),
    )  # fmt: skip
    Claim.objects.filter(pk=closed.pk).update(created_at=at(D1, 9))
    Claim.objects.filter(pk=opened.pk).update(created_at=at(D2, 9))
    Invoice.objects.create(
        number="F-1", company=c2, issued_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 9, 30),
        amount=Decimal("1440.00"),
    )  # fmt: skip
    paid = Invoice.objects.create(
        number="F-2", company=c1, issued_on=dt.date(2026, 8, 1), due_on=dt.date(2026, 9, 15),
        amount=Decimal("360.00"), paid_amount=Decimal("360.00"), status="paid",
    )  # fmt: skip
    Payment.objects.create(
        reference="P-1", company=c1, invoice=paid, paid_on=dt.date(2026, 10, 8), amount=Decimal("360.00")
    )
    # Another team's action stays out.
    CorrectiveAction.objects.create(
        **{**common, "team": world.team_b}, metric=Metric.CALLS, cause=Cause.OTHER,
        description="Action de l'équipe B", due_on=dt.date(2026, 10, 9),
    )  # fmt: skip
    return world


def pdf_text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.replace("\u00a0", " ").replace("\u202f", " ").split())


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is not installed")
def test_synthesis_pdf(dataset, tmp_path):
    pdf = documents.synthesis_pdf(team=dataset.team_a, period=OCTOBER, today=TODAY)
    assert pdf.startswith(b"%PDF")
    path = tmp_path / "synthesis.pdf"
    path.write_bytes(pdf)
    text = pdf_text(path)
    pages = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    assert 2 <= int(next(line.split()[-1] for line in pages.splitlines() if line.startswith("Pages:"))) <= 4

    assert "Équipe <Ouest> & Nord" in text
    assert "octobre 2026" in text
    assert "Émise le 14 octobre 2026" in text
    # The team's revenue: 1 234,50 + 300 + 2 500 stored, 100 live today.
    assert "4 134,50 €" in text
    assert "1 634,50 €" in text  # rep_a
    assert "20 000,00 €" in text  # the team's revenue objective
    # The objectives with their state in words; the per-rep orders objective.
    assert "en retard" in text or "à surveiller" in text or "dans l'objectif" in text
    assert "Objectifs par télévendeur" in text
    # Corrective actions of the period, open and closed, but not another team's.
    assert "Bloquer deux créneaux d'appels le matin" in text
    assert "échue" in text  # open and past its date
    assert "Panier moyen +8 %" in text
    assert "Action de l'équipe B" not in text
    # Portfolio and service.
    assert "Pareto" in text
    assert "Réclamations reçues par cause" in text
    assert "Transport" in text and "Erreur de préparation" in text  # the claims' causes
    assert "1 440,00 €" in text  # overdue now
    assert "360,00 €" in text  # recovered in the period
    assert "100,0 %" in text  # satisfied share (one answer)


def test_revenue_chart_pace_and_gaps(dataset):
    context = documents.synthesis_context(team=dataset.team_a, period=OCTOBER, today=TODAY)
    chart = context["revenue_chart"]
    assert len(chart.rows) == 31
    day5 = next(row for row in chart.rows if row[0] == "05/10")
    assert day5[1].replace("\u00a0", " ") == "1 234,50 €"
    assert chart.rows[-1][1] == "—"  # after today: a gap, not a flat line
    assert chart.rows[-1][2].replace("\u00a0", " ") == "20 000,00 €"  # the pace reaches the target
    assert chart.headers[2].startswith("Rythme de l'objectif")


def test_synthesis_without_objectives_or_data(world):
    pdf = documents.synthesis_pdf(team=world.team_b, period=OCTOBER, today=TODAY)
    assert pdf.startswith(b"%PDF")
    context = documents.synthesis_context(team=world.team_b, period=OCTOBER, today=TODAY)
    assert context["objectives"] == []
    assert len(context["revenue_chart"].headers) == 2  # no pace line without a revenue objective
