"""Writes on the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from televente.accounts.choices import Role
from televente.core.errors import DomainError, PermissionRefused

from .models import Product, Stock, Warehouse


@dataclass(frozen=True)
class StockLevel:
    product_code: str
    warehouse_code: str
    on_hand: int


class StockLevelsInvalid(DomainError):
    code = "validation_error"

    def __init__(self, details: list[dict]) -> None:
        super().__init__(_("Des lignes de stock sont invalides : rien n'a été enregistré."))
        self.details = details


@transaction.atomic
def stock_set_levels(*, levels: Iterable[StockLevel], by) -> int:
    """The ERP pushes absolute stock levels (idempotent: the same push twice changes nothing).

    All or nothing: an unknown product or warehouse, a negative level, or a level below what is
    already reserved for confirmed orders refuses the whole push, with each bad line listed.
    """
    if not (by.is_superuser or by.role in (Role.ADMIN, Role.BACK_OFFICE)):
        raise PermissionRefused(_("Seuls l'administrateur et le back office mettent à jour les stocks."))
    levels = list(levels)
    products = dict(
        Product.objects.filter(code__in={lv.product_code for lv in levels}).values_list("code", "pk")
    )
    warehouses = dict(
        Warehouse.objects.filter(code__in={lv.warehouse_code for lv in levels}).values_list("code", "pk")
    )
    keys = [(products.get(lv.product_code), warehouses.get(lv.warehouse_code)) for lv in levels]
    existing = {
        (s.product_id, s.warehouse_id): s
        for s in Stock.objects.select_for_update().filter(
            product_id__in=products.values(), warehouse_id__in=warehouses.values()
        )
    }
    errors = []
    for index, (level, (product_id, warehouse_id)) in enumerate(zip(levels, keys, strict=True)):
        if product_id is None:
            errors.append(
                {
                    "field": f"items.{index}.product",
                    "message": _("Article inconnu : %(c)s.") % {"c": level.product_code},
                }
            )
        if warehouse_id is None:
            errors.append(
                {
                    "field": f"items.{index}.warehouse",
                    "message": _("Entrepôt inconnu : %(c)s.") % {"c": level.warehouse_code},
                }
            )
        if level.on_hand < 0:
            errors.append(
                {"field": f"items.{index}.on_hand", "message": _("Le stock ne peut pas être négatif.")}
            )
        current = existing.get((product_id, warehouse_id))
        if current is not None and level.on_hand < current.reserved:
            errors.append(
                {
                    "field": f"items.{index}.on_hand",
                    "message": _("%(n)s unités sont déjà réservées pour des commandes confirmées.")
                    % {"n": current.reserved},
                }
            )
    if errors:
        raise StockLevelsInvalid(errors)
    changed = 0
    for level, (product_id, warehouse_id) in zip(levels, keys, strict=True):
        current = existing.get((product_id, warehouse_id))
        if current is None:
            existing[(product_id, warehouse_id)] = Stock.objects.create(
                product_id=product_id, warehouse_id=warehouse_id, on_hand=level.on_hand
            )
            changed += 1
        elif current.on_hand != level.on_hand:
            current.on_hand = level.on_hand
            current.save(update_fields=["on_hand", "updated_at"])
            changed += 1
    return changed
