"""Bulk filing of summonses (issue 15, part 2): a 500-row batch with 3 bad rows files 497 and reports 3
with their fixes; the same manifest again files nothing twice; an interrupted batch resumes without
duplicates; one deposit payment covers the batch; not enough in the account files nothing."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection

from filing.bulk.messages import error_text
from filing.bulk.services import BulkRefused, bulk_batch_cancel, bulk_batch_create, bulk_batch_file, bulk_batch_resume
from filing.models import BulkBatch, BulkItem, Submission, SummonsDetails
from icms.core.models import AuditEvent
from payments.models import LedgerEntry, PaymentOrder
from payments.services import PaymentRefused, balance_of
from tests.factories import MembershipFactory
from tests.filing.bulk_support import (
    bulk_work_run,
    department_make,
    drafts_work_run,
    manifest_csv,
    pdf_zip,
    row,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def department(db):
    """An Organisation User of a government department whose deposit account holds HK$100,000."""
    return department_make()


E_FEE = Decimal("80.00")  # MC-SUMMONS: HK$100, 80% in the concession period (Cap. 638F)


def five_hundred_with_three_bad() -> tuple[list[dict[str, str]], list[str]]:
    rows = [row(n) for n in range(1, 501)]
    rows[6] = row(7, offence_date="2026-13-01")  # spreadsheet row 8
    rows[99] = row(100, id_number="A123456(4)")  # a wrong check digit; row 101
    rows[299] = row(300, pdf_filename="missing.pdf")  # row 301
    pdfs = [values["pdf_filename"] for values in rows if values["pdf_filename"] != "missing.pdf"]
    return rows, pdfs


def test_500_rows_with_3_bad_file_497_and_again_nothing_twice(
    department, document_storage, outbox_held, in_the_concession_period
):
    rows, pdfs = five_hundred_with_three_bad()
    started = time.monotonic()
    batch = bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[pdf_zip(pdfs)])
    checked = time.monotonic()

    assert batch.status == BulkBatch.Status.CHECKED
    assert batch.rows_total == 500 and batch.rows_invalid == 3
    assert BulkItem.objects.filter(batch=batch, status=BulkItem.Status.PENDING).count() == 497
    bad = {item.row_number: item for item in BulkItem.objects.filter(batch=batch, status=BulkItem.Status.INVALID)}
    assert sorted(bad) == [8, 101, 301]
    assert [error_text(e, row=8) for e in bad[8].errors] == [
        "Row 8: the offence date 2026-13-01 is not a date. Write it as 2026-01-13."
    ]
    assert "check digit" in error_text(bad[101].errors[0], row=101)
    assert error_text(bad[301].errors[0], row=301).startswith("Row 301: the PDF missing.pdf is not in the upload.")
    # Nothing is filed or paid by checking; the PDFs wait in the drafts' store, the bad rows' not kept.
    assert not Submission.objects.exists() and not PaymentOrder.objects.exists()
    assert not list(document_storage.rglob("*.pdf"))
    drafts_work_run()
    assert sum(1 for p in (document_storage.parent / "drafts").rglob("*.pdf")) == 497

    bulk_batch_file(batch=batch, user=department.user)
    assert set(bulk_work_run()) == {"done"}
    filed = time.monotonic()

    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 497
    assert Submission.objects.count() == 497
    assert SummonsDetails.objects.filter(prosecutor=department.organisation).count() == 497
    # One deposit payment covers the batch: one order, one debit, each summons marked paid by it.
    order = PaymentOrder.objects.get()
    assert order.reference == batch.payment_reference and order.status == PaymentOrder.Status.PAID
    assert order.amount == 497 * E_FEE and len(order.lines) == 497
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.FEE).count() == 1
    assert balance_of(department.account) == Decimal("100000.00") - 497 * E_FEE
    assert set(Submission.objects.values_list("payment_reference", flat=True)) == {order.reference}
    # Each submission is received as a single filing is: deemed receipt, acknowledgement, audit.
    assert not Submission.objects.filter(deemed_received_at__isnull=True).exists()
    assert AuditEvent.objects.filter(event_type="filing.submission_received").count() == 497
    item = BulkItem.objects.select_related("submission__case__summons").get(batch=batch, row_number=2)
    assert item.submission.case.summons.department_reference == "FEHD/2026/00001"
    assert item.submission.case.parties.get(side="respondent").id_number == "A1234563"
    # Each PDF is in the documents' store now, and nothing is left in the drafts' store.
    assert sum(1 for p in (document_storage / "documents").rglob("*.pdf")) == 497
    drafts_work_run()
    assert not list((document_storage.parent / "drafts").rglob("*.pdf"))

    again = bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[pdf_zip(pdfs)])
    assert BulkItem.objects.filter(batch=again, status=BulkItem.Status.DUPLICATE).count() == 497
    assert BulkItem.objects.filter(batch=again, status=BulkItem.Status.INVALID).count() == 3
    duplicate = BulkItem.objects.get(batch=again, row_number=2)
    assert error_text(duplicate.errors[0]) == (
        f"the reference FEHD/2026/00001 is already on summons {item.submission.reference}. It is not filed again."
    )
    with pytest.raises(BulkRefused):
        bulk_batch_file(batch=again, user=department.user)
    assert Submission.objects.count() == 497 and PaymentOrder.objects.count() == 1
    print(f"\n500 rows: checked in {checked - started:.1f} s, filed in {filed - checked:.1f} s")


def _fault_on(reference: str) -> None:
    """A real database fault for one row: a trigger that refuses its summons details."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE FUNCTION bulk_test_fault() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.department_reference = %s THEN RAISE EXCEPTION 'disk full (test fault)'; END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER bulk_test_fault BEFORE INSERT ON filing_summonsdetails
              FOR EACH ROW EXECUTE FUNCTION bulk_test_fault();
            """,
            [reference],
        )


def _fault_off() -> None:
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER bulk_test_fault ON filing_summonsdetails; DROP FUNCTION bulk_test_fault();")


def test_an_interrupted_batch_resumes_without_duplicates(department, document_storage, outbox_held):
    rows = [row(n) for n in range(1, 21)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    _fault_on("FEHD/2026/00012")
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.INTERRUPTED
    assert batch.rows_filed == 11 and Submission.objects.count() == 11
    failed = BulkItem.objects.get(batch=batch, department_reference="FEHD/2026/00012")
    assert failed.status == BulkItem.Status.FAILED and "disk full" in failed.last_error
    # The defendant's details wait in a row only until it is filed: the failed row keeps them
    # for the resume; a filed row's case holds them, and the row keeps no second copy.
    assert failed.data["defendant"]["name_en"] == "CHAN Tai Man 12"
    filed = BulkItem.objects.filter(batch=batch, status=BulkItem.Status.FILED)
    assert filed.count() == 11 and not filed.exclude(data={}).exists()
    # A worker that died after filing row 13 but before recording it: the row still says "filing".
    _fault_off()
    bulk_batch_resume(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 20
    assert Submission.objects.count() == 20
    assert SummonsDetails.objects.values("department_reference").distinct().count() == 20
    assert not BulkItem.objects.filter(batch=batch).exclude(data={}).exists()
    refiled = BulkItem.objects.select_related("submission__case").get(pk=failed.pk)
    assert refiled.submission.case.parties.filter(name_en="CHAN Tai Man 12").exists()
    assert PaymentOrder.objects.count() == 1  # the resume pays nothing again
    events = AuditEvent.objects.filter(target_id=str(batch.pk), event_type__startswith="filing.bulk_batch")
    assert list(events.order_by("pk").values_list("event_type", flat=True)) == [
        "filing.bulk_batch_checked",
        "filing.bulk_batch_started",
        "filing.bulk_batch_interrupted",
        "filing.bulk_batch_resumed",
        "filing.bulk_batch_finished",
    ]


def test_a_row_filed_before_a_worker_died_is_found_not_filed_again(department, document_storage, outbox_held):
    from filing.bulk.running import bulk_item_file

    rows = [row(n) for n in range(1, 4)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    bulk_batch_file(batch=batch, user=department.user)
    batch.refresh_from_db()
    first = BulkItem.objects.get(batch=batch, row_number=2)
    waiting = first.data
    assert bulk_item_file(item_id=first.pk, batch=batch, courts={}) == "filed"
    # The worker died between the submission's commit and the row's: the row is claimable again,
    # still holding what it waited with (recording it as filed is what lets the details go).
    BulkItem.objects.filter(pk=first.pk).update(status=BulkItem.Status.FAILED, submission=None, data=waiting)
    BulkBatch.objects.filter(pk=batch.pk).update(rows_filed=0)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED
    assert Submission.objects.count() == 3
    first.refresh_from_db()
    assert first.status == BulkItem.Status.FILED and first.submission is not None


def test_not_enough_in_the_deposit_account_files_nothing(db, document_storage, outbox_held):
    poor = department_make(balance=Decimal("100.00"))
    rows = [row(n) for n in range(1, 4)]
    batch = bulk_batch_create(
        user=poor.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    with pytest.raises(PaymentRefused) as refused:
        bulk_batch_file(batch=batch, user=poor.user)
    assert "not enough to pay HK$240.00" in refused.value.messages[0]
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.CHECKED and not batch.payment_reference
    assert not PaymentOrder.objects.exists() and not Submission.objects.exists()
    assert balance_of(poor.account) == Decimal("100.00")


def test_a_cancelled_batch_frees_its_references_and_deletes_its_pdfs(department, document_storage):
    rows = [row(n) for n in range(1, 3)]
    names = [r["pdf_filename"] for r in rows]
    batch = bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[pdf_zip(names)])
    bulk_batch_cancel(batch=batch, user=department.user)
    assert set(BulkItem.objects.filter(batch=batch).values_list("status", flat=True)) == {"cancelled"}
    again = bulk_batch_create(user=department.user, manifest=manifest_csv(rows), files=[pdf_zip(names)])
    assert BulkItem.objects.filter(batch=again, status=BulkItem.Status.PENDING).count() == 2


def test_only_prosecuting_organisations_file_in_bulk(db, firm_filer, document_storage):
    rows = [row(1)]
    with pytest.raises(PermissionDenied):
        bulk_batch_create(user=firm_filer, manifest=manifest_csv(rows), files=[pdf_zip(["summons-00001.pdf"])])
    other = department_make()
    batch = bulk_batch_create(user=other.user, manifest=manifest_csv(rows), files=[pdf_zip(["summons-00001.pdf"])])
    stranger = MembershipFactory(organisation=department_make().organisation).user
    with pytest.raises(PermissionDenied):
        bulk_batch_file(batch=batch, user=stranger)


def test_the_migration_empties_the_rows_filed_before_and_keeps_a_failed_rows(
    department, document_storage, outbox_held
):
    from importlib import import_module

    from django.apps import apps

    forget = import_module("filing.migrations.0025_bulk_rows_forget_filed_data").forget
    rows = [row(n) for n in range(1, 4)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    waiting = {item.pk: item.data for item in BulkItem.objects.filter(batch=batch)}
    _fault_on("FEHD/2026/00003")
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    _fault_off()
    for pk, data in waiting.items():  # as rows filed before this change were left
        BulkItem.objects.filter(pk=pk).update(data=data)
    forget(apps, None)
    filed = BulkItem.objects.filter(batch=batch, status=BulkItem.Status.FILED)
    assert filed.count() == 2 and list(filed.values_list("data", flat=True)) == [{}, {}]
    failed = BulkItem.objects.get(batch=batch, status=BulkItem.Status.FAILED)
    assert failed.data == waiting[failed.pk]  # the resume still needs them
