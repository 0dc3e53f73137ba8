"""A filing on S3 from end to end: every file it makes is an object in the bucket, and every
download through the portal gives back exactly those bytes.

A firm's clerk starts a personal-injuries case through the web form (a writ and a
medical report), pays the fee from the firm's deposit account, the registry accepts it,
and a member of the firm buys the inspection copy of the writ. Outbox work (the
acknowledgement, the receipt, the sealed copies) runs in this process as each commit's
on-commit dispatch runs, so every PDF is rendered here and written to moto's S3 server.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse
from pypdf import PdfReader

from causebook.models import InspectionPurchase
from filing.models import Submission
from filing.services import filing_accept
from payments.models import PaymentOrder, Receipt
from payments.services import deposit_account_open, deposit_top_up
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type
from tests.filing.drafting import file_through_review
from tests.filing.new_case_post import ADDRESS, new_case_data
from tests.filing.pdf_corpus import good_pdf

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]


@pytest.fixture
def paying_filer(firm_filer):
    """The firm's clerk, whose firm has a deposit account with money in it."""
    membership = firm_filer.memberships.get()
    account = deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    deposit_top_up(
        account=account, amount=Decimal("5000"), reference="TOPUP-S3", officer=StaffFactory(group="Accounts officer")
    )
    return firm_filer


def _start_case_form(files: dict[str, tuple[str, bytes]]) -> dict[str, object]:
    """The "start a new case" form of a DCPI case, one document row per ``code: (title, pdf)``."""
    data: dict[str, object] = {
        "submission_key": str(uuid.uuid4()),
        **new_case_data(
            nature_en="Personal injuries",
            amount_claimed=None,
            applicants=[{"name_en": "LAM Ka Yan", "address_for_service": ADDRESS}],
            respondents=[{"name_en": "HAPPY VALLEY BUSES LIMITED", "kind": "company"}],
        ),
        "documents-TOTAL_FORMS": str(len(files)),
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
    }
    for index, (code, (title, pdf)) in enumerate(files.items()):
        upload = io.BytesIO(pdf)
        upload.name = f"{code}.pdf"
        data |= {
            f"documents-{index}-document_type": str(document_type("DCPI", code).pk),
            f"documents-{index}-title": title,
            f"documents-{index}-file": upload,
        }
    return data


def _downloaded(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "no-store" in response["Cache-Control"]
    return b"".join(response.streaming_content) if response.streaming else response.content


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _pay_from_deposit(client, pay_url: str, capture) -> PaymentOrder:
    """Post to a "pay" button that leads to an order page, then pay the order from the deposit account."""
    order_page = client.post(pay_url)
    assert order_page.status_code == 302
    token = order_page["Location"].rstrip("/").split("/")[-1]
    with capture(execute=True):
        assert client.post(reverse("payments:pay_deposit", args=[token])).status_code == 302
    return PaymentOrder.objects.get(access_token=token)


def test_a_filing_its_sealed_copies_acknowledgement_receipts_and_inspection_copy_all_live_in_s3(
    client, paying_filer, s3_storage, django_capture_on_commit_callbacks
):
    writ, report = good_pdf(2), good_pdf(1)
    client.force_login(paying_filer)

    # 1. Filed through the web form and its review page: the originals go to the bucket (kept
    # there from the draft on), the acknowledgement follows.
    with django_capture_on_commit_callbacks(execute=True):
        response = file_through_review(
            client,
            reverse("filing:start_case", args=["DCPI"]),
            _start_case_form({"writ": ("Writ of summons", writ), "medical_report": ("Medical report", report)}),
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.get()
    documents = {document.document_type.code: document for document in submission.documents.all()}
    assert {code: document.sha256 for code, document in documents.items()} == {
        "writ": _sha256(writ),
        "medical_report": _sha256(report),
    }
    submission.refresh_from_db()
    acknowledgement = submission.acknowledgement_versions.get(storage_key=submission.acknowledgement_key)

    # 2. The fee, paid from the deposit account: the receipt is rendered into the bucket.
    pay = reverse("payments:submission_pay", args=[submission.reference])
    order = _pay_from_deposit(client, pay, django_capture_on_commit_callbacks)
    receipt = Receipt.objects.get(order=order)

    # 3. Accepted: the sealed copies are stamped from the originals in the bucket and stored there.
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    for document in documents.values():
        document.refresh_from_db()
        assert document.sealed_storage_key and document.sealed_sha256

    # 4. The inspection copy of the writ, open to public inspection once accepted.
    with once_received_in_law(submission):
        inspection_order = _pay_from_deposit(
            client,
            reverse("causebook:inspection_create", args=["filed", documents["writ"].pk]),
            django_capture_on_commit_callbacks,
        )
    purchase = InspectionPurchase.objects.get(pk=inspection_order.purpose_ref)

    # Every file is an object in the bucket with the hash the portal recorded; none is on disk.
    stored = {
        "writ": (documents["writ"].storage_key, documents["writ"].sha256),
        "medical report": (documents["medical_report"].storage_key, documents["medical_report"].sha256),
        "sealed writ": (documents["writ"].sealed_storage_key, documents["writ"].sealed_sha256),
        "sealed report": (documents["medical_report"].sealed_storage_key, documents["medical_report"].sealed_sha256),
        "acknowledgement": (acknowledgement.storage_key, acknowledgement.sha256),
        "fee receipt": (receipt.storage_key, None),
        "inspection receipt": (Receipt.objects.get(order=inspection_order).storage_key, None),
    }
    assert sorted(key for key, _ in stored.values()) == s3_storage.keys()
    for name, (key, sha256) in stored.items():
        assert sha256 is None or s3_storage.sha256(key) == sha256, name
        assert len(s3_storage.versions(key)) == 1, name
        assert not (settings.MEDIA_ROOT / key).exists(), name

    # Downloaded through the portal (streamed, the default): the same bytes, with our headers.
    downloads = {
        "writ": reverse("filing:document", args=[documents["writ"].pk, "original"]),
        "medical report": reverse("filing:document", args=[documents["medical_report"].pk, "original"]),
        "sealed writ": reverse("filing:document", args=[documents["writ"].pk, "sealed"]),
        "sealed report": reverse("filing:document", args=[documents["medical_report"].pk, "sealed"]),
        "acknowledgement": reverse("filing:acknowledgement", args=[submission.reference]),
        "fee receipt": reverse("payments:receipt", args=[order.access_token]),
        "inspection receipt": reverse("payments:receipt", args=[inspection_order.access_token]),
    }
    for name, url in downloads.items():
        key, _ = stored[name]
        assert _sha256(_downloaded(client, url)) == s3_storage.sha256(key), name
    assert _downloaded(client, downloads["writ"]) == writ
    receipt_pdf = PdfReader(io.BytesIO(_downloaded(client, downloads["fee receipt"])))
    assert receipt.number in receipt_pdf.pages[0].extract_text()

    # The inspection copy is made from the sealed writ in the bucket, watermarked page by page.
    copy = PdfReader(io.BytesIO(_downloaded(client, reverse("causebook:inspection_copy", args=[purchase.token]))))
    sealed = PdfReader(io.BytesIO(s3_storage.body(documents["writ"].sealed_storage_key)))
    assert len(copy.pages) == len(sealed.pages) == 2
    assert all("INSPECTION COPY" in page.extract_text() for page in copy.pages)
