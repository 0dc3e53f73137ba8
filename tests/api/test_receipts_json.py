"""The acknowledgement and the receipt as JSON carry the same facts as their PDFs (issue 15, part 5),
through the API and through the links on the acknowledgement and payment pages, to their owners only."""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from django.test import Client
from pypdf import PdfReader

from filing.models import Submission
from icms.core.rendering import group_digest
from icms.core.storage import open_document
from payments.filing_fees import submission_order
from tests.api.conftest import ApiClient, dccj_case
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


def _text(key: str) -> str:
    with open_document(key) as stored:
        pages = PdfReader(io.BytesIO(stored.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def _words(value: str) -> str:
    return " ".join(value.split())


@pytest.fixture
def paid(api, document_storage, celery_eager, django_capture_on_commit_callbacks) -> Submission:
    """A new DCCJ case filed and paid through the API, its acknowledgement and receipt rendered."""
    filing_id = api.post_json("/api/v1/filings", dccj_case()).json()["filing_id"]
    for code, title, pages in (("writ", "Writ of summons", 2), ("statement_of_claim", "Statement of claim", 3)):
        pdf = io.BytesIO(good_pdf(pages))
        pdf.name = f"{code}.pdf"
        response = api.post_form(
            f"/api/v1/filings/{filing_id}/documents", {"document_type": code, "title": title, "file": pdf}
        )
        assert response.status_code == 201, response.content
    with django_capture_on_commit_callbacks(execute=True):
        reference = api.post_json(f"/api/v1/filings/{filing_id}/submit", {}).json()["reference"]
    with django_capture_on_commit_callbacks(execute=True):
        assert api.post_json(f"/api/v1/submissions/{reference}/payment", {"method": "deposit"}).status_code == 201
    return Submission.objects.get(reference=reference)


def test_the_acknowledgements_json_states_what_its_pdf_states(api, paid, firm_member):
    facts = api.get(f"/api/v1/submissions/{paid.reference}/acknowledgement").json()
    text = _text(paid.acknowledgement_key)
    assert facts["filing_id"] == paid.reference and paid.reference in text
    assert facts["received_at"]["en"] in text and _words(facts["received_at"]["zh"]) in text
    assert facts["deemed_received_at"]["en"] in text
    assert _words(facts["deemed_rule_explanation"]["en"]) in text
    assert facts["court"]["en"] in text and facts["filer_reference"] in text
    assert [d["title"] for d in facts["documents"]] == ["Writ of summons", "Statement of claim"]
    for document in facts["documents"]:
        assert group_digest(document["sha256"]) in text and document["title"] in text
        assert document["drn"] is None  # not sealed until the registry accepts it
    assert [d["sha256"] for d in facts["documents"]] == list(
        paid.documents.order_by("ordinal").values_list("sha256", flat=True)
    )
    client = Client()
    client.force_login(firm_member)
    web = client.get(f"/filing/submissions/{paid.reference}/acknowledgement.json")
    assert web.status_code == 200 and web["X-Content-Type-Options"] == "nosniff"
    assert json.loads(web.content) == facts
    page = client.get(f"/filing/submissions/{paid.reference}/")
    assert f'href="/filing/submissions/{paid.reference}/acknowledgement.json"' in page.content.decode()


def test_the_receipts_json_states_what_its_pdf_states(api, paid, firm_member):
    facts = api.get(f"/api/v1/submissions/{paid.reference}/receipt").json()
    order = submission_order(paid)
    text = _text(order.receipt.storage_key)
    assert facts["receipt_number"] == order.receipt.number and facts["receipt_number"] in text
    assert facts["payment_reference"] == order.reference and order.reference in text
    assert [line["item"] for line in facts["allowance_charges"]] == ["DC-WRIT"]
    for line in facts["allowance_charges"]:
        assert all(shown in text for shown in line["shown"].values())
        assert Decimal(line["e_fee"]) + Decimal(line["saving"]) == Decimal(line["standard_fee"])
    assert all(shown in text for shown in facts["totals_shown"].values())
    assert facts["fees_calculation_amount"] == f"{order.amount:.2f}"
    assert facts["received_at"]["en"] in text and _words(facts["deemed_rule_explanation"]["en"]) in text
    client = Client()
    client.force_login(firm_member)
    web = client.get(f"/payments/order/{order.access_token}/receipt.json")
    assert web.status_code == 200 and json.loads(web.content) == facts
    page = client.get(f"/payments/order/{order.access_token}/return/")
    assert f"/payments/order/{order.access_token}/receipt.json" in page.content.decode()


def test_nobody_else_gets_them(paid, outsider):
    order = submission_order(paid)
    client = Client()
    client.force_login(outsider)
    assert client.get(f"/filing/submissions/{paid.reference}/acknowledgement.json").status_code == 404
    assert client.get(f"/payments/order/{order.access_token}/receipt.json").status_code == 404
    from tests.api.conftest import token_for

    other = ApiClient(token_for(outsider))
    for path in (
        "acknowledgement",
        "acknowledgement.pdf",
        "receipt",
        "receipt.pdf",
        "payment",
        "documents/1/sealed.pdf",
    ):
        assert other.get(f"/api/v1/submissions/{paid.reference}/{path}").status_code == 404, path
    anonymous = Client().get(f"/filing/submissions/{paid.reference}/acknowledgement.json")
    assert anonymous.status_code == 302
