"""Who may do what, by role. Row-level visibility lives in the querysets (`visible_to`)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from .choices import BackOfficeService, Role


def is_signed_in(user) -> bool:
    return bool(getattr(user, "is_authenticated", False))


def is_admin(user) -> bool:
    return is_signed_in(user) and (user.role == Role.ADMIN or user.is_superuser)


def is_supervisor(user) -> bool:
    return is_signed_in(user) and user.role == Role.SUPERVISOR


def has_team_page(user) -> bool:
    """Reps, field reps and supervisors work in a team; back office and admin see all teams in the admin."""
    return is_signed_in(user) and (user.team_id is not None or user.role == Role.SUPERVISOR)


def is_supervisor_or_admin(user) -> bool:
    return is_supervisor(user) or is_admin(user)


def can_import(user) -> bool:
    """Reps, supervisors and admins import their lists; back office does not create files."""
    return is_signed_in(user) and (user.role != Role.BACK_OFFICE or user.is_superuser)


def can_manage_catalogue(user) -> bool:
    """Product managers sit in purchasing (back office, service « Achats ») ; the admin too."""
    return is_admin(user) or (
        is_signed_in(user)
        and user.role == Role.BACK_OFFICE
        and getattr(user, "service", "") == BackOfficeService.PURCHASING
    )


def can_push_stock(user) -> bool:
    """Stock levels come from the warehouse: back office (any service) and admin."""
    return is_admin(user) or (is_signed_in(user) and user.role == Role.BACK_OFFICE)


def can_receive_orders(user) -> bool:
    """Orders from the online platform or the ERP arrive with an integration account (back office)
    or the admin's; sales administration checks the ones that could not be confirmed."""
    return is_admin(user) or (is_signed_in(user) and user.role == Role.BACK_OFFICE)


def can_follow_up_orders(user) -> bool:
    """Prepared, shipped, delivered, cancelled: the warehouse and sales administration (back
    office, or the ERP with their key), supervisors and the admin."""
    return is_admin(user) or (is_signed_in(user) and user.role in (Role.BACK_OFFICE, Role.SUPERVISOR))


def is_in_service(user, service: str) -> bool:
    """A back-office person of this service (the admin answers for every service)."""
    return is_admin(user) or (
        is_signed_in(user) and user.role == Role.BACK_OFFICE and getattr(user, "service", "") == service
    )


ROLE_DISCOUNT_LIMITS = {
    Role.REP: Decimal("5"),
    Role.FIELD_REP: Decimal("5"),
    Role.SUPERVISOR: Decimal("15"),
    Role.ADMIN: Decimal("100"),
    Role.BACK_OFFICE: Decimal("0"),
}


def discount_limit(user) -> Decimal:
    """The manual discount (%) a person may grant without a supervisor's approval."""
    if user.discount_limit is not None:
        return user.discount_limit
    if user.is_superuser:
        return Decimal("100")
    return ROLE_DISCOUNT_LIMITS.get(user.role, Decimal("0"))


def can_approve_discounts(user) -> bool:
    return is_supervisor_or_admin(user)


def can_manage_users(user) -> bool:
    return is_admin(user)


def role_required(*roles: Role) -> Callable:
    """View decorator: signed in, and one of `roles` (admin always passes)."""

    def decorator(view: Callable) -> Callable:
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (is_admin(request.user) or request.user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
