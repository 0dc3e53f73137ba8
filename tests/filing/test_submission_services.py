"""Receiving submissions: checks first, one transaction, nothing left behind on failure."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from accounts.models import Membership
from filing.models import Case, Document, MessageItem, Submission
from filing.pdf_checks import PdfRejected
from filing.services import DocumentUpload, NewCase, NewParty, SubmissionRefused, submission_create
from icms.core.models import AuditEvent
from tests.factories import MembershipFactory
from tests.filing.conftest import document_type, pdf_file, stored_files
from tests.filing.pdf_corpus import encrypted_pdf

pytestmark = pytest.mark.django_db
HKT = ZoneInfo("Asia/Hong_Kong")


def test_a_firm_user_files_into_an_assigned_case(
    firm_filer, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    case = firm_filer.case
    with django_capture_on_commit_callbacks(execute=True):
        submission = submission_create(
            user=firm_filer,
            case=case,
            uploads=[
                DocumentUpload(document_type("DCCJ", "defence"), "Defence of the 1st defendant", pdf_file(3)),
                DocumentUpload(document_type("DCCJ", "affirmation"), "Affirmation of CHAN Tai Man", pdf_file(2)),
            ],
        )
    assert submission.reference.startswith("ES-")
    assert submission.status == Submission.Status.RECEIVED
    assert submission.received_at is not None
    assert submission.deemed_rule != ""
    documents = list(submission.documents.order_by("ordinal"))
    assert [d.pages for d in documents] == [3, 2]
    assert all(len(d.sha256) == 64 for d in documents)
    assert len(stored_files(document_storage)) == 3  # two documents and the acknowledgement
    assert AuditEvent.objects.filter(event_type="filing.submission_received", target_id=str(submission.pk)).exists()
    submission.refresh_from_db()
    assert submission.acknowledgement_key.startswith("acknowledgements/")
    message = MessageItem.objects.get(recipient=firm_filer, submission=submission)
    assert message.kind == "acknowledgement"


@time_machine.travel(datetime(2026, 11, 27, 18, 30, tzinfo=HKT), tick=False)
def test_received_time_comes_from_the_database_and_the_deemed_time_from_the_calendar(firm_filer, document_storage):
    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
    )
    # The database clock is not travelled; the deemed time follows from whatever it recorded.
    from icms.calendar import deemed_receipt

    assert submission.received_at != datetime(2026, 11, 27, 18, 30, tzinfo=HKT)  # not Python's (travelled) clock
    assert submission.deemed_received_at == deemed_receipt(submission.received_at).deemed_at


def test_a_bad_file_among_good_ones_stores_nothing(firm_filer, document_storage):
    bad = io.BytesIO(encrypted_pdf())
    with pytest.raises(PdfRejected) as rejected:
        submission_create(
            user=firm_filer,
            case=firm_filer.case,
            uploads=[
                DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file()),
                DocumentUpload(document_type("DCCJ", "affirmation"), "Affirmation", bad),
            ],
        )
    assert "password" in str(rejected.value.messages[0])
    assert Submission.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files(document_storage) == []


def test_a_failure_after_storing_removes_the_stored_files(firm_filer, document_storage, monkeypatch):
    from filing.services import submissions

    def explode(**kwargs):
        raise RuntimeError("audit store down")

    monkeypatch.setattr(submissions, "audit_record", explode)
    with pytest.raises(RuntimeError):
        submission_create(
            user=firm_filer,
            case=firm_filer.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )
    assert Submission.objects.count() == 0
    assert stored_files(document_storage) == []


def test_a_party_in_person_starts_a_dcpi_case(party_in_person, document_storage):
    submission = submission_create(
        user=party_in_person,
        new_case=NewCase(
            case_type=document_type("DCPI", "writ").case_type,
            applicants=[NewParty(name_en="CHAN Tai Man", name_zh="陳大文")],
            respondents=[NewParty(name_en="KOWLOON TRANSPORT LIMITED", name_zh="九龍運輸有限公司", kind="company")],
            nature_en="Personal injuries: road traffic accident",
        ),
        uploads=[DocumentUpload(document_type("DCPI", "writ"), "Writ of summons", pdf_file(2))],
    )
    case = submission.case
    assert submission.opens_case
    assert case.status == Case.Status.PENDING
    assert case.number is None
    applicant = case.parties.get(side="applicant")
    assert applicant.user == party_in_person
    assert case.parties.get(side="respondent").kind == "company"


def test_nothing_more_is_filed_in_a_case_before_it_has_a_number(party_in_person, document_storage, client):
    from django.urls import reverse

    opening = submission_create(
        user=party_in_person,
        new_case=NewCase(
            case_type=document_type("DCPI", "writ").case_type,
            applicants=[NewParty(name_en="CHAN Tai Man")],
            respondents=[NewParty(name_en="WONG Siu Ming")],
        ),
        uploads=[DocumentUpload(document_type("DCPI", "writ"), "Writ of summons", pdf_file())],
    )
    with pytest.raises(SubmissionRefused, match="no case number yet"):
        submission_create(
            user=party_in_person,
            case=opening.case,
            uploads=[DocumentUpload(document_type("DCPI", "statement_of_claim"), "Statement of claim", pdf_file())],
        )
    assert Submission.objects.filter(case=opening.case).count() == 1
    client.force_login(party_in_person)
    assert client.get(reverse("filing:file_in_case", args=[opening.case.pk])).status_code == 404


def test_a_new_case_needs_its_originating_document(party_in_person, document_storage):
    with pytest.raises(SubmissionRefused, match="originating document"):
        submission_create(
            user=party_in_person,
            new_case=NewCase(
                case_type=document_type("DCPI", "writ").case_type,
                applicants=[NewParty(name_en="CHAN Tai Man")],
                respondents=[NewParty(name_en="WONG Siu Ming")],
            ),
            uploads=[DocumentUpload(document_type("DCPI", "statement_of_claim"), "Statement of claim", pdf_file())],
        )
    assert Case.objects.filter(case_type__prefix="DCPI").count() == 0


def test_an_administrator_cannot_file(firm_filer, document_storage):
    admin = MembershipFactory(
        organisation=firm_filer.memberships.get().organisation, role=Membership.Role.SECONDARY_ADMIN
    ).user
    with pytest.raises(SubmissionRefused, match="Administrators manage members and cannot file"):
        submission_create(
            user=admin,
            case=firm_filer.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )


def test_someone_not_acting_for_the_case_cannot_file_in_it(outsider, firm_filer, document_storage):
    with pytest.raises(SubmissionRefused, match="cannot file in this case"):
        submission_create(
            user=outsider,
            case=firm_filer.case,
            uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file())],
        )


def test_a_document_type_of_another_case_type_is_refused(firm_filer, document_storage):
    with pytest.raises(SubmissionRefused, match="document type of this kind of case"):
        submission_create(
            user=firm_filer,
            case=firm_filer.case,
            uploads=[DocumentUpload(document_type("DCPI", "medical_report"), "Report", pdf_file())],
        )
