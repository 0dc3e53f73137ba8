"""Staff review (issue 17, item 8): accepting needs each document opened, or an explicit and
audited "accepted without opening"; the queue and the review page show the parties, the
deemed-receipt rule in words, the documents with their page counts, and an inline preview."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from filing.models import DocumentView, Submission
from filing.services import filing_accept
from filing.services.review import ReviewRefused
from icms.core.models import AuditEvent
from tests.clock import once_received_in_law
from tests.factories import StaffFactory
from tests.filing.conftest import received_at
from tests.filing.test_review_admin import (
    CHANGELIST,
    file_defence,
    new_dcpi_case,
    open_documents,
    staff_client,
    texts,
)

pytestmark = pytest.mark.django_db

HKT = ZoneInfo("Asia/Hong_Kong")


@pytest.fixture
def clerk(db):
    return StaffFactory(group="Registry clerk")


@pytest.fixture
def clerk_client(clerk):
    return staff_client(clerk)


def accepted_event(submission: Submission) -> AuditEvent:
    return AuditEvent.objects.get(event_type="filing.submission_accepted", target_id=str(submission.pk))


def test_accepting_without_opening_the_documents_is_refused_with_a_clear_message(
    clerk, clerk_client, party_in_person, document_storage
):
    submission = new_dcpi_case(party_in_person, title="Writ of summons")

    with once_received_in_law(submission), pytest.raises(ReviewRefused) as refused:
        filing_accept(submission=submission, clerk=clerk)
    assert refused.value.code == "documents_not_opened"
    assert "“Writ of summons”" in refused.value.messages[0]
    assert "“Statement of damages”" in refused.value.messages[0]

    with once_received_in_law(submission):
        response = clerk_client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))
    assert response.status_code == 302
    assert response.url == reverse("admin:filing_submission_change", args=[submission.pk])
    assert any("Open each document before you accept the filing" in text for text in texts(response))
    submission.refresh_from_db()
    assert submission.is_open and submission.decided_by is None
    assert not submission.documents.exclude(drn=None).exists()
    assert not AuditEvent.objects.filter(event_type="filing.submission_accepted").exists()


def test_opening_one_of_two_documents_is_not_enough_and_another_clerks_opening_does_not_count(
    clerk, party_in_person, document_storage
):
    submission = new_dcpi_case(party_in_person)
    writ, damages = submission.documents.order_by("ordinal")
    colleague = staff_client(StaffFactory(group="Registry clerk"))
    open_documents(colleague, submission)
    clerk_client = staff_client(clerk)
    response = clerk_client.get(reverse("admin:filing_submission_preview", args=[writ.pk]))
    b"".join(response.streaming_content)

    with once_received_in_law(submission), pytest.raises(ReviewRefused) as refused:
        filing_accept(submission=submission, clerk=clerk)
    assert damages.title in refused.value.messages[0] and writ.title not in refused.value.messages[0]
    assert DocumentView.objects.filter(user=clerk).count() == 1


def test_accepting_with_the_explicit_flag_succeeds_and_the_audit_row_says_so(
    clerk, clerk_client, firm_filer, document_storage
):
    submission = file_defence(firm_filer)

    with once_received_in_law(submission):
        response = clerk_client.post(
            reverse("admin:filing_submission_accept", args=[submission.pk]), {"accepted_without_opening": "on"}
        )

    assert response.status_code == 302 and response.url == CHANGELIST
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    event = accepted_event(submission)
    assert event.actor == clerk
    assert event.after["accepted_without_opening"] is True
    document = submission.documents.get()
    assert event.after["documents_not_opened"] == [{"id": document.pk, "title": "Defence"}]


def test_after_opening_each_document_accepting_succeeds_and_the_audit_row_says_they_were_opened(
    clerk, clerk_client, party_in_person, document_storage
):
    submission = new_dcpi_case(party_in_person)
    open_documents(clerk_client, submission)
    views = DocumentView.objects.filter(user=clerk)
    assert sorted(views.values_list("document_id", flat=True)) == sorted(
        submission.documents.values_list("pk", flat=True)
    )
    open_documents(clerk_client, submission)  # opening again records nothing more
    assert views.count() == 2

    with once_received_in_law(submission):
        response = clerk_client.post(reverse("admin:filing_submission_accept", args=[submission.pk]))

    assert response.status_code == 302 and response.url == CHANGELIST
    submission.refresh_from_db()
    assert submission.status == Submission.Status.ACCEPTED
    event = accepted_event(submission)
    assert event.after["accepted_without_opening"] is False
    assert event.after["documents_not_opened"] == []


def test_the_queue_and_the_review_page_show_parties_the_rule_in_words_and_page_counts(
    clerk_client, party_in_person, document_storage
):
    submission = new_dcpi_case(party_in_person)
    received_at(submission, datetime(2026, 11, 28, 11, 0, tzinfo=HKT))  # a Saturday
    submission.refresh_from_db()
    assert submission.deemed_rule == "non_working_day"

    queue = clerk_client.get(CHANGELIST).text
    page = clerk_client.get(reverse("admin:filing_submission_change", args=[submission.pk])).text

    for text in (queue, page):
        assert "CHAN Tai Man 陳大文 v KOWLOON TRANSPORT LIMITED" in text
        assert "Received on a Saturday, Sunday or general holiday" in text
        assert "non_working_day" not in text
    assert "Writ of summons (2 pages)" in queue and "Statement of damages (1 page)" in queue
    assert "Not yet" in page  # neither document opened by this clerk yet
    assert "Accept without opening every document" in page


def test_the_review_page_previews_a_chosen_document_inline_and_the_preview_may_be_framed_by_the_portal_only(
    clerk_client, party_in_person, firm_filer, document_storage
):
    submission = new_dcpi_case(party_in_person)
    writ = submission.documents.get(ordinal=1)
    change = reverse("admin:filing_submission_change", args=[submission.pk])
    preview = reverse("admin:filing_submission_preview", args=[writ.pk])

    plain = clerk_client.get(change).text
    assert "<iframe" not in plain  # nothing is opened just by looking at the page
    assert f"{change}?preview={writ.pk}" in plain

    page = clerk_client.get(f"{change}?preview={writ.pk}").text
    assert f'<iframe class="document-preview__frame" src="{preview}"' in page
    assert "Preview: Writ of summons (2 pages)" in page
    assert "If the preview does not show, open the PDF in a new tab." in page
    other = file_defence(firm_filer).documents.get().pk
    assert "<iframe" not in clerk_client.get(f"{change}?preview={other}").text  # not this filing's

    response = clerk_client.get(preview)
    b"".join(response.streaming_content)
    assert response["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in response["Content-Security-Policy"]
    assert "script-src" not in response["Content-Security-Policy"]  # default-src 'none' still applies


def test_the_queue_reads_the_registry_hours_once_however_many_rows_it_shows(
    clerk_client, party_in_person, document_storage
):
    """The rule column's words need the registry hours: read once per page, not once per row."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queue_queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            response = clerk_client.get(CHANGELIST)
        assert response.status_code == 200
        hours = [q for q in captured.captured_queries if "registry_calendar_registryhours" in q["sql"]]
        return len(hours), len(captured.captured_queries)

    new_dcpi_case(party_in_person)
    few_hours, _ = queue_queries()
    for _ in range(4):
        new_dcpi_case(party_in_person)
    assert Submission.objects.exclude(deemed_rule="").count() == 5
    many_hours, _ = queue_queries()
    assert few_hours == many_hours  # the page header reads them too, once
