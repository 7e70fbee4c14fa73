"""Who may see the recommendation models' status and ask for a new training."""

from __future__ import annotations

from televente.accounts.permissions import is_supervisor_or_admin


def can_manage(user) -> bool:
    """Supervisors and the admin: the status page and « Recalculer maintenant »."""
    return is_supervisor_or_admin(user)
