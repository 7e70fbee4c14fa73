"""Company rules for claims: deadlines per type, settlement authority per role, working days.

The rows live in the database (`ClaimPolicy`, `AuthorityLimit`, edited in the admin); the values
below are the defaults the first migration writes and the fallback when a row is missing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from televente.accounts.choices import BackOfficeService, Role

from .choices import ClaimType

# (first service, working days to settle, reminder working days before the deadline)
DEFAULT_POLICIES: dict[str, tuple[str, int, int]] = {
    ClaimType.QUALITY: (BackOfficeService.QUALITY, 5, 1),
    ClaimType.LATE: (BackOfficeService.LOGISTICS, 2, 1),
    ClaimType.MISSING: (BackOfficeService.LOGISTICS, 2, 1),
    ClaimType.DAMAGED: (BackOfficeService.LOGISTICS, 3, 1),
    ClaimType.WRONG_PRODUCT: (BackOfficeService.LOGISTICS, 2, 1),
    ClaimType.INVOICING: (BackOfficeService.ACCOUNTING, 5, 1),
    ClaimType.PRICE: (BackOfficeService.SALES_ADMIN, 5, 1),
    ClaimType.SERVICE: (BackOfficeService.SALES_ADMIN, 5, 2),
}

DEFAULT_LIMITS: dict[str, Decimal | None] = {
    Role.REP: Decimal("150"),
    Role.FIELD_REP: Decimal("150"),
    Role.BACK_OFFICE: Decimal("500"),
    Role.SUPERVISOR: Decimal("2000"),
    Role.ADMIN: None,  # no limit
}


def policy_for(claim_type: str) -> tuple[str, int, int]:
    from .models import ClaimPolicy

    row = ClaimPolicy.objects.filter(claim_type=claim_type).first()
    if row is not None:
        return row.service, row.deadline_days, row.remind_days_before
    return DEFAULT_POLICIES.get(claim_type, (BackOfficeService.SALES_ADMIN, 5, 1))


def limits() -> dict[str, Decimal | None]:
    from .models import AuthorityLimit

    found = dict(DEFAULT_LIMITS)
    found.update(dict(AuthorityLimit.objects.values_list("role", "amount")))
    return found


def role_of(user) -> str:
    return Role.ADMIN if user.is_superuser else user.role


def within_authority(user, amount: Decimal, table: dict[str, Decimal | None] | None = None) -> bool:
    limit = (table or limits()).get(role_of(user), Decimal("0"))
    return limit is None or amount <= limit


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """`start` moved by `days` working days (Monday to Friday), same time of day. A claim received
    on a Saturday counts from Monday."""
    current = start
    while current.weekday() >= 5:
        current += dt.timedelta(days=1)
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    while remaining:
        current += dt.timedelta(days=step)
        if current.weekday() < 5:
            remaining -= 1
    return current
