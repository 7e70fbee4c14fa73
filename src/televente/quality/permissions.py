"""Who may do what in quality and coaching (the row-level part is each model's `visible_to`)."""

from __future__ import annotations

from televente.accounts.choices import Role


def _role(user) -> str | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Role.ADMIN if user.is_superuser else user.role


def is_admin(user) -> bool:
    """The administrator (or a superuser) sees and manages every team's quality records."""
    return _role(user) == Role.ADMIN


def can_use(user) -> bool:
    """The « Qualité » pages: supervisors and admin evaluate; reps read theirs and self-assess."""
    return _role(user) in (Role.REP, Role.SUPERVISOR, Role.ADMIN)


def can_evaluate(user) -> bool:
    return _role(user) in (Role.SUPERVISOR, Role.ADMIN)


def can_manage_grids(user) -> bool:
    """Copy, adapt and publish grids."""
    return _role(user) in (Role.SUPERVISOR, Role.ADMIN)


def can_manage_certification(user) -> bool:
    return _role(user) in (Role.SUPERVISOR, Role.ADMIN)


def can_evaluate_rep(user, rep) -> bool:
    """A supervisor evaluates the reps of the teams they lead; admin anybody."""
    role = _role(user)
    if role == Role.ADMIN:
        return True
    if role != Role.SUPERVISOR or rep is None:
        return False
    return rep.team_id is not None and rep.team.supervisor_id == user.pk


def can_evaluate_in_session(user, session) -> bool:
    """Only the session's evaluator (or the admin) adds evaluations to it."""
    return session.evaluator_id == user.pk or is_admin(user)


def can_close_calibration(user, calibration) -> bool:
    """Only who opened the calibration (or the admin) closes it."""
    return calibration.created_by_id == user.pk or is_admin(user)
