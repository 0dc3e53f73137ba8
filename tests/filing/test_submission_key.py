"""One form, one filing: a second POST with the same one-time key lands on the first acknowledgement."""

import io
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership
from filing.models import Case, CaseType, Party, Submission
from filing.services import DocumentUpload, submission_create
from icms.core.models import AuditEvent
from tests.factories import CaseFactory, MembershipFactory, PartyFactory, assign_case
from tests.filing.conftest import document_type, pdf_file, stored_files
from tests.filing.drafting import continue_to_review, review_url, submit_from_review
from tests.filing.new_case_post import new_case_data
from tests.filing.pdf_corpus import good_pdf

KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"')


def _defence(pages: int = 1) -> list[DocumentUpload]:
    return [DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(pages))]


# One file's bytes, so posting the form again sends what the browser sends: the same file.
# (pikepdf gives each save a new /ID once the clock ticks over a second.)
DEFENCE_PDF = good_pdf(2)


def _form_data(key: str | None) -> dict[str, object]:
    upload = io.BytesIO(DEFENCE_PDF)
    upload.name = "defence.pdf"
    data: dict[str, object] = {
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type("DCCJ", "defence").pk),
        "documents-0-title": "Defence",
        "documents-0-file": upload,
    }
    if key is not None:
        data["submission_key"] = key
    return data


def _firm_member_with_case():
    membership = MembershipFactory(role=Membership.Role.MEMBER)
    case = CaseFactory(case_type=CaseType.objects.get(prefix="DCCJ"), status=Case.Status.ACTIVE)
    PartyFactory(case=case, side=Party.Side.APPLICANT, representative=membership.organisation)
    PartyFactory(case=case, side=Party.Side.RESPONDENT, name_en="GOLDEN HARBOUR LIMITED", name_zh="金港有限公司")
    assign_case(case, membership)
    return membership.user, case


@pytest.fixture
def no_acknowledgement_task(outbox_held):
    """The acknowledgement is not what is tested here; the outbox records what was owed."""
    return outbox_held


# --- The service ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_same_key_twice_gives_back_the_first_submission_and_stores_nothing_more(
    firm_filer, document_storage, no_acknowledgement_task
):
    key = uuid.uuid4()
    first = submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence(), submission_key=key)
    files = stored_files(document_storage)
    again = submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence(3), submission_key=key)

    assert again.pk == first.pk
    assert Submission.objects.count() == 1
    assert stored_files(document_storage) == files
    assert AuditEvent.objects.filter(event_type="filing.submission_received").count() == 1
    assert no_acknowledgement_task.targets("filing.acknowledge") == [first.pk]


@pytest.mark.django_db
def test_without_a_key_each_call_files_again(firm_filer, document_storage, no_acknowledgement_task):
    submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence())
    submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence())
    assert Submission.objects.count() == 2


@pytest.mark.django_db
def test_another_users_key_is_a_fresh_key_and_reveals_nothing(firm_filer, document_storage, no_acknowledgement_task):
    key = uuid.uuid4()
    theirs = submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence(), submission_key=key)
    other, other_case = _firm_member_with_case()

    mine = submission_create(user=other, case=other_case, uploads=_defence(), submission_key=key)

    assert mine.pk != theirs.pk
    assert (mine.submitted_by, mine.case) == (other, other_case)


# --- The form ------------------------------------------------------------------------


@pytest.mark.django_db
def test_each_showing_of_the_form_carries_a_new_server_made_key(client, firm_filer):
    client.force_login(firm_filer)
    url = reverse("filing:file_in_case", args=[firm_filer.case.pk])
    keys = [KEY_INPUT.search(client.get(url).content.decode()) for _ in range(2)]
    assert all(keys)
    assert keys[0].group(1) != keys[1].group(1)  # type: ignore[union-attr]
    assert KEY_INPUT.search(client.get(reverse("filing:start_case", args=["DCCJ"])).content.decode())


@pytest.mark.django_db
def test_posting_the_form_again_lands_on_the_first_acknowledgement(
    client, firm_filer, document_storage, no_acknowledgement_task
):
    client.force_login(firm_filer)
    url = reverse("filing:file_in_case", args=[firm_filer.case.pk])
    key = KEY_INPUT.search(client.get(url).content.decode()).group(1)  # type: ignore[union-attr]

    first = continue_to_review(client, url, _form_data(key))
    again = continue_to_review(client, url, _form_data(key))  # before submitting: the same draft
    assert review_url(first) == review_url(again)
    filed = submit_from_review(client, first)
    second = continue_to_review(client, url, _form_data(key))  # after: the first acknowledgement

    submission = Submission.objects.get()
    assert filed.status_code == second.status_code == 302
    assert filed["Location"] == second["Location"]
    assert second["Location"].startswith(reverse("filing:submission", args=[submission.reference]))
    assert submission.documents.count() == 1


@pytest.mark.django_db
def test_a_post_without_a_key_files_nothing_and_shows_the_form_with_a_new_key(client, firm_filer, document_storage):
    client.force_login(firm_filer)
    response = client.post(reverse("filing:file_in_case", args=[firm_filer.case.pk]), _form_data(None))
    page = response.content.decode()
    assert response.status_code == 400
    assert "This form has expired" in page
    assert KEY_INPUT.search(page)
    assert Submission.objects.count() == 0
    assert stored_files(document_storage) == []


@pytest.mark.django_db
def test_a_post_with_someone_elses_key_files_for_the_poster_not_redirect_to_theirs(
    client, firm_filer, document_storage, no_acknowledgement_task
):
    key = uuid.uuid4()
    theirs = submission_create(user=firm_filer, case=firm_filer.case, uploads=_defence(), submission_key=key)
    other, other_case = _firm_member_with_case()
    client.force_login(other)

    form = continue_to_review(client, reverse("filing:file_in_case", args=[other_case.pk]), _form_data(str(key)))
    response = submit_from_review(client, form)

    mine = Submission.objects.get(submitted_by=other)
    assert response.status_code == 302
    assert theirs.reference not in response["Location"]
    assert mine.reference in response["Location"]


@pytest.mark.django_db
def test_a_new_case_form_posted_twice_opens_one_case(
    client, party_in_person, document_storage, no_acknowledgement_task
):
    client.force_login(party_in_person)
    url = reverse("filing:start_case", args=["DCCJ"])
    key = KEY_INPUT.search(client.get(url).content.decode()).group(1)  # type: ignore[union-attr]

    def post():
        data = _form_data(key)
        data.update(
            {
                **new_case_data(),
                "documents-0-document_type": str(document_type("DCCJ", "writ").pk),
                "documents-0-title": "Writ of summons",
            }
        )
        return continue_to_review(client, url, data)

    first, second = post(), post()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]  # one draft, one review page
    filed, again = submit_from_review(client, first), client.post(review_url(second), {"submission_key": key})
    assert filed["Location"] == again["Location"]
    assert Submission.objects.count() == 1
    assert Case.objects.filter(created_by=party_in_person).count() == 1


@pytest.mark.django_db
def test_a_submit_that_finds_the_draft_filed_meanwhile_goes_to_that_submission(monkeypatch, document_storage):
    """The race the two-tab test below can hit: the second Submit reads the draft, the first
    files it (its documents go with it), then the second reads the documents and finds none.
    It lands on the first submission, not on the draft's form with "complete the form"."""
    from filing import views_drafts
    from filing.models import SubmissionDraft
    from filing.services.drafts import draft_submit

    filer, case = _firm_member_with_case()
    client = Client()
    client.force_login(filer)
    url = reverse("filing:file_in_case", args=[case.pk])
    key = KEY_INPUT.search(client.get(url).content.decode()).group(1)  # type: ignore[union-attr]
    review = review_url(continue_to_review(client, url, _form_data(key)))
    read_documents = views_drafts.draft_documents

    def filed_in_another_tab_first(draft):
        draft_submit(draft=SubmissionDraft.objects.get(pk=draft.pk), user=filer)
        return read_documents(draft)

    monkeypatch.setattr(views_drafts, "draft_documents", filed_in_another_tab_first)
    response = client.post(review, {"submission_key": key})
    submission = Submission.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("filing:submission", args=[submission.reference]) + "?new=1"
    assert not SubmissionDraft.objects.exists()


# --- Concurrency: real commits, real row locks ----------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_submits_of_one_draft_make_one_submission_and_land_on_the_same_acknowledgement(
    document_storage, no_acknowledgement_task
):
    """The review page's Submit, pressed in two tabs at once (the form itself only saves a draft)."""
    filer, case = _firm_member_with_case()
    url = reverse("filing:file_in_case", args=[case.pk])
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(filer)
    key = KEY_INPUT.search(clients[0].get(url).content.decode()).group(1)  # type: ignore[union-attr]
    review = review_url(continue_to_review(clients[0], url, _form_data(key)))
    connection.close()  # the threads must not share the test's connection
    start = threading.Barrier(2)

    def post(index: int):
        try:
            start.wait(timeout=30)
            return clients[index].post(review, {"submission_key": key})
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(post, range(2)))

    submission = Submission.objects.get()
    assert [r.status_code for r in responses] == [302, 302]
    assert {r["Location"] for r in responses} == {reverse("filing:submission", args=[submission.reference]) + "?new=1"}
    assert submission.documents.count() == 1
    assert len(stored_files(document_storage)) == 1, "the loser's stored file was deleted with its rollback"
    assert AuditEvent.objects.filter(event_type="filing.submission_received").count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_duplicate_that_meets_an_uncommitted_first_submission_waits_and_resolves_to_it(
    document_storage, no_acknowledgement_task
):
    """Deterministic race: the first submission is inserted but not committed when the
    duplicate arrives, so the duplicate's early look-up misses it and its INSERT has to
    wait on the unique index, fail, roll back and find the first one."""
    filer, case = _firm_member_with_case()
    key = uuid.uuid4()
    inserted, release = threading.Event(), threading.Event()
    connection.close()

    def first() -> int:
        try:
            with transaction.atomic():
                row = Submission.objects.create(
                    case=case, submitted_by=filer, submission_key=key, received_at=timezone.now()
                )
                inserted.set()
                assert release.wait(timeout=30)
            return row.pk
        finally:
            connections.close_all()

    def duplicate() -> int:
        try:
            assert inserted.wait(timeout=30)
            return submission_create(user=filer, case=case, uploads=_defence(), submission_key=key).pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        first_pk = pool.submit(first)
        duplicate_pk = pool.submit(duplicate)
        _wait_for_a_lock_wait()
        release.set()
        assert duplicate_pk.result(timeout=60) == first_pk.result(timeout=60)

    assert Submission.objects.count() == 1
    assert stored_files(document_storage) == [], "the duplicate's file went with its rollback"
    assert not AuditEvent.objects.filter(event_type="filing.submission_received").exists()


def _wait_for_a_lock_wait() -> None:
    """Until some session of this test database waits on a lock: the duplicate's INSERT."""
    try:
        for _ in range(300):
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock'"
                )
                if cursor.fetchone()[0]:
                    return
            time.sleep(0.05)
        raise AssertionError("the duplicate never waited on the first submission's row")
    finally:
        connection.close()
