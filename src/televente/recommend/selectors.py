"""The order screen's suggestions served from the trained tables (`BasketScore`, `ComplementScore`,
`SubstituteScore`): a provider registered in `orders.suggestions` from `RecommendConfig.ready()`.

Nothing is learnt here: each call reads precomputed rows in a bounded number of queries. With no
model yet (no rows for the customer, empty tables), the screen keeps the customer's own habits and
the catalogue's explicit links, which always come first anyway."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.utils.translation import gettext, ngettext

from televente.catalog.choices import LinkKind, ProductStatus
from televente.catalog.models import Product, ProductLink, SalesUnit
from televente.orders import selectors as order_selectors
from televente.orders.models import ProductHabit

from .models import BasketScore, ComplementScore, SubstituteScore

# Above these similarities (cosines, 0 to 1) a part of a substitute's score is worth telling the rep.
NAME_CLOSE = 0.3
ATTRIBUTES_CLOSE = 0.5
BUYERS_CLOSE = 0.2


@dataclass
class HabitualSuggestion:
    """A line of the habitual list: what the template reads from a `ProductHabit`, plus why."""

    product: Product
    product_id: int
    unit: SalesUnit | None
    unit_id: int | None
    usual_quantity: int
    score: float
    own: bool = True
    cycle_days: int | None = None
    last_ordered: dt.date | None = None
    reason: str = ""


@dataclass
class LearnedLink:
    """A learned complement or substitute, read like a `ProductLink` by the templates."""

    product: Product | None
    target: Product
    target_id: int
    reason: str
    rank: int
    score: float
    equivalence: str = ""
    learned: bool = True


def substitute_reason(
    *, name_similarity: float, attribute_similarity: float, buyer_similarity: float, accepted: int
) -> str:
    """Why a learned substitute is proposed, from the parts of its score (learned substitutes are
    always of the same category: « même rayon »)."""
    parts = [gettext("même rayon")]
    if name_similarity >= NAME_CLOSE:
        parts.append(gettext("désignation proche"))
    if attribute_similarity >= ATTRIBUTES_CLOSE:
        parts.append(gettext("mêmes caractéristiques"))
    if buyer_similarity >= BUYERS_CLOSE:
        parts.append(gettext("mêmes acheteurs"))
    if accepted:
        parts.append(
            ngettext("déjà accepté %(n)s fois", "déjà accepté %(n)s fois", accepted) % {"n": accepted}
        )
    return " · ".join(parts)


class TrainedSuggestions:
    """Habitual basket, complements and substitutes from the trained tables (see the module doc)."""

    substitutes_limit = 8

    def habitual(self, order, in_order: set[int], limit: int) -> list:
        """The customer's next basket by rank, without what is in the order or discontinued; the
        customer's own habits when it has no trained row (no model yet, new customer). 2 queries."""
        rows = list(
            BasketScore.objects.filter(company_id=order.company_id)
            .exclude(product_id__in=in_order)
            .exclude(product__status=ProductStatus.DISCONTINUED)
            .select_related("product", "unit")
            .order_by("rank")[:limit]
        )
        if not rows:
            if BasketScore.objects.filter(company_id=order.company_id).exists():
                return []  # everything the model proposes is already in the order
            return order_selectors.own_habits(order, in_order, limit)
        habits = {
            h.product_id: h
            for h in ProductHabit.objects.filter(
                company_id=order.company_id, product_id__in=[r.product_id for r in rows if r.own]
            ).only("product_id", "cycle_days", "last_ordered")
        }
        similar = gettext("Commandé par des clients comparables")
        found = []
        for row in rows:
            habit = habits.get(row.product_id) if row.own else None
            found.append(
                HabitualSuggestion(
                    product=row.product,
                    product_id=row.product_id,
                    unit=row.unit,
                    unit_id=row.unit_id,
                    usual_quantity=row.quantity,
                    score=row.score,
                    own=row.own,
                    cycle_days=habit.cycle_days if habit else None,
                    last_ordered=habit.last_ordered if habit else None,
                    reason="" if row.own else similar,
                )
            )
        return found

    def complements(self, order, in_order: set[int], exclude: set[int], limit: int) -> list:
        """The catalogue's complements of the basket, then the learned ones: a target scores the sum
        over the basket's articles and is told as « souvent commandé avec » the one contributing
        most. Never the basket, `exclude` (the habitual list), the customer's own habits
        (`ProductHabit`, also those beyond the habitual list), a substitute of a basket's
        article (explicit or learned) or a discontinued article, nor two variants of one article (see
        `_diverse`). At most 4 queries."""
        explicit = order_selectors.linked_complements(in_order, exclude, limit)
        wanted = limit - len(explicit)
        if not in_order or wanted <= 0:
            return explicit[:limit]
        basket = list(in_order)
        skip = in_order | exclude | {link.target_id for link in explicit}
        pairs = (
            ComplementScore.objects.filter(product_id__in=basket)
            .exclude(target_id__in=skip)
            .exclude(target__status=ProductStatus.DISCONTINUED)
            .exclude(
                target_id__in=ProductLink.objects.filter(
                    kind=LinkKind.SUBSTITUTE, product_id__in=basket
                ).values("target_id")
            )
            .exclude(target_id__in=SubstituteScore.objects.filter(product_id__in=basket).values("target_id"))
            .exclude(
                target_id__in=ProductHabit.objects.filter(company_id=order.company_id).values("product_id")
                if order is not None
                else []
            )
            .values_list("product_id", "target_id", "score")
        )
        totals: dict[int, float] = {}
        best: dict[int, tuple[float, int]] = {}
        for product_id, target_id, score in pairs:
            totals[target_id] = totals.get(target_id, 0.0) + score
            if target_id not in best or (score, -product_id) > (best[target_id][0], -best[target_id][1]):
                best[target_id] = (score, product_id)
        ranked = sorted(totals, key=lambda t: (-totals[t], t))[: wanted * 3]
        chosen = _diverse(ranked, wanted, already=[link.target_id for link in explicit])
        if not chosen:
            return explicit
        products = Product.objects.in_bulk({*chosen, *(best[t][1] for t in chosen)})
        learned = []
        for n, target_id in enumerate(chosen, start=1):
            source = products[best[target_id][1]]
            learned.append(
                LearnedLink(
                    product=source,
                    target=products[target_id],
                    target_id=target_id,
                    reason=gettext("souvent commandé avec %(name)s") % {"name": source.name},
                    rank=len(explicit) + n,
                    score=totals[target_id],
                )
            )
        return explicit + learned

    def substitutes(self, product_id: int) -> list:
        """The catalogue's substitutes of a product in their rank, then the learned ones by rank
        (not discontinued, not already linked), with why. 4 queries (2 with their units)."""
        explicit = order_selectors.linked_substitutes(product_id)
        rows = (
            SubstituteScore.objects.filter(product_id=product_id)
            .exclude(target_id__in=[link.target_id for link in explicit])
            .exclude(target__status=ProductStatus.DISCONTINUED)
            .select_related("target")
            .prefetch_related(Prefetch("target__units", queryset=SalesUnit.objects.order_by("base_quantity")))
            .order_by("rank")[: self.substitutes_limit]
        )
        after = max((link.rank for link in explicit), default=0)
        learned = [
            LearnedLink(
                product=None,
                target=row.target,
                target_id=row.target_id,
                reason=substitute_reason(
                    name_similarity=row.name_similarity,
                    attribute_similarity=row.attribute_similarity,
                    buyer_similarity=row.buyer_similarity,
                    accepted=row.accepted,
                ),
                rank=after + n,
                score=row.score,
            )
            for n, row in enumerate(rows, start=1)
        ]
        return [*explicit, *learned]


def _diverse(ranked: list[int], wanted: int, already: list[int]) -> list[int]:
    """The best `wanted` of `ranked`, skipping one that is a substitute (learned) of a product kept
    before it: three variants of the same yeast are one suggestion, not three. One query."""
    if not ranked:
        return []
    pool = set(ranked) | set(already)
    twins: dict[int, set[int]] = {}
    for a, b in SubstituteScore.objects.filter(product_id__in=pool, target_id__in=pool).values_list(
        "product_id", "target_id"
    ):
        twins.setdefault(a, set()).add(b)
        twins.setdefault(b, set()).add(a)
    kept: list[int] = []
    taken = set(already)
    for target in ranked:
        if len(kept) == wanted:
            break
        if twins.get(target, set()) & taken:
            continue
        kept.append(target)
        taken.add(target)
    return kept


trained_suggestions = TrainedSuggestions()
