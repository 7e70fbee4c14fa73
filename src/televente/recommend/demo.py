"""The demo's recommendation models, trained on the demo's order history like the nightly job.

Not a `seed(ctx)` step: `seed_demo` calls `build()` last, after the whole demo is committed (the
orders' habits included), because a training writes its run in its own transactions."""

from __future__ import annotations

from .choices import RunTrigger


def build(ctx=None) -> None:
    from . import training

    run = training.train(trigger=RunTrigger.DEMO, today=ctx.today if ctx is not None else None)
    if ctx is not None:
        ctx.log(
            f"  recommend: {run.basket_rows} basket, {run.complement_rows} complement, "
            f"{run.substitute_rows} substitute rows in {run.seconds:.1f} s"
        )
