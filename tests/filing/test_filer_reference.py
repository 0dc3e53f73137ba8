"""The filer's own reference (client and matter) is shown back to the filing side wherever the filing
is: the acknowledgement PDF, the fee receipt, the submission page, the list, the message box and the
API; and the list finds filings by it, by their reference and by case number. Never anyone else's."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pypdf
import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from accounts.models import Membership
from filing.acknowledgement import acknowledgement_pdf
from filing.models import Party, Submission
from filing.selectors import submissions_search
from filing.services import DocumentUpload, FilingDetails, filing_accept, message_post, submission_create
from payments import services as payments
from payments.filing_fees import submission_fee_items
from payments.models import Receipt
from payments.rendering import receipt_context, render_receipt_pdf
from tests.factories import (
    CaseFactory,
    MembershipFactory,
    OrganisationFactory,
    PartyFactory,
    StaffFactory,
    assign_case,
)
from tests.filing.conftest import document_type, pdf_file
from tests.filing.test_filing_api import bearer
from tests.payments.helpers import DURING_CONCESSION

pytestmark = pytest.mark.django_db

OUR_REFERENCE = "ACME Ltd / Matter 2026-042"


def _file(user, case, *, filer_reference: str = "", title: str = "Defence", code: str = "defence") -> Submission:
    return submission_create(
        user=user,
        case=case,
        uploads=[DocumentUpload(document_type("DCCJ", code), title, pdf_file())],
        details=FilingDetails(filer_reference=filer_reference),
    )


def _pdf_text(pdf: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _firm_user_with_a_case(number: int):
    """An Organisation User of another firm, on record (and assigned) in a case numbered DCCJ ``number``/2026."""
    membership = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.MEMBER)
    case = CaseFactory(number=number, year=2026)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=membership.organisation)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="LAM Siu Fung", name_zh="林小峰")
    assign_case(case, membership)
    membership.user.case = case
    return membership.user


def _search(client: Client, query: str) -> str:
    response = client.get(reverse("filing:submissions"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_acknowledgement_pdf_shows_your_reference(firm_filer, document_storage):
    submission = _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE)
    version = submission.acknowledgement_versions.get()
    text = _pdf_text(acknowledgement_pdf(submission, version=version))
    assert "Your reference" in text and OUR_REFERENCE in text
    assert "Your reference" not in _pdf_text(
        acknowledgement_pdf(_file(firm_filer, firm_filer.case), version=version)
    ), "no row for a filing without one"


@time_machine.travel(DURING_CONCESSION, tick=True)
def test_the_receipt_for_the_filing_fee_shows_your_reference_and_other_receipts_do_not(
    firm_filer, document_storage, django_capture_on_commit_callbacks, celery_eager
):
    membership = firm_filer.memberships.get()
    account = payments.deposit_account_open(organisation=membership.organisation, branch_code=membership.branch_code)
    officer = StaffFactory(group="Accounts officer")
    payments.deposit_top_up(account=account, amount=Decimal("5000"), reference="TOPUP-1", officer=officer)
    submission = _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE, title="Summons", code="summons")
    with django_capture_on_commit_callbacks(execute=True):
        order = payments.payment_order_create(
            purpose="submission",
            court_level="DC",
            items=submission_fee_items(submission),
            idempotency_key=f"submission-{submission.reference}",
            payer=firm_filer,
            purpose_ref=submission.reference,
        )
        order = payments.payment_order_pay_from_deposit(order=order, user=firm_filer)
    receipt = Receipt.objects.get(order=order)
    text = _pdf_text(render_receipt_pdf(receipt))
    assert "Your reference" in text and OUR_REFERENCE in text

    # Another payment never shows one, even if its internal key happened to be a submission's reference.
    search = payments.payment_order_create(
        purpose="search",
        court_level="DC",
        items=["DC-SEARCH"],
        idempotency_key="search-1",
        payer=firm_filer,
        purpose_ref=submission.reference,
    )
    assert receipt_context(Receipt(order=search))["filer_reference"] == ""


def test_the_submission_page_the_list_and_the_message_box_show_your_reference(client, firm_filer, document_storage):
    submission = _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE)
    message_post(
        recipient=firm_filer, kind="notice", subject_en="About your filing", subject_zh="關於", submission=submission
    )
    client.force_login(firm_filer)
    page = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert "Your reference" in page and OUR_REFERENCE in page
    listing = client.get(reverse("filing:submissions")).content.decode()
    assert '<th scope="col">Your reference</th>' in listing and OUR_REFERENCE in listing
    box = client.get(reverse("filing:message_box")).content.decode()
    assert f"Your reference: {OUR_REFERENCE}" in box
    api = Client().get(f"/api/v1/submissions/{submission.reference}", **bearer(firm_filer))
    assert api.status_code == 200 and api.json()["filer_reference"] == OUR_REFERENCE


def test_the_list_finds_a_submission_by_its_reference_your_reference_or_its_case_number(
    client, firm_filer, document_storage
):
    ours = _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE)
    other = _file(firm_filer, firm_filer.case, filer_reference="Wong family trust")
    elsewhere = _firm_user_with_a_case(9001)
    colleague_case = elsewhere.case
    client.force_login(firm_filer)
    case_number = firm_filer.case.case_number

    by_reference = _search(client, ours.reference.lower())
    assert ours.reference in by_reference and other.reference not in by_reference
    assert "1 submission matches" in by_reference and 'role="status"' in by_reference

    by_filer_reference = _search(client, "matter 2026-042")  # any part, any letter case
    assert ours.reference in by_filer_reference and other.reference not in by_filer_reference

    for spelling in (case_number, case_number.lower().replace(" ", ""), f"DCCJ No. {firm_filer.case.number} of 2026"):
        found = _search(client, spelling)
        assert ours.reference in found and other.reference in found, spelling
        assert "2 submissions match" in found

    nothing = _search(client, colleague_case.case_number)
    assert "0 submissions match" in nothing and ours.reference not in nothing


def test_other_users_submissions_are_never_found(client, firm_filer, document_storage):
    stranger = _firm_user_with_a_case(9002)
    theirs = _file(stranger, stranger.case, filer_reference=OUR_REFERENCE)
    client.force_login(firm_filer)
    for query in (theirs.reference, OUR_REFERENCE, "ACME", stranger.case.case_number):
        page = _search(client, query)
        assert reverse("filing:submission", args=[theirs.reference]) not in page, query
        assert "0 submissions match" in page
    assert not submissions_search(firm_filer, theirs.reference).exists()


def test_the_other_side_sees_an_accepted_filing_but_never_the_filers_reference(client, firm_filer, document_storage):
    """The filer's reference names their client and matter: the other side cannot see it or search by it."""
    case = firm_filer.case
    other_firm = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.MEMBER)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=2, representative=other_firm.organisation)
    assign_case(case, other_firm)
    submission = _file(other_firm.user, case, filer_reference="Confidential client X")
    with time_machine.travel(submission.deemed_received_at + timedelta(minutes=1), tick=False):
        filing_accept(submission=submission, clerk=StaffFactory(), accepted_without_opening=True)
    client.force_login(firm_filer)
    assert submission.reference in _search(client, case.case_number)
    listing = client.get(reverse("filing:submissions")).content.decode()
    assert submission.reference in listing and "Confidential client X" not in listing
    assert "0 submissions match" in _search(client, "confidential client")
    page = client.get(reverse("filing:submission", args=[submission.reference])).content.decode()
    assert "Confidential client X" not in page
    api = Client().get(f"/api/v1/submissions/{submission.reference}", **bearer(firm_filer))
    assert api.status_code == 200 and api.json()["filer_reference"] == ""
    assert submissions_search(firm_filer, "").get(pk=submission.pk).your_reference == ""
    assert submissions_search(other_firm.user, "").get(pk=submission.pk).your_reference == "Confidential client X"


def test_the_search_form_is_labelled_and_works_without_javascript(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    page = client.get(reverse("filing:submissions")).content.decode()
    assert 'role="search"' in page and 'method="get"' in page
    assert '<label for="id_q">Search your submissions</label>' in page
    assert 'aria-describedby="id_q_helptext"' in page and 'name="q"' in page
    assert 'role="status"' not in page, "no result count before a search"


def test_a_search_keeps_its_query_across_pages(client, firm_filer, document_storage):
    from filing.models import Document

    first = _file(firm_filer, firm_filer.case, filer_reference="Bulk 1")
    # 26 filings with the same reference fill two pages; copy the first rather than store 26 files.
    for index in range(25):
        copy = Submission.objects.create(
            case=first.case,
            submitted_by=firm_filer,
            on_behalf_of=first.on_behalf_of,
            received_at=first.received_at,
            deemed_received_at=first.deemed_received_at,
            filer_reference="Bulk 1",
        )
        Document.objects.create(
            submission=copy,
            document_type=first.documents.get().document_type,
            title="Copy",
            storage_key=f"copy-{index}",
            sha256="0" * 64,
            size=1,
            pages=1,
        )
    client.force_login(firm_filer)
    page = _search(client, "bulk 1")
    assert "26 submissions match" in page
    assert "?q=bulk+1&amp;page=2" in page


def test_a_search_reads_the_same_number_of_queries_however_many_match(client, firm_filer, document_storage):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(firm_filer)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            _search(client, "acme")
        return len(captured)

    _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE)
    queries()  # the first request of a session also reads what is then cached
    one = queries()
    for _ in range(3):
        _file(firm_filer, firm_filer.case, filer_reference=OUR_REFERENCE)
    assert "4 submissions match" in _search(client, "acme")
    assert queries() == one
