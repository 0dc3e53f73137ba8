"""Public inspection: only documents open to it appear, the fee is paid, the copy is watermarked."""

from io import BytesIO

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from accounts.models import AuditEvent
from causebook.models import InspectionPurchase
from causebook.query import SearchQuery
from causebook.services import search_purchase_create, search_purchase_grant
from filing.services import (
    DocumentUpload,
    NewCase,
    NewParty,
    filing_accept,
    submission_create,
    submission_documents_seal,
)
from payments.models import PaymentOrder
from payments.services.orders import order_mark_paid
from tests.factories import StaffFactory, UserFactory
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def dcpi_case(document_storage):
    """An accepted DCPI case: a writ (open to inspection) and a medical report (not open)."""
    filer = UserFactory()
    writ = document_type("DCPI", "writ")
    submission = submission_create(
        user=filer,
        new_case=NewCase(
            case_type=writ.case_type,
            applicants=[NewParty("LAM Ka Yan", "林嘉欣")],
            respondents=[NewParty("HAPPY VALLEY BUSES LIMITED", "快活谷巴士有限公司", kind="company")],
            nature_en="Personal injuries",
        ),
        uploads=[
            DocumentUpload(writ, "Writ of summons", pdf_file(2)),
            DocumentUpload(document_type("DCPI", "medical_report"), "Medical report of Dr SECRET", pdf_file(1)),
        ],
    )
    filing_accept(submission=submission, clerk=StaffFactory())
    submission_documents_seal(submission=submission)
    submission.case.refresh_from_db()
    return submission.case


def _paid_search_token(query: str) -> str:
    purchase = search_purchase_create(user=UserFactory(), query=SearchQuery.from_params({"q": query}))
    search_purchase_grant(purchase=purchase, paid_at=timezone.now())
    return purchase.token


def test_only_documents_open_to_inspection_appear_not_even_the_others_titles_or_count(client, dcpi_case):
    token = _paid_search_token("LAM Ka Yan")
    page = client.get(reverse("causebook:case", args=[dcpi_case.pk]), {"token": token}).content.decode()
    assert "Writ of summons" in page
    assert "Medical report" not in page
    assert "SECRET" not in page
    assert page.count('action="/cause-book/inspect/') == 1


def test_a_document_not_open_cannot_be_bought(client, dcpi_case):
    report = dcpi_case.submissions.get().documents.get(document_type__code="medical_report")
    response = client.post(reverse("causebook:inspection_create", args=["filed", report.pk]))
    assert response.status_code == 404
    assert InspectionPurchase.objects.count() == 0


def test_paying_the_fee_gives_a_watermarked_inspection_copy(client, dcpi_case, django_capture_on_commit_callbacks):
    writ = dcpi_case.submissions.get().documents.get(document_type__code="writ")
    response = client.post(reverse("causebook:inspection_create", args=["filed", writ.pk]))
    purchase = InspectionPurchase.objects.get()
    order = PaymentOrder.objects.get(purpose="inspection", purpose_ref=str(purchase.pk))
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    assert str(order.amount) == "14.00"

    copy_url = reverse("causebook:inspection_copy", args=[purchase.token])
    assert client.get(copy_url).status_code == 404  # not paid yet

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        order_mark_paid(order=PaymentOrder.objects.select_for_update().get(pk=order.pk), received_at=timezone.now())
    response = client.get(copy_url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    pages = PdfReader(BytesIO(response.content)).pages
    assert len(pages) == 2
    assert all("INSPECTION COPY" in page.extract_text() for page in pages)
    assert AuditEvent.objects.filter(event_type="causebook.inspection_copy_made").count() == 1
