"""Import of a price list from CSV or XLSX: article code and price excluding VAT per base unit.

Same contract as the customer import: every row is checked first and every bad row is listed (row
number as in the spreadsheet, column, reason) with nothing written; the person then imports all
rows (refused while a row is in error) or only the valid ones, in one transaction.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from televente.accounts.permissions import is_admin
from televente.core import tabular
from televente.core.errors import DomainError, PermissionRefused
from televente.core.text import fold

from .models import PriceList, PriceListImport, PriceListItem, Product

CODE_HEADERS = {"code", "code article", "article", "reference", "ref"}
PRICE_HEADERS = {"prix", "prix ht", "price", "prix unitaire ht", "tarif"}


def _columns(headers: list[str]) -> tuple[int, int]:
    folded = [fold(h) for h in headers]
    code = next((i for i, h in enumerate(folded) if h in CODE_HEADERS), None)
    price = next((i for i, h in enumerate(folded) if h in PRICE_HEADERS), None)
    if code is None or price is None:
        raise DomainError(
            _("Le fichier doit avoir une colonne « code article » et une colonne « prix HT »."), field="file"
        )
    return code, price


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


def _check(path: Path, filename: str) -> tuple[int, list[dict], dict[int, Decimal]]:
    """(rows, errors, {product id: price}) for the whole file."""
    headers, rows = tabular.read_table(path, filename)
    code_at, price_at = _columns(headers)
    code_header, price_header = headers[code_at], headers[price_at]
    products = dict(Product.objects.values_list("code", "pk"))
    errors: list[dict] = []
    prices: dict[int, Decimal] = {}
    seen: dict[str, int] = {}
    total = 0
    for offset, row in enumerate(rows):
        if not any(row):
            continue
        total += 1
        number = offset + 2
        code = row[code_at].strip() if code_at < len(row) else ""
        raw_price = row[price_at].strip() if price_at < len(row) else ""
        row_errors = []
        if code.startswith(tabular.FORMULA_PREFIXES) or raw_price.startswith(tabular.FORMULA_PREFIXES):
            row_errors.append((code_header, _("Formule de tableur refusée.")))
        elif not code:
            row_errors.append((code_header, _("Valeur obligatoire.")))
        elif code not in products:
            row_errors.append((code_header, _("Article inconnu : %(c)s.") % {"c": code}))
        elif code in seen:
            row_errors.append((code_header, _("Article déjà présent ligne %(n)s.") % {"n": seen[code]}))
        try:
            price = parse_price(raw_price) if raw_price else None
            if price is None:
                row_errors.append((price_header, _("Valeur obligatoire.")))
        except ValueError as exc:
            row_errors.append((price_header, str(exc)))
            price = None
        if row_errors:
            errors.extend({"row": number, "column": col, "message": msg} for col, msg in row_errors)
        else:
            prices[products[code]] = price
            seen[code] = number
    return total, errors, prices


@transaction.atomic
def price_import_check(*, by, price_list: PriceList, upload: UploadedFile) -> PriceListImport:
    if not is_admin(by):
        raise PermissionRefused(_("L'import de tarifs est réservé à l'administrateur."))
    suffix = Path(upload.name).suffix.lower()
    with tabular.uploaded_file(upload) as path:
        total, errors, prices = _check(path, upload.name)
    job = PriceListImport(
        created_by=by,
        price_list=price_list,
        filename=Path(upload.name).name[:200],
        total_rows=total,
        valid_rows=len(prices),
        errors=errors[:1000],
    )
    job.file.save(f"prix{suffix}", upload, save=False)
    job.save()
    return job


@transaction.atomic
def price_import_apply(*, job: PriceListImport, by, valid_only: bool) -> PriceListImport:
    job = PriceListImport.objects.select_for_update().get(pk=job.pk)
    if job.created_by_id != by.pk:
        raise PermissionRefused(_("Cet import appartient à quelqu'un d'autre."))
    if job.status == PriceListImport.Status.DONE:
        raise DomainError(_("Cet import est déjà fait."))
    total, errors, prices = _check(Path(job.file.path), job.filename)  # the catalogue may have changed
    if errors and not valid_only:
        raise DomainError(
            _(
                "Le fichier contient des lignes en erreur : corrigez-les, ou importez seulement les lignes valides."
            )
        )
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
    job.status = PriceListImport.Status.DONE
    job.applied_count = len(to_create) + len(to_update)
    job.total_rows, job.valid_rows, job.errors = total, len(prices), errors[:1000]
    job.save()
    return job
