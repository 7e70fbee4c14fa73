"""The grids and certification blocks shipped with the product, transcribed from the seeds.

They are data (`grids/*.json`), not code: `frameworks.json` holds the CQP blocks (seed 002) and the
competencies of the frameworks, every other file one grid (seed 000's six competencies, seed 004's
telephone relationship). `ensure_shipped()` loads them, idempotently: it runs in a data migration,
in the demo and in tests whose tables are truncated. A shipped grid whose file carries a higher
`version` than the database gets that version published and the former one retired; a shipped grid
is never edited in place (a supervisor copies it to adapt it).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from django.db import transaction
from django.utils import timezone

GRIDS_DIR = Path(__file__).resolve().parent / "grids"
FRAMEWORKS = "frameworks.json"


@cache
def frameworks() -> dict:
    return json.loads((GRIDS_DIR / FRAMEWORKS).read_text(encoding="utf-8"))


@cache
def grid_files() -> tuple[dict, ...]:
    return tuple(
        json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(GRIDS_DIR.glob("*.json"))
        if path.name != FRAMEWORKS
    )


def _models(apps):
    if apps is None:
        from django.apps import apps as live

        apps = live
    return {name: apps.get_model("quality", name) for name in (
        "CertificationBlock", "Competency", "Grid", "GridVersion", "GridSection", "GridItem"
    )}  # fmt: skip


@transaction.atomic
def ensure_shipped(apps=None) -> int:
    """Create what is missing; returns how many grid versions were created."""
    m = _models(apps)
    data = frameworks()
    blocks = {}
    for b in data["blocks"]:
        blocks[b["number"]], _ = m["CertificationBlock"].objects.update_or_create(
            certification=data["certification"],
            number=b["number"],
            defaults={
                "title": b["title"],
                "description": "\n".join(b["description"]),
                "evaluation_methods": "\n".join(b["evaluation_methods"]),
                "validity_years": data["validity_years"],
            },
        )
    competencies = {}
    for c in data["competencies"]:
        competencies[c["code"]], _ = m["Competency"].objects.update_or_create(
            code=c["code"],
            defaults={
                "framework": c["framework"],
                "title": c["title"],
                "abilities": "\n".join(c["abilities"]),
                "block": blocks.get(c["block"]) if c["block"] else None,
                "position": c["position"],
            },
        )
    created = 0
    now = timezone.now()
    for g in grid_files():
        grid, _ = m["Grid"].objects.get_or_create(
            code=g["code"],
            defaults={
                "name": g["name"],
                "description": g["description"],
                "source": g["source"],
                "is_shipped": True,
            },
        )
        wanted = g.get("version", 1)
        latest = m["GridVersion"].objects.filter(grid=grid).order_by("-number").first()
        if latest is not None and latest.number >= wanted:
            continue
        m["GridVersion"].objects.filter(grid=grid, status="published").update(status="retired")
        version = m["GridVersion"].objects.create(
            grid=grid,
            number=wanted,
            status="published",
            pass_mark=g.get("pass_mark", 80),
            change_note=g.get("change_note", ""),
            published_at=now,
        )
        for s_pos, s in enumerate(g["sections"], start=1):
            section = m["GridSection"].objects.create(
                version=version,
                position=s_pos,
                competency=competencies.get(s["competency"]),
                title=s["title"],
                description=s.get("description", ""),
            )
            m["GridItem"].objects.bulk_create(
                m["GridItem"](
                    section=section,
                    position=i_pos,
                    text=item["text"],
                    guidance=item.get("guidance", ""),
                    weight=item.get("weight", 1),
                    answer_type=item.get("answer_type", "yes_no_na"),
                    critical=item.get("critical", False),
                )
                for i_pos, item in enumerate(s["items"], start=1)
            )
        grid.name, grid.description, grid.source = g["name"], g["description"], g["source"]
        grid.save(update_fields=["name", "description", "source"])
        created += 1
    return created
