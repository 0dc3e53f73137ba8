"""The database round trips of a filing's two requests (issue 16, item 6).

Each query is a wait for a core under load, so what one request asks twice it now asks
once: the form's one-time key is looked up once (the submission and the draft together,
without the eight-table join that took Postgres 4 ms to plan), the case type's claim limits
are read once per form, and a new case is not checked against its number constraint in a
savepoint (it has no number yet).
"""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from filing.models import Submission
from tests.faults.browser import KEY_INPUT
from tests.filing.conftest import document_type
from tests.filing.drafting import continue_to_review, review_url
from tests.filing.new_case_post import new_case_data
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


def _statements(captured: CaptureQueriesContext) -> list[str]:
    return [query["sql"] for query in captured.captured_queries]


def _upload(client: Any) -> tuple[Any, list[str], str]:
    url = reverse("filing:start_case", args=["DCCJ"])
    key = KEY_INPUT.search(client.get(url).content.decode())
    assert key
    upload = io.BytesIO(good_pdf(2))
    upload.name = "writ.pdf"
    data = {
        "submission_key": key[1],
        **new_case_data(),
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type("DCCJ", "writ").pk),
        "documents-0-title": "Writ of summons",
        "documents-0-file": upload,
    }
    with CaptureQueriesContext(connection) as captured:
        response = continue_to_review(client, url, data)
    return response, _statements(captured), key[1]


def test_the_forms_first_post_looks_its_key_up_once_and_its_claim_limits_once(
    client, party_in_person, document_storage
):
    client.force_login(party_in_person)
    response, statements, _key = _upload(client)
    review_url(response)
    key_lookups = [sql for sql in statements if '"submission_key" =' in sql and "INSERT" not in sql]
    assert len(key_lookups) == 1, key_lookups  # the submission and the draft, in one UNION
    assert "JOIN" not in key_lookups[0]
    assert len([sql for sql in statements if '"filing_claimlimit"' in sql]) == 1


def test_submit_reads_the_claim_limits_no_more_than_the_form_and_the_service_need(
    client, party_in_person, document_storage, celery_eager
):
    client.force_login(party_in_person)
    response, _statements_upload, key = _upload(client)
    review = review_url(response)
    assert client.get(review).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        filed = client.post(review, {"submission_key": key})
    assert filed.status_code == 302 and re.search(r"/filing/submissions/", filed["Location"])
    statements = _statements(captured)
    # Once for the review's form, once in the transaction that starts the case.
    assert len([sql for sql in statements if '"filing_claimlimit"' in sql]) == 2
    # The case is made without a number, so its constraints are not asked about in a savepoint.
    assert not [sql for sql in statements if '"_check"' in sql]
    assert Submission.objects.count() == 1
