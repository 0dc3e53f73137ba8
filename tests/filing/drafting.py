"""Filing through the form as a browser does since drafts: the form, "Continue to review", then Submit."""

from __future__ import annotations

import hashlib
import io
import re
import uuid
from typing import Any

from django.urls import reverse

REVIEW = re.compile(r"/filing/drafts/(\d+)/review/$")


def continue_to_review(client: Any, url: str, data: dict[str, Any]) -> Any:
    """POST the form with "Continue to review"; the response (a redirect to the review page when complete)."""
    return client.post(url, {**data, "step": "review"})


def review_url(response: Any) -> str:
    location = response["Location"]
    assert REVIEW.search(location), location
    return location


def submit_from_review(client: Any, response: Any) -> Any:
    """From the form's redirect to the review page: Submit; the response redirects to the acknowledgement."""
    url = review_url(response)
    page = client.get(url)
    assert page.status_code == 200, page.content.decode()[:2000]
    key = re.search(r'name="submission_key" value="([^"]+)"', page.content.decode())
    return client.post(url, {"submission_key": key[1] if key else ""})


def file_through_review(client: Any, url: str, data: dict[str, Any]) -> Any:
    """The form, then Submit on the review page. Returns the form's response if it did not reach the review."""
    response = continue_to_review(client, url, data)
    if response.status_code != 302 or not REVIEW.search(response.get("Location", "")):
        return response
    return submit_from_review(client, response)


def draft_id(response: Any) -> int:
    found = re.search(r"/filing/drafts/(\d+)/", response["Location"])
    assert found, response["Location"]
    return int(found[1])


def edit_url(draft_pk: int) -> str:
    return reverse("filing:draft_edit", args=[draft_pk])


def defence_to_review(client: Any, case: Any, *, filer_reference: str = "") -> tuple[str, Any, str]:
    """A defence (a fresh three-page PDF) uploaded to a new draft in ``case``, straight to its review page.

    Returns the review page's URL, the draft's one document and the PDF's SHA-256.
    """
    from filing.models import DraftDocument
    from tests.filing.conftest import document_type
    from tests.filing.pdf_corpus import good_pdf

    data = good_pdf(3)
    upload = io.BytesIO(data)
    upload.name = "defence.pdf"
    form = {
        "submission_key": str(uuid.uuid4()),
        "step": "review",
        "filer_reference": filer_reference,
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type("DCCJ", "defence").pk),
        "documents-0-title": "Defence",
        "documents-0-file": upload,
    }
    review = review_url(client.post(reverse("filing:file_in_case", args=[case.pk]), form))
    return review, DraftDocument.objects.get(), hashlib.sha256(data).hexdigest()
