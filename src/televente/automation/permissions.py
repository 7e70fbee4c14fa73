"""Who manages the automation rules."""

from __future__ import annotations

from televente.accounts.permissions import is_supervisor_or_admin


def can_manage_rules(user) -> bool:
    """Supervisors and admins write the company's rules and read their log (a supervisor sees the
    firings on the customers of the teams they lead; the admin sees them all). Rules are company-wide:
    a supervisor narrows one to their teams with the "teams" condition."""
    return is_supervisor_or_admin(user)
