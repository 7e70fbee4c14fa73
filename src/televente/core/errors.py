"""Domain errors: raised by services, shown to the person as they are (already translated)."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the change. `message` is a sentence for the user, in their language."""

    code = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.field = field
        if code:
            self.code = code


class PermissionRefused(DomainError):
    code = "permission_denied"


def add_form_error(form, exc: DomainError) -> None:
    """Shows a service's refusal on the form: next to its field when the form has it, else on top."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)
