"""Where the order screen's suggestions come from: the habitual basket, the complements of the
basket and the substitutes of a short article.

By default they come from the customer's habits (`orders.habits`) and from the catalogue's explicit
links. A higher app that learns better ones (`recommend`) registers its provider from its
`AppConfig.ready()`: orders imports nothing above it, and works without it.

What a provider returns is read by the order templates:
- habitual: objects with `product`, `product_id`, `unit`, `unit_id`, `usual_quantity`, `cycle_days`,
  `last_ordered` (a `ProductHabit` has them) and optionally `reason`;
- complements and substitutes: objects with `product` (the basket's article the suggestion comes
  from, or None), `target`, `target_id`, `reason`, `equivalence`, `rank` (a `ProductLink` has them)
  and optionally `learned` (True when it comes from a trained model, not from the catalogue).
"""

from __future__ import annotations

from typing import Protocol


class SuggestionProvider(Protocol):
    def habitual(self, order, in_order: set[int], limit: int) -> list: ...

    def complements(self, order, in_order: set[int], exclude: set[int], limit: int) -> list: ...

    def substitutes(self, product_id: int) -> list: ...


_provider: SuggestionProvider | None = None


def register(provider: SuggestionProvider) -> None:
    """Sets the provider of the order screen's suggestions (one per site: the last one wins)."""
    global _provider
    _provider = provider


def provider() -> SuggestionProvider | None:
    """The registered provider, or None when orders use their own habits and links."""
    return _provider
