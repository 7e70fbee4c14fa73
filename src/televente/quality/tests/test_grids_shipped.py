"""The shipped grids are a faithful transcription of the seeds: every indicator of seed 000's
« Critères d'évaluation » (Compétences 1 to 6), every criterion (⇒) of seed 004's C 1 tables, and
the five blocks of seed 002 (RNCP 32391, validity 5 years).

The seed texts are read from `tests/seeds/` (verbatim copies of `shared/seeds/`, kept in the
repository so that the comparison runs on any clean clone and can never be skipped).
"""

from __future__ import annotations

import html
import re
import unicodedata
from pathlib import Path

import pytest

from televente.quality.choices import VersionStatus
from televente.quality.grids import version_structure
from televente.quality.models import CertificationBlock, Grid, GridItem, GridVersion
from televente.quality.shipped import ensure_shipped

SEEDS = Path(__file__).resolve().parent / "seeds"


def _seed(prefix: str) -> str:
    found = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    assert len(found) == 1, f"seed {prefix} missing from {SEEDS}"
    return found[0].read_text(encoding="utf-8")


def norm(text: str) -> str:
    """Whitespace collapsed, typographic apostrophes and quotes made plain, tags dropped."""
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    text = unicodedata.normalize("NFC", text)
    for a, b in (("’", "'"), ("‘", "'"), ("\u00a0", " "), ("\u202f", " ")):
        text = text.replace(a, b)
    return re.sub(r"\s+", " ", text).strip()


def seed_000_indicators() -> dict[int, list[str]]:
    """Compétence N -> the `<i>...</i>` indicators under its header in « Critères d'évaluation »."""
    text = _seed("000")
    start = text.index("Critères d'évaluation")
    criteria = text[start:]
    heads = list(re.finditer(r"^Compétence ([1-6])\b", criteria, flags=re.M))
    assert [int(h.group(1)) for h in heads] == [1, 2, 3, 4, 5, 6]
    out = {}
    for i, head in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(criteria)
        out[int(head.group(1))] = [
            norm(m) for m in re.findall(r"<i>(.*?)</i>", criteria[head.start() : end], flags=re.S) if norm(m)
        ]
    return out


def seed_004_c1_criteria() -> list[str]:
    """Every « ⇒ ... » criterion of the C 1 tables (until C 2), in order."""
    text = _seed("004")
    start = re.search(r"^C 1\. MA[IÎ]TRISER", text, flags=re.M).start()
    end = re.search(r"^C 2\. ", text, flags=re.M).start()
    return [norm(m) for m in re.findall(r"⇒\s*(.*?)</p>", text[start:end], flags=re.S)]


def shipped_items(code: str) -> list[str]:
    version = Grid.objects.get(code=code).current_version
    assert version is not None, code
    return [norm(item.text) for _section, items in version_structure(version=version) for item in items]


@pytest.fixture
def shipped(db):
    ensure_shipped()


@pytest.mark.parametrize("number", [1, 2, 3, 4, 5, 6])
def test_every_seed_000_indicator_is_an_item_of_its_grid_in_order(shipped, number):
    expected = seed_000_indicators()[number]
    assert len(expected) >= 4, "the parser found too few indicators: the seed layout changed?"
    items = shipped_items(f"cqp-televente-c{number}")
    missing = [text for text in expected if text not in items]
    assert missing == [], f"Compétence {number}: indicators missing from the grid"
    # In the seed's order (extra items, if any, may sit between them).
    positions = [items.index(text) for text in expected]
    assert positions == sorted(positions)


def test_seed_000_competence_1_has_its_ten_indicators(shipped):
    """A spot check of the parser itself: the first and last indicator of Compétence 1."""
    indicators = seed_000_indicators()[1]
    assert indicators[0].startswith("L'interlocuteur décideur pour passer commande")
    assert indicators[-1].startswith("La commande est validée avec le client")
    assert len(indicators) == 10


def test_every_seed_004_c1_criterion_is_an_item_of_the_telephone_grid(shipped):
    expected = seed_004_c1_criteria()
    assert len(expected) >= 30
    items = shipped_items("mc-relation-client-telephone")
    # The same sentence may appear twice in the seed (« La consultation est rapide et complète »
    # for surveys and for debt collection): count occurrences, not just presence.
    for text in set(expected):
        assert items.count(text) >= expected.count(text), text
    # Order kept: walk the grid's items and find the seed's criteria one after the other.
    cursor = 0
    for text in expected:
        cursor = items.index(text, cursor) + 1


def test_the_five_blocks_of_seed_002(shipped):
    text = norm(_seed("002"))
    blocks = list(CertificationBlock.objects.filter(certification="RNCP 32391").order_by("number"))
    assert [b.number for b in blocks] == [1, 2, 3, 4, 5]
    for block in blocks:
        assert block.validity_years == 5
        assert norm(block.title) in text, block.title
    assert "5 ans" in text or "cinq ans" in text.lower()


def test_shipped_grids_are_published_read_only_and_complete(shipped):
    codes = {f"cqp-televente-c{n}" for n in range(1, 7)} | {"mc-relation-client-telephone"}
    grids = {g.code: g for g in Grid.objects.filter(code__in=codes)}
    assert set(grids) == codes
    for grid in grids.values():
        assert grid.is_shipped and grid.source
        assert grid.versions.filter(status=VersionStatus.PUBLISHED).count() == 1


def test_ensure_shipped_is_idempotent(shipped):
    before = (
        Grid.objects.count(),
        GridVersion.objects.count(),
        GridItem.objects.count(),
        CertificationBlock.objects.count(),
    )
    assert ensure_shipped() == 0
    assert ensure_shipped() == 0
    after = (
        Grid.objects.count(),
        GridVersion.objects.count(),
        GridItem.objects.count(),
        CertificationBlock.objects.count(),
    )
    assert after == before
