"""A failed row of a bulk batch: seen with why, dropped by the filer, its fee refunded; and an expired batch's refund.

A row that fails for a reason of its own (here its PDF changed in the drafts' store since it
was checked) fails again on every Resume. The filer drops it from the batch page: the row is
cancelled, its reference free, its PDF owed for removal, its own fee line (HK$80 in the
concession period, Cap. 638F) refunded at once into the deposit account, all audited in the
drop's transaction; the rest of the batch resumes. The rows of an expired batch that was
paid are refunded the same way when it expires. The manifest goes into the documents' store
only when a row is filed, and is removed when nothing of the batch ever is.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from filing.bulk.dropping import bulk_item_drop
from filing.bulk.expiry import bulk_batch_deadline, bulk_batches_expire
from filing.bulk.services import BulkRefused, bulk_batch_create, bulk_batch_file, bulk_batch_resume
from filing.models import BulkBatch, BulkItem, Submission
from filing.services.follow_up import DRAFT_FILES_DELETE
from icms.core.models import AuditEvent, OutboxItem
from payments.models import LedgerEntry, PaymentOrder, Refund
from payments.services import balance_of
from tests.filing.bulk_support import (
    bulk_work_run,
    department_make,
    filed_meanwhile,
    manifest_csv,
    pdf_zip,
    row,
    storage_fault_on,
)

pytestmark = pytest.mark.django_db

E_FEE = Decimal("80.00")  # MC-SUMMONS: HK$100, 80% in the concession period (Cap. 638F)
START = Decimal("100000.00")


@pytest.fixture
def department(db):
    return department_make(balance=START)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _owed_keys() -> list[str]:
    owed = OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE, state=OutboxItem.State.PENDING)
    return [key for work in owed for key in work.payload["keys"]]


def _changed_in_the_drafts_store(document_storage, item: BulkItem) -> None:
    """Someone with access to the store rewrote the row's PDF after it was checked."""
    with open(document_storage.parent / "drafts" / item.pdf_storage_key, "ab") as handle:
        handle.write(b"\n% changed\n")


def _interrupted(department, document_storage, rows, *, changed=(), faulty=(), monkeypatch=None) -> BulkBatch:
    """Upload ``rows`` and file them: rows whose number is in ``changed`` have their PDF changed
    (refused every time), those in ``faulty`` meet a storage fault (this run only)."""
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    for number in changed:
        _changed_in_the_drafts_store(document_storage, BulkItem.objects.get(batch=batch, row_number=number + 1))
    if faulty:
        storage_fault_on(monkeypatch, *(f"FEHD/2026/{number:05d}" for number in faulty))
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    if faulty:
        monkeypatch.undo()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.INTERRUPTED
    return batch


def test_a_row_whose_pdf_changed_fails_on_every_resume_until_the_filer_drops_it(
    department, document_storage, outbox_held, in_the_concession_period, monkeypatch
):
    rows = [row(1), row(2), row(3)]
    batch = _interrupted(department, document_storage, rows, changed=[2], faulty=[3], monkeypatch=monkeypatch)
    assert batch.rows_filed == 1 and batch.manifest_storage_key.startswith("bulk-manifests/")
    changed = BulkItem.objects.get(batch=batch, row_number=3)
    assert changed.status == BulkItem.Status.FAILED and "no longer as it was uploaded" in changed.last_error
    paid = balance_of(department.account)
    assert paid == START - 3 * E_FEE

    # Resuming files the row that met a fault; the changed one fails again, and the batch waits.
    bulk_batch_resume(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.INTERRUPTED and batch.rows_filed == 2

    # The batch page says why the row failed and offers to drop it (a form, so it works without JavaScript).
    client = _client(department.user)
    page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
    drop_url = reverse("filing:bulk_item_drop", args=[batch.pk, changed.pk])
    assert "Rows that failed" in page and "Row 3 (FEHD/2026/00002)" in page
    assert "no longer as it was uploaded" in page
    assert f'action="{drop_url}"' in page and "Drop row 3" in page and "csrfmiddlewaretoken" in page

    OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).delete()
    response = client.post(drop_url)
    assert response.status_code == 302 and response["Location"] == reverse("filing:bulk_batch", args=[batch.pk])
    changed.refresh_from_db()
    assert changed.status == BulkItem.Status.CANCELLED and changed.data == {}
    assert changed.pdf_storage_key in _owed_keys()  # its PDF, owed in the drop's transaction
    # Its own fee line back, at once, into the deposit account that paid it: one ledger credit.
    refund = Refund.objects.get()
    assert refund.amount == E_FEE and refund.status == Refund.Status.COMPLETED
    assert refund.kind == Refund.Kind.ORDER and refund.is_unfiled_automatic
    credit = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REFUND)
    assert credit.amount == E_FEE and credit.refund == refund
    assert balance_of(department.account) == paid + E_FEE
    order = PaymentOrder.objects.get(reference=batch.payment_reference)
    assert order.status == PaymentOrder.Status.PAID  # the two filed summonses' fees stay paid
    # Nothing was left to file: the batch is finished with the rows filed.
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 2
    dropped = AuditEvent.objects.get(
        target_id=str(batch.pk), event_type="filing.bulk_batch_cancelled", after__status="dropped"
    )
    assert dropped.actor_id == department.user.pk and dropped.after["row"] == 3
    assert dropped.after["refunds"] == [{"refund": refund.reference, "amount": "80.00", "status": "completed"}]
    assert AuditEvent.objects.filter(target_id=str(refund.pk), event_type="payments.refund_completed").exists()

    # Shown on the batch page and the payment order's page.
    page = client.get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
    assert "Refunds of this payment" in page and "Refunded HK$80.00" in page and "refunded automatically" in page
    order_page = client.get(reverse("payments:order", args=[order.access_token])).content.decode()
    assert "Refunded HK$80.00" in order_page and "never filed: refunded automatically" in order_page
    # The reference is free again: the row can be uploaded, corrected, in a new batch.
    again = bulk_batch_create(
        user=department.user, manifest=manifest_csv([row(2)]), files=[pdf_zip([row(2)["pdf_filename"]])]
    )
    assert BulkItem.objects.get(batch=again).status == BulkItem.Status.PENDING


def test_after_a_drop_the_rest_of_the_batch_is_resumed(
    department, document_storage, outbox_held, in_the_concession_period, monkeypatch
):
    rows = [row(1), row(2), row(3)]
    batch = _interrupted(department, document_storage, rows, changed=[2], faulty=[3], monkeypatch=monkeypatch)
    assert batch.rows_filed == 1
    changed = BulkItem.objects.get(batch=batch, row_number=3)
    batch = bulk_item_drop(item=changed, user=department.user)
    assert batch.status == BulkBatch.Status.INTERRUPTED  # row 4 (a storage fault) is still to file
    bulk_batch_resume(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILED and batch.rows_filed == 2
    assert Submission.objects.count() == 2
    assert Refund.objects.get().amount == E_FEE


def test_a_batch_whose_every_row_is_dropped_is_cancelled_and_its_manifest_removed(
    department, document_storage, outbox_held, in_the_concession_period
):
    batch = _interrupted(department, document_storage, [row(1)], changed=[1])
    assert batch.rows_filed == 0 and batch.manifest_storage_key.startswith("drafts/")  # nothing filed: not kept
    item = BulkItem.objects.get(batch=batch)
    OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).delete()
    batch = bulk_item_drop(item=item, user=department.user)
    assert batch.status == BulkBatch.Status.CANCELLED
    assert set(_owed_keys()) == {item.pdf_storage_key, batch.manifest_storage_key}
    order = PaymentOrder.objects.get(reference=batch.payment_reference)
    assert order.status == PaymentOrder.Status.REFUNDED  # its one line refunded: the whole order
    assert balance_of(department.account) == START


def test_only_a_failed_row_of_an_interrupted_batch_of_ones_own_organisation_can_be_dropped(
    department, document_storage, outbox_held, in_the_concession_period, firm_filer, monkeypatch
):
    rows = [row(1), row(2)]
    batch = _interrupted(department, document_storage, rows, faulty=[2], monkeypatch=monkeypatch)
    filed = BulkItem.objects.get(batch=batch, row_number=2)
    failed = BulkItem.objects.get(batch=batch, row_number=3)
    url = reverse("filing:bulk_item_drop", args=[batch.pk, failed.pk])

    assert _client(department_make().user).post(url).status_code == 404  # another department
    other_batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv([row(9)]), files=[pdf_zip([row(9)["pdf_filename"]])]
    )
    assert (
        _client(department.user).post(reverse("filing:bulk_item_drop", args=[other_batch.pk, failed.pk])).status_code
        == 404
    )  # a row of another batch
    assert _client(firm_filer).post(url).status_code == 403  # not a prosecuting department's filer
    assert _client(department.user).get(url).status_code == 405
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(department.user)
    assert strict.post(url).status_code == 403  # no CSRF token
    with pytest.raises(BulkRefused, match="Only a row that failed"):
        bulk_item_drop(item=filed, user=department.user)
    response = _client(department.user).post(reverse("filing:bulk_item_drop", args=[batch.pk, filed.pk]), follow=True)
    assert "Only a row that failed can be dropped." in response.content.decode()
    with pytest.raises(BulkRefused, match="only while its batch is interrupted"):
        bulk_item_drop(item=BulkItem.objects.get(batch=other_batch), user=department.user)
    failed.refresh_from_db()
    assert failed.status == BulkItem.Status.FAILED and not Refund.objects.exists()


def test_a_row_filed_before_its_worker_died_is_recorded_filed_not_dropped(
    department, document_storage, outbox_held, in_the_concession_period, monkeypatch
):
    from filing.bulk.running import bulk_item_file

    batch = _interrupted(department, document_storage, [row(1), row(2)], faulty=[2], monkeypatch=monkeypatch)
    failed = BulkItem.objects.get(batch=batch, row_number=3)
    # Its submission was made after all (a worker filed it and died before recording the row).
    BulkItem.objects.filter(pk=failed.pk).update(status=BulkItem.Status.PENDING)
    BulkBatch.objects.filter(pk=batch.pk).update(status=BulkBatch.Status.FILING)
    assert bulk_item_file(item_id=failed.pk, batch=batch, courts={}) == "filed"
    BulkItem.objects.filter(pk=failed.pk).update(status=BulkItem.Status.FAILED, submission=None)
    BulkBatch.objects.filter(pk=batch.pk).update(status=BulkBatch.Status.INTERRUPTED, rows_filed=1)

    batch = bulk_item_drop(item=failed, user=department.user)
    failed.refresh_from_db()
    assert failed.status == BulkItem.Status.FILED and failed.submission is not None
    assert not Refund.objects.exists()  # a summons filed is never refunded as not filed


def test_an_expired_paid_batch_refunds_the_rows_not_filed_at_once(
    department, document_storage, outbox_held, settings, monkeypatch
):
    settings.FILING_DRAFT_DAYS = 30
    with time_machine.travel("2026-12-01T10:00:00+08:00", tick=False):
        batch = _interrupted(
            department, document_storage, [row(1), row(2), row(3)], faulty=[2, 3], monkeypatch=monkeypatch
        )
    assert batch.rows_filed == 1
    assert balance_of(department.account) == START - 3 * E_FEE
    deadline = bulk_batch_deadline(batch)
    with time_machine.travel(deadline + timedelta(minutes=5), tick=False):
        assert bulk_batches_expire(now=deadline + timedelta(minutes=5)) == 1
        assert bulk_batches_expire(now=deadline + timedelta(minutes=5)) == 0  # idempotent: refunded once
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.EXPIRED
    refund = Refund.objects.get()
    assert refund.amount == 2 * E_FEE and refund.status == Refund.Status.COMPLETED
    assert balance_of(department.account) == START - E_FEE  # only the one summons filed is paid for
    event = AuditEvent.objects.get(target_id=str(batch.pk), event_type="filing.bulk_batch_cancelled")
    assert event.after["rows_released"] == 2
    assert event.after["refunds"] == [{"refund": refund.reference, "amount": "160.00", "status": "completed"}]
    page = _client(department.user).get(reverse("filing:bulk_batch", args=[batch.pk])).content.decode()
    assert "ask the registry" not in page
    assert "were refunded to the deposit account that paid them" in page and "Refunded HK$160.00" in page


def test_a_batch_that_expires_unfiled_owes_its_manifests_removal(department, document_storage, outbox_held, settings):
    settings.FILING_DRAFT_DAYS = 30
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv([row(1)]), files=[pdf_zip([row(1)["pdf_filename"]])]
    )
    assert batch.manifest_storage_key.startswith("drafts/")
    OutboxItem.objects.filter(kind=DRAFT_FILES_DELETE).delete()
    assert bulk_batches_expire(now=bulk_batch_deadline(batch)) == 1
    assert batch.manifest_storage_key in _owed_keys()
    assert not Refund.objects.exists()  # nothing was paid


def test_a_paid_row_refused_as_a_duplicate_when_filed_is_refunded_its_own_fee(
    department, document_storage, outbox_held, monkeypatch
):
    """Another batch filed the same reference between the check and the filing: the row is never
    filed, so its own line of the batch's payment comes back at once, as for a dropped row."""
    rows = [row(1), row(2)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    refused = BulkItem.objects.get(batch=batch, row_number=3)
    filed_meanwhile(monkeypatch, refused.department_reference)
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    refused.refresh_from_db()
    assert refused.status == BulkItem.Status.DUPLICATE
    refund = Refund.objects.get()
    assert refund.amount == E_FEE and refund.status == Refund.Status.COMPLETED
    assert refund.order == PaymentOrder.objects.get(reference=BulkBatch.objects.get(pk=batch.pk).payment_reference)
    assert balance_of(department.account) == START - E_FEE  # only the summons filed is paid for
    assert Submission.objects.count() == 1
