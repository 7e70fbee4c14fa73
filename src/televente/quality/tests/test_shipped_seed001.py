"""The three grids transcribed from seed 001 (CQP commercial sédentaire du secteur alimentaire,
BC1-BC3) hold every evaluation criterion of the seed, section by section, and nothing else."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from televente.quality.models import GridItem

SEED = Path(__file__).parent / "seeds" / "001_887a66755dd4f90a.txt"


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("•", " ")
    return re.sub(r"\s+", " ", text).strip()


def seed_criteria() -> dict[str, str]:
    """The « critères d'évaluation » column of each competency (C1.1 ... C3.6), tags removed."""
    lines = SEED.read_text(encoding="utf-8").splitlines()
    found = {}
    for n, line in enumerate(lines):
        if not line.startswith("<p>A"):
            continue
        code = re.match(r"<p>A\.?(\d\.\d+)", line).group(1)
        column = line.split("\t")[3]
        if code == "3.6":
            # The document's last row runs over the next lines (a criterion's end and one more).
            column += " " + lines[n + 4] + " " + lines[n + 6].lstrip("- ")
        found[code] = norm(re.sub(r"<[^>]+>", " ", column))
    return found


@pytest.mark.django_db
def test_every_criterion_of_seed_001_is_an_item_of_its_section(grids):
    criteria = seed_criteria()
    assert len(criteria) == 19
    shipped = {}
    for item in GridItem.objects.filter(
        section__version__grid__code__startswith="sedentaire-alimentaire-bc",
        section__version__status="published",
    ).select_related("section"):
        code = item.section.title.split(" ")[0].removeprefix("C")
        shipped.setdefault(code, []).append(item)
    assert sorted(shipped) == sorted(criteria)
    for code, column in criteria.items():
        rest = column
        for item in sorted(shipped[code], key=lambda i: i.position):
            text = norm(item.text)
            assert text in rest, f"C{code}: « {text} » is not in the seed"
            rest = rest.replace(text, " ", 1)
        # What is left is the column's heading (the section's title) and nothing else.
        heading = norm(shipped[code][0].section.title.split(" – ", 1)[1])
        assert norm(rest).rstrip(" :") in ("", heading), f"C{code}: left out of the grid: « {norm(rest)} »"
