"""A document withdrawn from view: the record says so, and why; the bytes stay; only staff open it."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from causebook.inspection import inspectable_documents
from filing.models import Document
from filing.services import document_withdraw
from icms.core.models import AuditEvent
from icms.core.storage import hash_stored_document
from tests.factories import StaffFactory
from tests.filing.test_review_admin import staff_client

pytestmark = pytest.mark.django_db


def test_withdrawal_records_when_who_and_why_audits_it_and_keeps_the_bytes(filed):
    writ, _, _ = filed
    supervisor = StaffFactory(group="Registry supervisor")
    before = (hash_stored_document(writ.storage_key), hash_stored_document(writ.sealed_storage_key))

    withdrawn = document_withdraw(document=writ, actor=supervisor, reason="Filed in the wrong case (order of 1 Dec)")

    assert withdrawn.withdrawn_at is not None and withdrawn.withdrawn_by == supervisor
    writ.refresh_from_db()
    assert writ.withdrawn_reason == "Filed in the wrong case (order of 1 Dec)"
    assert (hash_stored_document(writ.storage_key), hash_stored_document(writ.sealed_storage_key)) == before
    assert before == (writ.sha256, writ.sealed_sha256)
    event = AuditEvent.objects.get(event_type="filing.document_withdrawn")
    assert event.actor == supervisor and event.after["reason"] == writ.withdrawn_reason
    # Again: nothing changes, nothing is audited twice.
    document_withdraw(document=writ, actor=supervisor, reason="another reason")
    writ.refresh_from_db()
    assert writ.withdrawn_reason == "Filed in the wrong case (order of 1 Dec)"
    assert AuditEvent.objects.filter(event_type="filing.document_withdrawn").count() == 1


def test_withdrawal_needs_a_reason_and_staff(filed, party_in_person):
    writ, _, _ = filed
    with pytest.raises(ValidationError):
        document_withdraw(document=writ, actor=StaffFactory(), reason="   ")
    with pytest.raises(PermissionDenied):
        document_withdraw(document=writ, actor=party_in_person, reason="I changed my mind")
    assert Document.objects.get(pk=writ.pk).withdrawn_at is None


def test_parties_cannot_open_it_and_see_that_it_was_withdrawn(client, filed, party_in_person):
    writ, damages, _ = filed
    document_withdraw(document=writ, actor=StaffFactory(), reason="Struck out")
    client.force_login(party_in_person)
    for copy in ("original", "sealed"):
        assert client.get(reverse("filing:document", args=[writ.pk, copy])).status_code == 404
    assert client.get(reverse("filing:document", args=[damages.pk, "sealed"])).status_code == 200
    case_file = client.get(reverse("filing:case", args=[writ.submission.case_id])).text
    assert "Withdrawn from view by the registry on" in case_file
    assert reverse("filing:document", args=[writ.pk, "original"]) not in case_file
    assert reverse("filing:document", args=[damages.pk, "original"]) in case_file


def test_a_withdrawn_document_leaves_the_public_inspection_index(filed):
    writ, _, _ = filed
    Document.objects.filter(pk=writ.pk).update(public_inspection=True)
    assert writ.pk in {entry.pk for entry in inspectable_documents(writ.submission.case)}
    document_withdraw(document=writ, actor=StaffFactory(), reason="Sealed by order")
    assert writ.pk not in {entry.pk for entry in inspectable_documents(writ.submission.case)}


def test_staff_withdraw_it_in_the_admin_with_a_reason_and_can_still_open_it(filed):
    writ, _, _ = filed
    client = staff_client(StaffFactory(group="Registry supervisor"))
    url = reverse("admin:filing_submission_withdraw_document", args=[writ.pk])
    change = client.get(reverse("admin:filing_submission_change", args=[writ.submission_id])).text
    assert url in change and "Withdraw from view" in change
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200 and "This field is required" in refused.text
    answer = client.post(url, {"reason": "Contains a minor's identity"})
    assert answer.status_code == 302
    writ.refresh_from_db()
    assert writ.withdrawn_at is not None and writ.withdrawn_reason == "Contains a minor's identity"
    preview = client.get(reverse("admin:filing_submission_preview", args=[writ.pk]))
    assert preview.status_code == 200
    assert hashlib.sha256(b"".join(preview.streaming_content)).hexdigest() == writ.sha256


def test_a_withdrawal_made_in_error_is_put_back_in_view_with_a_reason_both_audited(client, filed, party_in_person):
    writ, _, _ = filed
    staff = staff_client(StaffFactory(group="Registry supervisor"))
    url = reverse("admin:filing_submission_withdraw_document", args=[writ.pk])
    assert staff.post(url, {"reason": "Wrong case"}).status_code == 302
    page = staff.get(url).text
    assert "Put back in view" in page and "Wrong case" in page
    assert staff.post(url, {"reason": ""}).status_code == 200  # a reason is needed both ways
    assert staff.post(url, {"reason": "The order was set aside on appeal"}).status_code == 302
    writ.refresh_from_db()
    assert writ.withdrawn_at is None and writ.withdrawn_reason == "" and writ.withdrawn_by is None
    events = list(
        AuditEvent.objects.filter(event_type__in=["filing.document_withdrawn", "filing.document_reinstated"])
        .order_by("pk")
        .values_list("event_type", flat=True)
    )
    assert events == ["filing.document_withdrawn", "filing.document_reinstated"]
    assert AuditEvent.objects.get(event_type="filing.document_reinstated").before["reason"] == "Wrong case"
    client.force_login(party_in_person)
    assert client.get(reverse("filing:document", args=[writ.pk, "sealed"])).status_code == 200
