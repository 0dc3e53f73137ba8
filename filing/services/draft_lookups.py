"""Reading drafts, each lookup scoped to the draft's owner (filing/services/drafts.py changes them).

A draft belongs to its owner alone, on any device: every lookup is by owner (a 404 for
anyone else), not by access to the case, because a joining party edits a draft of a case
it is not yet on record in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final
from uuid import UUID

from django.db.models import CharField, IntegerField, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import User
from accounts.selectors import membership_for_user
from icms.core.lookups import get_visible

from ..access import AnyUser
from ..models import Case, CaseType, DocumentType, DraftDocument, Party, Submission, SubmissionDraft

_ONE_DRAFT_ROWS: Final = ("case_type__court", "case__case_type")


def drafts_for_user(user: AnyUser) -> QuerySet[SubmissionDraft]:
    """The user's drafts that have not expired, most recently saved first."""
    if not user.is_authenticated:
        return SubmissionDraft.objects.none()
    return (
        SubmissionDraft.objects.filter(owner_id=user.pk, expires_at__gt=timezone.now())
        .select_related("case_type__court", "case__case_type", "for_party", "refiles", "access_code")
        .order_by("-updated_at", "-pk")
    )


def draft_for_user(user: AnyUser, draft_id: int) -> SubmissionDraft:
    """The user's own draft, else :class:`~icms.core.lookups.NotFound` (a 404)."""
    # One draft needs only the joins every page of it uses: the list's eight tables took
    # Postgres four times as long to plan as these five. Its party, the returned filing it
    # corrects and a joining party's code are read if the draft has them (most have none).
    return get_visible(_one_draft(user), pk=draft_id)


def _one_draft(user: AnyUser) -> QuerySet[SubmissionDraft]:
    return drafts_for_user(user).select_related(None).select_related(*_ONE_DRAFT_ROWS)


def draft_for_key(*, user: AnyUser, submission_key: UUID) -> SubmissionDraft | None:
    """The draft the form with this one-time key already made, if any (a second POST, a retry)."""
    if not user.is_authenticated:
        return None
    # Usually there is none (the form's first POST). The unique index answers that alone; the
    # join of drafts_for_user's eight tables took Postgres 4 ms to plan even with no rows.
    found = (
        SubmissionDraft.objects.filter(owner_id=user.pk, submission_key=submission_key, expires_at__gt=timezone.now())
        .values_list("pk", flat=True)
        .first()
    )
    return None if found is None else _one_draft(user).filter(pk=found).first()


@dataclass(frozen=True, slots=True)
class KeyHolder:
    """What the form with a one-time key made already: the submission filed with it, else its draft."""

    submission_reference: str | None = None
    draft: SubmissionDraft | None = None


def key_holder(*, user: AnyUser, submission_key: UUID) -> KeyHolder:
    """The submission (:func:`filing.selectors.submission_for_key`) or else the draft
    (:func:`draft_for_key`) that the form with this one-time key made, both the user's own.

    One query when there is neither, as on the form's first POST: the two unique indexes
    are asked together. A filed key's draft is deleted as it is filed, so the submission
    comes first if both are ever found.
    """
    if not user.is_authenticated:
        return KeyHolder()
    submitted = (
        Submission.objects.filter(submitted_by_id=user.pk, submission_key=submission_key)
        .order_by()
        .values_list(Value(0, output_field=IntegerField()), "pk", "reference")
    )
    drafted = (
        SubmissionDraft.objects.filter(owner_id=user.pk, submission_key=submission_key, expires_at__gt=timezone.now())
        .order_by()
        .values_list(Value(1, output_field=IntegerField()), "pk", Value("", output_field=CharField()))
    )
    found = sorted(submitted.union(drafted, all=True))
    if not found:
        return KeyHolder()
    kind, pk, reference = found[0]
    if kind == 0:
        return KeyHolder(submission_reference=reference)
    return KeyHolder(draft=_one_draft(user).filter(pk=pk).first())


def draft_documents(draft: SubmissionDraft) -> list[DraftDocument]:
    return list(draft.documents.select_related("document_type").order_by("ordinal", "pk"))


def draft_document_types(*, case_type: CaseType, opens_case: bool, joining: bool) -> QuerySet[DocumentType]:
    """What may be filed: a new case's documents, a case's further documents, or a joining party's first."""
    types = DocumentType.objects.filter(case_type=case_type, active=True).order_by("ordering", "pk")
    if joining:
        return types.filter(joins_case=True)
    return types if opens_case else types.filter(starts_case=False)


def parties_acted_for(user: AnyUser, case: Case) -> QuerySet[Party]:
    """The parties of ``case`` that ``user`` acts for: in person, or through their organisation on record."""
    if not user.is_authenticated:
        return Party.objects.none()
    acting = Q(user_id=user.pk)
    membership = membership_for_user(user) if isinstance(user, User) else None
    if membership is not None:
        acting |= Q(representative_id=membership.organisation_id)
    return Party.objects.filter(case=case).filter(acting).order_by("side", "ordinal")
