"""CSV and XLSX exports of a portfolio list. Cells that a spreadsheet would run as a formula are
neutralised (a leading quote), so a customer named "=HYPERLINK(...)" stays text."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils.translation import gettext as _
from openpyxl import Workbook

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def portfolio_rows(companies: Iterable) -> tuple[list[str], Iterable[list]]:
    header = [
        _("N°"),
        _("Raison sociale"),
        _("Enseigne"),
        _("SIRET"),
        _("Statut"),
        _("Typologie"),
        _("Code postal"),
        _("Ville"),
        _("Zone"),
        _("Télévendeur"),
        _("Classe ABC"),
        _("CA 12 mois"),
        _("Dernier contact"),
    ]

    def rows():
        for c in companies:
            habits = getattr(c, "habits", None)
            yield [
                c.pk,
                c.legal_name,
                c.trade_name,
                c.siret,
                str(c.get_status_display()),
                c.segment.name if c.segment else "",
                c.postcode,
                c.city,
                c.zone.name if c.zone else "",
                str(c.rep) if c.rep else "",
                habits.abc_class if habits else "",
                habits.revenue_12m if habits else "",
                c.last_contact_at.date().isoformat() if c.last_contact_at else "",
            ]

    return header, rows()


def to_csv(header: list[str], rows: Iterable[list]) -> Iterable[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly with a BOM
    writer.writerow(header)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()


def to_xlsx(header: list[str], rows: Iterable[list], title: str) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
