"""Server-drawn SVG charts: values readable in titles and table, escaping, gaps, empty data."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from televente.reporting import charts

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(autouse=True)
def french():
    with translation.override("fr"):
        yield


def parse(chart: charts.Chart) -> ET.Element:
    root = ET.fromstring(str(chart.svg))  # raises if the SVG is not well-formed
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("width") == "100%"
    assert root.get("viewBox").startswith("0 0 640 ")
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"
    assert title.text == chart.title
    assert desc.text
    return root


def titles(root: ET.Element) -> list[str]:
    """The <title> of every point or bar (not the chart's own)."""
    return [t.text for t in root.iter(f"{SVG}title")][1:]


def nbsp(text: str) -> str:
    return text.replace("\u00a0", " ").replace("\u202f", " ")


def test_line_values_in_titles_and_table_with_gaps():
    chart = charts.line(
        "CA cumulé",
        ["01/11", "02/11", "03/11", "04/11"],
        [("Réalisé", [Decimal("1200.5"), None, 3400, 5000]), ("Objectif", [1000, 2000, 3000, 4000])],
        fmt="money",
    )
    root = parse(chart)
    tips = [nbsp(t) for t in titles(root)]
    assert "01/11 — Réalisé : 1 200,50 €" in tips
    assert "04/11 — Objectif : 4 000,00 €" in tips
    assert not any(t.startswith("02/11 — Réalisé") for t in tips)  # the gap has no point
    assert chart.headers == ["Jour", "Réalisé", "Objectif"]
    assert [nbsp(c) for c in chart.rows[0]] == ["01/11", "1 200,50 €", "1 000,00 €"]
    assert chart.rows[1][1] == "—"
    # The gap splits the curve: the first point stands alone, the rest is one polyline; the
    # objective is one polyline of four points.
    polylines = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
    assert sorted(len(p) for p in polylines) == [2, 4]


def test_line_one_point_and_french_formats():
    chart = charts.line("Taux", ["S1"], [("Joignabilité", [0.4251])], fmt="percent")
    root = parse(chart)
    assert nbsp(chart.rows[0][1]) == "42,5 %"
    assert any("42,5 %" in nbsp(t) for t in titles(root))
    assert charts.format_value(1234567, "int").replace("\u00a0", " ") == "1 234 567"
    assert charts.format_value(1.5, "number") == "1,5"
    assert charts.format_value(-0.01, "percent") == "-1,0\u00a0%"
    assert charts.format_value(-0.0001, "percent") == "0,0\u00a0%"  # never "-0,0 %"
    assert charts.format_value(None, "money") == "—"
    with pytest.raises(ValueError):
        charts.line("x", ["a"], [("s", [1])], fmt="euros")


def test_bars_escape_labels_and_highlight():
    evil = "Casse <script>alert('x')</script> & co"
    chart = charts.bars("Réclamations par cause", [evil, "Retard"], [7, 3], fmt="int", highlight={0})
    svg = str(chart.svg)
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    root = parse(chart)
    tips = titles(root)
    assert f"{evil} : 7" in tips  # parsed back: the text is intact, only escaped in the markup
    assert "Retard : 3" in tips
    rects = [r for r in root.iter(f"{SVG}rect") if r.find(f"{SVG}title") is not None]
    assert len(rects) == 2
    assert rects[0].get("fill") != rects[1].get("fill")  # the highlighted bar stands out
    assert chart.rows == [[evil, "7"], ["Retard", "3"]]
    html = Template("{% load reporting_charts %}{% chart c %}").render(Context({"c": chart}))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_bars_long_labels_on_two_lines_whole_in_title():
    label = "Stockage (entrepôt, chaîne du froid, réception des palettes)"
    chart = charts.bars("Causes", [label, "Transport"], [4, 2], fmt="int")
    root = parse(chart)
    assert label in titles(root)  # the whole label, on hover
    spans = [t.text for t in root.iter(f"{SVG}tspan")]
    assert spans[0] == "Stockage (entrepôt, chaîne"
    assert spans[1].endswith("…")
    assert chart.rows[0][0] == label  # and whole in the table


def test_line_legend_wraps_and_stays_inside():
    names = [f"Série au nom assez long numéro {i}" for i in range(4)]
    chart = charts.line("Légende", ["a", "b"], [(n, [1, 2]) for n in names], fmt="int")
    root = parse(chart)
    width = float(root.get("viewBox").split()[2])
    for text in root.iter(f"{SVG}text"):
        if text.text in names:
            assert float(text.get("x")) + charts.CHAR * len(text.text) <= width


def test_bars_negative_and_missing_values():
    chart = charts.bars("Écarts", ["A", "B", "C"], [Decimal("-150"), 300, None], fmt="money")
    root = parse(chart)
    assert [nbsp(r[1]) for r in chart.rows] == ["-150,00 €", "300,00 €", "—"]
    assert "C : —" in titles(root)


def test_pareto_marker_and_deciles():
    points = [(i / 10, min(1.0, 0.3 + i * 0.07)) for i in range(1, 11)]
    chart = charts.pareto("Concentration", points, top20_share=0.44)
    root = parse(chart)
    assert chart.headers == ["Part des clients", "Part cumulée du chiffre d'affaires"]
    assert len(chart.rows) == 10
    assert [nbsp(c) for c in chart.rows[1]] == ["20 %", "44,0 %"]
    assert any("20 % des clients : 44,0 %" in nbsp(t) for t in titles(root))
    assert "20 % des clients = 44,0 % du CA" in nbsp("".join(root.itertext()))
    assert "44,0 %" in nbsp(chart.description)


def test_pareto_few_customers_marks_their_real_share():
    """1 customer of 3 is the "top 20 %": the marker is at 33,3 %, on the curve, not at 20 %."""
    points = [(0.0, 0.0), (1 / 3, 0.6), (2 / 3, 0.9), (1.0, 1.0)]
    chart = charts.pareto("Concentration", points, top20_share=0.6, top_customers_share=1 / 3)
    root = parse(chart)
    assert "33,3 % des clients = 60,0 % du CA" in nbsp("".join(root.itertext()))
    assert ["33,3 %", "60,0 %"] in [[nbsp(c) for c in row] for row in chart.rows]
    assert [nbsp(c) for c in chart.rows[1]] == ["20 %", "36,0 %"]  # read on the curve
    assert len(chart.rows) == 11


@pytest.mark.parametrize(
    "chart",
    [
        lambda: charts.line("Vide", [], [], fmt="money"),
        lambda: charts.line("Que des trous", ["a", "b"], [("s", [None, None])], fmt="int"),
        lambda: charts.bars("Vide", [], [], fmt="int"),
        lambda: charts.pareto("Vide", [], top20_share=None),
        lambda: charts.pareto("Pas de CA", [(0.5, 0.0), (1.0, 0.0)], top20_share=0),
    ],
)
def test_empty_data_says_so(chart):
    chart = chart()
    root = parse(chart)
    assert "Pas de données" in "".join(root.itertext())
    assert chart.rows == []
    assert chart.is_empty


def test_chart_tag_renders_figure_caption_and_table():
    chart = charts.bars("Commandes par télévendeur", ["Alice", "Bruno"], [12, 9], fmt="int")
    html = Template("{% load reporting_charts %}{% chart c %}").render(Context({"c": chart}))
    assert html.strip().startswith("<figure")
    assert "<figcaption>Commandes par télévendeur</figcaption>" in html
    assert "<summary>Voir les valeurs</summary>" in html
    assert '<th scope="row">Alice</th><td class="num">12</td>' in html
    assert "<details" in html and " open" not in html
    opened = Template('{% load reporting_charts %}{% chart c table="open" %}').render(Context({"c": chart}))
    assert '<details class="chart-values" open>' in opened
    bare = Template("{% load reporting_charts %}{% chart c table=False %}").render(Context({"c": chart}))
    assert "<table" not in bare and "<svg" in bare
    empty = charts.bars("Rien", [], [], fmt="int")
    html = Template("{% load reporting_charts %}{% chart c %}").render(Context({"c": empty}))
    assert "Pas de données" in html and "<table" not in html


def test_many_points_are_thinned_but_all_in_the_table():
    labels = [f"j{i}" for i in range(120)]
    chart = charts.line("Long", labels, [("s", [float(i) for i in range(120)])], fmt="number")
    root = parse(chart)
    assert len(chart.rows) == 120
    assert len(titles(root)) >= 120  # every point keeps its title (hover target) even unmarked
    shown = [t.text for t in root.iter(f"{SVG}text") if t.text in labels]
    assert 2 <= len(shown) <= 20  # the axis labels are spaced out
