"""Issuing a court document from the admin: checked, stamped, delivered to those on the case, first opening seen."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Membership
from filing.models import CourtDocument, MessageItem, Party
from filing.sealing import drn_is_valid
from filing.services import message_open
from icms.core.models import AuditEvent
from tests.factories import MembershipFactory, PartyFactory, StaffFactory
from tests.filing.pdf_corpus import encrypted_pdf, good_pdf
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db

ADD = reverse("admin:filing_courtdocument_add")


@pytest.fixture
def clerk_client(db):
    return staff_client(StaffFactory(group="Registry clerk"))


@pytest.fixture
def case_people(firm_filer, party_in_person, outsider):
    """Everyone around ``firm_filer.case``: who should receive its court documents, and who should not."""
    case = firm_filer.case
    organisation = firm_filer.memberships.get().organisation
    PartyFactory(case=case, side=Party.Side.RESPONDENT, ordinal=2, name_en="WONG Siu Ming", user=party_in_person)
    firm_admin = MembershipFactory(organisation=organisation, role=Membership.Role.PRIMARY_ADMIN).user
    unassigned_colleague = MembershipFactory(organisation=organisation, role=Membership.Role.MEMBER).user
    return {
        "recipients": {firm_filer, firm_admin, party_in_person},
        "not": {unassigned_colleague, outsider},
    }


def issue(client, case, *, file: bytes, case_number: str | None = None):
    return client.post(
        ADD,
        {
            "case_number": case_number or case.case_number,
            "kind": CourtDocument.Kind.NOTICE_OF_HEARING,
            "title": "Notice of hearing: case management conference",
            "file": SimpleUploadedFile("notice.pdf", file, content_type="application/pdf"),
            "public_inspection": "",
        },
    )


def test_the_add_form_asks_for_the_case_number_kind_title_and_pdf(clerk_client):
    response = clerk_client.get(ADD)
    assert response.status_code == 200
    for name in ("case_number", "kind", "title", "file", "public_inspection"):
        assert f'name="{name}"' in response.text


def test_a_court_document_issued_in_the_admin_reaches_every_party_and_representative_only(
    clerk_client, firm_filer, case_people, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    case = firm_filer.case
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = issue(clerk_client, case, file=good_pdf(2), case_number=case.case_number.lower())

    assert response.status_code == 302
    document = CourtDocument.objects.get(case=case)
    assert drn_is_valid(document.drn) and document.pages == 2
    assert document.sealed_sha256 != document.sha256
    assert AuditEvent.objects.filter(event_type="filing.court_document_issued", target_id=str(document.pk)).exists()
    delivered = {m.recipient for m in MessageItem.objects.filter(court_document=document)}
    assert delivered == case_people["recipients"]
    assert not delivered & case_people["not"]
    assert {address for m in mail.outbox for address in m.to} == {u.email for u in case_people["recipients"]}


def test_the_first_opening_of_each_recipient_is_recorded_and_staff_see_it(
    clerk_client, firm_filer, case_people, document_storage, celery_eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issue(clerk_client, firm_filer.case, file=good_pdf())
    document = CourtDocument.objects.get()
    message = MessageItem.objects.get(court_document=document, recipient=firm_filer)

    assert message_open(user=firm_filer, message=message) is True
    message.refresh_from_db()
    first = message.read_at
    assert first is not None
    assert message_open(user=firm_filer, message=message) is False
    message.refresh_from_db()
    assert message.read_at == first

    page = clerk_client.get(reverse("admin:filing_courtdocument_change", args=[document.pk]))
    assert page.status_code == 200
    assert firm_filer.email in page.text
    opened = clerk_client.get(reverse("admin:filing_messageitem_changelist") + "?opened=yes")
    assert opened.status_code == 200 and firm_filer.email in opened.text
    not_opened = clerk_client.get(reverse("admin:filing_messageitem_changelist") + "?opened=no").text
    assert firm_filer.email not in not_opened
    assert all(user.email in not_opened for user in case_people["recipients"] - {firm_filer})


def test_a_rejected_pdf_is_shown_on_the_form_and_nothing_is_issued(clerk_client, firm_filer, document_storage):
    response = issue(clerk_client, firm_filer.case, file=encrypted_pdf())
    assert response.status_code == 200
    assert "password" in response.text
    assert not CourtDocument.objects.exists()
    assert not any(document_storage.rglob("*.pdf"))


def test_an_unknown_case_number_is_shown_on_the_form(clerk_client, firm_filer, document_storage):
    response = issue(clerk_client, firm_filer.case, file=good_pdf(), case_number="DCCJ 99999/2026")
    assert response.status_code == 200
    assert "No case has this number" in response.text
    assert not CourtDocument.objects.exists()


def test_previewing_an_issued_copy_is_audited(clerk_client, firm_filer, document_storage):
    issue(clerk_client, firm_filer.case, file=good_pdf())
    document = CourtDocument.objects.get()
    response = clerk_client.get(reverse("admin:filing_courtdocument_preview", args=[document.pk]) + "?copy=sealed")
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    event = AuditEvent.objects.get(event_type="filing.document_viewed_by_staff")
    assert event.after["copy"] == "sealed" and event.after["sha256"] == document.sealed_sha256


def test_an_issued_document_cannot_be_edited_or_deleted(clerk_client, firm_filer, document_storage):
    issue(clerk_client, firm_filer.case, file=good_pdf())
    document = CourtDocument.objects.get()
    change = reverse("admin:filing_courtdocument_change", args=[document.pk])
    assert clerk_client.post(change, {"title": "Changed"}).status_code == 403
    assert clerk_client.post(reverse("admin:filing_courtdocument_delete", args=[document.pk])).status_code == 403
    document.refresh_from_db()
    assert document.title.startswith("Notice of hearing")


def test_the_admin_checks_the_pdf_once(clerk_client, firm_filer, document_storage, monkeypatch):
    from filing import pdf_checks
    from filing.admin import court_documents as admin_module
    from filing.services import court_documents as service_module

    parsed = []

    def counting_validate(file):
        parsed.append(file)
        return pdf_checks.validate_pdf(file)

    monkeypatch.setattr(admin_module, "validate_pdf", counting_validate)
    monkeypatch.setattr(service_module, "validate_pdf", counting_validate)
    assert issue(clerk_client, firm_filer.case, file=good_pdf(1)).status_code == 302
    assert len(parsed) == 1
    assert CourtDocument.objects.filter(case=firm_filer.case).count() == 1


def test_a_check_of_other_bytes_is_not_trusted_and_nothing_is_kept(firm_filer, document_storage):
    import io

    from filing.pdf_checks import validate_pdf
    from filing.services import court_document_issue
    from icms.core.storage import StorageIntegrityError

    checked_elsewhere = validate_pdf(io.BytesIO(good_pdf(1)))
    different = io.BytesIO(good_pdf(2))
    with pytest.raises(StorageIntegrityError):
        court_document_issue(
            case=firm_filer.case,
            staff=StaffFactory(),
            kind=CourtDocument.Kind.ORDER,
            title="Order",
            file=different,
            checked=checked_elsewhere,
        )
    assert not CourtDocument.objects.exists()
    assert not [p for p in document_storage.rglob("*") if p.is_file()]
