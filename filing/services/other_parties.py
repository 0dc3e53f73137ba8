"""Telling the other parties on record that a document was accepted in their case.

Once the registry accepts a filing in a case that already has its parties on record
(not the opening filing: nobody else is on record yet), everyone who receives the
case's court documents, except those on the filing side, gets a message in their box
and an email in their language: the case number, each document's title and type, the
party that filed it, when it was accepted (HKT), and a link to each sealed copy
through the access-checked download view (``filing:document``), which lets the other
side open accepted documents only.

The work is owed in the outbox by :func:`filing.services.review.filing_accept`, in the
acceptance's own transaction, so a broker outage loses nothing. It waits for the
sealed copies (the ``filing.seal`` work, owed in the same transaction) so that every
link works when the message arrives, and it is idempotent: each recipient's message is
unique per submission and kind, and the email goes only with a newly posted message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse

from accounts.models import User
from icms.core.audit_events import AuditEventType
from icms.core.email import absolute_url
from icms.core.messages import Bilingual, render_message
from icms.core.models import OutboxItem
from icms.core.outbox import TransientError, enqueue, register_kind
from icms.core.rendering import format_datetime_en, format_datetime_zh

from ..access import case_recipients, user_is_on_filing_side
from ..models import Document, MessageItem, Party, Submission
from .messages import message_post

TELL_OTHER_PARTIES = "filing.tell_other_parties"
KIND = MessageItem.Kind.OTHER_PARTY_FILING


class SealedCopiesPending(TransientError):
    """The accepted documents' sealed copies are not made yet: try again once they are."""


def other_parties_owe(submission: Submission) -> None:
    """Owe the notice to the other parties of an accepted filing (in the acceptance's transaction).

    Nothing is owed for a filing that opens its case: nobody else is on record yet.
    """
    if submission.opens_case:
        return
    enqueue(TELL_OTHER_PARTIES, target=submission, key=f"{TELL_OTHER_PARTIES}:{submission.pk}")


def other_party_recipients(submission: Submission) -> list[User]:
    """Who is told: the case's recipients of court documents, less everyone on the filing side."""
    return [
        user
        for user in case_recipients(submission.case).order_by("pk")
        if not user_is_on_filing_side(user, submission)
    ]


def filing_parties(submission: Submission) -> list[Party]:
    """The parties a filing was made for: the one it names, else those its filer acts for on record."""
    if submission.for_party_id is not None:
        return list(Party.objects.select_related("case__case_type").filter(pk=submission.for_party_id))
    parties = Party.objects.select_related("case__case_type").filter(case_id=submission.case_id)
    if submission.on_behalf_of_id is not None:
        parties = parties.filter(representative_id=submission.on_behalf_of_id)
    else:
        parties = parties.filter(user_id=submission.submitted_by_id)
    return list(parties.order_by("side", "ordinal"))


@dataclass(frozen=True)
class AcceptedDocument:
    """One accepted document as the notice lists it; ``url`` is its sealed copy's download link."""

    document: Document
    url: str


def _accepted_documents(submission: Submission) -> list[AcceptedDocument]:
    documents = list(
        submission.documents.select_related("document_type").filter(withdrawn_at__isnull=True).order_by("ordinal")
    )
    if any(not document.sealed_storage_key for document in documents):
        raise SealedCopiesPending(f"The sealed copies of {submission.reference} are not made yet.")
    return [
        AcceptedDocument(document=document, url=absolute_url(reverse("filing:document", args=[document.pk, "sealed"])))
        for document in documents
    ]


def other_parties_tell(*, submission_id: int) -> int:
    """Post the notice of an accepted filing to each other party's box, with an email. Idempotent.

    Returns how many were told for the first time. Raises :class:`SealedCopiesPending`
    (retried by the outbox) until the sealed copies exist.
    """
    from ..notifications import notify

    submission = Submission.objects.select_related("case__case_type__court", "on_behalf_of", "submitted_by").get(
        pk=submission_id
    )
    if submission.status != Submission.Status.ACCEPTED or submission.opens_case or submission.decided_at is None:
        return 0
    documents = _accepted_documents(submission)
    if not documents:
        return 0  # every document was withdrawn from view before anyone was told
    case = submission.case
    organisation = submission.on_behalf_of
    accepted = submission.decided_at
    filer = submission.submitted_by
    context: dict[str, object] = {
        "case_number": case.case_number,
        "documents": documents,
        "parties": filing_parties(submission),
        "firm": Bilingual(organisation.name_en, organisation.name_zh or organisation.name_en) if organisation else "",
        "accepted": Bilingual(format_datetime_en(accepted), format_datetime_zh(accepted)),
        "filer": Bilingual(filer.display_name_for("en"), filer.display_name_for("zh-hant")),
    }
    text = render_message("filing/messages/other_party_filing", context)
    told: list[User] = []
    with transaction.atomic():
        for recipient in other_party_recipients(submission):
            _, created = message_post(
                recipient=recipient,
                kind=KIND,
                subject_en=text.subject.en,
                subject_zh=text.subject.zh,
                body_en=text.body.en,
                body_zh=text.body.zh,
                submission=submission,
            )
            if created:
                told.append(recipient)
        notify(
            recipients=told,
            template="other_party_filing",
            context={
                **context,
                "firm_en": organisation.name_en if organisation else "",
                "firm_zh": (organisation.name_zh or organisation.name_en) if organisation else "",
                "accepted_en": format_datetime_en(accepted),
                "accepted_zh": format_datetime_zh(accepted),
                "filer_en": filer.display_name_for("en"),
                "filer_zh": filer.display_name_for("zh-hant"),
            },
        )
    return len(told)


def other_parties_tell_failed(item: OutboxItem) -> None:
    """Nobody on the other side knows of the filing yet; the alert to the registry is the report."""


def register_other_parties_kind() -> None:
    """Register the outbox kind (from ``FilingConfig.ready``)."""
    register_kind(
        TELL_OTHER_PARTIES,
        run=lambda item: other_parties_tell(submission_id=int(item.target_id)),
        failed=other_parties_tell_failed,
        # No event type of its own yet (it needs a migration of the audit log's choices); the
        # audit row names the kind, filing.tell_other_parties, and the submission.
        failed_event=AuditEventType.FILING_COURT_DOCUMENT_DELIVERY_FAILED,
        alert_group="Registry supervisor",
        # Waiting for the sealed copies: tries enough to outlast a slow sealing run.
        max_attempts=12,
    )
