"""The write API checks what the web form checks, with the web form's messages, and shows
nobody anything that is not theirs (404)."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest

from filing.claim_limits import claim_amount_check
from filing.models import Submission, SubmissionDraft
from filing.pdf_checks import PdfRejected, validate_pdf
from tests.api.conftest import ApiClient, dccj_case, token_for
from tests.filing.pdf_corpus import encrypted_pdf, good_pdf

pytestmark = pytest.mark.django_db


def _file(data: bytes, name: str = "document.pdf") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def _errors(response) -> dict[str, str]:
    assert response.status_code == 400, response.content
    return {error["field"]: error["message"] for error in response.json()["errors"]}


def test_the_case_details_are_checked_as_the_web_form_checks_them(api):
    body = dccj_case(nature_en="")
    body["case"]["parties"][1]["name_en"] = ""
    errors = _errors(api.post_json("/api/v1/filings", body))
    assert errors["case.nature_en"] == "Describe the claim briefly, in English or Chinese."
    assert errors["case.parties[1].name_en"] == "Give the name in English, in Chinese, or both."
    assert not SubmissionDraft.objects.exists()


def test_a_claim_over_the_courts_limit_gets_the_forms_message(api):
    from filing.models import CaseType

    with pytest.raises(Exception) as refused:
        claim_amount_check(case_type=CaseType.objects.get(prefix="DCCJ"), amount=Decimal("99999999.00"))
    errors = _errors(api.post_json("/api/v1/filings", dccj_case(amount_claimed="99999999.00")))
    assert errors["case.amount_claimed"] == refused.value.messages[0]


def test_a_party_needs_a_known_side_and_each_side_a_party(api):
    body = dccj_case()
    body["case"]["parties"][1]["side"] = "defendant"
    assert _errors(api.post_json("/api/v1/filings", body)) == {
        "case.parties[1].side": "A party's side is applicant, respondent or third_party."
    }
    body["case"]["parties"] = body["case"]["parties"][:1]
    assert "case.parties" in _errors(api.post_json("/api/v1/filings", body))


def test_either_a_new_case_or_a_case_number(api):
    body = dccj_case()
    body["case_tracking_id"] = "DCCJ 1/2026"
    assert "case_type" in _errors(api.post_json("/api/v1/filings", body))
    assert "case_type" in _errors(api.post_json("/api/v1/filings", {"case_type": "NOPE", "case": body["case"]}))


def _new_filing(api: ApiClient) -> int:
    response = api.post_json("/api/v1/filings", dccj_case())
    assert response.status_code == 201, response.content
    return response.json()["filing_id"]


def test_a_refused_pdf_gets_the_web_forms_message_and_nothing_is_stored(api, document_storage):
    filing_id = _new_filing(api)
    with pytest.raises(PdfRejected) as web:
        validate_pdf(_file(encrypted_pdf()))
    response = api.post_form(
        f"/api/v1/filings/{filing_id}/documents",
        {"document_type": "writ", "title": "Writ", "file": _file(encrypted_pdf())},
    )
    assert _errors(response) == {"file": str(web.value.user_message)}
    assert not any(document_storage.rglob("*.pdf"))


def test_a_document_type_of_another_kind_of_case_and_a_missing_file_are_refused(api, document_storage):
    filing_id = _new_filing(api)
    errors = _errors(
        api.post_form(f"/api/v1/filings/{filing_id}/documents", {"document_type": "no-such", "title": ""})
    )
    assert set(errors) == {"document_type", "title", "file"}
    assert errors["file"] == "This field is required."


def test_the_same_file_posted_twice_is_one_document(api, document_storage):
    filing_id = _new_filing(api)
    pdf = good_pdf(1)
    for _attempt in range(2):
        response = api.post_form(
            f"/api/v1/filings/{filing_id}/documents",
            {"document_type": "writ", "title": "Writ", "file": _file(pdf)},
        )
        assert response.status_code == 201
    assert len(api.get(f"/api/v1/filings/{filing_id}").json()["documents"]) == 1


def test_a_filing_without_its_originating_document_cannot_be_submitted(api):
    filing_id = _new_filing(api)
    errors = _errors(api.post_json(f"/api/v1/filings/{filing_id}/submit", {}))
    assert errors == {"filing": "Add at least one document."}
    assert not Submission.objects.exists()


def test_another_users_filing_is_404_everywhere(api, outsider, document_storage):
    filing_id = _new_filing(api)
    other = ApiClient(token_for(outsider))
    assert other.get(f"/api/v1/filings/{filing_id}").status_code == 404
    upload = {"document_type": "writ", "title": "Writ", "file": _file(good_pdf())}
    assert other.post_form(f"/api/v1/filings/{filing_id}/documents", upload).status_code == 404
    assert other.post_json(f"/api/v1/filings/{filing_id}/submit", {}).status_code == 404
    assert other.get("/api/v1/submissions/ES-0000-0000-0000/acknowledgement").status_code == 404


def test_a_token_without_the_file_scope_cannot_file(firm_member):
    reader = ApiClient(token_for(firm_member, scopes=("read",)))
    response = reader.post_json("/api/v1/filings", dccj_case())
    assert response.status_code == 403
    assert not SubmissionDraft.objects.exists()


def test_a_filing_in_a_case_of_yours(firm_filer, outsider, document_storage, django_capture_on_commit_callbacks):
    api = ApiClient(token_for(firm_filer))
    case_number = firm_filer.case.case_number
    assert (
        ApiClient(token_for(outsider)).post_json("/api/v1/filings", {"case_tracking_id": case_number}).status_code
        == 404
    )
    response = api.post_json("/api/v1/filings", {"case_tracking_id": case_number, "filer_reference": "M-1"})
    assert response.status_code == 201, response.content
    filing_id = response.json()["filing_id"]
    upload = {"document_type": "defence", "title": "Defence", "file": _file(good_pdf(3))}
    assert api.post_form(f"/api/v1/filings/{filing_id}/documents", upload).status_code == 201
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post_json(f"/api/v1/filings/{filing_id}/submit", {})
    assert response.status_code == 201, response.content
    submitted = response.json()
    assert (submitted["case_number"], submitted["filer_reference"], submitted["opens_case"]) == (
        case_number,
        "M-1",
        False,
    )
    assert Submission.objects.get(reference=submitted["reference"]).submitted_by == firm_filer
