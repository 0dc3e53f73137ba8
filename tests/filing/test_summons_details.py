"""A summons carries what a summons is (issue 15, part 1): the new-case form asks the offence for a
summons court only, the draft keeps it, the review page, the acknowledgement and the case file show
it, and the read API returns it. A District Court case refuses it; a department's reference is
filed once."""

from __future__ import annotations

import io
import re
import uuid
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse

from accounts.tokens import api_token_create
from filing.models import Case, Party, Submission, SummonsDetails
from filing.services import DocumentUpload, NewCase, NewParty, submission_create
from filing.services.filing_input import SubmissionRefused
from filing.services.refiling import new_case_answers
from tests.filing.conftest import document_type, pdf_file
from tests.filing.drafting import draft_id, edit_url, review_url, submit_from_review
from tests.filing.new_case_post import party_rows
from tests.filing.pdf_corpus import good_pdf
from tests.filing.summons_world import (
    DEFENDANT_ADDRESS,
    DEFENDANT_ID,
    FEHD,
    HKT,
    OFFENCE_EN,
    OFFENCE_ZH,
    accept_summons,
    department_user,
    file_summons,
    summons_input,
)

pytestmark = pytest.mark.django_db
FEHD_ADDRESS = "44/F, Queensway Government Offices, 66 Queensway, Hong Kong"

OFFENCE = {
    "case-offence_en": OFFENCE_EN,
    "case-offence_zh": OFFENCE_ZH,
    "case-ordinance": "Cap. 570",
    "case-section": "s. 4(1)",
    "case-offence_date": "2026-11-20",
    "case-offence_place": "Outside 1 Nathan Road, Tsim Sha Tsui",
    "case-department_reference": "FEHD/KC/2026/0042",
    "case-officer_reference": "PC 12345",
}


def _summons_post(*, step: str = "review", defendant: dict[str, str] | None = None, **changes: str) -> dict:
    information = document_type("KCS", "information")
    upload = io.BytesIO(good_pdf(1))
    upload.name = "summons.pdf"
    row = (
        defendant
        if defendant is not None
        else {
            "name_en": "LAU Chi Wai",
            "name_zh": "劉志偉",
            "address_for_service": DEFENDANT_ADDRESS,
            "id_kind": "hkid",
            "id_number": DEFENDANT_ID,
        }
    )
    return {
        "submission_key": str(uuid.uuid4()),
        "step": step,
        **OFFENCE,
        **changes,
        **party_rows(
            "case-applicants",
            [{"name_en": FEHD[0], "name_zh": FEHD[1], "kind": "company", "address_for_service": FEHD_ADDRESS}],
        ),
        **party_rows("case-respondents", [row]),
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(information.pk),
        "documents-0-title": "Information and summons",
        "documents-0-file": upload,
    }


def _errors(response) -> list[str]:
    """The page's error messages, for an assertion's explanation."""
    return re.findall(r"<span class=\"visually-hidden\">Error:</span>\s*(.*?)</", response.content.decode())


@pytest.fixture
def department(db, document_storage):
    return department_user()


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_form_asks_the_offence_for_a_summons_court_only(department, firm_filer):
    summons_page = _signed_in(department).get(reverse("filing:start_case", args=["KCS"])).content.decode()
    assert "The offence" in summons_page and 'name="case-ordinance"' in summons_page
    assert "The claim" not in summons_page and 'name="case-nature_en"' not in summons_page
    assert "case-third_parties" not in summons_page  # a summons names no third parties
    civil_page = _signed_in(firm_filer).get(reverse("filing:start_case", args=["DCCJ"])).content.decode()
    assert "The claim" in civil_page and "case-ordinance" not in civil_page


def test_a_summons_goes_from_the_form_through_review_to_the_acknowledgement_with_its_details(department):
    client = _signed_in(department)
    response = client.post(reverse("filing:start_case", args=["KCS"]), _summons_post())
    assert response.status_code == 302, _errors(response)
    review = client.get(review_url(response)).content.decode()
    for shown in (
        OFFENCE_EN,
        OFFENCE_ZH,
        "Cap. 570, s. 4(1)",
        "20 November 2026",
        "Outside 1 Nathan Road, Tsim Sha Tsui",
        FEHD[0],
        "FEHD/KC/2026/0042",
        "PC 12345",
        "Allotted by the registry when it accepts the summons",
    ):
        assert shown in review, shown
    assert "Nature of the claim" not in review

    submitted = submit_from_review(client, response)
    assert submitted.status_code == 302, submitted.content.decode()[:3000]
    submission = Submission.objects.get()
    details = SummonsDetails.objects.select_related("prosecutor", "case").get()
    assert details.case == submission.case and details.prosecutor == department.memberships.get().organisation
    assert (details.ordinance, details.section, details.department_reference) == (
        "Cap. 570",
        "s. 4(1)",
        "FEHD/KC/2026/0042",
    )
    assert submission.case.nature_en == OFFENCE_EN  # the cause list's "Offence / nature"
    defendant = submission.case.parties.get(side=Party.Side.RESPONDENT)
    assert (defendant.address_for_service, defendant.id_number) == (DEFENDANT_ADDRESS, "A1234563")
    acknowledgement = client.get(submitted["Location"]).content.decode()
    assert (
        OFFENCE_EN in acknowledgement
        and "FEHD/KC/2026/0042" in acknowledgement
        and "Cap. 570, s. 4(1)" in acknowledgement
    )


def test_a_summons_draft_keeps_the_offence(department):
    client = _signed_in(department)
    response = client.post(reverse("filing:start_case", args=["KCS"]), _summons_post(step="save"))
    assert response.status_code == 302
    page = client.get(edit_url(draft_id(response))).content.decode()
    for value in (OFFENCE_EN, "Cap. 570", "s. 4(1)", "2026-11-20", "FEHD/KC/2026/0042", "PC 12345"):
        assert value in page, value
    # Continue to review from the saved draft, unchanged: it is complete.
    again = client.post(edit_url(draft_id(response)), {**_summons_post(), "documents-TOTAL_FORMS": "0"})
    assert again.status_code == 302 and review_url(again)


def test_a_summons_defendant_needs_an_address_for_service_and_an_identity_document(department):
    client = _signed_in(department)
    data = _summons_post(defendant={"name_en": "LAU Chi Wai"})
    response = client.post(reverse("filing:start_case", args=["KCS"]), data)
    page = response.content.decode()
    assert response.status_code == 400
    assert "Give the address for service." in page
    assert "Give the defendant&#x27;s identity document and its number." in page
    assert not Submission.objects.exists()


def test_an_offence_on_a_future_date_is_refused(department):
    response = _signed_in(department).post(
        reverse("filing:start_case", args=["KCS"]), _summons_post(**{"case-offence_date": "2999-01-01"})
    )
    assert response.status_code == 400
    assert "The date of the offence cannot be in the future." in response.content.decode()


def test_a_district_court_case_refuses_summons_details(firm_filer, document_storage):
    writ = document_type("DCCJ", "writ")
    with pytest.raises(SubmissionRefused, match="Only a summons"):
        submission_create(
            user=firm_filer,
            new_case=NewCase(
                case_type=writ.case_type,
                applicants=[NewParty(name_en="CHAN Tai Man")],
                respondents=[NewParty(name_en="GOLDEN HARBOUR LIMITED", kind="company")],
                nature_en="Money claim",
                amount_claimed=None,
                summons=summons_input(),
            ),
            uploads=[DocumentUpload(writ, "Writ of summons", pdf_file())],
        )
    assert not Case.objects.filter(case_type=writ.case_type).exclude(pk=firm_filer.case.pk).exists()
    assert not SummonsDetails.objects.exists()


def test_a_duplicate_department_reference_is_refused_in_the_users_language(department):
    file_summons(department, reference="FEHD/KC/2026/0042")
    client = _signed_in(department)
    client.cookies["django_language"] = "zh-hant"
    response = client.post(reverse("filing:start_case", args=["KCS"]), _summons_post())
    submitted = submit_from_review(client, response)
    page = submitted.content.decode()
    assert submitted.status_code == 400
    assert "FEHD/KC/2026/0042" in page and "已用於另一張傳票" in page
    assert Submission.objects.count() == 1 and SummonsDetails.objects.count() == 1


def test_a_returned_summons_filed_again_is_prefilled_with_its_offence(department):
    submission = file_summons(department)
    answers = new_case_answers(submission.case)
    assert answers["case-offence_en"] == [OFFENCE_EN]
    assert answers["case-offence_date"] == ["2026-11-20"]
    assert answers["case-department_reference"] == ["FEHD/KC/2026/0001"]


def test_the_case_file_and_the_api_show_the_summons_and_its_return_day(department):
    submission = accept_summons(file_summons(department))
    case = Case.objects.get(pk=submission.case_id)
    details = SummonsDetails.objects.get(case=case)
    page = _signed_in(department).get(reverse("filing:case", args=[case.pk])).content.decode()
    assert OFFENCE_EN in page and "Court No. 3" in page and "FEHD/KC/2026/0001" in page
    assert "A123***(*)" in page and DEFENDANT_ID not in page  # the ID masked, as every party's

    _row, token = api_token_create(user=department, name="prosecution system")
    response = Client().get("/api/v1/cases/" + quote(case.case_number, safe=""), HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    summons = response.json()["summons"]
    assert summons["offence_en"] == OFFENCE_EN and summons["ordinance"] == "Cap. 570"
    assert summons["section"] == "s. 4(1)" and summons["offence_date"] == "2026-11-20"
    assert summons["prosecutor"] == {"name_en": FEHD[0], "name_zh": FEHD[1]}
    assert summons["department_reference"] == "FEHD/KC/2026/0001" and summons["officer_reference"] == "PC 12345"
    assert summons["courtroom"] == "Court No. 3"
    assert summons["return_at"] == details.return_at.astimezone(HKT).isoformat()
    assert summons["return_at"].endswith("T09:30:00+08:00")
