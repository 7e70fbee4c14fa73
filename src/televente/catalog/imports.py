"""Catalogue file imports: articles, a price list, stock levels (CSV or XLSX).

Same contract as the customer import: every row is checked first and every bad row is listed (row
number as in the spreadsheet, column, reason) with nothing written; the person then imports all
rows (refused while a row is in error) or only the valid ones, in one transaction. The file is
checked again when applied, since the catalogue may have changed in between.

Articles are matched on their code: a known code updates the article, an unknown one creates it.
An empty cell leaves the value as it is (an import never wipes a field by accident); the
catalogue export can be re-imported as it is.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum import ean as stdnum_ean

from televente.accounts.permissions import can_manage_catalogue, can_push_stock
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold

from . import services
from .choices import Allergen, ProductStatus
from .models import CatalogImport, Category, PriceList, PriceListItem, Product, SalesUnit, Stock, Warehouse

Kind = CatalogImport.Kind

# Folded header -> field. "article" is the name in the catalogue export, the code in a price list.
PRICE_COLUMNS = {
    "code": "code",
    "code article": "code",
    "article": "code",
    "reference": "code",
    "ref": "code",
    "prix": "price",
    "prix ht": "price",
    "price": "price",
    "prix unitaire ht": "price",
    "tarif": "price",
}
PRODUCT_COLUMNS = {
    "code": "code",
    "code article": "code",
    "reference": "code",
    "ref": "code",
    "article": "name",
    "designation": "name",
    "libelle": "name",
    "nom": "name",
    "ean": "ean",
    "code ean": "ean",
    "gencod": "ean",
    "marque": "brand",
    "famille": "family",
    "categorie": "category",
    "sous famille": "category",
    "statut": "status",
    "unite de base": "base_unit",
    "tva": "vat_rate",
    "taux de tva": "vat_rate",
    "prix de base ht": "base_price",
    "prix de base": "base_price",
    "prix ht": "base_price",
    "unites commercialisables": "units",
    "unites de vente": "units",
    "conditionnements": "units",
    "allergenes": "allergens",
    "description": "description",
    "conservation": "storage",
    "duree de vie jours": "shelf_life_days",
    "duree de vie": "shelf_life_days",
    "origine": "origin",
}
STOCK_COLUMNS = {
    "code": "code",
    "code article": "code",
    "article": "code",
    "reference": "code",
    "entrepot": "warehouse",
    "depot": "warehouse",
    "code entrepot": "warehouse",
    "en stock": "on_hand",
    "stock": "on_hand",
    "quantite": "on_hand",
    "stock physique": "on_hand",
}
REQUIRED = {
    Kind.PRICES: ("code", "price"),
    Kind.PRODUCTS: ("code",),
    Kind.STOCK: ("code", "warehouse", "on_hand"),
}
MISSING_COLUMNS = {
    Kind.PRICES: gettext_lazy(
        "Le fichier doit avoir une colonne « code article » et une colonne « prix HT »."
    ),
    Kind.PRODUCTS: gettext_lazy("Le fichier doit avoir une colonne « code article »."),
    Kind.STOCK: gettext_lazy(
        "Le fichier doit avoir les colonnes « code article », « entrepôt » et « en stock » (unités de base)."
    ),
}
UNIT_PATTERN = re.compile(r"\s*([^,;()]+?)\s*\(\s*(\d+)\s*\)\s*")


def parse_price(raw: str) -> Decimal:
    cleaned = raw.replace("\u00a0", "").replace(" ", "").replace("€", "").replace(",", ".")
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(_("Prix invalide : « %(v)s ».") % {"v": raw}) from exc
    if not value.is_finite() or value < 0:
        raise ValueError(_("Prix invalide : « %(v)s ».") % {"v": raw})
    if value.as_tuple().exponent < -4:
        raise ValueError(_("Au plus 4 décimales : « %(v)s ».") % {"v": raw})
    return value


def parse_units(raw: str) -> list[tuple[str, int]]:
    """'carton de 12 (12), palette (720)' -> [('carton de 12', 12), ('palette', 720)]."""
    units: list[tuple[str, int]] = []
    rest = raw.strip()
    while rest:
        match = UNIT_PATTERN.match(rest)
        if not match:
            raise ValueError(
                _("Unités illisibles : « %(v)s » (attendu : « carton de 12 (12), palette (720) »).")
                % {"v": raw}
            )
        label, quantity = match.group(1), int(match.group(2))
        if quantity < 1:
            raise ValueError(_("Une unité contient au moins 1 unité de base."))
        if any(q == quantity for _l, q in units):
            raise ValueError(_("Deux unités de %(n)s unités de base.") % {"n": quantity})
        units.append((label[:40], quantity))
        rest = rest[match.end() :].lstrip(",; ")
    return units


@dataclass
class Checked:
    total: int = 0
    errors: list[dict] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)  # valid rows, ready to apply


def _columns(headers: list[str], kind: str) -> dict[str, int]:
    aliases = {Kind.PRICES: PRICE_COLUMNS, Kind.PRODUCTS: PRODUCT_COLUMNS, Kind.STOCK: STOCK_COLUMNS}[kind]
    columns: dict[str, int] = {}
    for index, header in enumerate(headers):
        name = aliases.get(fold(header))
        if name and name not in columns:
            columns[name] = index
    if any(name not in columns for name in REQUIRED[kind]):
        raise DomainError(str(MISSING_COLUMNS[kind]), field="file")
    return columns


def _scan(path: Path, filename: str, kind: str, check_row: Callable) -> Checked:
    headers, rows = tabular.read_table(path, filename)
    columns = _columns(headers, kind)
    result = Checked()
    for offset, row in enumerate(rows):
        if not any(cell.strip() for cell in row):
            continue
        result.total += 1
        number = offset + 2  # the header is row 1
        values = {name: (row[i].strip() if i < len(row) else "") for name, i in columns.items()}
        formula = next((n for n, v in values.items() if v.startswith(tabular.FORMULA_PREFIXES)), None)
        if formula:
            problems = [(formula, _("Formule de tableur refusée."))]
            prepared = None
        else:
            problems, prepared = check_row(values, number)
        if problems:
            result.errors.extend(
                {"row": number, "column": headers[columns[name]], "message": message}
                for name, message in problems
            )
        else:
            result.rows.append(prepared)
    return result


# Prices ------------------------------------------------------------------------------------------------------------


def _price_checker() -> Callable:
    products = dict(Product.objects.values_list("code", "pk"))
    seen: dict[str, int] = {}

    def check(values: dict[str, str], number: int):
        code, raw_price = values["code"].upper(), values["price"]
        problems = []
        if not code:
            problems.append(("code", _("Valeur obligatoire.")))
        elif code not in products:
            problems.append(("code", _("Article inconnu : %(c)s.") % {"c": code}))
        elif code in seen:
            problems.append(("code", _("Article déjà présent ligne %(n)s.") % {"n": seen[code]}))
        price = None
        if not raw_price:
            problems.append(("price", _("Valeur obligatoire.")))
        else:
            try:
                price = parse_price(raw_price)
            except ValueError as exc:
                problems.append(("price", str(exc)))
        if problems:
            return problems, None
        seen[code] = number
        return [], {"product_id": products[code], "price": price}

    return check


def _apply_prices(job: CatalogImport, rows: list[dict]) -> tuple[int, int]:
    prices = {r["product_id"]: r["price"] for r in rows}
    existing = {
        i.product_id: i
        for i in PriceListItem.objects.filter(price_list=job.price_list, product_id__in=prices)
    }
    to_update, to_create = [], []
    for product_id, price in prices.items():
        item = existing.get(product_id)
        if item is None:
            to_create.append(PriceListItem(price_list=job.price_list, product_id=product_id, price=price))
        elif item.price != price:
            item.price = price
            to_update.append(item)
    PriceListItem.objects.bulk_create(to_create, batch_size=1000)
    PriceListItem.objects.bulk_update(to_update, ["price"], batch_size=1000)
    return len(to_create) + len(to_update), len(to_create)


# Articles ----------------------------------------------------------------------------------------------------------


def _category_finder() -> Callable[[str, str], tuple[Category | None, str | None]]:
    categories = list(Category.objects.select_related("parent"))
    by_code = {c.code: c for c in categories}
    by_name: dict[str, list[Category]] = {}
    for c in categories:
        by_name.setdefault(fold(c.name), []).append(c)

    def find(family: str, name: str) -> tuple[Category | None, str | None]:
        if name in by_code:
            return by_code[name], None
        found = by_name.get(fold(name), [])
        if family:
            found = [c for c in found if c.parent_id and fold(c.parent.name) == fold(family)]
        if not found:
            return None, _("Catégorie inconnue : %(c)s.") % {"c": name}
        if len(found) > 1:
            return None, _("Catégorie ambiguë : %(c)s (précisez la famille).") % {"c": name}
        return found[0], None

    return find


def _choice(raw: str, choices) -> str | None:
    folded = fold(raw)
    for value, label in choices:
        if folded in (fold(value), fold(str(label))):
            return value
    return None


def _product_checker() -> Callable:
    existing = dict(Product.objects.values_list("code", "pk"))
    find_category = _category_finder()
    seen: dict[str, int] = {}

    def check(values: dict[str, str], number: int):
        problems: list[tuple[str, str]] = []
        data: dict[str, object] = {}
        code = values["code"].upper()
        if not code:
            problems.append(("code", _("Valeur obligatoire.")))
        elif len(code) > 30 or " " in code:
            problems.append(("code", _("Code invalide : 30 caractères au plus, sans espace.")))
        elif code in seen:
            problems.append(("code", _("Article déjà présent ligne %(n)s.") % {"n": seen[code]}))
        is_new = code not in existing
        for name, limit in (
            ("name", 160),
            ("brand", 80),
            ("base_unit", 30),
            ("storage", 120),
            ("origin", 80),
        ):
            value = values.get(name, "")
            if len(value) > limit:
                problems.append((name, _("%(n)s caractères au plus.") % {"n": limit}))
            elif value:
                data[name] = value
        if values.get("description"):
            data["description"] = values["description"]
        if is_new and not values.get("name"):
            problems.append(
                ("name" if "name" in values else "code", _("Désignation obligatoire pour un nouvel article."))
            )
        ean = values.get("ean", "")
        if ean:
            if not stdnum_ean.is_valid(ean) or len(ean) not in (8, 12, 13, 14):
                problems.append(("ean", _("EAN invalide : %(v)s.") % {"v": ean}))
            else:
                data["ean"] = ean
        if values.get("category"):
            category, problem = find_category(values.get("family", ""), values["category"])
            if problem:
                problems.append(("category", problem))
            else:
                data["category"] = category
        elif is_new:
            problems.append(
                (
                    "category" if "category" in values else "code",
                    _("Catégorie obligatoire pour un nouvel article."),
                )
            )
        if values.get("status"):
            status = _choice(values["status"], ProductStatus.choices)
            if status is None:
                problems.append(("status", _("Statut inconnu : %(v)s.") % {"v": values["status"]}))
            else:
                data["status"] = status
        if values.get("vat_rate"):
            try:
                vat = Decimal(values["vat_rate"].replace(",", ".").replace("%", "").strip())
                if not (0 <= vat < 100) or vat.as_tuple().exponent < -2:
                    raise InvalidOperation
                data["vat_rate"] = vat
            except InvalidOperation:
                problems.append(("vat_rate", _("Taux de TVA invalide : %(v)s.") % {"v": values["vat_rate"]}))
        if values.get("base_price"):
            try:
                data["base_price"] = parse_price(values["base_price"])
            except ValueError as exc:
                problems.append(("base_price", str(exc)))
        elif is_new:
            problems.append(
                (
                    "base_price" if "base_price" in values else "code",
                    _("Prix de base obligatoire pour un nouvel article."),
                )
            )
        if values.get("shelf_life_days"):
            if values["shelf_life_days"].isdigit():
                data["shelf_life_days"] = int(values["shelf_life_days"])
            else:
                problems.append(("shelf_life_days", _("Nombre de jours attendu.")))
        if values.get("allergens"):
            allergens, unknown = [], []
            for part in re.split(r"[,;]", values["allergens"]):
                if part.strip():
                    value = _choice(part, Allergen.choices)
                    (allergens if value else unknown).append(value or part.strip())
            if unknown:
                problems.append(("allergens", _("Allergène inconnu : %(v)s.") % {"v": ", ".join(unknown)}))
            else:
                data["allergens"] = sorted(set(allergens))
        units = None
        if values.get("units"):
            try:
                units = parse_units(values["units"])
            except ValueError as exc:
                problems.append(("units", str(exc)))
        if problems:
            return problems, None
        seen[code] = number
        return [], {"code": code, "data": data, "units": units}

    return check


def _unit_code(label: str, quantity: int, taken: set[str]) -> str:
    letters = re.sub(r"[^A-Z]", "", fold(label).upper())[:3] or "UN"
    code = letters if quantity == 1 else f"{letters}{quantity}"[:12]
    suffix = 2
    while code in taken:
        code = f"{letters}{quantity}-{suffix}"[:12]
        suffix += 1
    return code


def _same(current, new) -> bool:
    if isinstance(new, list):  # allergens: a set written as a sorted list
        return sorted(current or []) == new
    return current == new


def _apply_products(job: CatalogImport, rows: list[dict]) -> tuple[int, int]:
    codes = [r["code"] for r in rows]
    products = {p.code: p for p in Product.objects.filter(code__in=codes)}
    units_by_product: dict[int, list[SalesUnit]] = {}
    for unit in SalesUnit.objects.filter(product__code__in=codes):
        units_by_product.setdefault(unit.product_id, []).append(unit)
    changed = created = 0
    for row in rows:
        product = products.get(row["code"])
        touched = False
        if product is None:
            product = Product.objects.create(code=row["code"], **row["data"])
            created += 1
            touched = True
        else:
            dirty = [name for name, value in row["data"].items() if not _same(getattr(product, name), value)]
            if dirty:
                for name in dirty:
                    setattr(product, name, row["data"][name])
                product.save()
                touched = True
        current = units_by_product.get(product.pk, [])
        units = row["units"] or ([] if current else [(product.base_unit, 1)])
        if units and _apply_units(product, units, current):
            touched = True
        changed += touched
    return changed, created


def _apply_units(product: Product, units: list[tuple[str, int]], current: list[SalesUnit]) -> bool:
    """Units are matched on their number of base units; units not in the file are kept."""
    by_quantity = {u.base_quantity: u for u in current}
    taken = {u.code for u in current}
    touched = False
    has_default = any(u.is_default for u in current)
    for label, quantity in sorted(units, key=lambda u: u[1]):
        unit = by_quantity.get(quantity)
        if unit is None:
            code = _unit_code(label, quantity, taken)
            taken.add(code)
            SalesUnit.objects.create(
                product=product, code=code, label=label, base_quantity=quantity, is_default=not has_default
            )
            has_default = True
            touched = True
        elif unit.label != label:
            unit.label = label
            unit.save(update_fields=["label", "updated_at"])
            touched = True
    return touched


# Stock -------------------------------------------------------------------------------------------------------------


def _stock_checker() -> Callable:
    products = dict(Product.objects.values_list("code", "pk"))
    warehouses = dict(Warehouse.objects.values_list("code", "pk"))
    reserved = {(s.product_id, s.warehouse_id): s.reserved for s in Stock.objects.filter(reserved__gt=0)}
    seen: dict[tuple[str, str], int] = {}

    def check(values: dict[str, str], number: int):
        code, warehouse, raw = values["code"].upper(), values["warehouse"], values["on_hand"]
        problems = []
        if not code:
            problems.append(("code", _("Valeur obligatoire.")))
        elif code not in products:
            problems.append(("code", _("Article inconnu : %(c)s.") % {"c": code}))
        if not warehouse:
            problems.append(("warehouse", _("Valeur obligatoire.")))
        elif warehouse not in warehouses:
            problems.append(("warehouse", _("Entrepôt inconnu : %(c)s.") % {"c": warehouse}))
        if (code, warehouse) in seen:
            problems.append(("code", _("Article déjà présent ligne %(n)s.") % {"n": seen[(code, warehouse)]}))
        cleaned = raw.replace("\u00a0", "").replace(" ", "")
        if not re.fullmatch(r"\d+", cleaned):
            problems.append(
                (
                    "on_hand",
                    _("Quantité entière positive attendue (unités de base) : « %(v)s ».") % {"v": raw},
                )
            )
        elif not problems:
            held = reserved.get((products[code], warehouses[warehouse]), 0)
            if int(cleaned) < held:
                problems.append(
                    (
                        "on_hand",
                        _("%(n)s unités sont déjà réservées pour des commandes confirmées.") % {"n": held},
                    )
                )
        if problems:
            return problems, None
        seen[(code, warehouse)] = number
        return [], {"code": code, "warehouse": warehouse, "on_hand": int(cleaned)}

    return check


def _apply_stock(job: CatalogImport, rows: list[dict]) -> tuple[int, int]:
    levels = [services.StockLevel(r["code"], r["warehouse"], r["on_hand"]) for r in rows]
    return services.stock_set_levels(levels=levels, by=job.created_by), 0


CHECKERS = {Kind.PRICES: _price_checker, Kind.PRODUCTS: _product_checker, Kind.STOCK: _stock_checker}
APPLIERS = {Kind.PRICES: _apply_prices, Kind.PRODUCTS: _apply_products, Kind.STOCK: _apply_stock}


def can_import(user, kind: str) -> bool:
    return can_push_stock(user) if kind == Kind.STOCK else can_manage_catalogue(user)


def _check(job: CatalogImport, path: Path) -> Checked:
    return _scan(path, job.filename, job.kind, CHECKERS[job.kind]())


@transaction.atomic
def import_check(
    *, by, kind: str, upload: UploadedFile, price_list: PriceList | None = None
) -> CatalogImport:
    """Reads and checks the whole file; writes nothing but the job and its report."""
    if not can_import(by, kind):
        raise PermissionRefused(_("Vous n'avez pas le droit de faire cet import."))
    if kind == Kind.PRICES and price_list is None:
        raise DomainError(_("Choisissez le tarif à mettre à jour."), field="price_list")
    job = CatalogImport(
        created_by=by,
        kind=kind,
        price_list=price_list if kind == Kind.PRICES else None,
        filename=Path(upload.name).name[:200],
    )
    with tabular.uploaded_file(upload) as path:
        checked = _check(job, path)
    job.total_rows, job.valid_rows, job.errors = checked.total, len(checked.rows), checked.errors[:1000]
    job.file.save(f"{kind}{Path(upload.name).suffix.lower()}", upload, save=False)
    job.save()
    return job


@transaction.atomic
def import_apply(*, job: CatalogImport, by, valid_only: bool) -> CatalogImport:
    """Writes the valid rows in one transaction (all rows, unless `valid_only`, must be valid)."""
    job = CatalogImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != by.pk:
        raise PermissionRefused(_("Cet import appartient à quelqu'un d'autre."))
    if not can_import(by, job.kind):
        raise PermissionRefused(_("Vous n'avez pas le droit de faire cet import."))
    if job.status == CatalogImport.Status.DONE:
        raise DomainError(_("Cet import est déjà fait."))
    checked = _check(job, Path(job.file.path))
    if checked.errors and not valid_only:
        raise DomainError(
            _(
                "Le fichier contient des lignes en erreur : corrigez-les, ou importez seulement les lignes valides."
            )
        )
    job.applied_count, job.created_count = APPLIERS[job.kind](job, checked.rows)
    job.status = CatalogImport.Status.DONE
    job.total_rows, job.valid_rows, job.errors = checked.total, len(checked.rows), checked.errors[:1000]
    job.save()
    return job
