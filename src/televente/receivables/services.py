"""Writes of receivables: the ERP's invoices and payments, promises, payment plans, the collection
call's outcomes, the dunning ladder and the daily checks of promises and instalments."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from televente.accounts.models import User
from televente.core.errors import DomainError, PermissionRefused
from televente.core.events import emit
from televente.customers.choices import InteractionKind, NextStepAction, Outcome
from televente.customers.models import Company, Contact
from televente.customers.services import company_hold_orders, company_outstanding_set, interaction_record
from televente.messaging.services import message_from_template

from .choices import (
    CollectionOutcome,
    DunningAction,
    InstalmentStatus,
    InvoiceKind,
    InvoiceStatus,
    PlanStatus,
    PromiseStatus,
)
from .models import (
    DunningEvent,
    DunningLadder,
    Instalment,
    Invoice,
    Payment,
    PaymentPlan,
    PaymentPromise,
)

ZERO = Decimal("0")
CENT = Decimal("0.01")
MAX_PROMISE_DAYS = 60  # a promise further away is a payment plan
MAX_PLAN_INSTALMENTS = 24
MAX_AMOUNT = Decimal("10000000000")  # the columns hold 12 digits with 2 decimals
PLAN_GRACE_DAYS = 15  # a missed instalment still unpaid after this breaks the plan: dunning resumes
PLAN_DOCUMENT = "receivables.payment_plan"
LETTER_DOCUMENT = "receivables.dunning_letter"


def can_collect(user, company: Company | None = None) -> bool:
    """Reps of the customer's team, their supervisors, back office (accounting) and admins."""
    if not getattr(user, "is_authenticated", False) or user.role not in (
        "rep",
        "supervisor",
        "back_office",
        "admin",
    ):
        return False
    return company is None or Company.objects.visible_to(user).filter(pk=company.pk).exists()


def _check_collect(user, company: Company) -> None:
    if not can_collect(user, company):
        raise PermissionRefused(_("Vous ne suivez pas le recouvrement de ce client."))


def _money(value, field: str) -> Decimal:
    try:
        amount = Decimal(str(value).replace(",", ".").replace("\u00a0", "").replace(" ", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(_("Montant invalide."), field=field) from None
    if not amount.is_finite():
        raise DomainError(_("Montant invalide."), field=field)
    if abs(amount) >= MAX_AMOUNT:
        raise DomainError(_("Montant trop grand."), field=field)
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _date(value, field: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    parsed = None
    text = str(value or "").strip()
    try:
        parsed = parse_date(text)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = dt.datetime.strptime(text, "%d/%m/%Y").date()
        except ValueError:
            raise DomainError(_("Date invalide (AAAA-MM-JJ ou JJ/MM/AAAA)."), field=field) from None
    return parsed


# The ERP's invoices and payments ------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int  # 1-based, as the sender counts its rows (a CSV's header is row 1: data start at 2)
    field: str
    message: str


class RowsRefused(DomainError):
    """Some rows are wrong: nothing was written."""

    code = "validation_error"

    def __init__(self, errors: list[RowError]) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(
            _("%(n)s ligne(s) refusée(s), rien n'a été enregistré. Ligne %(row)s, %(field)s : %(message)s")
            % {
                "n": len({e.row for e in errors}),
                "row": first.row,
                "field": first.field,
                "message": first.message,
            }
        )


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    payments: int = 0
    companies: set[int] = field(default_factory=set)

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "payments": self.payments,
            "customers": len(self.companies),
        }


INVOICE_FIELDS = ("company_id", "order_id", "kind", "issued_on", "due_on", "amount", "status")


def _clean_invoice(
    raw: Mapping[str, Any], row: int, companies: dict, orders: dict
) -> tuple[dict, list[dict], list[RowError]]:
    errors: list[RowError] = []

    def fail(name: str, message: str) -> None:
        errors.append(RowError(row, name, str(message)))

    number = str(raw.get("number") or "").strip()
    if not number:
        fail("number", _("Numéro de facture manquant."))
    elif len(number) > 40:
        fail("number", _("Numéro trop long (40 caractères au plus)."))
    key = str(raw.get("customer_id") or "").strip() or str(raw.get("siret") or "").replace(" ", "")
    company_id = companies.get(key)
    if company_id is None:
        fail("customer", _("Client inconnu : %(key)s.") % {"key": key or "—"})
    kind = str(raw.get("kind") or InvoiceKind.INVOICE)
    if kind not in InvoiceKind.values:
        fail("kind", _("Type inconnu : %(kind)s (invoice ou credit_note).") % {"kind": kind})
    values: dict[str, Any] = {"company_id": company_id, "kind": kind}
    for name in ("issued_on", "due_on"):
        try:
            values[name] = _date(raw.get(name), name)
        except DomainError as exc:
            fail(name, exc.message)
    if "issued_on" in values and "due_on" in values and values["due_on"] < values["issued_on"]:
        fail("due_on", _("L'échéance précède la date de facture."))
    try:
        values["amount"] = _money(raw.get("amount"), "amount")
    except DomainError as exc:
        fail("amount", exc.message)
    order_number = str(raw.get("order_number") or "").strip()
    values["order_id"] = orders.get(order_number) if order_number else None
    values["status"] = InvoiceStatus.CANCELLED if raw.get("cancelled") else InvoiceStatus.OPEN
    payments = []
    for i, payment in enumerate(raw.get("payments") or []):
        reference = str(payment.get("reference") or "").strip()
        if not reference:
            fail(f"payments[{i}].reference", _("Référence de paiement manquante."))
            continue
        try:
            payments.append(
                {
                    "reference": reference[:60],
                    "paid_on": _date(payment.get("paid_on"), "paid_on"),
                    "amount": _money(payment.get("amount"), "amount"),
                    "method": str(payment.get("method") or "")[:30],
                }
            )
        except DomainError as exc:
            fail(f"payments[{i}].{exc.field}", exc.message)
    values["number"] = number
    return values, payments, errors


@transaction.atomic
def invoices_sync(*, rows: Iterable[Mapping[str, Any]], first_row: int = 1) -> SyncResult:
    """Creates or updates invoices and their payments from the ERP, all or nothing. Sending the same
    rows twice changes nothing (invoices by number, payments by reference). Then each customer's
    outstanding amount, promises and plans are brought up to date."""
    rows = list(rows)
    keys = {str(r.get("customer_id") or "").strip() for r in rows} | {
        str(r.get("siret") or "").replace(" ", "") for r in rows
    }
    keys.discard("")
    ids = [int(k) for k in keys if k.isdigit() and len(k) < 12]
    sirets = [k for k in keys if len(k) == 14]
    companies: dict[str, int] = {}
    for pk, siret in Company.objects.filter(Q(pk__in=ids) | Q(siret__in=sirets)).values_list("pk", "siret"):
        companies[str(pk)] = pk
        if siret:
            companies.setdefault(siret, pk)
    from televente.orders.models import Order

    order_numbers = {str(r.get("order_number") or "").strip() for r in rows} - {""}
    orders = dict(Order.objects.filter(number__in=order_numbers).values_list("number", "pk"))

    cleaned, errors, seen = [], [], set()
    for i, raw in enumerate(rows):
        if not isinstance(raw, Mapping):
            errors.append(RowError(first_row + i, "row", _("Ligne illisible.")))
            continue
        values, payments, row_errors = _clean_invoice(raw, first_row + i, companies, orders)
        if values["number"] in seen:
            row_errors.append(RowError(first_row + i, "number", _("Facture en double dans l'envoi.")))
        seen.add(values["number"])
        errors.extend(row_errors)
        cleaned.append((first_row + i, values, payments))
    if errors:
        raise RowsRefused(errors)

    result = SyncResult()
    existing = {inv.number: inv for inv in Invoice.objects.select_for_update().filter(number__in=seen)}
    now = timezone.now()
    touched: list[Invoice] = []
    for row, values, payments in cleaned:
        invoice = existing.get(values["number"])
        if invoice is None:
            invoice = Invoice(**values, synced_at=now)
            invoice.save()
            result.created += 1
        else:
            if invoice.company_id != values["company_id"]:
                raise RowsRefused(
                    [
                        RowError(
                            row,
                            "customer",
                            _("La facture %(n)s appartient à un autre client.") % {"n": invoice.number},
                        )
                    ]
                )
            changed = [name for name in INVOICE_FIELDS if getattr(invoice, name) != values[name]]
            if changed and not (
                changed == ["status"]
                and invoice.status == InvoiceStatus.PAID
                and values["status"] == InvoiceStatus.OPEN
            ):
                for name in changed:
                    setattr(invoice, name, values[name])
                invoice.synced_at = now
                invoice.save()
                result.updated += 1
            else:
                result.unchanged += 1
        touched.append(invoice)
        result.companies.add(invoice.company_id)
        for payment in payments:
            _made, created = Payment.objects.get_or_create(
                reference=payment["reference"],
                defaults={**payment, "company_id": invoice.company_id, "invoice": invoice},
            )
            result.payments += created
    _refresh_invoices(touched)
    receivables_refresh(company_ids=result.companies)
    return result


def _refresh_invoices(invoices: list[Invoice]) -> None:
    paid = dict(
        Payment.objects.filter(invoice__in=invoices)
        .values("invoice_id")
        .annotate(total=Sum("amount"))
        .values_list("invoice_id", "total")
    )
    for invoice in invoices:
        total = paid.get(invoice.pk) or ZERO
        status = invoice.status
        if status != InvoiceStatus.CANCELLED:
            status = InvoiceStatus.PAID if total >= invoice.amount else InvoiceStatus.OPEN
        if (invoice.paid_amount, invoice.status) != (total, status):
            invoice.paid_amount, invoice.status = total, status
            Invoice.objects.filter(pk=invoice.pk).update(
                paid_amount=total, status=status, updated_at=timezone.now()
            )


def receivables_refresh(*, company_ids: Iterable[int], today: dt.date | None = None) -> None:
    """After new invoices or payments: each customer's outstanding amount, the order hold released
    once nothing is overdue, and promises and plans checked at once (a payment can keep them)."""
    company_ids = set(company_ids)
    if not company_ids:
        return
    today = today or timezone.localdate()
    totals = dict(
        Invoice.objects.filter(company_id__in=company_ids, status=InvoiceStatus.OPEN)
        .values("company_id")
        .annotate(total=Sum("amount") - Sum("paid_amount"))
        .values_list("company_id", "total")
    )
    company_outstanding_set(amounts={pk: totals.get(pk) or ZERO for pk in company_ids})
    overdue = set(
        Invoice.objects.filter(company_id__in=company_ids, status=InvoiceStatus.OPEN, due_on__lt=today)
        .values_list("company_id", flat=True)
        .distinct()
    )
    for company in Company.objects.filter(pk__in=company_ids - overdue, orders_on_hold=True).select_related(
        "rep"
    ):
        if DunningEvent.objects.filter(company=company, action=DunningAction.HOLD).exists():
            company_hold_orders(company=company, by=None, hold=False)
    promises_check(today=today, company_ids=company_ids, settle_only=True)
    instalments_check(today=today, company_ids=company_ids, settle_only=True)


# Reading what a customer owes ---------------------------------------------------------------------------------------


def paid_total(company_id: int) -> Decimal:
    return Payment.objects.filter(company_id=company_id).aggregate(t=Sum("amount"))["t"] or ZERO


def overdue_invoices(company: Company, today: dt.date | None = None):
    today = today or timezone.localdate()
    return Invoice.objects.filter(
        company=company, status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE, due_on__lt=today
    ).order_by("due_on", "number")


def overdue_amount(company: Company, today: dt.date | None = None) -> Decimal:
    return sum((i.balance for i in overdue_invoices(company, today)), ZERO)


# Promises -----------------------------------------------------------------------------------------------------------


@transaction.atomic
def promise_record(
    *, company: Company, by: User, amount, promised_on, note: str = "", contact: Contact | None = None
) -> PaymentPromise:
    _check_collect(by, company)
    amount = _money(amount, "promise_amount")
    promised_on = _date(promised_on, "promised_on")
    today = timezone.localdate()
    if amount <= 0:
        raise DomainError(_("Le montant promis doit être positif."), field="promise_amount")
    if amount > company.outstanding and company.outstanding > 0:
        raise DomainError(
            _("Le client ne doit que %(due)s €.") % {"due": company.outstanding}, field="promise_amount"
        )
    if promised_on < today:
        raise DomainError(_("La date promise est passée."), field="promised_on")
    if promised_on > today + dt.timedelta(days=MAX_PROMISE_DAYS):
        raise DomainError(
            _("Au-delà de %(n)s jours, négociez plutôt un échéancier.") % {"n": MAX_PROMISE_DAYS},
            field="promised_on",
        )
    # One promise at a time: a new one, renegotiated on the phone, replaces the pending one.
    PaymentPromise.objects.filter(company=company, status=PromiseStatus.PENDING).update(
        status=PromiseStatus.REPLACED, checked_at=timezone.now()
    )
    promise = PaymentPromise.objects.create(
        company=company,
        amount=amount,
        promised_on=promised_on,
        note=(note or "").strip()[:300],
        baseline_paid=paid_total(company.pk),
        recorded_by=by,
    )
    interaction_record(
        company=company,
        kind=InteractionKind.CALL_OUT,
        by=by,
        contact=contact,
        outcome=Outcome.INFORMATION,
        subject=_("Promesse de paiement : %(amount)s € le %(date)s")
        % {"amount": amount, "date": promised_on.strftime("%d/%m/%Y")},
        notes=promise.note,
        reference=f"receivables.promise:{promise.pk}",
        next_action=NextStepAction.CALLBACK,
        next_action_note=_("Vérifier le paiement promis")[:200],
        next_action_at=timezone.make_aware(
            dt.datetime.combine(promised_on + dt.timedelta(days=1), dt.time(9))
        ),
        next_action_owner=company.rep if company.rep_id and company.rep.is_active else by,
    )
    return promise


def promises_check(
    *, today: dt.date | None = None, company_ids: Iterable[int] | None = None, settle_only: bool = False
) -> dict:
    """A promise is kept when the payments since it reach its amount; once its date has passed
    without that, it is broken (said once, with the event for the automation rules)."""
    today = today or timezone.localdate()
    pending = PaymentPromise.objects.filter(status=PromiseStatus.PENDING).select_related("company")
    if company_ids is not None:
        pending = pending.filter(company_id__in=list(company_ids))
    counts = {"kept": 0, "broken": 0}
    for promise in pending:
        paid_since = paid_total(promise.company_id) - promise.baseline_paid
        if paid_since >= promise.amount:
            status = PromiseStatus.KEPT
        elif promise.promised_on < today and not settle_only:
            status = PromiseStatus.BROKEN
        else:
            continue
        with transaction.atomic():
            updated = PaymentPromise.objects.filter(pk=promise.pk, status=PromiseStatus.PENDING).update(
                status=status, checked_at=timezone.now()
            )
            if not updated:
                continue
            counts[status] += 1
            if status == PromiseStatus.BROKEN:
                _note_broken_promise(promise)
    return counts


def _note_broken_promise(promise: PaymentPromise) -> None:
    company = promise.company
    author = company.rep or promise.recorded_by
    interaction_record(
        company=company,
        kind=InteractionKind.SYSTEM,
        by=author,
        subject=_("Promesse non tenue : %(amount)s € attendus le %(date)s")
        % {"amount": promise.amount, "date": promise.promised_on.strftime("%d/%m/%Y")},
        reference=f"receivables.promise:{promise.pk}",
        touch_contact=False,
    )
    emit(
        "receivables.promise_broken",
        company_id=promise.company_id,
        reference=f"receivables.promise:{promise.pk}",
        key=f"promise:{promise.pk}",
        amount=str(promise.amount),
    )


# Payment plans ------------------------------------------------------------------------------------------------------


def plan_check(
    instalments: list[tuple[Any, Any]], total: Decimal, today: dt.date
) -> list[tuple[dt.date, Decimal]]:
    """The instalments as dates and amounts, or the reason they cannot make a plan of this debt."""
    if len(instalments) < 2:
        raise DomainError(_("Un échéancier compte au moins deux échéances."), field="instalments")
    if len(instalments) > MAX_PLAN_INSTALMENTS:
        raise DomainError(
            _("Un échéancier compte au plus %(n)s échéances.") % {"n": MAX_PLAN_INSTALMENTS},
            field="instalments",
        )
    clean: list[tuple[dt.date, Decimal]] = []
    for i, (when, amount) in enumerate(instalments, start=1):
        try:
            day = _date(when, "instalments")
            value = _money(amount, "instalments")
        except DomainError as exc:
            raise DomainError(
                _("Échéance %(i)s : %(message)s") % {"i": i, "message": exc.message}, field="instalments"
            ) from None
        if value <= 0:
            raise DomainError(
                _("Échéance %(i)s : le montant doit être positif.") % {"i": i}, field="instalments"
            )
        if day < today:
            raise DomainError(_("Échéance %(i)s : la date est passée.") % {"i": i}, field="instalments")
        if clean and day <= clean[-1][0]:
            raise DomainError(
                _("Échéance %(i)s : les dates doivent se suivre.") % {"i": i}, field="instalments"
            )
        clean.append((day, value))
    planned = sum((v for _d, v in clean), ZERO)
    if planned != total:
        raise DomainError(
            _("Les échéances totalisent %(planned)s € ; la dette est de %(total)s € (écart %(gap)s €).")
            % {"planned": planned, "total": total, "gap": total - planned},
            field="instalments",
        )
    return clean


def split_evenly(
    total: Decimal, count: int, first: dt.date, every_days: int = 30
) -> list[tuple[dt.date, Decimal]]:
    """A proposal the rep can change: equal parts (the cents on the last one), a month apart."""
    part = (total / count).quantize(CENT, rounding=ROUND_HALF_UP)
    amounts = [part] * (count - 1) + [total - part * (count - 1)]
    return [(first + dt.timedelta(days=every_days * i), amount) for i, amount in enumerate(amounts)]


def plan_proposal(
    *, debt: Decimal, count: int | None, first: dt.date | None, today: dt.date | None = None
) -> list[tuple[dt.date, Decimal]]:
    """« Proposer » on the collection call: the debt in `count` equal parts from `first`, or the
    reason no proposal can be made (the same bounds `plan_create` applies)."""
    today = today or timezone.localdate()
    if count is None or not 2 <= count <= MAX_PLAN_INSTALMENTS:
        raise DomainError(
            _("Indiquez entre 2 et %(n)s échéances.") % {"n": MAX_PLAN_INSTALMENTS}, field="plan_count"
        )
    if first is None or first < today:
        raise DomainError(_("Choisissez une première échéance à partir d'aujourd'hui."), field="plan_first")
    if debt <= 0:
        raise DomainError(_("Cochez les factures à échelonner."), field="invoices")
    return split_evenly(debt, count, first)


@transaction.atomic
def plan_create(
    *,
    company: Company,
    by: User,
    instalments: list[tuple[Any, Any]],
    invoices: Iterable[Invoice] | None = None,
    note: str = "",
    contact: Contact | None = None,
    send: bool = True,
) -> PaymentPlan:
    """Records the négociated plan over the customer's overdue invoices (or those chosen); its
    instalments must add up to their balance. The plan goes to the customer for agreement with its
    PDF through the outbox, and is filed on the timeline when it leaves."""
    _check_collect(by, company)
    company = Company.objects.select_for_update().get(pk=company.pk)
    today = timezone.localdate()
    chosen = list(invoices) if invoices is not None else list(overdue_invoices(company, today))
    chosen = [i for i in chosen if i.company_id == company.pk and i.status == InvoiceStatus.OPEN]
    if not chosen:
        raise DomainError(_("Aucune facture à échelonner."), field="invoices")
    if PaymentPlan.objects.filter(
        company=company, status__in=[PlanStatus.PROPOSED, PlanStatus.ACTIVE], invoices__in=chosen
    ).exists():
        raise DomainError(_("Ces factures sont déjà dans un échéancier en cours."), field="invoices")
    total = sum((i.balance for i in chosen), ZERO)
    clean = plan_check(instalments, total, today)
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    plan = PaymentPlan.objects.create(
        company=company,
        total=total,
        note=(note or "").strip()[:300],
        baseline_paid=paid_total(company.pk),
        created_by=by,
    )
    plan.number = f"ECH{today:%y}-{plan.pk:05d}"
    plan.save(update_fields=["number"])
    plan.invoices.set(chosen)
    Instalment.objects.bulk_create(
        Instalment(plan=plan, position=i, due_on=day, amount=amount)
        for i, (day, amount) in enumerate(clean, start=1)
    )
    interaction_record(
        company=company,
        kind=InteractionKind.CALL_OUT,
        by=by,
        contact=contact,
        outcome=Outcome.INFORMATION,
        subject=_("Échéancier %(number)s : %(n)s échéances, %(total)s €")
        % {"number": plan.number, "n": len(clean), "total": total},
        notes=plan.note,
        reference=f"receivables.plan:{plan.pk}",
    )
    if send:
        message_from_template(
            code="payment_plan",
            context="payment_plan",
            record=plan,
            contact=contact,
            key=f"receivables.plan:{plan.pk}",
            by=by,
            reference=f"receivables.plan:{plan.pk}",
            timeline_subject=_("Échéancier %(number)s envoyé pour accord") % {"number": plan.number},
        )
    return plan


@transaction.atomic
def plan_agree(*, plan: PaymentPlan, by: User) -> PaymentPlan:
    """The customer agreed (signed copy, email, phone)."""
    _check_collect(by, plan.company)
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status != PlanStatus.PROPOSED:
        raise DomainError(_("Cet échéancier n'attend pas d'accord."))
    plan.status, plan.agreed_at = PlanStatus.ACTIVE, timezone.now()
    plan.save(update_fields=["status", "agreed_at", "updated_at"])
    interaction_record(
        company=plan.company,
        kind=InteractionKind.NOTE,
        by=by,
        subject=_("Échéancier %(number)s accepté par le client") % {"number": plan.number},
        reference=f"receivables.plan:{plan.pk}",
        touch_contact=False,
    )
    return plan


@transaction.atomic
def plan_cancel(*, plan: PaymentPlan, by: User, reason: str) -> PaymentPlan:
    _check_collect(by, plan.company)
    if not (reason or "").strip():
        raise DomainError(_("Indiquez pourquoi l'échéancier est annulé."), field="reason")
    plan = PaymentPlan.objects.select_for_update().get(pk=plan.pk)
    if plan.status not in (PlanStatus.PROPOSED, PlanStatus.ACTIVE):
        raise DomainError(_("Cet échéancier est déjà terminé."))
    plan.status = PlanStatus.CANCELLED
    plan.save(update_fields=["status", "updated_at"])
    interaction_record(
        company=plan.company,
        kind=InteractionKind.NOTE,
        by=by,
        subject=_("Échéancier %(number)s annulé : %(reason)s")
        % {"number": plan.number, "reason": reason.strip()[:150]},
        reference=f"receivables.plan:{plan.pk}",
        touch_contact=False,
    )
    return plan


def instalments_check(
    *, today: dt.date | None = None, company_ids: Iterable[int] | None = None, settle_only: bool = False
) -> dict:
    """Payments since the plan pay its instalments in order. An instalment whose date has passed
    without being paid is missed: flagged once (the day after its date), for the rep and the rules.
    Still unpaid `PLAN_GRACE_DAYS` after its date, the plan is broken."""
    today = today or timezone.localdate()
    plans = PaymentPlan.objects.filter(status__in=[PlanStatus.PROPOSED, PlanStatus.ACTIVE]).select_related(
        "company__rep"
    )
    if company_ids is not None:
        plans = plans.filter(company_id__in=list(company_ids))
    counts = {"paid": 0, "missed": 0, "completed": 0, "broken": 0}
    for plan in plans:
        paid_since = paid_total(plan.company_id) - plan.baseline_paid
        with transaction.atomic():
            instalments = list(plan.instalments.select_for_update().order_by("position"))
            cumulative = ZERO
            for instalment in instalments:
                cumulative += instalment.amount
                if instalment.status == InstalmentStatus.PAID:
                    continue
                if paid_since >= cumulative:
                    instalment.status = InstalmentStatus.PAID
                    instalment.save(update_fields=["status", "updated_at"])
                    counts["paid"] += 1
                elif (
                    instalment.due_on < today
                    and instalment.status == InstalmentStatus.PENDING
                    and not settle_only
                ):
                    instalment.status, instalment.missed_at = InstalmentStatus.MISSED, timezone.now()
                    instalment.save(update_fields=["status", "missed_at", "updated_at"])
                    counts["missed"] += 1
                    _note_missed_instalment(plan, instalment)
            if instalments and all(i.status == InstalmentStatus.PAID for i in instalments):
                PaymentPlan.objects.filter(pk=plan.pk).update(
                    status=PlanStatus.COMPLETED, updated_at=timezone.now()
                )
                counts["completed"] += 1
            elif not settle_only and any(
                i.status == InstalmentStatus.MISSED and i.due_on + dt.timedelta(days=PLAN_GRACE_DAYS) < today
                for i in instalments
            ):
                PaymentPlan.objects.filter(pk=plan.pk).update(
                    status=PlanStatus.BROKEN, updated_at=timezone.now()
                )
                counts["broken"] += 1
                _note_broken_plan(plan)
    return counts


def _note_broken_plan(plan: PaymentPlan) -> None:
    """An instalment still unpaid after the grace period: the plan is broken and the dunning of its
    invoices resumes (the whole balance is due, as the plan's document says)."""
    interaction_record(
        company=plan.company,
        kind=InteractionKind.SYSTEM,
        by=plan.company.rep or plan.created_by,
        subject=_("Échéancier %(number)s rompu : une échéance reste impayée après %(days)s jours")
        % {"number": plan.number, "days": PLAN_GRACE_DAYS},
        reference=f"receivables.plan:{plan.pk}",
        touch_contact=False,
    )


def _note_missed_instalment(plan: PaymentPlan, instalment: Instalment) -> None:
    company = plan.company
    author = company.rep or plan.created_by
    interaction_record(
        company=company,
        kind=InteractionKind.SYSTEM,
        by=author,
        subject=_("Échéance %(i)s de l'échéancier %(number)s impayée : %(amount)s € dus le %(date)s")
        % {
            "i": instalment.position,
            "number": plan.number,
            "amount": instalment.amount,
            "date": instalment.due_on.strftime("%d/%m/%Y"),
        },
        reference=f"receivables.plan:{plan.pk}",
        next_action=NextStepAction.CALLBACK,
        next_action_note=(_("Échéance impayée (%(number)s)") % {"number": plan.number})[:200],
        next_action_at=timezone.now(),
        next_action_owner=author,
        touch_contact=False,
    )
    emit(
        "receivables.instalment_missed",
        company_id=plan.company_id,
        reference=f"receivables.plan:{plan.pk}",
        key=f"instalment:{instalment.pk}",
        amount=str(instalment.amount),
    )


# The collection call ------------------------------------------------------------------------------------------------


@dataclass
class CallResult:
    outcome: str
    promise: PaymentPromise | None = None
    plan: PaymentPlan | None = None
    claim: Any = None


@transaction.atomic
def collection_call_record(
    *,
    company: Company,
    by: User,
    outcome: str,
    note: str = "",
    contact: Contact | None = None,
    promise_amount=None,
    promised_on=None,
    instalments: list[tuple[Any, Any]] | None = None,
    invoices: Iterable[Invoice] | None = None,
    dispute_description: str = "",
) -> CallResult:
    """What the collection call obtained, each on the timeline: paid (the ERP will confirm), a
    promise, a payment plan, a dispute (opens a claim on the invoices and pauses their dunning), a
    refusal (escalated to the supervisor, new orders blocked) or not reached."""
    _check_collect(by, company)
    if outcome not in CollectionOutcome.values:
        raise DomainError(_("Choisissez l'issue de l'appel."), field="outcome")
    if contact is not None and contact.company_id != company.pk:
        raise DomainError(_("Cet interlocuteur appartient à une autre fiche."), field="contact")
    note = (note or "").strip()
    result = CallResult(outcome=outcome)
    label = CollectionOutcome(outcome).label
    if outcome == CollectionOutcome.PROMISE:
        result.promise = promise_record(
            company=company, by=by, amount=promise_amount, promised_on=promised_on, note=note, contact=contact
        )
        return result
    if outcome == CollectionOutcome.PLAN:
        result.plan = plan_create(
            company=company,
            by=by,
            instalments=instalments or [],
            invoices=invoices,
            note=note,
            contact=contact,
        )
        return result
    subject = _("Appel de recouvrement : %(outcome)s") % {"outcome": label}
    extra: dict[str, Any] = {}
    if outcome == CollectionOutcome.DISPUTE:
        disputed = [i for i in (invoices or overdue_invoices(company)) if i.company_id == company.pk]
        if not disputed:
            raise DomainError(_("Choisissez les factures contestées."), field="invoices")
        description = (dispute_description or note).strip()
        if not description:
            raise DomainError(_("Décrivez ce que le client conteste."), field="dispute_description")
        from televente.claims.services import claim_create

        result.claim = claim_create(
            company=company,
            by=by,
            contact=contact,
            claim_type="invoicing",
            channel="phone",
            description=_("Factures contestées : %(numbers)s. %(text)s")
            % {"numbers": ", ".join(i.number for i in disputed), "text": description},
            amount=sum((i.balance for i in disputed), ZERO),
        )
        Invoice.objects.filter(pk__in=[i.pk for i in disputed]).update(disputed=True)
        subject = _("Appel de recouvrement : litige, réclamation %(number)s") % {
            "number": result.claim.number
        }
    elif outcome == CollectionOutcome.REFUSAL:
        company_hold_orders(company=company, by=by, hold=True, reason=_("refus de payer les factures échues"))
        supervisor = company.team.supervisor if company.team_id and company.team.supervisor_id else None
        if supervisor is not None:
            extra = {
                "next_action": NextStepAction.CALLBACK,
                "next_action_note": _("Refus de payer : reprendre le dossier")[:200],
                "next_action_at": timezone.now(),
                "next_action_owner": supervisor,
            }
        emit(
            "receivables.payment_refused",
            company_id=company.pk,
            reference=f"receivables.company:{company.pk}",
            key=f"refusal:{company.pk}:{timezone.now():%Y%m%d%H%M%S}",
        )
    interaction_record(
        company=company,
        kind=InteractionKind.CALL_OUT,
        by=by,
        contact=contact,
        outcome=Outcome.NOT_REACHED if outcome == CollectionOutcome.NOT_REACHED else Outcome.INFORMATION,
        subject=subject,
        notes=note,
        reference=f"receivables.company:{company.pk}",
        touch_contact=outcome != CollectionOutcome.NOT_REACHED,
        **extra,
    )
    return result


# The dunning ladder -------------------------------------------------------------------------------------------------


def ladder_for(company: Company, ladders: Mapping[int | None, DunningLadder]) -> DunningLadder | None:
    return ladders.get(company.segment_id) or ladders.get(None)


def dunning_run(*, today: dt.date | None = None) -> dict:
    """Each day: for every customer with overdue invoices, the highest step of its segment's ladder
    now due and not yet done for that debt. Disputed invoices, invoices in a current plan and
    customers with a pending promise are left alone. Each step is done once (unique key)."""
    today = today or timezone.localdate()
    ladders: dict[int | None, DunningLadder] = {
        ladder.segment_id: ladder
        for ladder in DunningLadder.objects.filter(is_active=True).prefetch_related("steps")
    }
    if not ladders:
        return {}
    in_plans = Invoice.objects.filter(payment_plans__status__in=[PlanStatus.PROPOSED, PlanStatus.ACTIVE])
    overdue = (
        Invoice.objects.filter(
            status=InvoiceStatus.OPEN, kind=InvoiceKind.INVOICE, due_on__lt=today, disputed=False
        )
        .exclude(pk__in=in_plans.values("pk"))
        .exclude(company__payment_promises__status=PromiseStatus.PENDING)
        .order_by("company_id", "due_on", "number")
    )
    by_company: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in overdue:
        by_company[invoice.company_id].append(invoice)
    counts: dict[str, int] = defaultdict(int)
    companies = Company.objects.in_bulk(list(by_company))
    for company_id, invoices in by_company.items():
        company = companies[company_id]
        ladder = ladder_for(company, ladders)
        if ladder is None:
            continue
        oldest = invoices[0]
        days = (today - oldest.due_on).days
        due_amount = sum((i.balance for i in invoices), ZERO)
        steps = [
            s
            for s in sorted(ladder.steps.all(), key=lambda s: s.level)
            if s.days_after_due <= days and due_amount >= s.min_amount and s.level > oldest.dunning_level
        ]
        if not steps:
            continue
        step = steps[-1]
        try:
            with transaction.atomic():
                done = _dunning_step(company, step, invoices, due_amount, today)
        except IntegrityError:  # another worker did it a moment ago
            continue
        if done:
            counts[step.action] += 1
    return dict(counts)


def _dunning_step(
    company: Company, step, invoices: list[Invoice], due_amount: Decimal, today: dt.date
) -> bool:
    key = f"{company.pk}:{step.level}:{invoices[0].number}"[:120]
    if DunningEvent.objects.filter(key=key).exists():
        return False
    event = DunningEvent(
        company=company, step=step, level=step.level, action=step.action, amount_due=due_amount, key=key
    )
    if step.action in (DunningAction.EMAIL, DunningAction.SMS, DunningAction.LETTER):
        code = step.template_code or (
            "dunning_letter" if step.action == DunningAction.LETTER else "dunning_reminder"
        )
        message = message_from_template(
            code=code,
            context="dunning",
            record=company,
            channel="sms" if step.action == DunningAction.SMS else "email",
            key=f"receivables.dunning:{key}",
            reference=f"receivables.company:{company.pk}",
            timeline_subject=_("Relance niveau %(level)s : %(amount)s € échus")
            % {"level": step.level, "amount": due_amount},
        )
        event.message = message
        event.note = "" if message else _("Aucun interlocuteur ou modèle : relance non envoyée.")
    elif step.action == DunningAction.CALL:
        owner = company.rep if company.rep_id and company.rep.is_active else None
        if owner is not None:
            interaction_record(
                company=company,
                kind=InteractionKind.SYSTEM,
                by=owner,
                subject=_("Relance niveau %(level)s : appeler pour %(amount)s € échus")
                % {"level": step.level, "amount": due_amount},
                reference=f"receivables.company:{company.pk}",
                next_action=NextStepAction.CALLBACK,
                next_action_note=_("Recouvrement : %(amount)s € échus") % {"amount": due_amount},
                next_action_at=timezone.make_aware(dt.datetime.combine(today, dt.time(9))),
                next_action_owner=owner,
                touch_contact=False,
            )
        else:
            event.note = _("Pas de télévendeur : appel à attribuer.")
    elif step.action == DunningAction.HOLD:
        company_hold_orders(
            company=company,
            by=None,
            hold=True,
            reason=_("%(amount)s € échus depuis le %(date)s")
            % {"amount": due_amount, "date": invoices[0].due_on.strftime("%d/%m/%Y")},
        )
    event.save()
    event.invoices.set(invoices)
    Invoice.objects.filter(pk__in=[i.pk for i in invoices], dunning_level__lt=step.level).update(
        dunning_level=step.level
    )
    return True


def collection_daily(*, today: dt.date | None = None) -> dict:
    """The morning job: promises and instalments whose date has passed, then the dunning ladder."""
    today = today or timezone.localdate()
    return {
        "promises": promises_check(today=today),
        "instalments": instalments_check(today=today),
        "dunning": dunning_run(today=today),
    }
