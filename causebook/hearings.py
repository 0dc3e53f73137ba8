"""Hearings fixed once (issue 14): the listing, its notice and the parties told, in one transaction.

A registry clerk fixes a hearing with :func:`hearing_fix`, adjourns it with
:func:`hearing_adjourn` or vacates it with :func:`hearing_vacate`. Each one, in a single
transaction:

* writes the listing (the daily cause list and every hearings feed read it);
* renders the bilingual notice (:mod:`causebook.notices`) and issues it to the case with
  :func:`filing.services.court_document_issue`, which seals it ISSUED with a DRN, stores
  it and owes its delivery to every party on record's message box, with an email, after
  commit (the outbox);
* records the audit row.

The issuing service stores files in its own durable transaction (``StoredFiles``), so
these services do not open one of their own: the listing is written inside it, through
``on_issue``. If anything fails, nothing is listed, issued, stored or sent.

Rendering the notice happens in the request, before the transaction: the admin's upload
of a court document already renders (the seal band, with WeasyPrint) in the request, and
a clerk fixing a hearing should see the issued notice at once. It costs a few hundred
milliseconds, for staff only.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from filing.models import Case, Court, CourtDocument
from filing.services import court_document_issue
from filing.services.review import require_registry_staff
from icms.core.audit import AuditEventType, audit_record

from .models import Hearing
from .notices import NoticeKind, notice_render, notice_title
from .services import _hearing_snapshot, hearing_validate
from .webhooks import hearing_changed_event, hearing_fixed_event

if TYPE_CHECKING:
    from accounts.models import User


def _label(hearing: Hearing) -> str:
    return f"{hearing.case.case_number} {hearing.label_time}"


def _require_future(hearing: Hearing) -> None:
    starts_at = hearing.starts_at
    if starts_at is None or timezone.is_naive(starts_at):
        raise ValidationError({"starts_at": _("Enter the date and time of the hearing.")})
    if starts_at <= timezone.now():
        raise ValidationError({"starts_at": _("A hearing cannot be fixed in the past.")})


def hearing_fix_check(hearing: Hearing) -> None:
    """Raise ``ValidationError`` unless ``hearing`` (unsaved) may be fixed: the admin form shows these too.

    The case must have a number, the hearing must be in the case's court, and it must be
    in the future.
    """
    if hearing.case_id is not None and hearing.case.number is None:
        raise ValidationError({"case": _("Only a case with a case number can be listed for hearing.")})
    _require_future(hearing)
    hearing_validate(hearing)


def _issue(
    *,
    kind: NoticeKind,
    hearing: Hearing,
    actor: User,
    on_issue: Any,
    previous: Hearing | None = None,
    reason: str = "",
    ip_address: str | None = None,
) -> CourtDocument:
    pdf = notice_render(kind=kind, hearing=hearing, previous=previous, reason=reason)
    return court_document_issue(
        case=hearing.case,
        staff=actor,
        kind=CourtDocument.Kind.NOTICE_OF_HEARING,
        title=notice_title(kind, hearing),
        file=BytesIO(pdf),
        ip_address=ip_address,
        on_issue=on_issue,
    )


def hearing_fix(
    *,
    case: Case,
    court: Court,
    courtroom: str,
    starts_at: datetime,
    judge_en: str,
    judge_zh: str,
    hearing_type: str,
    nature_en: str = "",
    nature_zh: str = "",
    actor: User,
    ip_address: str | None = None,
) -> Hearing:
    """Fix a hearing: list it, and issue the notice of hearing to every party on record.

    Refused (``ValidationError``) for a case without a number, a court other than the
    case's, a time in the past, or an actor who is not registry staff.
    """
    require_registry_staff(actor)
    hearing = Hearing(
        case=case,
        court=court,
        courtroom=courtroom.strip(),
        starts_at=starts_at,
        judge_en=judge_en.strip(),
        judge_zh=judge_zh.strip(),
        hearing_type=hearing_type,
        nature_en=nature_en.strip(),
        nature_zh=nature_zh.strip(),
        status=Hearing.Status.LISTED,
    )
    hearing_fix_check(hearing)

    def record(notice: CourtDocument) -> None:
        hearing.notice = notice
        hearing.save()
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_HEARING_LISTED,
            actor=actor,
            target=hearing,
            target_label=_label(hearing),
            after={**_hearing_snapshot(hearing), "notice_drn": notice.drn},
            ip_address=ip_address,
        )
        hearing_fixed_event(hearing, notice_drn=notice.drn)

    _issue(kind=NoticeKind.LISTED, hearing=hearing, actor=actor, on_issue=record, ip_address=ip_address)
    return hearing


def _require_reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Give the reason: it is printed on the notice to the parties.")})
    return text


def _lock_listed(hearing: Hearing) -> Hearing:
    """The hearing's row, locked, if it is still listed; else ``ValidationError`` (someone changed it first)."""
    current = Hearing.objects.select_for_update().select_related("case__case_type").get(pk=hearing.pk)
    if current.status != Hearing.Status.LISTED:
        raise ValidationError(
            _("This hearing is no longer listed (it is %(status)s).") % {"status": current.get_status_display()},
            code="not_listed",
        )
    return current


def hearing_adjourn(
    *,
    hearing: Hearing,
    new_starts_at: datetime,
    courtroom: str | None = None,
    reason: str,
    actor: User,
    ip_address: str | None = None,
) -> Hearing:
    """Adjourn a listed hearing to ``new_starts_at``: it becomes ADJOURNED, a new listing points
    back at it (``adjourned_from``), and the notice of the adjourned hearing is issued.

    Returns the new listing.
    """
    require_registry_staff(actor)
    text = _require_reason(reason)
    if hearing.status != Hearing.Status.LISTED:
        raise ValidationError(_("Only a listed hearing can be adjourned."), code="not_listed")
    new = Hearing(
        case=hearing.case,
        court=hearing.court,
        courtroom=(courtroom or hearing.courtroom).strip(),
        starts_at=new_starts_at,
        judge_en=hearing.judge_en,
        judge_zh=hearing.judge_zh,
        hearing_type=hearing.hearing_type,
        nature_en=hearing.nature_en,
        nature_zh=hearing.nature_zh,
        representation_en=hearing.representation_en,
        representation_zh=hearing.representation_zh,
        status=Hearing.Status.LISTED,
        adjourned_from=hearing,
    )
    hearing_fix_check(new)

    def record(notice: CourtDocument) -> None:
        old = _lock_listed(hearing)
        before = _hearing_snapshot(old)
        old.status = Hearing.Status.ADJOURNED
        old.notice = notice
        old.save(update_fields=["status", "notice", "updated_at"])
        new.notice = notice
        new.save()
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_HEARING_ADJOURNED,
            actor=actor,
            target=old,
            target_label=_label(old),
            before=before,
            after={
                **_hearing_snapshot(old),
                "reason": text,
                "adjourned_to": new.pk,
                "new_starts_at": new.starts_at.isoformat(),
                "new_courtroom": new.courtroom,
                "notice_drn": notice.drn,
            },
            ip_address=ip_address,
        )
        hearing_changed_event(old, change="adjourned", reason=text, adjourned_to=new, notice_drn=notice.drn)

    _issue(
        kind=NoticeKind.ADJOURNED,
        hearing=new,
        previous=hearing,
        reason=text,
        actor=actor,
        on_issue=record,
        ip_address=ip_address,
    )
    hearing.refresh_from_db()
    return new


def hearing_vacate(*, hearing: Hearing, reason: str, actor: User, ip_address: str | None = None) -> Hearing:
    """Vacate a listed hearing: it becomes VACATED (kept on the record) and the notice that it is
    vacated is issued to the parties."""
    require_registry_staff(actor)
    text = _require_reason(reason)
    if hearing.status != Hearing.Status.LISTED:
        raise ValidationError(_("Only a listed hearing can be vacated."), code="not_listed")

    def record(notice: CourtDocument) -> None:
        current = _lock_listed(hearing)
        before = _hearing_snapshot(current)
        current.status = Hearing.Status.VACATED
        current.notice = notice
        current.save(update_fields=["status", "notice", "updated_at"])
        audit_record(
            event_type=AuditEventType.CAUSEBOOK_HEARING_VACATED,
            actor=actor,
            target=current,
            target_label=_label(current),
            before=before,
            after={**_hearing_snapshot(current), "reason": text, "notice_drn": notice.drn},
            ip_address=ip_address,
        )
        hearing_changed_event(current, change="vacated", reason=text, notice_drn=notice.drn)

    _issue(kind=NoticeKind.VACATED, hearing=hearing, reason=text, actor=actor, on_issue=record, ip_address=ip_address)
    hearing.refresh_from_db()
    return hearing
