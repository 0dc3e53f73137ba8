"""Acknowledgements and their versions: what the filer is told about a filing's deemed receipt.

The lifecycle (docs/calendar.md): a submission's acknowledgement is version 1. Each
later change of its deemed receipt (a closure or reopening recorded, the hours
changed, or a staff correction of a decided filing) makes the next version, in the
same transaction as the change, with a snapshot of the new time, the old one and why.
A worker then renders each version's PDF and tells the filer in the message box and by
email. Earlier versions stay downloadable, marked superseded.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from icms.calendar import deemed_receipt
from icms.calendar.core import RegistryCalendar, Rule
from icms.calendar.hooks import DeemedReceiptChange
from icms.core.messages import Bilingual, render_bilingual, render_message
from icms.core.rendering import format_datetime_en, format_datetime_zh

from ..models import AcknowledgementVersion, Document, SealedCopyVersion, Submission
from .messages import message_post


def acknowledgement_version_create(
    *,
    submission: Submission,
    previous_at: datetime | None = None,
    previous_rule: str = "",
    reason_en: str = "",
    reason_zh: str = "",
    calendar: RegistryCalendar | None = None,
) -> AcknowledgementVersion:
    """Snapshot the submission's deemed receipt as its next acknowledgement version.

    Call it inside the transaction that stamped (or changed) the deemed receipt; the
    submission row is locked so that versions are numbered without gaps or doubles.
    Pass the ``calendar`` the stamp used, if the caller has it, so it is not read again.
    The version's ``submission`` is that locked row, as stamped.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("acknowledgement_version_create must run inside the change's transaction.")
    locked = Submission.objects.select_for_update().get(pk=submission.pk)
    latest = AcknowledgementVersion.objects.filter(submission=locked).aggregate(v=Max("version"))["v"] or 0
    explanation = deemed_receipt(locked.received_at, calendar)
    return AcknowledgementVersion.objects.create(
        submission=locked,
        version=latest + 1,
        deemed_received_at=locked.deemed_received_at,
        deemed_rule=locked.deemed_rule,
        explanation_en=explanation.explanation_en,
        explanation_zh=explanation.explanation_zh,
        previous_deemed_received_at=previous_at,
        previous_deemed_rule=previous_rule,
        reason_en=reason_en,
        reason_zh=reason_zh,
    )


def _when(moment: datetime | None) -> tuple[str, str]:
    if moment is None:
        return "pending", "待定"
    return format_datetime_en(moment), format_datetime_zh(moment)


def _change_why(change: DeemedReceiptChange) -> str:
    if change.correction_reason:
        return "corrected"
    if change.after_rule == Rule.CLOSURE_PENDING:
        return "closure_pending"
    if change.before_rule == Rule.CLOSURE_PENDING:
        return "reopening_announced"
    for why in ("closure", "extra_holiday", "registry_hours"):
        if change.cause.startswith(f"calendar.{why}"):
            return why
    return "calendar"


def change_reason(change: DeemedReceiptChange) -> tuple[str, str]:
    """Why a deemed receipt changed, in words a filer understands (English, Chinese).

    The words are in ``filing/messages/deemed_receipt_change_reason.txt``.
    """
    reason = render_bilingual(
        "filing/messages/deemed_receipt_change_reason.txt",
        {"why": _change_why(change), "correction": change.correction_reason},
    )
    return reason.en, reason.zh


def submission_deemed_receipt_changed(change: DeemedReceiptChange) -> None:
    """The calendar changed a submission's deemed receipt: make the next acknowledgement
    version and send it after commit. A correction of an accepted filing also re-issues
    its sealed copies under the same DRNs (see :func:`sealed_copies_supersede`).

    Registered with :mod:`icms.calendar.hooks`; runs inside the change's transaction.
    """
    from .follow_up import acknowledgement_owe, sealing_owe

    submission = Submission.objects.get(pk=change.pk)
    reason_en, reason_zh = change_reason(change)
    acknowledgement_version_create(
        submission=submission,
        previous_at=change.before_at,
        previous_rule=change.before_rule,
        reason_en=reason_en,
        reason_zh=reason_zh,
    )
    acknowledgement_owe(submission)
    if submission.status == Submission.Status.ACCEPTED and sealed_copies_supersede(
        submission=submission, sealed_deemed_at=change.before_at, reason=reason_en
    ):
        sealing_owe(submission)


def sealed_copies_supersede(*, submission: Submission, sealed_deemed_at: datetime | None, reason: str) -> int:
    """Keep each current sealed copy as a superseded version and ask for the next.

    ``sealed_deemed_at`` is the deemed time the current copies show (the one the
    correction replaces). The sealing task then seals the original again, with the
    corrected deemed time and the same DRN, as the next version, and tells every party
    on record.
    """
    if sealed_deemed_at is None:
        raise RuntimeError("An accepted filing's sealed copies show a deemed time.")
    now = timezone.now()
    superseded = 0
    for document in Document.objects.select_for_update().filter(submission=submission).exclude(sealed_storage_key=""):
        SealedCopyVersion.objects.create(
            document=document,
            version=document.sealed_version,
            storage_key=document.sealed_storage_key,
            sha256=document.sealed_sha256,
            deemed_received_at=sealed_deemed_at,
            superseded_at=now,
            reason=reason,
        )
        Document.objects.filter(pk=document.pk).update(
            sealed_storage_key="", sealed_sha256="", sealed_version=document.sealed_version + 1
        )
        superseded += 1
    return superseded


def submission_acknowledge(*, submission_id: int) -> int:
    """Render every acknowledgement version not yet sent, store it, post it to the filer's
    message box and email them. Returns how many were sent.

    Idempotent: each version is claimed by a conditional UPDATE of its storage key; a
    second run finds nothing left, and a concurrent loser deletes its copy.
    """
    submission = Submission.objects.select_related("case__case_type__court", "submitted_by").get(pk=submission_id)
    sent = 0
    pending = AcknowledgementVersion.objects.filter(submission=submission, storage_key="").order_by("version")
    for version in pending:
        sent += _acknowledgement_version_send(submission=submission, version=version)
    return sent


def _acknowledgement_version_send(*, submission: Submission, version: AcknowledgementVersion) -> int:
    from icms.core.storage import stored_once

    from ..acknowledgement import acknowledgement_pdf
    from ..notifications import notify

    pdf = acknowledgement_pdf(submission, version=version)
    now = timezone.now()
    unsent = AcknowledgementVersion.objects.filter(pk=version.pk, storage_key="")
    with stored_once(
        pdf,
        prefix="acknowledgements",
        claim=lambda stored: unsent.update(storage_key=stored.key, sha256=stored.sha256, rendered_at=now),
    ) as stored:
        if stored is None:
            return 0  # another worker sent this version first
        # The submission points at its newest acknowledgement; never back at an older one.
        newer = AcknowledgementVersion.objects.filter(submission=submission, version__gt=version.version)
        if not newer.exclude(storage_key="").exists():
            Submission.objects.filter(pk=submission.pk).update(acknowledgement_key=stored.key)
        Submission.objects.filter(pk=submission.pk, acknowledged_at__isnull=True).update(acknowledged_at=now)
        received_en, received_zh = _when(submission.received_at)
        deemed_en, deemed_zh = _when(version.deemed_received_at)
        was_en, was_zh = _when(version.previous_deemed_received_at)
        kind = "acknowledgement_revised" if version.is_revision else "acknowledgement"
        text = render_message(
            f"filing/messages/{kind}",
            {
                "reference": submission.reference,
                "version": version.version,
                "received": Bilingual(received_en, received_zh),
                "deemed": Bilingual(deemed_en, deemed_zh),
                "was": Bilingual(was_en, was_zh),
                "rule": Bilingual(version.explanation_en, version.explanation_zh),
                "reason": Bilingual(version.reason_en, version.reason_zh),
            },
        )
        message_post(
            recipient=submission.submitted_by,
            kind=kind,
            version=version.version if version.is_revision else None,
            subject_en=text.subject.en,
            subject_zh=text.subject.zh,
            body_en=text.body.en,
            body_zh=text.body.zh,
            submission=submission,
            attachment_key=stored.key,
        )
        notify(
            recipients=[submission.submitted_by],
            template=kind,
            context={
                "submission": submission,
                "version": version,
                "received": received_en,
                "received_zh": received_zh,
                "deemed": deemed_en if version.deemed_received_at else "",
                "deemed_zh": deemed_zh,
                "was": was_en,
                "was_zh": was_zh,
                "submission_rule_en": version.explanation_en,
                "submission_rule_zh": version.explanation_zh,
            },
        )
    return 1
