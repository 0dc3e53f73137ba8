"""Why a bulk row was not filed, as the filer reads it: in their language, never the fault's own text.

``BulkItem.last_error`` stays the staff's record (the exception, the refusal in the worker's
language); the batch page shows ``BulkItem.reason``, rendered in every language the portal
ships when the row failed (filing/bulk/reasons.py).
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from filing.bulk import running
from filing.bulk.reasons import FAULT, NOT_RECORDED, refusal_reason
from filing.bulk.services import bulk_batch_create, bulk_batch_file, bulk_batch_resume
from filing.models import BulkBatch, BulkItem, SummonsDetails
from filing.party_ids import party_id_check
from filing.services.filing_input import SubmissionRefused
from tests.factories import CaseFactory
from tests.filing.bulk_support import bulk_work_run, department_make, manifest_csv, pdf_zip, row

pytestmark = pytest.mark.django_db

SECRET = "documents' store at /srv/secret/path on db-internal.judiciary.local unreachable"
CHANGED_EN = "A document of this draft is no longer as it was uploaded."
CHANGED_ZH = "此草稿的一份文件已與上載時不同"


@pytest.fixture
def department(db):
    return department_make()


def _page(user, batch: BulkBatch, language: str) -> str:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    with translation.override("en"):  # LocaleMiddleware leaves the request's language active in this thread
        response = client.get(reverse("filing:bulk_batch", args=[batch.pk]))
    assert response.status_code == 200
    return response.content.decode()


def _in(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


def _uploaded(department, rows) -> BulkBatch:
    return bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )


def _filed(department, batch: BulkBatch) -> BulkBatch:
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    return batch


def test_a_fault_is_recorded_for_staff_and_the_filer_reads_a_fixed_text_in_either_language(
    department, document_storage, outbox_held, monkeypatch
):
    batch = _uploaded(department, [row(1)])
    real = running.submission_create

    def storage_fault(**kwargs):
        raise OSError(SECRET)

    monkeypatch.setattr(running, "submission_create", storage_fault)
    batch = _filed(department, batch)
    monkeypatch.setattr(running, "submission_create", real)
    assert batch.status == BulkBatch.Status.INTERRUPTED
    item = BulkItem.objects.get(batch=batch)
    assert item.status == BulkItem.Status.FAILED
    assert item.last_error == f"OSError: {SECRET}"  # the staff's record, as before
    assert set(item.reason) == {"en", "zh-hant"}

    for language in ("en", "zh-hant"):
        page = _page(department.user, batch, language)
        assert "/srv/secret/path" not in page and "db-internal" not in page and "OSError" not in page
        assert page.count(_in(language, FAULT)) == 2  # the failed rows' list and the rows' table
    assert "A fault in the portal stopped this row being filed." in _page(department.user, batch, "en")

    # Resumed and filed: nothing of why it failed is left on the row.
    bulk_batch_resume(batch=batch, user=department.user)
    bulk_work_run()
    item.refresh_from_db()
    assert item.status == BulkItem.Status.FILED and item.last_error == "" and item.reason == {}


@pytest.mark.parametrize("worker_language", ["en", "zh-hant"])
def test_a_refusal_is_shown_in_the_language_of_the_page_not_the_workers(
    department, document_storage, outbox_held, worker_language
):
    department.user.preferred_language = worker_language  # the worker files in the filer's preferred language
    department.user.save(update_fields=["preferred_language"])
    batch = _uploaded(department, [row(1)])
    item = BulkItem.objects.get(batch=batch)
    with open(document_storage.parent / "drafts" / item.pdf_storage_key, "ab") as handle:
        handle.write(b"\n% changed since it was checked\n")
    batch = _filed(department, batch)
    assert batch.status == BulkBatch.Status.INTERRUPTED

    chinese = _page(department.user, batch, "zh-hant")
    assert CHANGED_ZH in chinese and CHANGED_EN not in chinese
    english = _page(department.user, batch, "en")
    assert CHANGED_EN in english and CHANGED_ZH not in english


def test_a_reference_filed_meanwhile_is_told_with_its_reference_in_each_language(
    department, document_storage, outbox_held
):
    """The duplicate's message has a parameter: it must reach the row still lazy to be worded twice."""
    batch = _uploaded(department, [row(1)])
    reference = row(1)["department_reference"]
    SummonsDetails.objects.create(  # filed through the web form after the batch was checked
        case=CaseFactory(),
        offence_en="Littering",
        ordinance="Cap. 570",
        section="s. 4(1)",
        offence_date="2026-11-30",
        offence_place="Nathan Road",
        prosecutor=department.organisation,
        department_reference=reference,
    )
    batch = _filed(department, batch)
    item = BulkItem.objects.get(batch=batch)
    assert item.status == BulkItem.Status.DUPLICATE
    assert item.data == {}  # never filed: the defendant's details go, as for a row dropped
    assert item.reason["en"] == f"Your department's reference {reference} is already on another summons."
    assert item.reason["zh-hant"] == f"貴部門的參考編號 {reference} 已用於另一張傳票。"
    assert f"貴部門的參考編號 {reference} 已用於另一張傳票。" in _page(department.user, batch, "zh-hant")


def test_an_invalid_id_refused_by_the_filing_is_worded_in_each_language():
    with pytest.raises(ValidationError) as raised:
        party_id_check("hkid", "A123456(4)")
    reason = refusal_reason(SubmissionRefused.first_of(raised.value))
    assert reason["en"].startswith("Enter a valid HKID number")
    assert reason["zh-hant"].startswith("請輸入有效的香港身份證號碼")


def test_a_row_that_failed_before_reasons_were_kept_shows_a_generic_text_not_its_record(
    department, document_storage, outbox_held
):
    batch = _uploaded(department, [row(1)])
    BulkItem.objects.filter(batch=batch).update(status=BulkItem.Status.FAILED, last_error=f"OSError: {SECRET}")
    BulkBatch.objects.filter(pk=batch.pk).update(status=BulkBatch.Status.INTERRUPTED)
    for language in ("en", "zh-hant"):
        page = _page(department.user, batch, language)
        assert "/srv/secret/path" not in page and "OSError" not in page
        assert _in(language, NOT_RECORDED) in page


def test_a_reason_missing_in_the_readers_language_falls_back_to_english(department, document_storage):
    from filing.bulk.reasons import reason_for

    batch = _uploaded(department, [row(1)])
    item = BulkItem.objects.get(batch=batch)
    item.reason = {"en": "Refused in English only."}
    assert reason_for(item, "zh-hant") == "Refused in English only."
    item.reason = {"en": "In English.", "zh-hant": "中文。"}
    assert reason_for(item, "zh-hant") == "中文。" and reason_for(item, "en") == "In English."
    item.reason = {}
    with translation.override("en"):
        assert reason_for(item, "en") == str(NOT_RECORDED)
