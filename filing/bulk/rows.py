"""Checking one manifest row's values, before anything is filed (the PDF is checked in :mod:`.pdfs`).

What a row becomes, once valid, is JSON for ``BulkItem.data``; the identity document
number in it is encrypted as ``Party.id_number`` is (icms.core.crypto), since it waits in
the batch until the summons is filed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone

from icms.core.crypto import decrypt, encrypt
from icms.core.time import HONG_KONG

from ..models import CaseType, Party
from ..party_ids import party_id_check, party_id_normalise
from ..services.filing_input import NewParty, SummonsInput
from .columns import COLUMNS, MAX_CELL
from .messages import row_error

# The longest each stored value may be (the models' max_length); the rest use MAX_CELL.
MAX_LENGTHS = {
    "department_reference": 60,
    "magistracy": 10,
    "defendant_name_en": 255,
    "defendant_name_zh": 255,
    "ordinance": 100,
    "section": 50,
    "offence_place": 255,
    "officer_reference": 60,
    "pdf_filename": 255,
}
KINDS = {
    "person": Party.Kind.PERSON,
    "人士": Party.Kind.PERSON,
    "個人": Party.Kind.PERSON,
    "company": Party.Kind.COMPANY,
    "公司": Party.Kind.COMPANY,
    "body": Party.Kind.COMPANY,
}
ID_KINDS = {
    "hkid": Party.IdKind.HKID,
    "香港身份證": Party.IdKind.HKID,
    "passport": Party.IdKind.PASSPORT,
    "護照": Party.IdKind.PASSPORT,
    "br": Party.IdKind.BUSINESS_REGISTRATION,
    "商業登記證": Party.IdKind.BUSINESS_REGISTRATION,
    "other": Party.IdKind.OTHER,
    "其他": Party.IdKind.OTHER,
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")


@dataclass
class RowCheck:
    """One row's outcome: its errors (codes), or the data to file it with."""

    number: int
    reference: str
    pdf_filename: str
    errors: list[dict[str, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return not self.errors


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def offence_date_parse(text: str) -> tuple[date | None, str]:
    """The date written as YYYY-MM-DD or DD/MM/YYYY, or (None, a suggestion of how to write it)."""
    iso, dmy = _ISO.fullmatch(text), _DMY.fullmatch(text)
    if iso:
        year, month, day = (int(g) for g in iso.groups())
    elif dmy:
        day, month, year = (int(g) for g in dmy.groups())
    else:
        return None, ""
    found = _date(year, month, day)
    if found is not None:
        return found, ""
    swapped = _date(year, day, month)  # 2026-13-01: the day and the month changed places
    return None, swapped.isoformat() if swapped else ""


def _summons_prefixes() -> dict[str, CaseType]:
    from ..services.summonses import is_summons_case_type

    return {
        case_type.prefix: case_type
        for case_type in CaseType.objects.select_related("court")
        if is_summons_case_type(case_type)
    }


class RowChecker:
    """Checks rows one by one; the summons courts are looked up once."""

    def __init__(self) -> None:
        self.courts = _summons_prefixes()
        self.today = timezone.now().astimezone(HONG_KONG).date()

    def check(self, number: int, values: dict[str, str]) -> RowCheck:
        row = RowCheck(
            number=number,
            reference=values.get("department_reference", "").strip()[:60],
            pdf_filename=values.get("pdf_filename", "").strip()[:255],
        )
        errors = row.errors
        for column in COLUMNS:
            text = values.get(column.key, "").strip()
            if column.required and not text:
                errors.append(row_error("required", column=column.key))
            elif len(text) > MAX_LENGTHS.get(column.key, MAX_CELL):
                errors.append(row_error("too_long", column=column.key, max=MAX_LENGTHS.get(column.key, MAX_CELL)))
        if errors:
            # A required value missing or too long: the other checks would only repeat it.
            return row
        magistracy = values["magistracy"].strip().upper()
        if magistracy not in self.courts:
            errors.append(
                row_error("magistracy_unknown", value=values["magistracy"], choices=", ".join(sorted(self.courts)))
            )
        offence_date, suggestion = offence_date_parse(values["offence_date"].strip())
        if offence_date is None:
            errors.append(row_error("date_invalid", value=values["offence_date"], suggestion=suggestion))
        elif offence_date > self.today:
            errors.append(row_error("date_future", value=values["offence_date"]))
        name_en, name_zh = values["defendant_name_en"].strip(), values["defendant_name_zh"].strip()
        if not (name_en or name_zh):
            errors.append(row_error("name_missing"))
        kind_text = values["defendant_kind"].strip().lower()
        kind = KINDS.get(kind_text, Party.Kind.PERSON if not kind_text else None)
        if kind is None:
            errors.append(row_error("kind_unknown", value=values["defendant_kind"]))
        id_kind, id_number = self._identity(values, errors)
        if errors:
            return row
        assert offence_date is not None and kind is not None  # noqa: S101 - no errors means both were found
        row.data = {
            "magistracy": magistracy,
            "defendant": {
                "name_en": name_en,
                "name_zh": name_zh,
                "kind": str(kind),
                "address_for_service": values["address_for_service"].strip(),
                "id_kind": id_kind,
                "id_number": encrypt(id_number) if id_number else "",
            },
            "summons": {
                "offence_en": values["offence_en"].strip(),
                "offence_zh": values["offence_zh"].strip(),
                "ordinance": values["ordinance"].strip(),
                "section": values["section"].strip(),
                "offence_date": offence_date.isoformat(),
                "offence_place": values["offence_place"].strip(),
                "officer_reference": values["officer_reference"].strip(),
            },
        }
        return row

    def _identity(self, values: dict[str, str], errors: list[dict[str, Any]]) -> tuple[str, str]:
        kind_text = values["id_kind"].strip()
        number = values["id_number"].strip()
        id_kind = ID_KINDS.get(kind_text.lower(), "") if kind_text else ""
        if kind_text and not id_kind:
            errors.append(row_error("id_kind_unknown", value=kind_text))
            return "", ""
        if number and not id_kind:
            errors.append(row_error("id_kind_missing"))
            return "", ""
        if id_kind and not number:
            errors.append(row_error("id_number_missing"))
            return "", ""
        if not id_kind:
            return "", ""
        try:
            party_id_check(id_kind, number)
        except ValidationError:
            errors.append(row_error("id_invalid", kind=str(id_kind)))
            return "", ""
        return str(id_kind), party_id_normalise(id_kind, number)


def defendant_of(data: dict[str, Any]) -> NewParty:
    """The defendant a checked row names (its identity number decrypted for the filing)."""
    defendant = data["defendant"]
    return NewParty(
        name_en=defendant["name_en"],
        name_zh=defendant["name_zh"],
        kind=defendant["kind"],
        address_for_service=defendant["address_for_service"],
        id_kind=defendant["id_kind"],
        id_number=decrypt(defendant["id_number"]) if defendant["id_number"] else "",
    )


def summons_of(data: dict[str, Any], *, reference: str) -> SummonsInput:
    summons = data["summons"]
    return SummonsInput(
        offence_en=summons["offence_en"],
        offence_zh=summons["offence_zh"],
        ordinance=summons["ordinance"],
        section=summons["section"],
        offence_date=date.fromisoformat(summons["offence_date"]),
        offence_place=summons["offence_place"],
        department_reference=reference,
        officer_reference=summons["officer_reference"],
    )
