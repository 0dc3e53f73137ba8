"""Reading and checking a bulk-filing manifest: CSV and XLSX, English and Chinese headers, each kind
of row error with its row number and fix, the templates, and the ZIP's guards."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from filing.bulk import pdfs as bulk_pdfs
from filing.bulk.columns import COLUMNS
from filing.bulk.manifest import ManifestRefused, manifest_read
from filing.bulk.messages import error_text
from filing.bulk.pdfs import UploadRefused, pdfs_store
from filing.bulk.rows import RowChecker, offence_date_parse
from filing.bulk.services import bulk_batch_create
from filing.bulk.template_files import template_csv, template_xlsx
from filing.models import BulkItem
from tests.filing.bulk_support import (
    HEADERS,
    department_make,
    manifest_csv,
    manifest_xlsx,
    one_page_pdf,
    pdf_zip,
    row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    """An Organisation User of a government department whose deposit account holds HK$100,000."""
    return department_make()


CHINESE = [column.header_zh for column in COLUMNS]


def test_a_csv_with_english_headers_is_read_row_by_row_numbered_as_the_spreadsheet():
    manifest = manifest_read(manifest_csv([row(1), row(2)]), filename="m.csv")
    assert manifest.kind == "csv"
    assert [r.number for r in manifest.rows] == [2, 3]
    assert manifest.rows[0].values["department_reference"] == "FEHD/2026/00001"


def test_an_xlsx_with_chinese_headers_is_read_the_same():
    manifest = manifest_read(manifest_xlsx([row(1)], headers=CHINESE), filename="m.xlsx")
    assert manifest.kind == "xlsx"
    assert manifest.rows[0].values == row(1)


def test_a_csv_saved_by_excel_in_big5_with_chinese_headers_is_read():
    text = ",".join(CHINESE) + "\r\n" + ",".join(row(1).values()) + "\r\n"
    upload = SimpleUploadedFile("m.csv", text.encode("big5hkscs"))
    assert manifest_read(upload, filename="m.csv").rows[0].values["defendant_name_zh"] == "陳大文"


def test_a_date_cell_of_an_xlsx_is_read_as_a_date():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(HEADERS)
    naive = datetime(2026, 11, 30)  # noqa: DTZ001 - a spreadsheet's date has no zone
    workbook.active.append([naive if key == "offence_date" else v for key, v in row(1).items()])
    out = io.BytesIO()
    workbook.save(out)
    manifest = manifest_read(SimpleUploadedFile("m.xlsx", out.getvalue()), filename="m.xlsx")
    assert manifest.rows[0].values["offence_date"] == "2026-11-30"


@pytest.mark.parametrize(
    ("upload", "filename", "says"),
    [
        (b"", "m.csv", "The manifest is empty."),
        (b"a,b", "m.txt", "must be a CSV file (.csv) or an Excel workbook (.xlsx)"),
        (",".join(HEADERS).encode(), "m.csv", "has a header but no rows"),
        (b"reference,court\r\nX,KCS\r\n", "m.csv", "columns we do not know: reference, court"),
        (",".join(HEADERS[1:]).encode() + b"\r\nx", "m.csv", "lacks a required column: department_reference"),
        (b"not a zip", "m.xlsx", "The Excel file cannot be opened."),
    ],
)
def test_a_manifest_that_cannot_be_read_is_refused_with_what_to_do(upload, filename, says):
    with pytest.raises(ManifestRefused) as refused:
        manifest_read(SimpleUploadedFile(filename, upload), filename=filename)
    assert says in refused.value.messages[0]


def test_the_templates_are_read_back_with_their_headers_and_no_rows():
    for language in ("en", "zh"):
        for kind, body in (("csv", template_csv(language=language)), ("xlsx", template_xlsx(language=language))):
            with pytest.raises(ManifestRefused, match="header but no rows"):
                manifest_read(SimpleUploadedFile(f"t.{kind}", body), filename=f"t.{kind}")


def _errors(**changes: str) -> list[str]:
    check = RowChecker().check(7, row(7, **changes))
    return [error_text(error, row=check.number) for error in check.errors]


@time_machine.travel(datetime(2026, 12, 1, 10, 0, tzinfo=ZoneInfo("Asia/Hong_Kong")), tick=False)
@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"offence_date": "2026-13-01"}, "Row 7: the offence date 2026-13-01 is not a date. Write it as 2026-01-13."),
        ({"offence_date": "yesterday"}, "Write it as YYYY-MM-DD, for example 2026-01-13."),
        ({"offence_date": "2026-12-02"}, "Row 7: the offence date 2026-12-02 is in the future."),
        ({"offence_place": ""}, "Row 7: the column offence_place (犯罪地點) is empty. Fill it in."),
        ({"ordinance": "x" * 101}, "is longer than 100 characters"),
        (
            {"magistracy": "DCCJ"},
            "Row 7: DCCJ is not a summons court. Write one of ESS, FLS, KCS, KTS, STS, TMS, WKS.",
        ),
        ({"defendant_name_en": "", "defendant_name_zh": ""}, "the defendant has no name"),
        ({"defendant_kind": "animal"}, "the defendant kind animal is not known"),
        ({"id_kind": "licence"}, "the identity document kind licence is not known"),
        ({"id_kind": ""}, "an identity document number is given without its kind"),
        ({"id_number": ""}, "the identity document kind is given without its number"),
        ({"id_number": "A123456(4)"}, "is not a valid Hong Kong identity card number"),
    ],
)
def test_each_kind_of_row_error_names_the_row_and_the_fix(changes, message):
    errors = _errors(**changes)
    assert len(errors) == 1 and message in errors[0], errors


def test_both_date_forms_are_accepted():
    assert str(offence_date_parse("30/11/2026")[0]) == "2026-11-30"
    assert str(offence_date_parse("2026-11-30")[0]) == "2026-11-30"
    assert RowChecker().check(2, row(2, offence_date="30/11/2026")).valid


def test_a_row_error_reads_in_the_readers_language():
    check = RowChecker().check(7, row(7, offence_date="2026-13-01"))
    with translation.override("zh-hant"):
        text = error_text(check.errors[0], row=7)
    assert text.startswith("第7行：") and "2026-13-01" in text and "2026-01-13" in text


def test_the_same_reference_or_pdf_on_two_rows_and_a_missing_or_bad_pdf_are_told_per_row(department, document_storage):
    rows = [
        row(1),
        row(2, department_reference="FEHD/2026/00001"),
        row(3, pdf_filename="summons-00001.pdf"),
        row(4, pdf_filename="absent.pdf"),
        row(5, pdf_filename="not-a-pdf.pdf"),
    ]
    upload = pdf_zip(["summons-00001.pdf", "summons-00002.pdf"], extra={"not-a-pdf.pdf": b"hello"})
    batch = bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[upload])
    texts = {
        item.row_number: [error_text(e, row=item.row_number) for e in item.errors]
        for item in BulkItem.objects.filter(batch=batch)
    }
    assert texts[2] == [
        "Row 2: the reference FEHD/2026/00001 is also on row 3. Give each summons its own reference.",
        "Row 2: the PDF summons-00001.pdf is also named on row 4. Each summons needs its own PDF.",
    ]
    assert texts[3][0] == "Row 3: the reference FEHD/2026/00001 is also on row 2. Give each summons its own reference."
    assert texts[5] == [
        "Row 5: the PDF absent.pdf is not in the upload. Add it to the ZIP or to the files, or correct its name."
    ]
    assert texts[6][0].startswith("Row 6: the PDF not-a-pdf.pdf was refused: This file is not a PDF")
    assert not BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).exists()
    assert not list(document_storage.rglob("*.pdf"))  # nothing of a batch with no valid row is kept


def test_pdfs_may_be_several_files_instead_of_a_zip(department, document_storage):
    files = [SimpleUploadedFile(f"summons-0000{n}.pdf", one_page_pdf()) for n in (1, 2)]
    batch = bulk_batch_create(user=department.user, manifest=manifest_csv([row(1), row(2)]), files=files)
    assert BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).count() == 2


def _zip(entries: dict[str, bytes]) -> SimpleUploadedFile:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return SimpleUploadedFile("upload.zip", out.getvalue())


@pytest.mark.parametrize("name", ["../evil.pdf", "/etc/evil.pdf", "a/../../evil.pdf", "C:/evil.pdf"])
def test_a_zip_with_a_name_that_leaves_its_folder_is_refused(db, document_storage, name):
    with pytest.raises(UploadRefused, match="leaves its folder"):
        pdfs_store(files=[_zip({"ok.pdf": one_page_pdf(), name: one_page_pdf()})], wanted={"ok.pdf"})
    assert not list(document_storage.rglob("*.pdf"))


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(db, document_storage):
    with pytest.raises(UploadRefused, match="far more than its packed size"):
        pdfs_store(files=[_zip({"bomb.pdf": b"\0" * (8 * 1024 * 1024)})], wanted={"bomb.pdf"})


def test_a_zip_with_too_many_members_is_refused(db, document_storage, monkeypatch):
    monkeypatch.setattr(bulk_pdfs, "MAX_MEMBERS", 3)
    with pytest.raises(UploadRefused, match="more than 3 files"):
        pdfs_store(files=[_zip({f"{n}.pdf": b"x" for n in range(4)})], wanted=set())


def test_a_zip_that_unpacks_to_too_much_is_refused(db, document_storage, monkeypatch):
    monkeypatch.setattr(bulk_pdfs, "MAX_UNPACKED", 100)
    with pytest.raises(UploadRefused, match="unpacks to more than"):
        pdfs_store(files=[_zip({"a.pdf": one_page_pdf()})], wanted={"a.pdf"})
