"""Copies, certified true copies and certificates: apply, pay, issue (or refuse), verify."""

from __future__ import annotations

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from causebook.copies import copy_application_create, party_copy_target
from causebook.copy_issue import copy_application_issue, copy_application_refuse
from causebook.models import CopyApplication
from filing.models import CaseType, CourtDocument, MessageItem, Party
from filing.sealing import drn_format
from filing.services import filing_accept, submission_documents_seal
from icms.core.models import AuditEvent
from icms.core.storage import read_document
from payments.models import PaymentOrder, Refund
from payments.services.orders import order_mark_paid
from tests.checklist import signed_in
from tests.clock import once_received_in_law
from tests.factories import CaseFactory, PartyFactory, StaffFactory, UserFactory
from tests.filing.test_review_admin import new_dcpi_case

# The fees are concession-period amounts (Cap. 638E/638F): the clock stands on 1 Dec 2026.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("in_the_concession_period")]

Status = CopyApplication.Status


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def dcpi(party_in_person, clerk, document_storage, celery_eager, django_capture_on_commit_callbacks):
    """An accepted DCPI case filed in person: a 2-page writ (open to public inspection) and a
    statement of damages, both sealed. Returns (case, writ, statement)."""
    with django_capture_on_commit_callbacks(execute=True):
        submission = new_dcpi_case(party_in_person)
    with once_received_in_law(submission), django_capture_on_commit_callbacks(execute=True):
        filing_accept(submission=submission, clerk=clerk, accepted_without_opening=True)
    submission_documents_seal(submission_id=submission.pk)
    writ, statement = submission.documents.select_related("document_type").order_by("ordinal")
    writ.refresh_from_db()
    statement.refresh_from_db()
    assert writ.sealed_storage_key and writ.public_inspection
    mail.outbox.clear()
    submission.case.refresh_from_db()
    return submission.case, writ, statement


def pay(application: CopyApplication, capture) -> PaymentOrder:
    order = PaymentOrder.objects.get(purpose="copy", purpose_ref=str(application.pk))
    with capture(execute=True), transaction.atomic():
        order_mark_paid(order=PaymentOrder.objects.select_for_update().get(pk=order.pk), received_at=timezone.now())
    order.refresh_from_db()
    return order


def pdf_pages(data: bytes) -> list[str]:
    return [" ".join(page.extract_text().split()) for page in PdfReader(BytesIO(data)).pages]


def test_a_party_applies_pays_and_the_certified_copy_reaches_their_message_box_and_verifies(
    dcpi, party_in_person, clerk, django_capture_on_commit_callbacks
):
    case, writ, _statement = dcpi
    party = signed_in(party_in_person)
    page = party.get(reverse("causebook:case_copies", args=[case.pk]))
    assert page.status_code == 200
    assert "Writ of summons" in page.text and "Apply for a certificate" not in page.text  # not a summons case

    response = party.post(
        reverse("causebook:copy_apply", args=[case.pk, f"filed-{writ.pk}"]), {"kind": "certified_copy", "copies": "1"}
    )
    application = CopyApplication.objects.get()
    order = PaymentOrder.objects.get(purpose="copy", purpose_ref=str(application.pk))
    assert response["Location"] == reverse("payments:order", args=[order.access_token])
    # From the fee schedule: 2 pages at HK$5 and the certifying fee of HK$100, each less 20%
    # rounded down to the dollar (Cap. 638E): HK$4 + HK$4 + HK$80.
    assert [line["item"] for line in order.lines] == ["DC-COPY-PAGE", "DC-COPY-PAGE", "DC-CERTIFY"]
    assert (order.standard_total, order.amount) == (Decimal("110.00"), Decimal("88.00"))
    assert application.fee_amount == Decimal("88.00") and application.status == Status.AWAITING_PAYMENT
    assert AuditEvent.objects.filter(event_type="causebook.copy_applied").count() == 1

    with pytest.raises(ValidationError):
        copy_application_issue(application=application, staff=clerk)  # not paid yet

    pay(application, django_capture_on_commit_callbacks)
    application.refresh_from_db()
    assert application.status == Status.PAID and application.payment_reference == order.reference
    assert AuditEvent.objects.filter(event_type="causebook.copy_paid").count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        issued = copy_application_issue(application=application, staff=clerk)
    application.refresh_from_db()
    assert application.status == Status.ISSUED and application.issued == issued
    assert AuditEvent.objects.filter(event_type="causebook.copy_issued").count() == 1

    # To the applicant alone, by the message box (and an email that says so).
    assert list(MessageItem.objects.filter(court_document=issued).values_list("recipient", flat=True)) == [
        party_in_person.pk
    ]
    assert [m.to for m in mail.outbox] == [[party_in_person.email]]
    download = party.get(reverse("filing:court_document", args=[issued.pk]))
    data = b"".join(download.streaming_content)
    pages = pdf_pages(data)
    assert len(pages) == 2
    for text in pages:
        assert "CERTIFIED TRUE COPY · 核證副本" in text
        assert drn_format(issued.drn) in text
        assert "1 Dec 2026" in text
    assert read_document(issued.sealed_storage_key) == data

    verify = Client().get(reverse("verify:verify"), {"drn": issued.drn})
    assert "This matches a document issued by the court." in verify.text
    assert "Certified true copy of Writ of summons, issued 1 Dec 2026" in verify.text
    assert case.case_number in verify.text


def test_a_plain_copy_is_stamped_copy_and_two_copies_come_as_one_pdf(
    dcpi, party_in_person, clerk, django_capture_on_commit_callbacks
):
    case, _writ, statement = dcpi
    target = party_copy_target(user=party_in_person, case=case, key=f"filed-{statement.pk}")
    application = copy_application_create(applicant=party_in_person, case=case, kind="copy", copies=2, target=target)
    from causebook.copies import copy_application_order_create

    order = copy_application_order_create(application=application, payer=party_in_person)
    assert [line["item"] for line in order.lines] == ["DC-COPY-PAGE", "DC-COPY-PAGE"]  # 1 page, twice
    pay(application, django_capture_on_commit_callbacks)
    issued = copy_application_issue(application=application, staff=clerk)
    pages = pdf_pages(read_document(issued.sealed_storage_key))
    assert len(pages) == 2
    assert all("COPY / 副本" in text and "CERTIFIED" not in text for text in pages)


def test_someone_not_acting_for_the_case_cannot_see_or_apply(dcpi, outsider):
    case, writ, _statement = dcpi
    client = signed_in(outsider)
    assert client.get(reverse("causebook:case_copies", args=[case.pk])).status_code == 404
    url = reverse("causebook:copy_apply", args=[case.pk, f"filed-{writ.pk}"])
    assert client.post(url, {"kind": "copy", "copies": "1"}).status_code == 404
    assert not CopyApplication.objects.exists()


def test_the_public_apply_for_a_document_open_to_inspection_only_and_get_a_link(
    dcpi, clerk, django_capture_on_commit_callbacks
):
    _case, writ, statement = dcpi
    assert not statement.public_inspection
    public = Client()
    closed = reverse("causebook:public_copy_apply", args=["filed", statement.pk])
    assert public.get(closed).status_code == 404
    assert (
        public.post(
            closed, {"name": "LEE Siu Ming", "email": "lee@example.hk", "kind": "copy", "copies": "1"}
        ).status_code
        == 404
    )

    url = reverse("causebook:public_copy_apply", args=["filed", writ.pk])
    assert public.get(url).status_code == 200
    refused = public.post(url, {"name": "", "email": "not-an-email", "kind": "copy", "copies": "9"})
    assert refused.status_code == 400
    assert "Enter your name." in refused.text and "at most 5 copies" in refused.text
    response = public.post(
        url, {"name": "LEE Siu Ming", "email": "lee@example.hk", "kind": "certified_copy", "copies": "1"}
    )
    application = CopyApplication.objects.get()
    assert application.applicant is None and application.access_token
    order = PaymentOrder.objects.get(purpose="copy", purpose_ref=str(application.pk))
    assert order.payer is None and response["Location"] == reverse("payments:order", args=[order.access_token])

    status_url = reverse("causebook:copy_status", args=[application.access_token])
    download_url = reverse("causebook:copy_download", args=[application.access_token])
    assert public.get(download_url).status_code == 404  # nothing issued yet
    pay(application, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        issued = copy_application_issue(application=application, staff=clerk)
    assert not MessageItem.objects.filter(court_document=issued).exists()
    (email,) = mail.outbox
    assert email.to == ["lee@example.hk"]
    assert application.access_token in email.body and "certified true copy" in email.body

    page = public.get(status_url)
    assert "Issued" in page.text and issued.drn in page.text
    download = public.get(download_url)
    assert download.status_code == 200
    assert "CERTIFIED TRUE COPY" in pdf_pages(b"".join(download.streaming_content))[0]
    assert Client().get(reverse("causebook:copy_download", args=["not-the-token"])).status_code == 404


def test_the_public_may_not_apply_for_a_certificate(dcpi):
    case, _writ, _statement = dcpi
    with pytest.raises(ValidationError):
        copy_application_create(
            applicant=None,
            case=case,
            kind="certificate_of_trial",
            copies=1,
            applicant_name="LEE Siu Ming",
            applicant_email="lee@example.hk",
        )


@pytest.fixture
def summons_case(db):
    """A numbered summons case in Eastern Magistrates' Courts with the defendant acting in person."""
    defendant = UserFactory()
    case = CaseFactory(case_type=CaseType.objects.get(prefix="ESS"), number=31, year=2026, status="active")
    PartyFactory(case=case, side=Party.Side.APPLICANT, name_en="FOOD AND ENVIRONMENTAL HYGIENE DEPARTMENT")
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="WONG Ka Fai", name_zh="黃家輝", user=defendant)
    return case, defendant


def test_certificates_only_in_summons_cases(dcpi, party_in_person, summons_case):
    case, _writ, _statement = dcpi
    url = reverse("causebook:copy_apply", args=[case.pk, "certificate"])
    assert signed_in(party_in_person).get(url).status_code == 404
    with pytest.raises(ValidationError):
        copy_application_create(applicant=party_in_person, case=case, kind="certificate_of_conviction", copies=1)
    assert not CopyApplication.objects.exists()


def test_a_certificate_of_conviction_is_issued_with_the_registrys_particulars(
    summons_case, clerk, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    case, defendant = summons_case
    client = signed_in(defendant)
    assert "Apply for a certificate" in client.get(reverse("causebook:case_copies", args=[case.pk])).text
    client.post(
        reverse("causebook:copy_apply", args=[case.pk, "certificate"]),
        {"kind": "certificate_of_conviction", "copies": "1"},
    )
    application = CopyApplication.objects.get()
    order = PaymentOrder.objects.get(purpose="copy", purpose_ref=str(application.pk))
    # Cap. 227B (placeholder HK$150), 80% under Cap. 638F.
    assert [line["item"] for line in order.lines] == ["MC-CERT-CONVICTION"]
    assert order.amount == Decimal("120.00")
    pay(application, django_capture_on_commit_callbacks)

    with pytest.raises(ValidationError):
        copy_application_issue(application=application, staff=clerk)  # no particulars: the portal holds no verdicts
    particulars = "Convicted on his own plea on 20 November 2026; fined HK$1,500."
    with django_capture_on_commit_callbacks(execute=True):
        issued = copy_application_issue(application=application, staff=clerk, particulars=particulars)
    assert issued.kind == CourtDocument.Kind.OTHER
    (text,) = pdf_pages(read_document(issued.sealed_storage_key))
    assert "Certificate of conviction" in text and "定罪證明書" in text
    assert "fined HK$1,500" in text and "WONG Ka Fai" in text and "ISSUED / 發出" in text
    verify = Client().get(reverse("verify:verify"), {"drn": issued.drn})
    assert f"Certificate of conviction in {case.case_number}, issued 1 Dec 2026" in verify.text


def test_refusing_a_paid_application_asks_for_a_refund_and_tells_the_applicant(
    summons_case, clerk, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    case, defendant = summons_case
    application = copy_application_create(applicant=defendant, case=case, kind="certificate_of_trial", copies=1)
    from causebook.copies import copy_application_order_create

    copy_application_order_create(application=application, payer=defendant)
    order = pay(application, django_capture_on_commit_callbacks)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        copy_application_refuse(application=application, staff=clerk, reason="  ")
    with django_capture_on_commit_callbacks(execute=True):
        copy_application_refuse(application=application, staff=clerk, reason="The case has not been tried.")
    application.refresh_from_db()
    assert application.status == Status.REFUSED and application.refusal_reason == "The case has not been tried."
    refund = Refund.objects.get(order=order)
    assert refund.amount == order.amount and refund.status == Refund.Status.REQUESTED
    assert AuditEvent.objects.filter(event_type="causebook.copy_refused").count() == 1
    assert any("The case has not been tried." in m.body for m in mail.outbox if m.to == [defendant.email])
    page = signed_in(defendant).get(reverse("causebook:copies_mine"))
    assert "Refused" in page.text and "The case has not been tried." in page.text
    with pytest.raises(ValidationError):
        copy_application_issue(application=application, staff=clerk, particulars="Tried.")


def test_staff_issue_from_the_admin_queue(dcpi, party_in_person, django_capture_on_commit_callbacks):
    from tests.factories import totp_for

    case, writ, _statement = dcpi
    target = party_copy_target(user=party_in_person, case=case, key=f"filed-{writ.pk}")
    application = copy_application_create(applicant=party_in_person, case=case, kind="copy", copies=1, target=target)
    from causebook.copies import copy_application_order_create

    copy_application_order_create(application=application, payer=party_in_person)
    pay(application, django_capture_on_commit_callbacks)
    clerk = StaffFactory(group="Registry clerk")
    totp_for(clerk)
    admin = signed_in(clerk)
    queue = admin.get(reverse("admin:causebook_copyapplication_changelist"))
    assert queue.status_code == 200
    assert reverse("admin:causebook_copyapplication_change", args=[application.pk]) in queue.text
    issue_url = reverse("admin:causebook_copyapplication_issue", args=[application.pk])
    assert admin.get(issue_url).status_code == 200
    response = admin.post(issue_url, {"particulars": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Status.ISSUED
    assert re.fullmatch(r"\d{12}", application.issued.drn)
    change_url = reverse("admin:causebook_copyapplication_change", args=[application.pk])
    assert change_url not in admin.get(reverse("admin:causebook_copyapplication_changelist")).text  # out of the queue
