"""Reading a bulk-filing manifest (CSV or XLSX) into rows of text, numbered as the spreadsheet shows them.

Only the file's shape is checked here (its type, its header, its size); each row's values
are checked by :mod:`filing.bulk.rows`. The header is row 1, so the first summons is row 2,
as Excel and LibreOffice number it; empty rows are skipped but keep their number.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from .columns import COLUMNS, MAX_CELL, column_for_header

#: [P] The most summonses one manifest may carry, and the largest manifest file.
MAX_ROWS = 1000
MAX_MANIFEST_BYTES = 5 * 1024 * 1024
#: What an XLSX (itself a ZIP) may unpack to: a sheet of 1,000 rows is well under 10 MB.
MAX_XLSX_UNPACKED = 50 * 1024 * 1024


class ManifestRefused(ValidationError):
    """The manifest cannot be read as a whole; the message says how to fix it."""


@dataclass(frozen=True)
class ManifestRow:
    number: int
    values: dict[str, str]


@dataclass(frozen=True)
class Manifest:
    kind: str  # "csv" or "xlsx"
    rows: list[ManifestRow]


def _refuse(message: Any, code: str = "manifest") -> ManifestRefused:
    return ManifestRefused(message, code=code)


def manifest_kind(filename: str) -> str:
    lower = filename.lower()
    if lower.endswith(".csv"):
        return "csv"
    if lower.endswith(".xlsx"):
        return "xlsx"
    raise _refuse(_("The manifest must be a CSV file (.csv) or an Excel workbook (.xlsx). Use the template."))


def manifest_read(file: IO[bytes], *, filename: str) -> Manifest:
    """The rows of the manifest ``file``, or :class:`ManifestRefused` saying what to fix."""
    kind = manifest_kind(filename)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise _refuse(_("The manifest is empty. Fill in the template, one row per summons."))
    if size > MAX_MANIFEST_BYTES:
        raise _refuse(_("The manifest is larger than 5 MB. Split it into several manifests."))
    table = _csv_rows(file) if kind == "csv" else _xlsx_rows(file)
    return Manifest(kind=kind, rows=_rows(table))


def _csv_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    raw = file.read()
    for encoding in ("utf-8-sig", "big5hkscs"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_('The CSV file\'s characters cannot be read. Save it as "CSV UTF-8" and upload it again.'))
    if "\x00" in text:
        raise _refuse(_('The CSV file\'s characters cannot be read. Save it as "CSV UTF-8" and upload it again.'))
    dialect: type[csv.Dialect] = csv.excel
    # One column, or no delimiter found: read it as Excel's CSV.
    with contextlib.suppress(csv.Error):
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    yield from csv.reader(io.StringIO(text, newline=""), dialect)


def _xlsx_rows(file: IO[bytes]) -> Iterator[list[Any]]:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(file) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(_("The Excel file cannot be opened. Save it again as an .xlsx workbook.")) from None
    if unpacked > MAX_XLSX_UNPACKED:
        raise _refuse(_("The Excel file is too large once opened. Split it into several manifests."))
    file.seek(0)
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds of errors for a damaged or foreign file.
        raise _refuse(_("The Excel file cannot be opened. Save it again as an .xlsx workbook.")) from None
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        workbook.close()


def _text(value: Any) -> str:
    """A cell as text: dates as YYYY-MM-DD, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value).strip()


def _header(cells: list[Any]) -> list[str | None]:
    keys: list[str | None] = []
    unknown: list[str] = []
    for cell in cells:
        text = _text(cell)
        key = column_for_header(text) if text else None
        if text and key is None:
            unknown.append(text)
        if key is not None and key in keys:
            raise _refuse(_("The column %(column)s appears twice in the header. Keep one of them.") % {"column": key})
        keys.append(key)
    if unknown:
        raise _refuse(
            ngettext_lazy(
                "The header has a column we do not know: %(columns)s. Use the template's column names, "
                "in English or Chinese.",
                "The header has columns we do not know: %(columns)s. Use the template's column names, "
                "in English or Chinese.",
                "count",
            )
            % {"count": len(unknown), "columns": ", ".join(unknown[:10])}
        )
    missing = [c.key for c in COLUMNS if c.required and c.key not in keys]
    if missing:
        raise _refuse(
            ngettext_lazy(
                "The header lacks a required column: %(columns)s. Start from the template.",
                "The header lacks required columns: %(columns)s. Start from the template.",
                "count",
            )
            % {"count": len(missing), "columns": ", ".join(missing)}
        )
    return keys


def _rows(table: Iterable[list[Any]]) -> list[ManifestRow]:
    keys: list[str | None] | None = None
    rows: list[ManifestRow] = []
    for number, cells in enumerate(table, start=1):
        if keys is None:
            if not any(_text(cell) for cell in cells):
                raise _refuse(_("The first row must be the header, with the template's column names."))
            keys = _header(cells)
            continue
        texts = [_text(cell) for cell in cells]
        if not any(texts):
            continue
        if len(rows) >= MAX_ROWS:
            raise _refuse(
                _("A manifest carries at most %(count)s summonses. Split it into several manifests.")
                % {"count": MAX_ROWS}
            )
        values = {c.key: "" for c in COLUMNS}
        for key, text in zip(keys, texts, strict=False):
            if key is not None:
                values[key] = text[: MAX_CELL + 1]
        rows.append(ManifestRow(number=number, values=values))
    if keys is None:
        raise _refuse(_("The manifest is empty. Fill in the template, one row per summons."))
    if not rows:
        raise _refuse(_("The manifest has a header but no rows. Add one row per summons."))
    return rows
