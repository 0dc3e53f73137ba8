"""Bulk batches and their rows in the admin: the registry reads why a row was not filed, and changes nothing.

The batch page tells the filer a row's reason and to ask the registry for more
(filing/bulk/reasons.py); the registry's admin shows that reason beside the technical
record (``last_error``), never the manifest's personal details (filing/admin/bulk.py).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from filing.bulk.services import bulk_batch_create, bulk_batch_file
from filing.models import BulkBatch, BulkItem
from tests.factories import StaffFactory
from tests.filing.bulk_support import (
    bulk_work_run,
    department_make,
    manifest_csv,
    pdf_zip,
    row,
    storage_fault_on,
)
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db

SECRET = "OSError: the documents store at /srv/store is unreachable"


@pytest.fixture
def interrupted(db, document_storage, outbox_held, monkeypatch):
    """A batch of two rows, the second of which failed on a fault: one filed, one failed."""
    department = department_make()
    rows = [row(1), row(2)]
    batch = bulk_batch_create(
        user=department.user, manifest=manifest_csv(rows), files=[pdf_zip([r["pdf_filename"] for r in rows])]
    )
    storage_fault_on(monkeypatch, "FEHD/2026/00002", message="the documents store at /srv/store is unreachable")
    bulk_batch_file(batch=batch, user=department.user)
    bulk_work_run()
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.INTERRUPTED and batch.rows_filed == 1
    return batch


def test_a_clerk_finds_the_batch_and_reads_why_its_row_failed_without_the_defendants_details(interrupted):
    client = staff_client(StaffFactory(group="Registry clerk"))
    batches = client.get(reverse("admin:filing_bulkbatch_changelist"))
    assert batches.status_code == 200
    listed = batches.content.decode()
    assert "Food and Environmental Hygiene Department" in listed and "Interrupted" in listed

    batch_page = client.get(reverse("admin:filing_bulkbatch_change", args=[interrupted.pk])).content.decode()
    rows_url = reverse("admin:filing_bulkitem_changelist") + f"?batch__id__exact={interrupted.pk}"
    assert rows_url in batch_page

    rows = client.get(rows_url)
    assert rows.status_code == 200
    page = rows.content.decode()
    assert "FEHD/2026/00001" in page and "FEHD/2026/00002" in page
    # The reason the department reads, and the staff's own record of the fault beside it.
    assert "A fault in the portal stopped this row being filed." in page and SECRET in page
    failed = BulkItem.objects.get(batch=interrupted, department_reference="FEHD/2026/00002")
    detail = client.get(reverse("admin:filing_bulkitem_change", args=[failed.pk])).content.decode()
    assert SECRET in detail and "A fault in the portal stopped this row being filed." in detail
    # Nothing of the manifest's row beyond its reference: no name, address or identity document.
    for personal in ("CHAN Tai Man", "陳大文", "A123456", "Nathan Road"):
        assert personal not in page and personal not in detail


def test_the_reason_is_shown_in_the_clerks_language(interrupted):
    client = staff_client(StaffFactory(group="Registry clerk"))
    client.cookies["django_language"] = "zh-hant"
    page = client.get(reverse("admin:filing_bulkitem_changelist")).content.decode()
    assert "入門網站發生故障，以致此行未能存檔。" in page


def test_nothing_is_added_changed_or_deleted_from_the_admin(interrupted):
    client = staff_client(StaffFactory(group="Registry supervisor"))
    item = BulkItem.objects.get(batch=interrupted, department_reference="FEHD/2026/00002")
    assert client.get(reverse("admin:filing_bulkbatch_add")).status_code == 403
    delete = reverse("admin:filing_bulkbatch_delete", args=[interrupted.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    client.post(reverse("admin:filing_bulkitem_change", args=[item.pk]), {"status": "filed", "last_error": ""})
    item.refresh_from_db()
    assert item.status == BulkItem.Status.FAILED and item.last_error == SECRET
    assert BulkBatch.objects.filter(pk=interrupted.pk).exists()


def test_staff_outside_the_registry_do_not_see_bulk_batches(interrupted):
    client = staff_client(StaffFactory(group="Accounts officer"))
    assert client.get(reverse("admin:filing_bulkbatch_changelist")).status_code == 403
    assert client.get(reverse("admin:filing_bulkitem_changelist")).status_code == 403


def test_the_registry_groups_may_only_view_batches_and_rows():
    from django.contrib.auth.models import Group

    for name in ("Registry clerk", "Registry supervisor"):
        codenames = set(
            Group.objects.get(name=name)
            .permissions.filter(content_type__app_label="filing", codename__contains="bulk")
            .values_list("codename", flat=True)
        )
        assert codenames == {"view_bulkbatch", "view_bulkitem"}
