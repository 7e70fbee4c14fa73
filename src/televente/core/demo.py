"""The demo data generator's frame: `manage.py seed_demo` runs each app's `demo.seed(ctx)`.

Apps contribute their part in a `demo.py` module with a `seed(ctx: DemoContext)` function; they
run in INSTALLED_APPS order, so an app finds in `ctx.shared` what the apps below it created
(users and teams for customers, customers and products for orders...). Everything is drawn from
one seeded Faker and one seeded Random: the same size gives the same data on every machine, with
no file from outside the repository.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from importlib import import_module

from django.apps import apps
from faker import Faker

SIZES = ("small", "medium", "large")
SEED = 20260401


@dataclass
class DemoContext:
    size: str
    today: date
    faker: Faker
    rng: random.Random
    shared: dict = field(default_factory=dict)
    log: Callable[[str], None] = print

    def pick(self, small, medium, large):
        """The value for the current size."""
        return {"small": small, "medium": medium, "large": large}[self.size]


def make_context(*, size: str, today: date, log: Callable[[str], None] = print) -> DemoContext:
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    faker = Faker("fr_FR")
    faker.seed_instance(SEED)
    return DemoContext(size=size, today=today, faker=faker, rng=random.Random(SEED), log=log)


def seeders() -> list[tuple[str, Callable[[DemoContext], None]]]:
    found = []
    for config in apps.get_app_configs():
        if not config.name.startswith("televente."):
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as exc:
            if exc.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "seed"):
            found.append((config.label, module.seed))
    return found


def run(ctx: DemoContext) -> dict[str, float]:
    timings: dict[str, float] = {}
    for label, seed in seeders():
        started = time.perf_counter()
        seed(ctx)
        timings[label] = time.perf_counter() - started
        ctx.log(f"  {label}: {timings[label]:.1f} s")
    return timings
