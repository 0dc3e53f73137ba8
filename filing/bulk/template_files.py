"""The manifest templates, made on request from :mod:`.columns` (never a static file that could drift).

``csv``: the header row only, UTF-8 with a byte-order mark so that Excel reads Chinese.
``xlsx``: the header row on the first sheet (the one that is read), with a second sheet
describing each column with an example. Headers are the English keys or the Chinese names.
"""

from __future__ import annotations

import csv
import io

from django.utils import translation
from django.utils.translation import gettext

from .columns import COLUMNS, example_row

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _headers(language: str) -> list[str]:
    return [column.header_zh if language == "zh" else column.key for column in COLUMNS]


def template_csv(*, language: str) -> bytes:
    out = io.StringIO(newline="")
    csv.writer(out).writerow(_headers(language))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def template_xlsx(*, language: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    if sheet is None:
        raise RuntimeError("A new workbook has an active sheet.")
    with translation.override("zh-hant" if language == "zh" else "en"):
        sheet.title = gettext("Summonses")
        sheet.append(_headers(language))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
            # Text, so that Excel keeps references, ID numbers and dates as typed.
        for index, column in enumerate(COLUMNS, start=1):
            letter = sheet.cell(row=1, column=index).column_letter
            sheet.column_dimensions[letter].width = max(16, len(column.key) + 4)
            for row in range(2, 1002):
                sheet.cell(row=row, column=index).number_format = "@"
        sheet.freeze_panes = "A2"
        guide = workbook.create_sheet(gettext("Columns"))
        guide.append(
            [
                gettext("Column (English)"),
                gettext("Column (Chinese)"),
                gettext("Required"),
                gettext("What to write"),
                gettext("Example"),
            ]
        )
        for cell in guide[1]:
            cell.font = Font(bold=True)
        example = example_row()
        for column in COLUMNS:
            guide.append(
                [
                    column.key,
                    column.header_zh,
                    gettext("Yes") if column.required else gettext("No"),
                    str(column.description),
                    example[column.key],
                ]
            )
        guide.column_dimensions["A"].width = 24
        guide.column_dimensions["B"].width = 20
        guide.column_dimensions["D"].width = 80
        guide.column_dimensions["E"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
