"""Public verification, on the page and in the API: a match says only the case number and the document type."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from filing import ratelimit
from filing.models import ReturnReason
from filing.sealing import drn_format, drn_generate
from filing.services import DocumentUpload, court_document_issue, filing_accept, filing_return, submission_create
from icms.core.storage import read_document
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import document_type, pdf_file, stored_files

pytestmark = pytest.mark.django_db

PAGE = reverse("verify:verify")
SECRET_TITLE = "Defence of GOLDEN HARBOUR LIMITED (draft 7)"


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


def file_defence(filer, title: str = SECRET_TITLE):
    return submission_create(
        user=filer,
        case=filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), title, pdf_file(2))],
    )


@pytest.fixture
def sealed(firm_filer, clerk, document_storage, celery_eager, django_capture_on_commit_callbacks):
    """An accepted defence whose sealed copy the worker has made."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = file_defence(firm_filer)
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_accept(submission=submission, clerk=clerk, accepted_without_opening=True)
    document = submission.documents.get()
    assert document.sealed_storage_key
    return document


def upload(data: bytes, name: str = "defence-sealed.pdf") -> io.BytesIO:
    handle = io.BytesIO(data)
    handle.name = name
    return handle


def assert_says_only_case_and_type(text: str, firm_filer) -> None:
    assert firm_filer.case.case_number in text
    assert "Defence" in text
    assert SECRET_TITLE not in text and "GOLDEN HARBOUR" not in text
    assert firm_filer.email not in text and "CHAN Tai Man" not in text


def test_the_page_needs_no_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 200
    assert 'name="drn"' in response.text and 'name="file"' in response.text
    assert 'enctype="multipart/form-data"' in response.text


def test_a_drn_of_a_sealed_filing_matches_with_case_number_and_type_only(client, sealed, firm_filer):
    response = client.post(PAGE, {"drn": drn_format(sealed.drn)})
    assert response.status_code == 200
    assert "This matches a document filed with and sealed by the court." in response.text
    assert_says_only_case_and_type(response.text, firm_filer)


def test_a_drn_in_a_link_from_the_stamp_is_checked_too(client, sealed, firm_filer):
    response = client.get(PAGE, {"drn": sealed.drn})
    assert "This matches" in response.text and firm_filer.case.case_number in response.text


def test_the_sealed_copy_s_file_matches_and_nothing_is_stored(client, sealed, firm_filer, document_storage):
    before = stored_files(document_storage)
    response = client.post(PAGE, {"file": upload(read_document(sealed.sealed_storage_key))})
    assert response.status_code == 200
    assert "This matches a document filed with and sealed by the court." in response.text
    assert_says_only_case_and_type(response.text, firm_filer)
    assert stored_files(document_storage) == before


def test_the_original_file_of_an_accepted_filing_matches_and_says_it_has_no_stamp(client, sealed):
    response = client.post(PAGE, {"file": upload(read_document(sealed.storage_key))})
    assert "This matches" in response.text
    assert "without the court's stamp" in response.text


def test_a_filing_under_review_or_returned_never_matches(client, firm_filer, clerk, document_storage):
    under_review = file_defence(firm_filer).documents.get()
    returned_submission = file_defence(firm_filer, title="Another defence")
    with once_received_in_law(returned_submission):
        filing_return(submission=returned_submission, clerk=clerk, reason=ReturnReason.objects.get(code="illegible"))
    returned = returned_submission.documents.get()

    for document in (under_review, returned):
        response = client.post(PAGE, {"file": upload(read_document(document.storage_key))})
        assert "No document matches." in response.text
        assert firm_filer.case.case_number not in response.text
        api = client.get("/api/v1/verify", {"sha256": document.sha256}).json()
        assert api["match"] is False and api["case_number"] is None


def test_an_unknown_drn_gets_a_clear_message(client, db):
    response = client.post(PAGE, {"drn": drn_generate()})
    assert response.status_code == 200
    assert "No document matches." in response.text
    assert "Check the number against the court stamp at the top of the page" in response.text


def test_a_malformed_drn_is_a_form_error(client, db):
    response = client.post(PAGE, {"drn": "1234 5678 9013"})  # one digit wrong: the check digits catch it
    assert response.status_code == 200
    assert "This is not a valid document reference number." in response.text
    assert 'aria-describedby="id_drn_helptext id_drn_error"' in response.text or "id_drn_error" in response.text
    assert "No document matches." not in response.text


def test_a_number_or_a_file_is_needed_but_not_both(client, sealed):
    neither = client.post(PAGE, {"drn": ""})
    assert "Enter a document reference number or choose a file." in neither.text
    both = client.post(PAGE, {"drn": sealed.drn, "file": upload(b"%PDF-1.7 whatever")})
    assert "Enter a number or choose a file, not both." in both.text


def test_an_issued_court_document_matches_by_drn_and_by_its_issued_copy(client, firm_filer, clerk, document_storage):
    issued = court_document_issue(
        case=firm_filer.case, staff=clerk, kind="judgment", title="Judgment of HH Judge WONG", file=pdf_file()
    )
    by_drn = client.post(PAGE, {"drn": issued.drn})
    assert "This matches a document issued by the court." in by_drn.text
    assert "Judgment" in by_drn.text and "HH Judge WONG" not in by_drn.text
    api = client.get("/api/v1/verify", {"sha256": issued.sealed_sha256}).json()
    assert api == {
        "match": True,
        "case_number": firm_filer.case.case_number,
        "document_type_en": "Judgment",
        "document_type_zh": "判決書",
        "issued_by_court": True,
        "sealed": True,
    }


def test_the_page_reads_in_chinese(client, sealed, firm_filer):
    with translation.override("en"):  # LocaleMiddleware leaves the request's language active in this thread
        response = client.post(PAGE, {"drn": sealed.drn}, HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert "抗辯書" in response.text
    assert firm_filer.case.case_number in response.text


def test_the_form_is_protected_against_csrf(sealed):
    client = Client(enforce_csrf_checks=True)
    assert client.post(PAGE, {"drn": sealed.drn}).status_code == 403


def test_checks_are_rate_limited_per_address(client, sealed, monkeypatch):
    monkeypatch.setattr(ratelimit, "VERIFY_LIMIT", 3)
    for _ in range(3):
        assert client.post(PAGE, {"drn": sealed.drn}).status_code == 200
    limited = client.post(PAGE, {"drn": sealed.drn})
    assert limited.status_code == 429
    assert "Wait a minute and try again." in limited.text
    assert client.get("/api/v1/verify", {"drn": sealed.drn}).status_code == 429
    other_address = client.post(PAGE, {"drn": sealed.drn}, REMOTE_ADDR="192.0.2.44")
    assert other_address.status_code == 200


def test_the_api_verifies_a_drn_or_a_hash_without_a_token(client, sealed, firm_filer):
    by_drn = client.get("/api/v1/verify", {"drn": drn_format(sealed.drn)})
    assert by_drn.status_code == 200
    assert by_drn.json()["match"] is True and by_drn.json()["case_number"] == firm_filer.case.case_number
    assert by_drn.json()["document_type_en"] == "Defence" and by_drn.json()["issued_by_court"] is False
    by_hash = client.get("/api/v1/verify", {"sha256": sealed.sealed_sha256.upper()}).json()
    assert by_hash["match"] is True and by_hash["sealed"] is True
    assert SECRET_TITLE not in by_drn.text


@pytest.mark.parametrize(
    "query",
    [{}, {"drn": "123"}, {"sha256": "abc"}, {"drn": "123456789012", "sha256": "0" * 64}],
    ids=["neither", "malformed drn", "malformed hash", "both"],
)
def test_the_api_refuses_a_malformed_question(client, db, query):
    response = client.get("/api/v1/verify", query)
    assert response.status_code == 400
    assert response.json()["detail"]


def test_the_api_says_no_match_for_an_unknown_drn(client, db):
    assert client.get("/api/v1/verify", {"drn": drn_generate()}).json()["match"] is False


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_example_drn_on_the_page_is_itself_a_valid_drn(client, db, language):
    from filing.forms_verify import EXAMPLE_DRN, VerifyForm
    from filing.sealing import drn_is_valid, drn_normalize

    assert drn_is_valid(drn_normalize(EXAMPLE_DRN))
    form = VerifyForm(data={"drn": EXAMPLE_DRN})
    form.is_valid()
    assert "drn" not in form.errors
    # Trying it says "not found", not "not a valid number".
    body = client.post(PAGE, {"drn": EXAMPLE_DRN}).content.decode()
    assert "No document matches." in body and "not a valid document reference number" not in body
    client.cookies["django_language"] = language
    assert EXAMPLE_DRN in client.get(PAGE).content.decode()
