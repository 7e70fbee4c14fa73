"""Reading spreadsheets people upload (CSV in any usual encoding and delimiter, or XLSX).

Shared by every import screen; each import checks its own columns. Files that cannot be read are
refused with a sentence for the person (ImportFileError), never a stack trace.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import DomainError

MAX_UPLOAD_BYTES = 30 * 1024 * 1024
FORMULA_PREFIXES = ("=", "+", "@")  # "-" starts legitimate negative numbers and dashes
# On export, every prefix a spreadsheet may run as a formula is neutralised (a leading quote), so a
# customer named "=HYPERLINK(...)" stays text.
EXPORT_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class ImportFileError(Exception):
    """The file cannot be read at all (format, encoding, size): said to the person at upload."""


@contextmanager
def uploaded_file(upload: UploadedFile) -> Iterator[Path]:
    """The upload as a file on disk for the readers; an unreadable or too large file becomes a
    DomainError on the form's `file` field. The upload is rewound afterwards, ready to be stored."""
    if upload.size > MAX_UPLOAD_BYTES:
        raise DomainError(_("Le fichier dépasse 30 Mo : découpez-le en plusieurs fichiers."), field="file")
    with tempfile.NamedTemporaryFile(suffix=Path(upload.name).suffix.lower()) as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            yield Path(tmp.name)
        except ImportFileError as exc:
            raise DomainError(str(exc), field="file") from exc
    upload.seek(0)


def read_table(path: Path, filename: str) -> tuple[list[str], Iterator[list[str]]]:
    """Headers and rows (lists of strings) of a CSV or XLSX file."""
    if path.stat().st_size > MAX_UPLOAD_BYTES:
        raise ImportFileError(_("Le fichier dépasse 30 Mo : découpez-le en plusieurs fichiers."))
    lower = filename.lower()
    if lower.endswith(".xlsx"):
        return _read_xlsx(path)
    if lower.endswith((".csv", ".txt")):
        return _read_csv(path)
    raise ImportFileError(_("Format non reconnu : envoyez un fichier CSV ou Excel (.xlsx)."))


def _read_csv(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes almost anything
        raise ImportFileError(_("Encodage du fichier non reconnu : enregistrez-le en UTF-8."))
    if "\x00" in text[:4096]:
        raise ImportFileError(_("Ce fichier n'est pas un CSV texte (contenu binaire)."))
    sample = text[:8192]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t|")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if sample.count(";") >= sample.count(",") else ","
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = [h.strip() for h in next(reader)]
    except StopIteration as exc:
        raise ImportFileError(_("Le fichier est vide.")) from exc
    return headers, ([cell.strip() for cell in row] for row in reader)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[list[str]]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        # data_only=False: a formula arrives as its text ("=..."), which check_row refuses with a message.
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _("Ce fichier Excel est illisible ou protégé : enregistrez-le au format .xlsx.")
        ) from exc
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        headers = ["" if v is None else str(v).strip() for v in next(rows)]
    except StopIteration as exc:
        raise ImportFileError(_("Le fichier est vide.")) from exc

    def cells() -> Iterator[list[str]]:
        for row in rows:
            yield ["" if v is None else _cell_text(v) for v in row]

    return headers, cells()


def _cell_text(value) -> str:
    """An Excel cell as the person typed it: 12345.67 stays 12345.67 (not 6 significant digits,
    which turned 12345.67 into 12345.7), 12.0 becomes 12, a date becomes 2026-10-25."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return (
            str(int(value)) if value.is_integer() and abs(value) < 1e15 else format(Decimal(repr(value)), "f")
        )
    return str(value).strip()


def safe_cell(value) -> object:
    if isinstance(value, str) and value.startswith(EXPORT_FORMULA_PREFIXES):
        return "'" + value
    return value


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
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    sheet.append(header)
    for row in rows:
        sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def download(header: list[str], rows: Iterable[list], *, fmt: str, basename: str, title: str) -> HttpResponse:
    """An export as an attachment: XLSX when fmt is "xlsx", streamed CSV otherwise."""
    stamp = timezone.localdate().isoformat()
    if fmt == "xlsx":
        response = HttpResponse(
            to_xlsx(header, rows, title),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        fmt = "csv"
        response = StreamingHttpResponse(to_csv(header, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{basename}-{stamp}.{fmt}"'
    return response
