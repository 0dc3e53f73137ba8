"""The filer withdraws a submission before the registry decides it.

Not to be confused with :mod:`filing.services.withdrawal`, where the registry withdraws a
filed document from view.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import is_staff_user
from icms.core.audit import AuditEventType, audit_record

from .. import access, hooks
from ..models import Case, Submission
from ..models.submissions import OPEN_STATUSES


class WithdrawalRefused(ValidationError):
    """The submission cannot be withdrawn (decided meanwhile, or not the filer's); the message says why."""


@transaction.atomic
def submission_withdraw(*, submission: Submission, user: User, ip_address: str | None = None) -> Submission:
    """Withdraw ``submission`` for the side that made it, while the registry has not decided it.

    The claim is one conditional UPDATE on the open statuses, so a decision that commits
    first wins and the withdrawal is refused with :class:`WithdrawalRefused`. A withdrawn
    opening filing leaves its case a draft without a number. The fee follows the refund
    path of a returned filing (:func:`filing.hooks.submission_withdrawn`). Audited.
    """
    if is_staff_user(user) or not access.user_is_on_filing_side(user, submission):
        raise WithdrawalRefused(_("Only the side that made a submission can withdraw it."), code="not_filer")
    now = timezone.now()
    before = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).first()
    claimed = Submission.objects.filter(pk=submission.pk, status__in=OPEN_STATUSES).update(
        status=Submission.Status.WITHDRAWN, withdrawn_at=now, updated_at=now
    )
    if not claimed:
        current = Submission.objects.filter(pk=submission.pk).values_list("status", flat=True).first()
        if current == Submission.Status.WITHDRAWN:
            raise WithdrawalRefused(_("This submission has already been withdrawn."), code="withdrawn")
        raise WithdrawalRefused(
            _(
                "The registry has already decided this submission, so it can no longer be withdrawn. "
                "Its status below says what was decided."
            ),
            code="decided",
        )
    submission.refresh_from_db()
    if submission.opens_case:
        Case.objects.filter(pk=submission.case_id, number__isnull=True).update(status=Case.Status.DRAFT)
    audit_record(
        event_type=AuditEventType.FILING_SUBMISSION_WITHDRAWN,
        actor=user,
        target=submission,
        before={"status": before},
        after={"status": Submission.Status.WITHDRAWN, "withdrawn_at": now.isoformat()},
        ip_address=ip_address,
    )
    hooks.submission_withdrawn(submission)
    return submission
