"""The invoice and payment file (CSV or XLSX) for back office: one row per invoice or per payment
line of an invoice, grouped by invoice number and sent to `services.invoices_sync` (all or nothing,
the same rules as the ERP's API). Wrong rows are reported with their line number in the file, the
column and the reason; nothing is written then.

Expected columns (names are matched without accents or case; a few usual synonyms are accepted):
numero_facture, client_id or siret, numero_commande, date_facture, echeance, montant_ttc,
reference_paiement, date_paiement, montant_paiement; optional: moyen_paiement, type (facture or
avoir), annulee (oui/non). French CSV (`;`, decimal comma, dates JJ/MM/AAAA) in UTF-8 or
Windows-1252, or XLSX.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from televente.accounts.permissions import is_admin, is_signed_in
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold

from . import services

MAX_ERRORS_SHOWN = 200

# Folded header -> field.
COLUMNS = {
    "numero facture": "number",
    "n facture": "number",
    "no facture": "number",
    "numero de facture": "number",
    "facture": "number",
    "client id": "customer_id",
    "id client": "customer_id",
    "code client": "customer_id",
    "client": "customer_id",
    "siret": "siret",
    "numero commande": "order_number",
    "numero de commande": "order_number",
    "commande": "order_number",
    "date facture": "issued_on",
    "date de facture": "issued_on",
    "echeance": "due_on",
    "date echeance": "due_on",
    "date d echeance": "due_on",
    "montant ttc": "amount",
    "montant": "amount",
    "total ttc": "amount",
    "reference paiement": "reference",
    "reference du paiement": "reference",
    "ref paiement": "reference",
    "date paiement": "paid_on",
    "date du paiement": "paid_on",
    "montant paiement": "paid_amount",
    "montant du paiement": "paid_amount",
    "montant regle": "paid_amount",
    "moyen paiement": "method",
    "moyen de paiement": "method",
    "mode de paiement": "method",
    "type": "kind",
    "annulee": "cancelled",
}
CANONICAL = {
    "number": "numero_facture",
    "customer_id": "client_id",
    "siret": "siret",
    "order_number": "numero_commande",
    "issued_on": "date_facture",
    "due_on": "echeance",
    "amount": "montant_ttc",
    "reference": "reference_paiement",
    "paid_on": "date_paiement",
    "paid_amount": "montant_paiement",
    "method": "moyen_paiement",
    "kind": "type",
    "cancelled": "annulee",
}
INVOICE_FIELDS = (
    "customer_id",
    "siret",
    "order_number",
    "issued_on",
    "due_on",
    "amount",
    "kind",
    "cancelled",
)
PAYMENT_FIELDS = ("reference", "paid_on", "paid_amount", "method")
# The service's field names -> ours.
SERVICE_FIELDS = {"customer": "customer_id", "row": "number"}
PAYMENT_SERVICE_FIELDS = {"reference": "reference", "paid_on": "paid_on", "amount": "paid_amount"}
KINDS = {
    "": "invoice",
    "facture": "invoice",
    "invoice": "invoice",
    "avoir": "credit_note",
    "credit note": "credit_note",
}
YES = {"oui", "o", "yes", "y", "1", "x", "vrai", "true", "annulee"}
_XLSX_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")


def can_import_invoices(user) -> bool:
    """Accounting (back office) and admins load the ERP's invoices and payments."""
    return is_admin(user) or (is_signed_in(user) and user.role == "back_office")


@dataclass
class LineError:
    line: int | None  # as the spreadsheet numbers it (the header is line 1)
    column: str
    message: str


class ImportRefused(DomainError):
    """Some lines are wrong: nothing was written."""

    code = "validation_error"

    def __init__(self, filename: str, errors: list[LineError]) -> None:
        self.filename = filename
        self.errors = sorted(errors, key=lambda e: (e.line or 0, e.column))
        lines = len({e.line for e in errors})
        super().__init__(
            _("« %(file)s » : %(n)s ligne(s) refusée(s), rien n'a été enregistré.")
            % {"file": filename, "n": lines},
            field="file",
        )


@dataclass
class ImportResult:
    filename: str
    lines: int
    result: services.SyncResult

    @property
    def summary(self) -> str:
        r = self.result
        return _(
            "« %(file)s » importé : %(created)s facture(s) créée(s), %(updated)s mise(s) à jour, "
            "%(unchanged)s inchangée(s) ; %(payments)s paiement(s) nouveau(x) ; encours de %(customers)s "
            "client(s) recalculé."
        ) % {
            "file": self.filename,
            "created": r.created,
            "updated": r.updated,
            "unchanged": r.unchanged,
            "payments": r.payments,
            "customers": len(r.companies),
        }


@dataclass
class _Invoice:
    number: str
    line: int
    values: dict
    payments: list[dict] = field(default_factory=list)
    payment_lines: list[int] = field(default_factory=list)


class _Rollback(Exception):
    pass


# Reading ------------------------------------------------------------------------------------------------------------


def _columns(headers: list[str]) -> tuple[dict[str, int], dict[str, str]]:
    """Which column holds which field, and the file's own name of each (for the error list)."""
    found: dict[str, int] = {}
    names: dict[str, str] = {}
    for index, header in enumerate(headers):
        name = COLUMNS.get(fold(header))
        if name and name not in found:
            found[name] = index
            names[name] = header
    missing = [CANONICAL[f] for f in ("number", "issued_on", "due_on", "amount") if f not in found]
    if "customer_id" not in found and "siret" not in found:
        missing.insert(1, _("%(a)s ou %(b)s") % {"a": "client_id", "b": "siret"})
    if missing:
        raise DomainError(
            _("Colonnes manquantes : %(cols)s. Colonnes attendues : %(all)s.")
            % {
                "cols": ", ".join(missing),
                "all": "numero_facture, client_id (ou siret), numero_commande, date_facture, echeance, "
                "montant_ttc, reference_paiement, date_paiement, montant_paiement",
            },
            field="file",
        )
    return found, names


def _same(name: str, a: str, b: str) -> bool:
    """Two cells of one invoice on two lines say the same thing (1200,00 and 1200.00 do)."""
    try:
        if name == "amount":
            return services._money(a, name) == services._money(b, name)
        if name in ("issued_on", "due_on"):
            return services._date(a, name) == services._date(b, name)
    except DomainError:
        pass
    return a.strip().lower() == b.strip().lower()


def _group(headers: list[str], rows) -> tuple[list[_Invoice], list[LineError], dict[str, str], int]:
    columns, names = _columns(headers)
    invoices: dict[str, _Invoice] = {}
    errors: list[LineError] = []
    count = 0

    def cell(cells: list[str], name: str) -> str:
        index = columns.get(name)
        value = cells[index] if index is not None and index < len(cells) else ""
        value = (value or "").strip()
        match = _XLSX_DATE.match(value)
        return match.group(1) if match else value

    for line, cells in enumerate(rows, start=2):
        if not any((c or "").strip() for c in cells):
            continue
        count += 1
        values = {name: cell(cells, name) for name in columns}
        number = values.get("number", "")
        if not number:
            errors.append(LineError(line, names["number"], _("Numéro de facture manquant.")))
            continue
        invoice = invoices.get(number)
        if invoice is None:
            invoice = invoices[number] = _Invoice(
                number, line, {name: values.get(name, "") for name in INVOICE_FIELDS}
            )
        else:
            for name in INVOICE_FIELDS:
                new, known = values.get(name, ""), invoice.values[name]
                if new and known and not _same(name, new, known):
                    errors.append(
                        LineError(
                            line,
                            names[name],
                            _(
                                "« %(new)s » diffère de la ligne %(line)s (« %(known)s ») pour la même facture."
                            )
                            % {"new": new, "line": invoice.line, "known": known},
                        )
                    )
                elif new and not known:
                    invoice.values[name] = new
        if any(values.get(name) for name in PAYMENT_FIELDS):
            invoice.payments.append(
                {
                    "reference": values.get("reference", ""),
                    "paid_on": values.get("paid_on", ""),
                    "amount": values.get("paid_amount", ""),
                    "method": values.get("method", ""),
                }
            )
            invoice.payment_lines.append(line)
    return list(invoices.values()), errors, names, count


def _row(invoice: _Invoice) -> dict:
    values = invoice.values
    kind = fold(values["kind"])
    return {
        "number": invoice.number,
        "customer_id": values["customer_id"],
        "siret": values["siret"],
        "order_number": values["order_number"],
        "kind": KINDS.get(kind, values["kind"]),
        "issued_on": values["issued_on"],
        "due_on": values["due_on"],
        "amount": values["amount"],
        "cancelled": fold(values["cancelled"]) in YES,
        "payments": invoice.payments,
    }


def _line_errors(
    refused: services.RowsRefused, invoices: list[_Invoice], names: dict[str, str]
) -> list[LineError]:
    """The service's errors (row = position in what it was sent, from 1) as lines of the file."""
    out = []
    for error in refused.errors:
        invoice = invoices[error.row - 1] if 1 <= error.row <= len(invoices) else None
        match = re.fullmatch(r"payments\[(\d+)\]\.(\w+)", error.field)
        if match and invoice is not None:
            index, sub = int(match.group(1)), match.group(2)
            line = invoice.payment_lines[index] if index < len(invoice.payment_lines) else invoice.line
            name = PAYMENT_SERVICE_FIELDS.get(sub, "reference")
        else:
            line = invoice.line if invoice is not None else None
            name = SERVICE_FIELDS.get(error.field, error.field)
        out.append(LineError(line, names.get(name, CANONICAL.get(name, name)), error.message))
    return out


def invoices_import(*, by, upload: UploadedFile) -> ImportResult:
    """Reads the whole file, then sends every invoice to the service at once: all or nothing."""
    if not can_import_invoices(by):
        raise PermissionRefused(_("Seuls la comptabilité et l'administrateur importent les factures."))
    filename = Path(upload.name).name
    with tabular.uploaded_file(upload) as path:
        headers, rows = tabular.read_table(path, filename)
        invoices, errors, names, count = _group(headers, rows)
    if not count:
        raise DomainError(_("Le fichier ne contient aucune ligne de facture."), field="file")
    sent = [_row(invoice) for invoice in invoices]
    try:
        with transaction.atomic():
            try:
                result = services.invoices_sync(rows=sent, first_row=1)
            except services.RowsRefused as refused:
                errors.extend(_line_errors(refused, invoices, names))
            if errors:
                raise _Rollback
    except _Rollback:
        raise ImportRefused(filename, errors) from None
    return ImportResult(filename=filename, lines=count, result=result)
