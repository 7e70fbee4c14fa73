"""Every dependency is pinned to one version (DESIGN: pin versions in pyproject.toml), so a clean
install is the tested one and a dependency audit reads exact versions."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parents[4] / "pyproject.toml"
PINNED = re.compile(r"^[A-Za-z0-9._-]+(\[[A-Za-z0-9,._-]+\])?==[0-9][A-Za-z0-9.+-]*$")


def test_every_direct_dependency_is_pinned_exactly():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    requirements = list(project["dependencies"])
    for extra in project.get("optional-dependencies", {}).values():
        requirements += extra
    assert len(requirements) > 20
    loose = [r for r in requirements if not PINNED.match(r.replace(" ", ""))]
    assert loose == [], f"not pinned with ==: {loose}"
