"""Writes on the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _

from televente.accounts.permissions import can_manage_catalogue, can_push_stock
from televente.core.errors import DomainError, PermissionRefused

from .models import PriceList, PriceListItem, Product, Promotion, SalesUnit, Stock, Warehouse


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
    if not can_push_stock(by):
        raise PermissionRefused(_("Seuls l'administrateur et le back office mettent à jour les stocks."))
    levels = [StockLevel(lv.product_code.strip().upper(), lv.warehouse_code, lv.on_hand) for lv in levels]
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


# Catalogue management (product managers and admin) -----------------------------------------------------------------


def _manager(by) -> None:
    if not can_manage_catalogue(by):
        raise PermissionRefused(
            _("La gestion du catalogue est réservée aux chefs de produit (achats) et à l'administrateur.")
        )


@transaction.atomic
def product_save(*, by, form, formsets) -> Product:
    """An article with its sales units, quantity breaks and links, all or nothing.

    The forms are already valid; when no unit is marked as the default, the smallest one is.
    """
    _manager(by)
    product = form.save()
    for formset in formsets:
        if formset.model is SalesUnit:
            _make_room_for_default(product, formset)
    for formset in formsets:
        formset.instance = product
        try:
            with transaction.atomic():
                formset.save()
        except ProtectedError:
            raise DomainError(
                _(
                    "Une unité utilisée par des commandes ne peut pas être supprimée : changez plutôt son libellé."
                )
            ) from None
    units = list(product.units.order_by("base_quantity"))
    if units and not any(u.is_default for u in units):
        units[0].is_default = True
        units[0].save(update_fields=["is_default", "updated_at"])
    return product


def _make_room_for_default(product: Product, formset) -> None:
    """At most one default unit per article (a database constraint): when another unit is chosen,
    the former default is cleared before the forms are saved."""
    chosen = [
        f for f in formset.forms if f.cleaned_data.get("is_default") and not f.cleaned_data.get("DELETE")
    ]
    if chosen:
        keep = chosen[0].instance.pk
        SalesUnit.objects.filter(product=product, is_default=True).exclude(pk=keep).update(is_default=False)


@transaction.atomic
def price_list_save(*, by, form) -> PriceList:
    _manager(by)
    return form.save()


@transaction.atomic
def price_item_set(*, by, price_list: PriceList, product: Product, price: Decimal) -> PriceListItem:
    """Adds or changes the price of one article in a price list."""
    _manager(by)
    if price < 0:
        raise DomainError(_("Un prix ne peut pas être négatif."), field="price")
    item, _created = PriceListItem.objects.update_or_create(
        price_list=price_list, product=product, defaults={"price": price}
    )
    return item


@transaction.atomic
def price_item_delete(*, by, item: PriceListItem) -> None:
    _manager(by)
    item.delete()


@transaction.atomic
def promotion_save(*, by, form) -> Promotion:
    """A promotion with its targeting; the named articles and customers come from the form's lists."""
    _manager(by)
    promotion = form.save()
    promotion.products.set(form.cleaned_data["product_codes"])
    promotion.companies.set(form.cleaned_data["company_refs"])
    return promotion
