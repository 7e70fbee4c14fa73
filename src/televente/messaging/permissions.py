"""Who may do what with templates and the outbox."""

from __future__ import annotations


def can_manage_templates(user) -> bool:
    """Supervisors and admins write the company's templates and watch the outbox."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in ("supervisor", "admin")


def can_watch_outbox(user) -> bool:
    """Back office follows the outbox too (it sends the documents); reps see their customers' messages
    on the customer's timeline."""
    return bool(getattr(user, "is_authenticated", False)) and user.role in (
        "supervisor",
        "admin",
        "back_office",
    )
