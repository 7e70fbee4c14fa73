"""Receivers of the receivables app."""

from __future__ import annotations

from decimal import Decimal

# The dunning ladder a fresh installation starts with (the admin adapts it, per segment if needed):
# level, days after the due date, action, minimum amount due.
DEFAULT_STEPS = [
    (1, 7, "email", Decimal("0")),
    (2, 15, "call", Decimal("0")),
    (3, 30, "letter", Decimal("100")),
    (4, 45, "hold", Decimal("500")),
]


def install_default_ladder(sender=None, using="default", **kwargs) -> bool:
    """Creates the default ladder when there is none (after migrate, and after a flush)."""
    from .models import DunningLadder, DunningStep

    if DunningLadder.objects.using(using).filter(segment__isnull=True).exists():
        return False
    ladder = DunningLadder.objects.using(using).create(name="Procédure standard")
    DunningStep.objects.using(using).bulk_create(
        DunningStep(ladder=ladder, level=level, days_after_due=days, action=action, min_amount=minimum)
        for level, days, action, minimum in DEFAULT_STEPS
    )
    return True
