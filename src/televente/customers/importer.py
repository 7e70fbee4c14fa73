"""Import of companies and contacts from CSV or XLSX.

Three steps, each traced on the ImportJob: the person maps the file's columns to our fields, a dry
run (background task) checks every row and lists each bad one (row, column, reason in French) and
each likely duplicate, then, once the person confirms, the import writes in one transaction: all
rows or none ("tout ou rien"), or only the valid rows, as the person chose.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from televente.accounts.choices import Role
from televente.accounts.models import User
from televente.core.identifiers import clean_siret, clean_vat
from televente.core.phones import to_e164
from televente.core.tabular import FORMULA_PREFIXES, ImportFileError, read_table
from televente.core.text import fold

from .choices import CompanyStatus, PaymentTerms, PhoneLabel
from .models import Company, Phone, Segment, Zone

MAX_ROWS = 200_000
MAX_ERRORS_KEPT = 1000


@dataclass(frozen=True)
class Target:
    label: object
    synonyms: tuple[str, ...] = ()
    required: bool = False


TARGETS: dict[str, Target] = {
    "legal_name": Target(
        gettext_lazy("Raison sociale"), ("raison sociale", "societe", "nom", "company", "name"), True
    ),
    "trade_name": Target(gettext_lazy("Enseigne"), ("enseigne", "nom commercial", "trade name")),
    "siret": Target(gettext_lazy("SIRET"), ("siret", "n siret")),
    "vat_number": Target(gettext_lazy("N° TVA"), ("tva", "n tva", "vat", "tva intracommunautaire")),
    "address_line1": Target(gettext_lazy("Adresse"), ("adresse", "address", "rue")),
    "address_line2": Target(gettext_lazy("Complément d'adresse"), ("complement", "adresse 2")),
    "postcode": Target(gettext_lazy("Code postal"), ("code postal", "cp", "postcode", "zip")),
    "city": Target(gettext_lazy("Ville"), ("ville", "commune", "city")),
    "segment": Target(gettext_lazy("Typologie"), ("typologie", "segment", "type", "activite")),
    "zone": Target(gettext_lazy("Zone"), ("zone", "secteur")),
    "status": Target(gettext_lazy("Statut"), ("statut", "status")),
    "rep": Target(gettext_lazy("Télévendeur (identifiant)"), ("televendeur", "commercial", "rep")),
    "phone": Target(gettext_lazy("Téléphone (standard)"), ("telephone", "tel", "phone", "standard")),
    "payment_terms": Target(gettext_lazy("Conditions de paiement"), ("conditions de paiement", "paiement")),
    "credit_limit": Target(gettext_lazy("Encours autorisé"), ("encours autorise", "plafond", "credit")),
    "notes": Target(gettext_lazy("Notes"), ("notes", "commentaire", "remarques")),
    "contact_first_name": Target(gettext_lazy("Interlocuteur : prénom"), ("prenom", "contact prenom")),
    "contact_last_name": Target(
        gettext_lazy("Interlocuteur : nom"), ("contact", "nom du contact", "contact nom", "interlocuteur")
    ),
    "contact_job_title": Target(gettext_lazy("Interlocuteur : fonction"), ("fonction", "poste")),
    "contact_email": Target(gettext_lazy("Interlocuteur : e-mail"), ("email", "e mail", "mail", "courriel")),
    "contact_mobile": Target(gettext_lazy("Interlocuteur : portable"), ("portable", "mobile", "gsm")),
}
YES = {"oui", "o", "yes", "y", "1", "vrai", "true", "x"}


def guess_mapping(headers: list[str]) -> dict[str, str]:
    """Column header -> target field, by folded name or synonym; unknown columns are ignored."""
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for header in headers:
        folded = fold(header)
        for name, target in TARGETS.items():
            if name in used:
                continue
            if folded == fold(str(target.label)) or folded in target.synonyms or folded == name:
                mapping[header] = name
                used.add(name)
                break
    return mapping


@dataclass
class RowResult:
    number: int  # as the person sees it in a spreadsheet: header is row 1
    data: dict = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)
    duplicate_of: tuple[int | None, str, str] | None = None  # (company id or None, name, reason)


class Lookups:
    """Everything a row is checked against, loaded once (no query per row)."""

    def __init__(self, user: User) -> None:
        self.segments = {}
        for s in Segment.objects.all():
            self.segments[fold(s.code)] = s.pk
            self.segments[fold(s.name)] = s.pk
        self.zones = {}
        for z in Zone.objects.all():
            self.zones[fold(z.code)] = z.pk
            self.zones[fold(z.name)] = z.pk
        reps = User.objects.active().filter(role=Role.REP)
        if not (user.is_superuser or user.role == Role.ADMIN):
            reps = reps.filter(pk__in=User.objects.visible_to(user).values("pk"))
        self.reps = {fold(u.username): u for u in reps.select_related("team")}
        self.statuses = {fold(str(label)): value for value, label in CompanyStatus.choices} | {
            v: v for v in CompanyStatus.values
        }
        self.terms = {fold(str(label)): value for value, label in PaymentTerms.choices} | {
            v: v for v in PaymentTerms.values
        }
        self.row_label = _("ligne %(n)s")
        self.by_siret: dict[str, tuple[int | None, str]] = {}
        self.by_name: dict[tuple[str, str], tuple[int | None, str]] = {}
        for pk, siret, legal, trade, postcode in Company.objects.values_list(
            "pk", "siret", "legal_name", "trade_name", "postcode"
        ):
            name = trade or legal
            if siret:
                self.by_siret[siret] = (pk, name)
            self.by_name[(fold(name), postcode)] = (pk, name)
        self.by_phone: dict[str, tuple[int | None, str]] = {
            e164: (pk, name)
            for e164, pk, name in Phone.objects.values_list("e164", "company_id", "company__legal_name")
        }


def check_row(number: int, cells: dict[str, str], lookups: Lookups, column_of: dict[str, str]) -> RowResult:
    """Clean one row. `cells` maps target field -> raw value; `column_of` target -> the file's header."""
    result = RowResult(number=number)
    data = result.data

    def error(target: str, message: str) -> None:
        result.errors.append((column_of.get(target, str(TARGETS[target].label)), str(message)))

    for target, value in cells.items():
        if value.startswith(FORMULA_PREFIXES) and not (
            target in ("phone", "contact_mobile") and value.startswith("+")
        ):
            error(
                target, _("Formule de tableur refusée : la cellule commence par « %(c)s ».") % {"c": value[0]}
            )
            cells[target] = ""
    for target, spec in TARGETS.items():
        if spec.required and not cells.get(target):
            error(target, _("Valeur obligatoire."))
    data["legal_name"] = cells.get("legal_name", "")[:160]
    data["trade_name"] = cells.get("trade_name", "")[:160]
    for target in ("address_line1", "address_line2", "city", "notes"):
        data[target] = cells.get(target, "")
    for target, cleaner in (("siret", clean_siret), ("vat_number", clean_vat)):
        try:
            data[target] = cleaner(cells.get(target, ""))
        except ValidationError as exc:
            error(target, exc.messages[0])
    postcode = cells.get("postcode", "").replace(" ", "")
    if postcode.isdigit() and len(postcode) == 4:
        postcode = "0" + postcode  # Excel dropped the leading zero of 01000-09999
    if postcode and (not postcode.isdigit() or len(postcode) != 5):
        error("postcode", _("Un code postal français compte 5 chiffres."))
    data["postcode"] = postcode
    for target, table, message in (
        (
            "segment",
            lookups.segments,
            gettext_lazy("Typologie inconnue : « %(v)s »."),
        ),
        (
            "zone",
            lookups.zones,
            gettext_lazy("Zone inconnue : « %(v)s »."),
        ),
        (
            "status",
            lookups.statuses,
            gettext_lazy("Statut inconnu : « %(v)s » (suspect, prospect, client, inactif, perdu)."),
        ),
        (
            "payment_terms",
            lookups.terms,
            gettext_lazy("Conditions de paiement inconnues : « %(v)s »."),
        ),
    ):
        raw = cells.get(target, "")
        if raw:
            value = table.get(fold(raw))
            if value is None:
                error(target, message % {"v": raw})
            data[target] = value
    if cells.get("rep"):
        rep = lookups.reps.get(fold(cells["rep"]))
        if rep is None:
            error("rep", _("Télévendeur inconnu ou hors de vos équipes : « %(v)s ».") % {"v": cells["rep"]})
        data["rep"] = rep
    if cells.get("credit_limit"):
        try:
            amount = Decimal(
                cells["credit_limit"]
                .replace("\u00a0", "")
                .replace(" ", "")
                .replace("€", "")
                .replace(",", ".")
            )
            if amount < 0:
                raise InvalidOperation
            data["credit_limit"] = amount
        except InvalidOperation:
            error("credit_limit", _("Montant invalide : « %(v)s ».") % {"v": cells["credit_limit"]})
    for target in ("phone", "contact_mobile"):
        raw = cells.get(target, "")
        if raw:
            e164 = to_e164(raw)
            if e164 is None:
                error(target, _("Numéro de téléphone invalide : « %(v)s ».") % {"v": raw})
            data[target] = e164
    email = cells.get("contact_email", "")
    if email:
        from django.core.validators import validate_email

        try:
            validate_email(email)
        except ValidationError:
            error("contact_email", _("Adresse e-mail invalide : « %(v)s ».") % {"v": email})
    data["contact_email"] = email
    for target in ("contact_first_name", "contact_last_name", "contact_job_title"):
        data[target] = cells.get(target, "")[:80]

    if not result.errors:
        name = data["trade_name"] or data["legal_name"]
        if data.get("siret") and data["siret"] in lookups.by_siret:
            pk, other = lookups.by_siret[data["siret"]]
            result.duplicate_of = (pk, other, gettext_lazy("même SIRET"))
        elif data.get("phone") and data["phone"] in lookups.by_phone:
            pk, other = lookups.by_phone[data["phone"]]
            result.duplicate_of = (pk, other, gettext_lazy("même téléphone"))
        elif (fold(name), data["postcode"]) in lookups.by_name:
            pk, other = lookups.by_name[(fold(name), data["postcode"])]
            result.duplicate_of = (pk, other, gettext_lazy("même nom, même code postal"))
        # Later rows of the same file are compared with this one too.
        marker = (None, lookups.row_label % {"n": number})
        if data.get("siret"):
            lookups.by_siret.setdefault(data["siret"], marker)
        if data.get("phone"):
            lookups.by_phone.setdefault(data["phone"], marker)
        lookups.by_name.setdefault((fold(name), data["postcode"]), marker)
    return result


def iter_results(path: Path, filename: str, mapping: dict[str, str], user: User) -> Iterator[RowResult]:
    headers, rows = read_table(path, filename)
    index = {header: i for i, header in enumerate(headers)}
    column_of = {target: header for header, target in mapping.items() if target}
    lookups = Lookups(user)
    for offset, row in enumerate(rows):
        if offset >= MAX_ROWS:
            raise ImportFileError(_("Le fichier dépasse %(n)s lignes : découpez-le.") % {"n": MAX_ROWS})
        if not any(row):
            continue
        cells = {
            target: (row[index[header]] if index[header] < len(row) else "")
            for header, target in mapping.items()
            if target and header in index
        }
        yield check_row(offset + 2, cells, lookups, column_of)


def count_rows(path: Path, filename: str) -> int:
    _headers, rows = read_table(path, filename)
    return sum(1 for row in rows if any(row))


PHONE_LABEL = PhoneLabel.SWITCHBOARD
