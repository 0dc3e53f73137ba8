"""The bulk-filing pages: who may open them, the upload, the report with its fee and button, the progress."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from filing.models import BulkBatch
from tests.filing.bulk_support import department_make, manifest_csv, pdf_zip, row

pytestmark = pytest.mark.django_db


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_a_prosecuting_departments_filer_may_open_bulk_filing(client, firm_filer):
    assert client.get(reverse("filing:bulk")).status_code == 302  # to sign in
    assert _client(firm_filer).get(reverse("filing:bulk")).status_code == 403
    response = _client(department_make().user).get(reverse("filing:bulk"))
    assert response.status_code == 200
    assert "<title>Bulk filing of summonses" in response.content.decode()
    assert "部門參考編號" in response.content.decode()


@pytest.mark.parametrize(
    ("language", "kind", "starts"), [("en", "csv", "\ufeffdepartment_reference"), ("zh", "csv", "\ufeff部門參考編號")]
)
def test_the_csv_templates_are_made_on_request(language, kind, starts):
    response = _client(department_make().user).get(reverse("filing:bulk_template", args=[language, kind]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert response.content.decode("utf-8").startswith(starts)


def test_the_xlsx_template_is_a_workbook():
    response = _client(department_make().user).get(reverse("filing:bulk_template", args=["zh", "xlsx"]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    assert _client(department_make().user).get(reverse("filing:bulk_template", args=["fr", "xlsx"])).status_code == 404


def test_upload_report_file_and_progress(document_storage, outbox_held):
    department = department_make()
    client = _client(department.user)
    rows = [row(1), row(2), row(3, offence_date="31/02/2026")]
    response = client.post(
        reverse("filing:bulk"),
        {"manifest": manifest_csv(rows), "pdfs": [pdf_zip([r["pdf_filename"] for r in rows])]},
    )
    batch = BulkBatch.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("filing:bulk_batch", args=[batch.pk])
    page = client.get(response["Location"]).content.decode()
    assert "File 2 summonses" in page
    assert "Row 4: the offence date 31/02/2026 is not a date." in page
    assert "HK$160.00" in page or "HK$200.00" in page  # the quote of two summonses (with or without the concession)
    assert client.get(reverse("filing:bulk_batch_file", args=[batch.pk])).status_code == 405
    response = client.post(reverse("filing:bulk_batch_file", args=[batch.pk]))
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.status == BulkBatch.Status.FILING
    fragment = client.get(reverse("filing:bulk_batch", args=[batch.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert "<progress" in fragment and 'data-hx-trigger="every 2s"' in fragment and "Refresh" in fragment
    # Another department's filer finds no such batch.
    assert _client(department_make().user).get(reverse("filing:bulk_batch", args=[batch.pk])).status_code == 404


def test_a_manifest_that_cannot_be_read_is_an_error_on_the_form(document_storage):
    client = _client(department_make().user)
    response = client.post(reverse("filing:bulk"), {"manifest": manifest_csv([], name="m.txt"), "pdfs": [pdf_zip([])]})
    assert response.status_code == 200
    assert "must be a CSV file" in response.content.decode()
    assert not BulkBatch.objects.exists()
