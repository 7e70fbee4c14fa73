"""Writes on orders: the draft built during the call, its lines, the read-back rules and the
confirmation (stock reserved, timeline, confirmation email), orders from the API, follow-up.

Every change to a draft carries the version the screen showed (optimistic locking): a change based
on an older version is refused with a clear message instead of silently overwriting someone's line.
A line change recomputes that line and moves the order's totals by the difference.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import partial

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from televente.accounts.permissions import (
    can_approve_discounts,
    can_follow_up_orders,
    can_receive_orders,
    discount_limit,
    is_supervisor_or_admin,
)
from televente.catalog.availability import availability_many
from televente.catalog.models import Product, SalesUnit, Stock
from televente.catalog.pricing import (
    best_line_discount,
    line_amount,
    order_threshold_discount,
    promotion_applies_to,
    promotions_for,
    resolve_prices,
)
from televente.catalog.selectors import default_unit
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import emit
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Company
from televente.customers.services import interaction_record
from televente.messaging.services import message_from_template

from .choices import INCOMING_SOURCES, ApprovalStatus, LineOrigin, LostSaleReason, OrderSource, OrderStatus
from .delivery import propose_delivery_date
from .models import LostSale, Order, OrderEvent, OrderLine, ProductHabit

CENT = Decimal("0.01")
ZERO = Decimal("0")


class OrderChanged(DomainError):
    """The draft was changed elsewhere (another tab, another person) since the screen was shown."""

    code = "conflict"

    def __init__(self) -> None:
        super().__init__(
            _(
                "La commande a été modifiée entre-temps (autre onglet ou autre personne) : rechargez-la, rien n'est perdu."
            )
        )


class OrderNotConfirmable(DomainError):
    code = "validation_error"

    def __init__(self, message: str, details: list[dict]) -> None:
        super().__init__(message)
        self.details = details


# Permission and locking ----------------------------------------------------------------------------------------------


def _check_edit(order: Order, by) -> None:
    if order.status != OrderStatus.DRAFT:
        raise DomainError(_("Cette commande est déjà confirmée : elle ne se modifie plus ici."))
    if order.source in INCOMING_SOURCES and can_receive_orders(by):
        return  # sales administration checks and completes what the platform or the ERP sent
    if not Company.objects.editable_by(by).filter(pk=order.company_id).exists():
        raise PermissionRefused(_("Vous ne pouvez pas modifier les commandes de ce client."))


def _bump(order: Order, version: int) -> None:
    """Takes the draft's next version, or refuses when the screen showed an older one."""
    if not Order.objects.filter(pk=order.pk, version=version).update(version=F("version") + 1):
        raise OrderChanged()
    order.version = version + 1


# Pricing -------------------------------------------------------------------------------------------------------------


@dataclass
class PricingContext:
    company: Company
    on: dt.date
    promotions: list = field(default_factory=list)

    @classmethod
    def for_order(cls, order: Order) -> PricingContext:
        on = order.delivery_date or timezone.localdate()
        promos = [r.promotion for r in promotions_for(company=order.company, on=on)]
        return cls(order.company, on, promos)


def _vat(amount: Decimal, rate: Decimal) -> Decimal:
    return (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)


def _price_line(line: OrderLine, product: Product, ctx: PricingContext) -> None:
    """Unit price, promotions, manual discount, amount and VAT of one line (3 queries)."""
    answer = resolve_prices(company=ctx.company, items=[(product, line.base_quantity)], on=ctx.on)[product.pk]
    promos = [p for p in ctx.promotions if promotion_applies_to(p, product)]
    deal = best_line_discount(promos, answer.unit_price, line.base_quantity)
    gross = answer.unit_price * line.base_quantity
    manual = gross * line.manual_discount / 100
    line.unit_price = answer.unit_price
    line.price_source = answer.source
    line.price_explanation = str(answer.explanation)[:120]
    line.promotion_discount = deal.discount
    line.free_quantity = deal.free_quantity
    line.promotions = list(deal.applied)
    line.vat_rate = product.vat_rate
    line.amount = line_amount(answer.unit_price, line.base_quantity, min(gross, deal.discount + manual))
    line.vat_amount = _vat(line.amount, line.vat_rate)


def _check_availability(lines: list[OrderLine], on: dt.date) -> None:
    answers = availability_many([(ln.product_id, ln.base_quantity + ln.free_quantity) for ln in lines], on=on)
    # Several lines of one article share its stock: availability_many adds them up per article.
    for ln in lines:
        answer = answers[ln.product_id]
        ln.availability = answer.status
        ln.available_quantity = min(answer.available, ln.base_quantity + ln.free_quantity)
        ln.eta = answer.eta


def _apply_totals(
    order: Order, delta_amount: Decimal, delta_vat: Decimal, delta_lines: int, ctx: PricingContext
) -> None:
    """Moves the stored totals by a line's difference, then the order-level offer on the new total."""
    order.total_lines += delta_amount
    order.total_vat += delta_vat
    order.lines_count += delta_lines
    discount, promo_id = order_threshold_discount(ctx.promotions, order.total_lines)
    order.order_discount = discount.quantize(CENT, rounding=ROUND_HALF_UP)
    order.order_promotion_id = promo_id
    # The order discount lowers the VAT of every rate in proportion.
    order.order_discount_vat = (
        (order.total_vat * order.order_discount / order.total_lines).quantize(CENT, rounding=ROUND_HALF_UP)
        if order.total_lines
        else ZERO
    )
    order.save(
        update_fields=[
            "total_lines",
            "total_vat",
            "lines_count",
            "order_discount",
            "order_promotion",
            "order_discount_vat",
            "max_manual_discount",
            "updated_at",
        ]
    )


def _refresh_max_manual_discount(order: Order) -> None:
    order.max_manual_discount = order.lines.aggregate(m=Max("manual_discount"))["m"] or ZERO


# Draft ---------------------------------------------------------------------------------------------------------------


@transaction.atomic
def order_start(*, company: Company, by, source: str = OrderSource.PHONE) -> Order:
    """The open draft this person has for this customer, or a new one with the proposed terms."""
    if not Company.objects.editable_by(by).filter(pk=company.pk).exists():
        raise PermissionRefused(_("Vous ne pouvez pas prendre de commande pour ce client."))
    draft = (
        Order.objects.filter(company=company, rep=by, status=OrderStatus.DRAFT)
        .order_by("-updated_at")
        .first()
    )
    if draft is not None:
        return draft
    contact = company.contacts.filter(is_order_contact=True, is_active=True).first()
    address = company.delivery_addresses.filter(is_default=True).first()
    order = Order.objects.create(
        company=company,
        rep=by,
        team_id=company.team_id,
        source=source,
        contact=contact,
        delivery_address=address,
        payment_terms=company.payment_terms,
        delivery_date=propose_delivery_date(company=company),
    )
    OrderEvent.objects.create(order=order, status=OrderStatus.DRAFT, by=by)
    return order


def _default_unit_and_quantity(order: Order, product: Product) -> tuple[SalesUnit, int]:
    habit = (
        ProductHabit.objects.filter(company_id=order.company_id, product=product)
        .select_related("unit")
        .first()
    )
    if habit is not None and habit.unit is not None and habit.unit.product_id == product.pk:
        return habit.unit, habit.usual_quantity
    unit = default_unit(sorted(product.units.all(), key=lambda u: u.base_quantity))
    if unit is None:
        raise DomainError(_("Cet article n'a pas d'unité de vente : il ne peut pas être commandé."))
    return unit, unit.min_quantity


def _check_quantity(unit: SalesUnit, quantity: int) -> None:
    if quantity < 1:
        raise DomainError(_("La quantité doit être au moins 1."), field="quantity")
    if quantity < unit.min_quantity:
        raise DomainError(
            _("Minimum %(n)s %(unit)s pour cet article.") % {"n": unit.min_quantity, "unit": unit.label},
            field="quantity",
        )
    if quantity % unit.multiple:
        raise DomainError(
            _("Par multiple de %(n)s %(unit)s pour cet article.") % {"n": unit.multiple, "unit": unit.label},
            field="quantity",
        )


@transaction.atomic
def order_line_add(
    *,
    order: Order,
    product: Product,
    by,
    version: int,
    quantity: int | None = None,
    unit: SalesUnit | None = None,
    origin: str = LineOrigin.SEARCH,
    replaces: Product | None = None,
    ctx: PricingContext | None = None,
) -> OrderLine:
    """Adds an article; without a quantity, the customer's usual one (or the unit's minimum)."""
    _check_edit(order, by)
    _bump(order, version)
    if product.status == "discontinued":
        raise DomainError(_("Cet article est arrêté : proposez un produit de substitution."))
    default_unit, default_quantity = _default_unit_and_quantity(order, product)
    unit = unit or default_unit
    if unit.product_id != product.pk:
        raise DomainError(_("Cette unité n'est pas une unité de cet article."), field="unit")
    quantity = quantity or (default_quantity if unit == default_unit else unit.min_quantity)
    _check_quantity(unit, quantity)
    position = (order.lines.aggregate(m=Max("position"))["m"] or 0) + 1
    line = OrderLine(
        order=order,
        position=position,
        product=product,
        unit=unit,
        quantity=quantity,
        base_quantity=quantity * unit.base_quantity,
        origin=origin,
        replaces=replaces,
    )
    ctx = ctx or PricingContext.for_order(order)
    _price_line(line, product, ctx)
    _check_availability([line], ctx.on)
    line.save()
    _apply_totals(order, line.amount, line.vat_amount, 1, ctx)
    return line


@transaction.atomic
def order_line_update(
    *,
    line: OrderLine,
    by,
    version: int,
    quantity: int | None = None,
    unit: SalesUnit | None = None,
    manual_discount: Decimal | None = None,
) -> OrderLine:
    """Changes a line's quantity, unit or manual discount; only this line is recomputed."""
    order = line.order
    _check_edit(order, by)
    _bump(order, version)
    old_amount, old_vat = line.amount, line.vat_amount
    if unit is not None:
        if unit.product_id != line.product_id:
            raise DomainError(_("Cette unité n'est pas une unité de cet article."), field="unit")
        line.unit = unit
    if quantity is not None:
        line.quantity = quantity
    _check_quantity(line.unit, line.quantity)
    if manual_discount is not None:
        if not (ZERO <= manual_discount <= 100):
            raise DomainError(_("Remise entre 0 et 100 %."), field="manual_discount")
        line.manual_discount = manual_discount
    line.base_quantity = line.quantity * line.unit.base_quantity
    ctx = PricingContext.for_order(order)
    _price_line(line, line.product, ctx)
    _check_availability([line], ctx.on)
    line.save()
    if manual_discount is not None:
        _refresh_max_manual_discount(order)
    _apply_totals(order, line.amount - old_amount, line.vat_amount - old_vat, 0, ctx)
    return line


@transaction.atomic
def order_line_remove(*, line: OrderLine, by, version: int) -> None:
    order = line.order
    _check_edit(order, by)
    _bump(order, version)
    amount, vat, had_discount = line.amount, line.vat_amount, line.manual_discount > 0
    line.delete()
    if had_discount:
        _refresh_max_manual_discount(order)
    _apply_totals(order, -amount, -vat, -1, PricingContext.for_order(order))


@transaction.atomic
def order_line_substitute(*, line: OrderLine, substitute: Product, by, version: int) -> OrderLine:
    """Replaces a line's article by a substitute, for at least the same number of base units; the
    new line says which article it replaces (read back to the customer before confirming)."""
    order = line.order
    _check_edit(order, by)
    units = sorted(substitute.units.all(), key=lambda u: u.base_quantity)
    if not units:
        raise DomainError(_("Ce substitut n'a pas d'unité de vente."))
    unit = next((u for u in units if u.base_quantity == line.unit.base_quantity), None) or default_unit(units)
    quantity = max(unit.min_quantity, -(-line.base_quantity // unit.base_quantity))
    if quantity % unit.multiple:
        quantity += unit.multiple - quantity % unit.multiple
    replaced = line.product
    position = line.position
    order_line_remove(line=line, by=by, version=version)
    new = order_line_add(
        order=order,
        product=substitute,
        by=by,
        version=order.version,
        quantity=quantity,
        unit=unit,
        origin=LineOrigin.SUBSTITUTE,
        replaces=replaced,
    )
    OrderLine.objects.filter(pk=new.pk).update(position=position)
    new.position = position
    return new


@transaction.atomic
def lost_sale_record(
    *,
    order: Order,
    product: Product,
    base_quantity: int,
    reason: str,
    by,
    note: str = "",
    callback_on: dt.date | None = None,
) -> LostSale:
    """A sale that did not happen, for purchasing; optionally a callback when the article is back."""
    if reason not in LostSaleReason.values:
        raise DomainError(_("Raison inconnue."), field="reason")
    lost = LostSale.objects.create(
        company=order.company,
        product=product,
        order=order,
        base_quantity=max(1, base_quantity),
        reason=reason,
        note=note[:200],
        by=by,
        callback_on=callback_on,
    )
    if callback_on is not None:
        at = timezone.make_aware(dt.datetime.combine(callback_on, dt.time(9, 0)))
        interaction_record(
            company=order.company,
            kind=InteractionKind.NOTE,
            by=by,
            outcome=Outcome.CALLBACK,
            subject=_("Vente perdue : %(name)s (rupture)") % {"name": product.name},
            next_action=NextStepAction.CALLBACK,
            next_action_note=_("Rappeler : %(name)s de retour en stock") % {"name": product.name},
            next_action_at=at,
            reference=f"orders.lostsale:{lost.pk}",
            touch_contact=False,
        )
    return lost


@transaction.atomic
def order_line_refuse(*, line: OrderLine, reason: str, by, version: int, callback: bool = False) -> LostSale:
    """The customer refuses a short line and its substitutes: the line goes, the sale is recorded as
    lost for purchasing, with a callback on the article's return date when asked (and known)."""
    lost = lost_sale_record(
        order=line.order,
        product=line.product,
        base_quantity=line.base_quantity,
        reason=reason,
        by=by,
        callback_on=line.eta if callback else None,
    )
    order_line_remove(line=line, by=by, version=version)
    return lost


@transaction.atomic
def order_set_terms(
    *,
    order: Order,
    by,
    version: int,
    delivery_date: dt.date | None = None,
    delivery_address=None,
    contact=None,
    customer_reference: str | None = None,
    notes: str | None = None,
) -> Order:
    _check_edit(order, by)
    _bump(order, version)
    fields = ["version", "updated_at"]
    if delivery_date is not None:
        if delivery_date < timezone.localdate():
            raise DomainError(_("La date de livraison est passée."), field="delivery_date")
        order.delivery_date = delivery_date
        fields.append("delivery_date")
    if delivery_address is not None:
        if delivery_address.company_id != order.company_id:
            raise DomainError(_("Cette adresse appartient à un autre client."), field="delivery_address")
        order.delivery_address = delivery_address
        fields.append("delivery_address")
    if contact is not None:
        if contact.company_id != order.company_id:
            raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
        order.contact = contact
        fields.append("contact")
    if customer_reference is not None:
        order.customer_reference = customer_reference[:40]
        fields.append("customer_reference")
    if notes is not None:
        order.notes = notes
        fields.append("notes")
    order.save(update_fields=fields)
    if delivery_date is not None:
        _reprice_all(order)
    return order


def _reprice_all(order: Order) -> None:
    """After a change of date (prices and promotions depend on it): every line, in bulk."""
    ctx = PricingContext.for_order(order)
    lines = list(order.lines.select_related("product"))
    for line in lines:
        _price_line(line, line.product, ctx)
    _check_availability(lines, ctx.on)
    OrderLine.objects.bulk_update(
        lines,
        [
            "unit_price",
            "price_source",
            "price_explanation",
            "promotion_discount",
            "free_quantity",
            "promotions",
            "vat_rate",
            "amount",
            "vat_amount",
            "availability",
            "available_quantity",
            "eta",
        ],
        batch_size=500,
    )
    order.total_lines = sum((ln.amount for ln in lines), ZERO)
    order.total_vat = sum((ln.vat_amount for ln in lines), ZERO)
    order.lines_count = len(lines)
    _apply_totals(order, ZERO, ZERO, 0, ctx)


# Authority -----------------------------------------------------------------------------------------------------------


def discount_needs_approval(order: Order, by) -> bool:
    if order.max_manual_discount <= discount_limit(by):
        return False
    return not (
        order.discount_approval == ApprovalStatus.APPROVED
        and order.discount_approved_limit is not None
        and order.max_manual_discount <= order.discount_approved_limit
    )


@transaction.atomic
def order_request_discount_approval(*, order: Order, by, note: str = "") -> Order:
    _check_edit(order, by)
    if not discount_needs_approval(order, by):
        raise DomainError(_("Les remises de cette commande sont dans votre limite : pas besoin d'accord."))
    order.discount_approval = ApprovalStatus.REQUESTED
    order.discount_approval_note = note[:200]
    order.save(update_fields=["discount_approval", "discount_approval_note", "updated_at"])
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        by=by,
        note=_("Accord demandé pour une remise de %(p)s %%") % {"p": order.max_manual_discount},
    )
    from . import tasks

    transaction.on_commit(partial(tasks.notify_discount.enqueue, order.pk, False))
    return order


@transaction.atomic
def order_decide_discount(*, order: Order, by, approve: bool, note: str = "") -> Order:
    if not can_approve_discounts(by):
        raise PermissionRefused(_("Seul un superviseur accorde une remise au-delà de la limite."))
    if not Company.objects.visible_to(by).filter(pk=order.company_id).exists():
        raise PermissionRefused(_("Ce client n'est pas dans vos équipes."))
    if not order.is_draft:
        raise DomainError(_("Cette commande est déjà confirmée ou annulée."))
    if not approve and not note.strip():
        raise DomainError(_("Dites pourquoi la remise est refusée."), field="note")
    order.discount_approval = ApprovalStatus.APPROVED if approve else ApprovalStatus.REFUSED
    order.discount_approval_by = by
    order.discount_approval_note = note[:200]
    order.discount_approved_limit = order.max_manual_discount if approve else None
    order.save(
        update_fields=[
            "discount_approval",
            "discount_approval_by",
            "discount_approval_note",
            "discount_approved_limit",
            "updated_at",
        ]
    )
    OrderEvent.objects.create(
        order=order,
        status=order.status,
        by=by,
        note=(_("Remise accordée") if approve else _("Remise refusée : %(n)s") % {"n": note})[:250],
    )
    from . import tasks

    transaction.on_commit(partial(tasks.notify_discount.enqueue, order.pk, True))
    return order


def credit_exceeded(order: Order) -> Decimal:
    """How much the order goes beyond the customer's credit (0 when within it, or no limit set)."""
    company = order.company
    if not company.credit_limit:
        return ZERO
    return max(ZERO, company.outstanding + order.total_ttc - company.credit_limit)


# Confirmation --------------------------------------------------------------------------------------------------------


def _reserve(lines: list[OrderLine], on: dt.date) -> list[dict]:
    """Reserves free stock for each line (a conditional update per warehouse row: never twice the
    same units, even when two orders confirm at once). What is not in stock must be covered by a
    receipt expected by the delivery date; otherwise the line is short and nothing is kept."""
    short = []
    needed: dict[int, int] = {}
    for line in lines:
        needed[line.product_id] = needed.get(line.product_id, 0) + line.base_quantity + line.free_quantity
    answers = availability_many(list(needed.items()), on=on)
    stocks: dict[int, list[Stock]] = {}
    for stock in Stock.objects.filter(product_id__in=needed).order_by("warehouse__code"):
        stocks.setdefault(stock.product_id, []).append(stock)
    reserved_by_product: dict[int, int] = {}
    for product_id, quantity in needed.items():
        got = 0
        for stock in stocks.get(product_id, []):
            want = quantity - got
            if want <= 0:
                break
            free = stock.on_hand - stock.reserved
            take = min(free, want)
            while take > 0:
                updated = Stock.objects.filter(pk=stock.pk, on_hand__gte=F("reserved") + take).update(
                    reserved=F("reserved") + take
                )
                if updated:
                    got += take
                    break
                stock.refresh_from_db(fields=["on_hand", "reserved"])
                take = min(stock.on_hand - stock.reserved, want)
        reserved_by_product[product_id] = got
        # What is not reserved must arrive by the delivery date (receipts are not promised to anyone).
        incoming = max(0, answers[product_id].available - answers[product_id].free_now)
        if got + incoming < quantity:
            short.append(product_id)
    if short:
        return [{"product_id": pid} for pid in short]
    for line in lines:  # spread what was reserved over the article's lines
        need = line.base_quantity + line.free_quantity
        line.reserved = min(need, reserved_by_product.get(line.product_id, 0))
        reserved_by_product[line.product_id] = reserved_by_product.get(line.product_id, 0) - line.reserved
    OrderLine.objects.bulk_update(lines, ["reserved"], batch_size=500)
    return []


@transaction.atomic
def order_confirm(*, order: Order, by, version: int, credit_override_reason: str = "") -> Order:
    """Confirms the order read back to the customer: checks, reserves stock, numbers it, files it on
    the timeline and puts the confirmation email with its PDF in the outbox (sent after commit)."""
    order = Order.objects.select_related("company").get(pk=order.pk)
    _check_edit(order, by)
    _bump(order, version)
    lines = list(order.lines.select_related("product", "unit"))
    if not lines:
        raise DomainError(_("La commande est vide."))
    if order.delivery_date is None:
        raise DomainError(_("Choisissez une date de livraison."), field="delivery_date")
    for line in lines:
        _check_quantity(line.unit, line.quantity)
    if discount_needs_approval(order, by):
        raise DomainError(
            _(
                "Une remise de %(p)s %% dépasse votre limite (%(limit)s %%) : demandez l'accord d'un superviseur."
            )
            % {"p": order.max_manual_discount, "limit": discount_limit(by)}
        )
    if order.company.orders_on_hold:
        if not (is_supervisor_or_admin(by) and credit_override_reason.strip()):
            raise DomainError(
                _(
                    "Commandes bloquées pour ce client (%(reason)s) : seul un superviseur peut valider, avec un motif."
                )
                % {"reason": order.company.hold_reason},
                field="credit",
            )
        order.credit_override_by = by
        order.credit_override_reason = credit_override_reason.strip()[:200]
    beyond = credit_exceeded(order)
    if beyond > 0:
        if not (is_supervisor_or_admin(by) and credit_override_reason.strip()):
            raise DomainError(
                _(
                    "Encours dépassé de %(amount)s € : la commande ne peut être validée que par un superviseur, avec un motif."
                )
                % {"amount": beyond},
                field="credit",
            )
        order.credit_override_by = by
        order.credit_override_reason = credit_override_reason.strip()[:200]
    short = _reserve(lines, order.delivery_date)
    if short:
        names = {line.product_id: line.product.name for line in lines}
        raise OrderNotConfirmable(
            _("Stock insuffisant pour : %(names)s. Proposez un substitut ou réduisez la quantité.")
            % {"names": ", ".join(names[s["product_id"]] for s in short)},
            [{"field": f"product:{s['product_id']}", "message": _("Stock insuffisant")} for s in short],
        )
    now = timezone.now()
    order.status = OrderStatus.CONFIRMED
    order.confirmed_at, order.confirmed_by = now, by
    order.review_note = ""
    order.number = f"C{now:%y%m}-{order.pk:06d}"
    order.save()
    OrderEvent.objects.create(order=order, status=OrderStatus.CONFIRMED, by=by)
    interaction_record(
        company=order.company,
        kind=InteractionKind.ORDER,
        by=by,
        contact=order.contact,
        outcome=Outcome.REACHED_ORDER,
        subject=_("Commande %(number)s : %(n)s lignes, %(amount)s € HT")
        % {"number": order.number, "n": order.lines_count, "amount": order.total_ht},
        reference=f"orders.order:{order.pk}",
        touch_contact=False,
    )
    # The confirmation email is written in this transaction (the outbox sends it after commit, with
    # retries); the key makes a second confirmation of the same order a no-op.
    from . import messages, tasks

    message_from_template(
        code=messages.CONFIRMATION_TEMPLATE,
        context="order",
        record=order,
        key=f"orders.confirmation:{order.pk}",
        by=by,
        reference=f"orders.order:{order.pk}",
        timeline_subject=_("Confirmation de la commande %(number)s envoyée") % {"number": order.number},
    )
    emit(
        "order.confirmed",
        company_id=order.company_id,
        reference=f"orders.order:{order.pk}",
        key=f"order:{order.pk}:confirmed",
        amount=str(order.total_ht),
        rep_id=order.rep_id,
    )
    transaction.on_commit(partial(tasks.after_confirmation.enqueue, order.pk))
    return order


# Orders from elsewhere -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IncomingLine:
    product_code: str
    quantity: int
    unit_code: str = ""


def request_fingerprint(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


class IdempotencyMismatch(DomainError):
    code = "conflict"


@transaction.atomic
def order_create_incoming(
    *,
    company: Company,
    lines: list[IncomingLine],
    by,
    idempotency_key: str,
    fingerprint: str,
    source: str = OrderSource.PLATFORM,
    delivery_date: dt.date | None = None,
    customer_reference: str = "",
    external_ref: str = "",
    confirm: bool = True,
) -> tuple[Order, bool]:
    """An order posted by the online platform or the ERP: (order, created). The same key posted
    again answers the first order; the same key with another content is refused.

    With `confirm`, it goes through the same confirmation as the phone order; when that refuses
    (stock short, credit limit, minimum quantity...) the order stays a draft with the reason in
    `review_note`, listed on « Commandes reçues » for someone to check with the customer."""
    if source not in INCOMING_SOURCES:
        raise DomainError(_("Origine inconnue pour une commande reçue."), field="source")
    if (
        not (can_receive_orders(by) or Company.objects.editable_by(by).filter(pk=company.pk).exists())
        or not Company.objects.visible_to(by).filter(pk=company.pk).exists()
    ):
        raise PermissionRefused(_("Vous ne pouvez pas passer de commande pour ce client."))
    existing = Order.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        if existing.request_hash != fingerprint:
            raise IdempotencyMismatch(_("Cette clé d'idempotence a déjà servi pour une autre commande."))
        return existing, False
    if not lines:
        raise DomainError(_("La commande est vide."), field="lines")
    products = {p.code: p for p in Product.objects.filter(code__in={ln.product_code.upper() for ln in lines})}
    units = {(u.product_id, u.code): u for u in SalesUnit.objects.filter(product__in=products.values())}
    errors = []
    for index, ln in enumerate(lines):
        product = products.get(ln.product_code.upper())
        if product is None:
            errors.append(
                {
                    "field": f"lines.{index}.product",
                    "message": _("Article inconnu : %(c)s.") % {"c": ln.product_code},
                }
            )
        elif ln.unit_code and (product.pk, ln.unit_code) not in units:
            errors.append(
                {
                    "field": f"lines.{index}.unit",
                    "message": _("Unité inconnue : %(u)s.") % {"u": ln.unit_code},
                }
            )
    if errors:
        err = DomainError(_("Des lignes sont invalides : rien n'a été enregistré."))
        err.code, err.details = "validation_error", errors
        raise err
    try:
        with transaction.atomic():
            order = Order.objects.create(
                company=company,
                rep=None,
                team_id=company.team_id,
                source=source,
                payment_terms=company.payment_terms,
                delivery_date=delivery_date or propose_delivery_date(company=company),
                customer_reference=customer_reference[:40],
                external_ref=external_ref[:60],
                idempotency_key=idempotency_key,
                request_hash=fingerprint,
                contact=company.contacts.filter(is_order_contact=True, is_active=True).first(),
            )
    except IntegrityError:  # the same key posted twice at the same moment
        existing = Order.objects.get(idempotency_key=idempotency_key)
        if existing.request_hash != fingerprint:
            raise IdempotencyMismatch(
                _("Cette clé d'idempotence a déjà servi pour une autre commande.")
            ) from None
        return existing, False
    OrderEvent.objects.create(order=order, status=OrderStatus.DRAFT, by=by, note=_("Reçue par l'API"))
    ctx = PricingContext.for_order(order)
    for index, ln in enumerate(lines):
        product = products[ln.product_code.upper()]
        unit = units.get((product.pk, ln.unit_code)) if ln.unit_code else None
        try:
            order_line_add(
                order=order,
                product=product,
                by=by,
                version=order.version,
                quantity=ln.quantity,
                unit=unit,
                origin=LineOrigin.API,
                ctx=ctx,
            )
        except DomainError as exc:
            err = DomainError(_("Des lignes sont invalides : rien n'a été enregistré."))
            err.code, err.details = "validation_error", [{"field": f"lines.{index}", "message": exc.message}]
            raise err from None
    if confirm:
        try:
            with transaction.atomic():
                order = order_confirm(order=order, by=by, version=order.version)
        except DomainError as exc:
            order.refresh_from_db()
            order.review_note = exc.message[:250]
            order.save(update_fields=["review_note", "updated_at"])
            OrderEvent.objects.create(
                order=order,
                status=OrderStatus.DRAFT,
                by=by,
                note=_("À vérifier : %(why)s") % {"why": exc.message},
            )
    return order, True


# Follow-up -----------------------------------------------------------------------------------------------------------

FOLLOW_UP = {
    OrderStatus.CONFIRMED: {
        OrderStatus.PREPARED,
        OrderStatus.SHIPPED,
        OrderStatus.DELIVERED,
        OrderStatus.CANCELLED,
    },
    OrderStatus.PREPARED: {OrderStatus.SHIPPED, OrderStatus.DELIVERED, OrderStatus.CANCELLED},
    OrderStatus.SHIPPED: {OrderStatus.DELIVERED},
    OrderStatus.DRAFT: {OrderStatus.CANCELLED},
}


def allowed_statuses(order: Order, user) -> list[str]:
    """The statuses this person may move this order to, in the order of the flow."""
    nexts = FOLLOW_UP.get(order.status, set())
    if order.status == OrderStatus.DRAFT:
        return []  # a draft is confirmed from its read-back, or abandoned from the order screen
    if not can_follow_up_orders(user):
        may_cancel = order.status == OrderStatus.CONFIRMED and (
            Company.objects.editable_by(user).filter(pk=order.company_id).exists()
        )
        return [OrderStatus.CANCELLED] if may_cancel else []
    return [s for s in OrderStatus.values if s in nexts]


@transaction.atomic
def order_set_status(
    *, order: Order, status: str, by, note: str = "", carrier: str = "", expected_at=None
) -> Order:
    """Follow-up from the warehouse or the ERP: prepared, shipped, delivered, or cancelled. The rep
    may cancel a draft or a confirmed order not yet prepared (the customer called); the rest is for
    back office, supervisors and the admin."""
    order = Order.objects.select_for_update().get(pk=order.pk)
    rep_may = status == OrderStatus.CANCELLED and order.status in (OrderStatus.DRAFT, OrderStatus.CONFIRMED)
    if rep_may and not can_follow_up_orders(by):
        if not Company.objects.editable_by(by).filter(pk=order.company_id).exists():
            raise PermissionRefused(_("Vous ne pouvez pas annuler les commandes de ce client."))
    elif not can_follow_up_orders(by):
        raise PermissionRefused(
            _("Le suivi des commandes est fait par l'ADV, la logistique ou un superviseur.")
        )
    if status not in OrderStatus.values:
        raise DomainError(_("Statut inconnu."), field="status")
    if status == order.status:
        return order  # idempotent: the ERP may send the same status twice
    if status not in FOLLOW_UP.get(order.status, set()):
        raise DomainError(
            _("Passage impossible de « %(a)s » à « %(b)s ».")
            % {"a": OrderStatus(order.status).label, "b": OrderStatus(status).label}
        )
    if status == OrderStatus.CANCELLED:
        _release(order)
    if status == OrderStatus.SHIPPED:
        _ship(order)
    order.status = status
    if carrier:
        order.carrier = carrier[:80]
    if expected_at is not None:
        order.expected_delivery_at = expected_at
    if status == OrderStatus.DELIVERED:
        order.delivered_at = timezone.now()
        if order.lines.filter(reserved__gt=0).exists():
            _ship(order)
    order.save()
    OrderEvent.objects.create(order=order, status=status, by=by, note=note[:250])
    return order


def _release(order: Order) -> None:
    for line in order.lines.filter(reserved__gt=0):
        _unreserve(line, consume=False)


def _ship(order: Order) -> None:
    """The goods leave: what was reserved leaves the stock."""
    for line in order.lines.filter(reserved__gt=0):
        _unreserve(line, consume=True)


def _unreserve(line: OrderLine, *, consume: bool) -> None:
    left = line.reserved
    for stock in (
        Stock.objects.select_for_update()
        .filter(product_id=line.product_id, reserved__gt=0)
        .order_by("warehouse__code")
    ):
        take = min(stock.reserved, left)
        changes = {"reserved": F("reserved") - take}
        if consume:
            changes["on_hand"] = F("on_hand") - take
        Stock.objects.filter(pk=stock.pk).update(**changes)
        left -= take
        if left <= 0:
            break
    line.reserved = 0
    line.save(update_fields=["reserved", "updated_at"])
