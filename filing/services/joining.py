"""Joining a case with its access code: issuing codes, checking a pair, and the joining filing.

* :func:`access_codes_issue` gives each respondent-side party its code when the registry
  accepts the originating filing, in :func:`~filing.services.review.filing_accept`'s
  transaction, so the codes exist before the sealed copy (which prints them) is made.
* :func:`access_code_reissue` and :func:`access_code_revoke`: staff, with a reason.
* :func:`join_attempt`: the join page's check of a case number and a code. Every wrong
  pair (no such case, a wrong code, a revoked code, another case's code) takes the same
  path, one query, and gets the same :class:`JoinRefused`; wrong attempts are counted in
  Redis per user and per client address, and after :data:`JOIN_ATTEMPT_LIMIT` in
  :data:`JOIN_WINDOW_SECONDS` every attempt, even a right one, is refused
  (:class:`JoinLocked`), which is audited once.
* :func:`filing_for_party_check`: what :func:`~filing.services.submissions.submission_create`
  checks of a joining filing (instead of the access policy: the filer is not on record
  yet) and of a notice that changes who acts.

The codes themselves are never written to the audit log.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.selectors import filing_eligibility, is_staff_user
from icms.core.audit import AuditEventType, audit_record
from icms.core.counters import cache_counter_incr

from .. import access
from ..case_numbers import parse_case_number
from ..joining import access_code_digest, access_code_generate, seal_code_line
from ..models import Case, CaseAccessCode, Party, Submission
from .filing_input import DocumentUpload, FilingDetails, SubmissionRefused

if TYPE_CHECKING:
    from django.utils.functional import _StrOrPromise as StrOrPromise

JOIN_ATTEMPT_LIMIT = 20
JOIN_WINDOW_SECONDS = 24 * 60 * 60

MISMATCH = _("The case number and access code do not match. Check both and try again.")
LOCKED = _(
    "Too many case numbers and access codes that did not match: joining a case is locked for 24 hours. "
    "If you need to join a case sooner, contact the registry."
)


class JoinRefused(ValidationError):
    """The case number and the code do not match (whatever the reason: the message says nothing more)."""


class JoinLocked(ValidationError):
    """Too many wrong attempts from this user or address: every attempt is refused for a day."""


# --- Issuing -------------------------------------------------------------------------


def _code_create(
    *, case: Case, party: Party, actor: User | None, ip_address: str | None
) -> tuple[CaseAccessCode, str]:
    for _attempt in range(5):
        code = access_code_generate()
        try:
            with transaction.atomic():
                row = CaseAccessCode.objects.create(
                    case=case,
                    party=party,
                    digest=access_code_digest(code),
                    code=code,
                    issued_at=timezone.now(),
                    issued_by=actor,
                )
        except IntegrityError:  # a digest collision (1 in 2^59): draw again
            continue
        audit_record(
            event_type=AuditEventType.FILING_ACCESS_CODE_ISSUED,
            actor=actor,
            target=row,
            target_label=f"{case.case_number or case.pk} — {party}",
            after={"case": case.pk, "party": party.pk},
            ip_address=ip_address,
        )
        return row, code
    raise RuntimeError("Could not draw a unique case access code.")


@transaction.atomic
def access_codes_issue(*, case: Case, actor: User | None, ip_address: str | None = None) -> list[CaseAccessCode]:
    """Give each respondent-side party of ``case`` without a current code a new one. Audited.

    Called when the registry accepts the originating filing; safe to call again.
    """
    current = CaseAccessCode.objects.filter(party=OuterRef("pk"), revoked_at__isnull=True)
    parties = Party.objects.filter(case=case, side=Party.Side.RESPONDENT).exclude(Exists(current))
    return [
        _code_create(case=case, party=party, actor=actor, ip_address=ip_address)[0]
        for party in parties.order_by("ordinal", "pk")
    ]


def _require_staff(actor: User) -> None:
    if not is_staff_user(actor):
        raise ValidationError(_("Only registry staff manage case access codes."), code="not_staff")


def _revoke(*, party: Party, actor: User, reason: str, ip_address: str | None) -> None:
    current = CaseAccessCode.objects.select_for_update().filter(party=party, revoked_at__isnull=True).first()
    if current is None:
        return
    CaseAccessCode.objects.filter(pk=current.pk).update(revoked_at=timezone.now(), revoked_reason=reason)
    audit_record(
        event_type=AuditEventType.FILING_ACCESS_CODE_REVOKED,
        actor=actor,
        target=current,
        target_label=f"{party.case.case_number or party.case_id} — {party}",
        before={"revoked": False},
        after={"revoked": True, "reason": reason, "party": party.pk},
        ip_address=ip_address,
    )


@transaction.atomic
def access_code_revoke(*, party: Party, actor: User, reason: str, ip_address: str | None = None) -> None:
    """Revoke the party's current code (staff, with a reason). Audited; nothing happens if it has none."""
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_needed")
    _revoke(party=party, actor=actor, reason=reason.strip(), ip_address=ip_address)


@transaction.atomic
def access_code_reissue(*, party: Party, actor: User, reason: str, ip_address: str | None = None) -> str:
    """Revoke the party's current code and issue a new one (staff, with a reason). Audited.

    Returns the new code, to be shown once to the clerk, who sends it to the party by post.
    """
    _require_staff(actor)
    if not reason.strip():
        raise ValidationError(_("Give the reason."), code="reason_needed")
    if party.side != Party.Side.RESPONDENT or party.case.number is None:
        raise ValidationError(
            _("Only a party on the respondent side of a case with a number has an access code."), code="no_code"
        )
    _revoke(party=party, actor=actor, reason=reason.strip(), ip_address=ip_address)
    return _code_create(case=party.case, party=party, actor=actor, ip_address=ip_address)[1]


def seal_code_lines(submission: Submission) -> tuple[str, ...]:
    """The lines the seal of an originating document carries: each respondent's current code.

    Empty for any filing that does not open its case.
    """
    if not submission.opens_case:
        return ()
    codes = list(
        CaseAccessCode.objects.filter(case_id=submission.case_id, revoked_at__isnull=True)
        .select_related("party__case__case_type")
        .order_by("party__ordinal", "party__pk")
    )
    several = len(codes) > 1
    lines = []
    for row in codes:
        party = row.party
        role_en, role_zh = party.case.case_type.role_names(party.side)
        lines.append(
            seal_code_line(
                ordinal=party.ordinal,
                several=several,
                role_en=role_en,
                role_zh=role_zh,
                name_en=party.name_en,
                name_zh=party.name_zh,
                code=row.code,
            )
        )
    return tuple(lines)


# --- Joining -------------------------------------------------------------------------


def _counter_keys(user: User, ip_address: str | None) -> tuple[str, str]:
    return f"join:wrong:user:{user.pk}", f"join:wrong:ip:{ip_address or 'unknown'}"


def join_is_locked(*, user: User, ip_address: str | None) -> bool:
    """Whether this user or this address has used up its wrong attempts for the day."""
    return any((cache.get(key) or 0) >= JOIN_ATTEMPT_LIMIT for key in _counter_keys(user, ip_address))


def _wrong_attempt(*, user: User, ip_address: str | None) -> None:
    counts = [cache_counter_incr(key, timeout=JOIN_WINDOW_SECONDS) for key in _counter_keys(user, ip_address)]
    # Redis INCR is atomic: exactly one attempt sees a counter reach the limit, so the lock is audited once.
    if JOIN_ATTEMPT_LIMIT in counts:
        with transaction.atomic():
            audit_record(
                event_type=AuditEventType.FILING_ACCESS_CODE_LOCKED,
                actor=user,
                target_label=str(user),
                after={"user_attempts": counts[0], "address_attempts": counts[1]},
                ip_address=ip_address,
            )


def join_attempt(*, user: User, case_number: str, code: str, ip_address: str | None = None) -> CaseAccessCode:
    """The current code that ``code`` is, if it is the code of the case ``case_number``.

    Raises the filer's eligibility refusal (an administrator, staff or an unverified
    account may not file), :class:`JoinLocked` after too many wrong attempts (even for a
    right pair), or :class:`JoinRefused` for any wrong pair, which is counted.
    """
    eligibility = filing_eligibility(user)
    if not eligibility.may_file:
        raise ValidationError(str(eligibility.reason), code="not_eligible")
    if join_is_locked(user=user, ip_address=ip_address):
        raise JoinLocked(LOCKED, code="locked")
    number = parse_case_number(case_number)
    # One query whatever is wrong; a case number that is not one matches no case (number 0).
    matches_case = number.as_filter("case__") if number is not None and number.is_complete else Q(case__number=0)
    found = (
        CaseAccessCode.objects.select_related("case__case_type", "party")
        .filter(matches_case, digest=access_code_digest(code), revoked_at__isnull=True, case__number__isnull=False)
        .first()
    )
    if found is None:
        _wrong_attempt(user=user, ip_address=ip_address)
        raise JoinRefused(MISMATCH, code="mismatch")
    return found


# --- The joining filing --------------------------------------------------------------


def _refuse(message: StrOrPromise) -> Exception:
    return SubmissionRefused(message, code="refused")


def filing_for_party_check(
    *, user: User, case: Case, details: FilingDetails, uploads: Sequence[DocumentUpload]
) -> None:
    """Whether ``user`` may make this filing in ``case`` for the party it names; ``SubmissionRefused`` if not.

    A joining filing (``details.access_code``) stands in for the access policy: the code
    must be current and of this case, the filing for the code's party, and every document
    one a party may file first (``DocumentType.joins_case``). Otherwise the filer must
    be able to file in the case. Either way a notice that changes who acts for a party
    (``DocumentType.changes_representation``) must name that party, one of the case's.
    """
    code = details.access_code
    if code is not None:
        current = CaseAccessCode.objects.filter(pk=code.pk, case=case, revoked_at__isnull=True).first()
        if current is None:
            raise _refuse(_("This access code is no longer valid for this case. Contact the registry."))
        if details.for_party is None or details.for_party.pk != current.party_id:
            raise _refuse(_("A filing made with an access code is for the party the code was issued to."))
        if not all(upload.document_type.joins_case for upload in uploads):
            raise _refuse(
                _(
                    "A party joining the case may first file only the documents a party may file first, such as "
                    "an acknowledgement of service or a notice of acting."
                )
            )
    elif not access.user_may_file_for_case(user, case):
        # The caller found the case through the access policy; refusing here is belt and braces.
        raise _refuse(_("You cannot file in this case."))
    if details.for_party is not None and details.for_party.case_id != case.pk:
        raise _refuse(_("The party you file for is not a party to this case."))
    if details.for_party is None and any(upload.document_type.changes_representation for upload in uploads):
        raise _refuse(_("Say which party this notice is for."))
