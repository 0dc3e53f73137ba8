"""One draft per (owner, one-time form key), held by the database: the same form posted twice at
once makes one draft, and the request that loses the race gets the winner's draft."""

from __future__ import annotations

import importlib
import io
import uuid
from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from filing.models import CaseType, SubmissionDraft
from filing.services.drafts import draft_create, draft_start, draft_uploads_check
from filing.services.filing_input import DocumentUpload
from tests.filing.conftest import document_type, pdf_file, stored_files
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db


def _committed_first(user, key, **fields) -> SubmissionDraft:
    """The draft a racing request with the same key made and committed before ours reached its insert
    (inserted directly, past the look-up that a request makes first)."""
    return SubmissionDraft.objects.create(
        owner=user,
        case_type=CaseType.objects.get(prefix="DCCJ"),
        submission_key=key,
        expires_at=fields.pop("expires_at", timezone.now() + timedelta(days=30)),
        **fields,
    )


def _defence(title: str = "Defence", pdf: bytes | None = None) -> list[DocumentUpload]:
    upload = pdf_file(2) if pdf is None else io.BytesIO(pdf)
    return [DocumentUpload(document_type("DCCJ", "defence"), title, upload, filename="defence.pdf")]


def test_the_database_refuses_a_second_draft_with_the_same_owner_and_key(firm_filer):
    key = uuid.uuid4()
    _committed_first(firm_filer, key)
    with pytest.raises(IntegrityError, match="one_draft_per_key"), transaction.atomic():
        _committed_first(firm_filer, key)
    # The key is the owner's: another user's form may carry the same value.
    assert SubmissionDraft.objects.filter(submission_key=key).count() == 1


def test_another_users_draft_may_have_the_same_key(firm_filer, party_in_person):
    key = uuid.uuid4()
    _committed_first(firm_filer, key)
    _committed_first(party_in_person, key)
    assert SubmissionDraft.objects.filter(submission_key=key).count() == 2


def test_draft_create_that_loses_the_race_returns_the_winners_draft(firm_filer):
    key = uuid.uuid4()
    winner = _committed_first(firm_filer, key, case=firm_filer.case)
    draft = draft_create(
        user=firm_filer, case_type=firm_filer.case.case_type, case=firm_filer.case, submission_key=key
    )
    assert draft.pk == winner.pk
    assert SubmissionDraft.objects.filter(owner=firm_filer).count() == 1


def test_draft_create_inside_a_callers_transaction_leaves_it_usable(firm_filer):
    key = uuid.uuid4()
    winner = _committed_first(firm_filer, key, case=firm_filer.case)
    with transaction.atomic():
        draft = draft_create(
            user=firm_filer, case_type=firm_filer.case.case_type, case=firm_filer.case, submission_key=key
        )
        assert SubmissionDraft.objects.filter(owner=firm_filer).count() == 1  # would fail in an aborted transaction
    assert draft.pk == winner.pk


def test_draft_start_that_loses_the_race_saves_into_the_winners_draft_without_filing_twice(
    firm_filer, document_storage
):
    key = uuid.uuid4()
    case = firm_filer.case
    # One file's bytes, posted twice as a browser does: two PDFs made a second apart differ (their /ID).
    pdf = good_pdf(2)
    uploads = _defence(pdf=pdf)
    checked = draft_uploads_check(draft=None, uploads=uploads)
    first, _added = draft_start(
        user=firm_filer, case_type=case.case_type, case=case, submission_key=key, answers={}, uploads=uploads,
        checked=checked,
    )  # fmt: skip
    # The second post of the same form, which missed the first's draft when it looked (the race):
    again = _defence(pdf=pdf)
    draft, added = draft_start(
        user=firm_filer,
        case_type=case.case_type,
        case=case,
        submission_key=key,
        answers={"note": ["second"]},
        filer_reference="Matter 7",
        uploads=again,
        checked=draft_uploads_check(draft=None, uploads=again),
    )
    assert draft.pk == first.pk
    assert added == []  # the same file, type and title: already in the draft
    assert SubmissionDraft.objects.filter(owner=firm_filer).count() == 1
    saved = SubmissionDraft.objects.get(pk=first.pk)
    assert (saved.answers, saved.filer_reference) == ({"note": ["second"]}, "Matter 7")
    # The loser stored nothing (in the drafts' store, beside the documents').
    assert stored_files(document_storage.parent / "drafts") == [saved.documents.get().storage_key]


def test_an_expired_draft_that_still_holds_the_key_gives_way_to_a_new_one(firm_filer, document_storage):
    key = uuid.uuid4()
    stale = _committed_first(firm_filer, key, case=firm_filer.case, expires_at=timezone.now() - timedelta(minutes=1))
    draft = draft_create(
        user=firm_filer, case_type=firm_filer.case.case_type, case=firm_filer.case, submission_key=key
    )
    assert draft.pk != stale.pk
    assert list(SubmissionDraft.objects.filter(owner=firm_filer).values_list("pk", flat=True)) == [draft.pk]


def test_the_migration_rekeys_older_duplicates_and_keeps_the_newest_on_the_key(firm_filer):
    """filing 0020's data step, on rows made before the constraint existed (dropped here, in the
    test's transaction, so that duplicates can be made; it comes back and the test rolls back)."""
    rekey = _migration_sql()
    key, other = uuid.uuid4(), uuid.uuid4()
    with connection.cursor() as cursor:
        # The test's transaction holds deferred foreign-key checks, which ALTER TABLE will not wait behind.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE filing_submissiondraft DROP CONSTRAINT one_draft_per_key")
    older = _committed_first(firm_filer, key)
    newest = _committed_first(firm_filer, key)
    oldest = _committed_first(firm_filer, key)
    SubmissionDraft.objects.filter(pk=oldest.pk).update(updated_at=timezone.now() - timedelta(days=2))
    SubmissionDraft.objects.filter(pk=older.pk).update(updated_at=timezone.now() - timedelta(days=1))
    alone = _committed_first(firm_filer, other)
    with connection.cursor() as cursor:
        cursor.execute(rekey)
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(
            "ALTER TABLE filing_submissiondraft ADD CONSTRAINT one_draft_per_key UNIQUE (owner_id, submission_key)"
        )
    keys = dict(SubmissionDraft.objects.values_list("pk", "submission_key"))
    assert keys[newest.pk] == key and keys[alone.pk] == other
    assert len({keys[older.pk], keys[oldest.pk], key}) == 3  # each kept, with a fresh key of its own


def _migration_sql() -> str:
    # A module name that starts with a digit is imported by name.
    return str(importlib.import_module("filing.migrations.0020_draft_one_per_key").REKEY_DUPLICATES)
