"""Helpers for the bulk-filing tests: a department with a deposit account, manifests and ZIPs."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Membership, Organisation, User
from icms.core.models import OutboxItem
from icms.core.outbox import outbox_item_run
from tests.factories import MembershipFactory, OrganisationFactory, StaffFactory
from tests.filing.pdf_corpus import good_pdf

HEADERS = [
    "department_reference",
    "magistracy",
    "defendant_name_en",
    "defendant_name_zh",
    "defendant_kind",
    "id_kind",
    "id_number",
    "address_for_service",
    "offence_en",
    "offence_zh",
    "ordinance",
    "section",
    "offence_date",
    "offence_place",
    "officer_reference",
    "pdf_filename",
]


@dataclass
class Department:
    organisation: Organisation
    user: User
    account: object | None = None


def department_make(*, balance: Decimal | None = Decimal("100000.00")) -> Department:
    from payments.services import deposit_account_open, deposit_top_up

    organisation = OrganisationFactory(
        type=Organisation.Type.GOVERNMENT,
        name_en="Food and Environmental Hygiene Department",
        name_zh="食物環境衞生署",
    )
    user = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    account = None
    if balance is not None:
        account = deposit_account_open(organisation=organisation)
        if balance:
            officer = StaffFactory(group="Accounts officer")
            deposit_top_up(account=account, amount=balance, reference="CHQ-1", officer=officer)
    return Department(organisation=organisation, user=user, account=account)


def row(number: int, **changes: str) -> dict[str, str]:
    values = {
        "department_reference": f"FEHD/2026/{number:05d}",
        "magistracy": "KCS",
        "defendant_name_en": f"CHAN Tai Man {number}",
        "defendant_name_zh": "陳大文",
        "defendant_kind": "person",
        "id_kind": "hkid",
        "id_number": "A123456(3)",
        "address_for_service": "Flat A, 10/F, 1 Nathan Road, Kowloon",
        "offence_en": "Depositing litter in a public place",
        "offence_zh": "在公眾地方棄置垃圾",
        "ordinance": "Cap. 570",
        "section": "s. 4(1)",
        "offence_date": "2026-11-30",
        "offence_place": "Outside 1 Nathan Road",
        "officer_reference": "PC 12345",
        "pdf_filename": f"summons-{number:05d}.pdf",
    }
    values.update(changes)
    return values


def manifest_csv(rows: list[dict[str, str]], *, headers: list[str] | None = None, name: str = "manifest.csv"):
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    keys = HEADERS
    writer.writerow(headers or keys)
    for values in rows:
        writer.writerow([values.get(key, "") for key in keys])
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def manifest_xlsx(rows: list[dict[str, str]], *, headers: list[str] | None = None, name: str = "manifest.xlsx"):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers or HEADERS)
    for values in rows:
        sheet.append([values.get(key, "") for key in HEADERS])
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


_PDF: bytes | None = None


def one_page_pdf() -> bytes:
    global _PDF
    if _PDF is None:
        _PDF = good_pdf(1)
    return _PDF


def pdf_zip(names: list[str], *, extra: dict[str, bytes] | None = None, name: str = "summonses.zip"):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename in names:
            archive.writestr(filename, one_page_pdf())
        for filename, data in (extra or {}).items():
            archive.writestr(filename, data)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/zip")


def bulk_work_run() -> list[str]:
    """Run every bulk-filing outbox row owed (continuations included), as a worker would."""
    from filing.bulk.services import BULK_FILE

    outcomes = []
    while True:
        due = list(OutboxItem.objects.filter(kind=BULK_FILE, state=OutboxItem.State.PENDING).order_by("pk"))
        if not due:
            return outcomes
        outcomes += [outbox_item_run(item.pk) for item in due]


def drafts_work_run() -> list[str]:
    """Run every removal of drafts' files owed (``filing.draft_files_delete``), as a worker would."""
    from filing.services.follow_up import DRAFT_FILES_DELETE

    due = OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE, state=OutboxItem.State.PENDING).order_by("pk")
    return [outbox_item_run(pk) for pk in list(due.values_list("pk", flat=True))]


def filed_meanwhile(monkeypatch: Any, reference: str) -> None:
    """The row with ``reference`` is refused at filing as a duplicate: another batch filed it meanwhile."""
    from filing.bulk import running

    real = running.submission_create

    def meanwhile_filed(**kwargs: Any) -> Any:
        if kwargs["details"].filer_reference == reference:
            raise ValidationError("already on a summons", code="duplicate_reference")
        return real(**kwargs)

    monkeypatch.setattr(running, "submission_create", meanwhile_filed)


def storage_fault_on(
    monkeypatch: Any, *references: str, message: str = "documents' store unreachable (test fault)"
) -> None:
    """Filing the rows with these ``references`` meets a storage fault (``OSError``): each fails, the batch stops."""
    from filing.bulk import running

    real = running.submission_create

    def storage_fault(**kwargs: Any) -> Any:
        if kwargs["details"].filer_reference in references:
            raise OSError(message)
        return real(**kwargs)

    monkeypatch.setattr(running, "submission_create", storage_fault)
