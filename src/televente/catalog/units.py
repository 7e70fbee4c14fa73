"""Sales units: exact conversions (integers of base units) and the ordering rules of each unit."""

from __future__ import annotations

from django.utils.translation import gettext as _

from televente.core.errors import DomainError

from .models import SalesUnit


def to_base(quantity: int, unit: SalesUnit) -> int:
    """3 cartons of 12 -> 36 base units. Never a float."""
    return int(quantity) * unit.base_quantity


def from_base(base_quantity: int, unit: SalesUnit) -> tuple[int, int]:
    """36 base units in cartons of 12 -> (3, 0); 40 -> (3, 4): whole units and the remainder."""
    return divmod(int(base_quantity), unit.base_quantity)


def check_quantity(quantity: int, unit: SalesUnit) -> None:
    """The unit's minimum and multiple (seed 000: "unités commercialisables", minimums and multiples)."""
    if quantity < 1:
        raise DomainError(_("La quantité doit être d'au moins 1."), field="quantity")
    if quantity < unit.min_quantity:
        raise DomainError(
            _("Minimum de commande : %(n)s × %(unit)s.") % {"n": unit.min_quantity, "unit": unit.label},
            field="quantity",
        )
    if quantity % unit.multiple:
        raise DomainError(
            _("Se commande par multiple de %(n)s × %(unit)s.") % {"n": unit.multiple, "unit": unit.label},
            field="quantity",
        )


def round_to_unit(quantity: int, unit: SalesUnit) -> int:
    """The nearest valid quantity at or above `quantity` (used to propose a correction)."""
    quantity = max(quantity, unit.min_quantity)
    remainder = quantity % unit.multiple
    return quantity if not remainder else quantity + unit.multiple - remainder
