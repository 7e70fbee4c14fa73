"""Receivables over the API: the ERP sends its invoices and payments (idempotent, all or nothing),
and anyone who sees a customer reads what it owes. Every write goes through `services`."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from televente.accounts.permissions import is_admin, is_signed_in
from televente.customers.models import Company

from . import selectors, services

router = Router(tags=["Recouvrement"])

MAX_INVOICES = 5000


def can_sync_invoices(user) -> bool:
    """The ERP's technical account (back office) and admins send invoices and payments."""
    return is_admin(user) or (is_signed_in(user) and user.role == "back_office")


# Input ---------------------------------------------------------------------------------------------------------------
# Values are checked by the service, which answers every wrong row with its number and field at once;
# the schema only fixes the shape.


class PaymentIn(Schema):
    reference: str | None = Field(None, description="Référence unique du paiement chez l'ERP (obligatoire)")
    paid_on: str | None = Field(None, description="Date du paiement, AAAA-MM-JJ ou JJ/MM/AAAA (obligatoire)")
    amount: Decimal | str | None = Field(None, description="Montant payé, décimal (obligatoire)")
    method: str = Field("", max_length=30, description="Moyen de paiement (virement, chèque, LCR…)")


class InvoiceIn(Schema):
    number: str | None = Field(None, description="Numéro de facture, unique (obligatoire)")
    customer_id: int | str | None = Field(None, description="Identifiant du client (ou `siret`)")
    siret: str | None = Field(None, description="SIRET du client, à la place de `customer_id`")
    order_number: str | None = Field(None, description="Numéro de la commande facturée")
    kind: str | None = Field(None, description="`invoice` (par défaut) ou `credit_note`")
    issued_on: str | None = Field(None, description="Date de facture, AAAA-MM-JJ ou JJ/MM/AAAA (obligatoire)")
    due_on: str | None = Field(None, description="Échéance, AAAA-MM-JJ ou JJ/MM/AAAA (obligatoire)")
    amount: Decimal | str | None = Field(None, description="Montant TTC, décimal (obligatoire)")
    cancelled: bool = Field(False, description="Facture annulée")
    payments: list[PaymentIn] = Field(default_factory=list, max_length=500)


class InvoicesIn(Schema):
    invoices: list[InvoiceIn] = Field(..., min_length=1, max_length=MAX_INVOICES)


# Output --------------------------------------------------------------------------------------------------------------


class SyncOut(Schema):
    created: int = Field(..., description="Factures créées")
    updated: int = Field(..., description="Factures modifiées")
    unchanged: int = Field(..., description="Factures déjà à jour")
    payments: int = Field(..., description="Paiements nouveaux")
    customers: int = Field(..., description="Clients concernés (encours recalculé)")


class Ref(Schema):
    id: int
    name: str


class OpenInvoiceOut(Schema):
    number: str
    kind: str
    order_number: str | None
    issued_on: dt.date
    due_on: dt.date
    amount: str
    paid: str
    balance: str
    days_late: int
    disputed: bool
    dunning_level: int


class ReceivablesOut(Schema):
    company: Ref
    outstanding: str = Field(..., description="Encours : reste dû de toutes les factures ouvertes")
    overdue: str = Field(..., description="Reste dû des factures échues")
    oldest_due_on: dt.date | None
    days_overdue: int = Field(..., description="Jours de retard de la plus ancienne facture échue")
    orders_on_hold: bool
    hold_reason: str
    invoices: list[OpenInvoiceOut]


def _money(value) -> str:
    return f"{Decimal(value or 0):.2f}"


# Routes --------------------------------------------------------------------------------------------------------------


@router.put(
    "/invoices",
    response=SyncOut,
    summary="Factures et paiements envoyés par l'ERP (idempotent, tout ou rien)",
)
def put_invoices(request: HttpRequest, payload: InvoicesIn):
    """Creates or updates the invoices (by number) and their payments (by reference); sending the
    same rows again changes nothing. One wrong row refuses the whole sending (422, `details` lists
    every wrong row: its position in `invoices`, from 1, the field and the reason). Then each
    customer's outstanding amount, promises and payment plans are brought up to date."""
    user = request.auth
    if not can_sync_invoices(user):
        raise PermissionDenied
    rows = [invoice.dict() for invoice in payload.invoices]
    try:
        result = services.invoices_sync(rows=rows, first_row=1)
    except services.RowsRefused as exc:
        exc.details = [{"row": e.row, "field": e.field, "message": e.message} for e in exc.errors]
        raise
    return SyncOut(**result.as_dict())


@router.get(
    "/companies/{company_id}/receivables",
    response=ReceivablesOut,
    summary="Encours, montant échu et factures ouvertes d'un client",
)
def company_receivables(request: HttpRequest, company_id: int):
    company = get_object_or_404(Company.objects.visible_to(request.auth), pk=company_id)
    data = selectors.company_receivables(company=company)
    return ReceivablesOut(
        company=Ref(id=company.pk, name=company.display_name),
        outstanding=_money(data["outstanding"]),
        overdue=_money(data["overdue"]),
        oldest_due_on=data["oldest_due_on"],
        days_overdue=data["days_overdue"],
        orders_on_hold=company.orders_on_hold,
        hold_reason=company.hold_reason,
        invoices=[
            OpenInvoiceOut(
                number=i.number,
                kind=i.kind,
                order_number=i.order.number if i.order_id else None,
                issued_on=i.issued_on,
                due_on=i.due_on,
                amount=_money(i.amount),
                paid=_money(i.paid_amount),
                balance=_money(i.balance),
                days_late=i.days_late,
                disputed=i.disputed,
                dunning_level=i.dunning_level,
            )
            for i in data["invoices"]
        ],
    )
