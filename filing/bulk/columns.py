"""The columns of a bulk-filing manifest: the one list the parser, the templates and the help page read.

A manifest is a CSV or XLSX file with one header row and one row per summons. A header
may be written in English (the column's key, such as ``offence_date``) or in Chinese
(``犯罪日期``); case, spaces and full-width brackets do not matter. docs/bulk-filing.md
lists the same columns.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Column:
    key: str
    header_zh: str
    required: bool
    description: Promise
    example: str


COLUMNS: tuple[Column, ...] = (
    Column(
        "department_reference",
        "部門參考編號",
        True,
        _("Your department's own reference for the summons, at most 60 characters. Each summons has its own."),
        "FEHD/HYG/2026/000123",
    ),
    Column(
        "magistracy",
        "法院",
        True,
        _("The summons court's case number prefix: ESS, KCS, KTS, WKS, STS, FLS or TMS."),
        "KCS",
    ),
    Column(
        "defendant_name_en",
        "被告人英文姓名",
        False,
        _("The defendant's name in English. Give the English or the Chinese name, or both."),
        "CHAN Tai Man",
    ),
    Column("defendant_name_zh", "被告人中文姓名", False, _("The defendant's name in Chinese."), "陳大文"),
    Column(
        "defendant_kind",
        "被告人類別",
        False,
        _("person or company (人士 or 公司). Empty means a person."),
        "person",
    ),
    Column(
        "id_kind",
        "身份證明文件類別",
        False,
        _("hkid, passport, br (business registration) or other; empty if no document is given."),
        "hkid",
    ),
    Column(
        "id_number",
        "身份證明文件號碼",
        False,
        _("The document's number; a Hong Kong identity card number is checked by its check digit."),
        "A123456(3)",
    ),
    Column(
        "address_for_service",
        "送達地址",
        True,
        _("The defendant's address for service of the summons."),
        "Flat A, 10/F, 1 Nathan Road, Tsim Sha Tsui, Kowloon",
    ),
    Column("offence_en", "控罪（英文）", True, _("The offence in English, as the information states it."), ""),
    Column("offence_zh", "控罪（中文）", False, _("The offence in Chinese."), ""),
    Column("ordinance", "條例", True, _("The chapter of the law, for example Cap. 132."), "Cap. 570"),
    Column("section", "條文", True, _("The section that creates the offence, for example s. 4."), "s. 4(1)"),
    Column(
        "offence_date",
        "犯罪日期",
        True,
        _("The date of the offence, as YYYY-MM-DD or DD/MM/YYYY; not in the future."),
        "2026-11-30",
    ),
    Column(
        "offence_place", "犯罪地點", True, _("Where the offence happened."), "Outside 1 Nathan Road, Tsim Sha Tsui"
    ),
    Column(
        "officer_reference", "人員參考編號", False, _("The reference of the officer in charge, if any."), "PC 12345"
    ),
    Column(
        "pdf_filename",
        "傳票PDF檔案名稱",
        True,
        _("The file name of the summons PDF in the upload (in the ZIP, or one of the files chosen)."),
        "FEHD-HYG-2026-000123.pdf",
    ),
)

EXAMPLE_OFFENCE_EN = "Depositing litter in a public place"
EXAMPLE_OFFENCE_ZH = "在公眾地方棄置垃圾"

#: The longest value a cell may hold: longer is refused (no column needs more).
MAX_CELL = 2000

_BY_KEY = {column.key: column for column in COLUMNS}


def normalise_header(text: object) -> str:
    """A header as it is compared: NFKC (full-width brackets become ASCII), no spaces, lower case."""
    value = unicodedata.normalize("NFKC", str(text if text is not None else ""))
    return re.sub(r"[\s_\-]+", "", value).lower()


_HEADERS: dict[str, str] = {}
for _column in COLUMNS:
    _HEADERS[normalise_header(_column.key)] = _column.key
    _HEADERS[normalise_header(_column.header_zh)] = _column.key


def column_for_header(text: object) -> str | None:
    """The column key a header names, in English or Chinese; None for a header we do not know."""
    return _HEADERS.get(normalise_header(text))


def column(key: str) -> Column:
    return _BY_KEY[key]


def example_row() -> dict[str, str]:
    values = {c.key: c.example for c in COLUMNS}
    values["offence_en"] = EXAMPLE_OFFENCE_EN
    values["offence_zh"] = EXAMPLE_OFFENCE_ZH
    return values
