"""Reactions to other apps' events."""

from __future__ import annotations


def move_orders(sender, *, kept, removed, by, **kwargs) -> None:
    """Two customer files merged: orders, incidents and lost sales follow the removed company to the
    kept one, and the kept company's habits are computed again from the whole history."""
    from . import habits
    from .models import DeliveryIncident, LostSale, Order, ProductHabit

    Order.objects.filter(company=removed).update(company=kept)
    DeliveryIncident.objects.filter(company=removed).update(company=kept)
    LostSale.objects.filter(company=removed).update(company=kept)
    ProductHabit.objects.filter(company=removed).delete()
    habits.refresh([kept.pk])
