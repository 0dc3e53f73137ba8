"""Enquire Summons (查詢傳票): a summons defendant, signed in or not, finds their return day (issue 15).

They give the summons number (``KCS 4021/2026``, read by :func:`filing.case_numbers.parse_case_number`,
so ``kcs4021/26`` works too) and the last four characters of the identity document the
summons names them by (an HKID's check digit counts, brackets or not: ``456(3)`` is ``4563``).
A right pair shows the court, the return day and time, the courtroom and the offence.

Nothing about a wrong pair is told: no such case, a case that is not a summons, a summons
not yet accepted (so with no return day), or a wrong ID all raise the same
:class:`EnquiryRefused` with the same message, after the same work (one query for the
summons, one for its defendants, and at least one decryption and constant-time comparison).

Every enquiry, right or wrong, is counted in Redis per client address and per summons
number; after :data:`ENQUIRY_LIMIT` in :data:`ENQUIRY_WINDOW_SECONDS` every enquiry is
refused (:class:`EnquiryLocked`, a 429), and the lock is audited once. The ID's characters
are never logged, audited or stored; a successful enquiry is not audited (it changes
nothing of legal meaning).

Unlike the portal's other limits, this one fails *closed*: four characters are 10,000
guesses, so while Redis does not answer and an enquiry cannot be counted, it is not
answered (:class:`EnquiryUnavailable`, a 503) and no summons is looked up.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Final

from django.core.cache import cache as shared_cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from filing.case_numbers import CaseNumber
from filing.models import Court, Party, SummonsDetails
from filing.party_ids import party_id_normalise
from icms.core.audit import AuditEventType, audit_record
from icms.core.counters import cache_counter_incr, counters_reachable
from icms.core.court_dates import courtroom_zh
from icms.core.crypto import decrypt, encrypt
from icms.core.redis_cache import OutageWarning

ENQUIRY_LIMIT: Final = 20
ENQUIRY_WINDOW_SECONDS: Final = 24 * 60 * 60
ID_CHARACTERS: Final = 4
# What the 503 asks a client to wait: outages are reported by /healthz within seconds.
UNAVAILABLE_RETRY_AFTER_SECONDS: Final = 60

MISMATCH = _(
    "No summons matches that summons number and those last four characters of the identity document. "
    "Check both against the summons served on you and try again."
)
LOCKED = _(
    "Too many enquiries: Enquire Summons is locked for 24 hours for this summons number or from your connection. "
    "If you need your return day sooner, contact the registry of the magistracy named on the summons."
)
UNAVAILABLE = _("Enquire Summons is temporarily unavailable. Please try again in a few minutes.")
# Spaces, brackets (an HKID's check digit), dashes and dots, after NFKC has folded full-width forms.
_IGNORED = re.compile(r"[\s()\[\]\-\u2010-\u2015\u2212.]")


class EnquiryRefused(ValidationError):
    """The pair matches no listed summons; the message says nothing more, whatever was wrong."""


class EnquiryLocked(ValidationError):
    """Too many enquiries for this summons number or from this address: refused for a day."""


class EnquiryUnavailable(ValidationError):
    """The enquiry cannot be counted (Redis does not answer), so it is not answered: try again later."""


# One warning per 30 s and process while enquiries are refused, as for the cache's own errors.
_refused_in_outage = OutageWarning(
    logging.getLogger(__name__), "Enquire Summons refused: its rate limit cannot be counted while Redis is down"
)


@dataclass(frozen=True)
class SummonsFound:
    """What a right pair shows: never the defendant's name, address or identity document."""

    case_number: str
    court_name_en: str
    court_name_zh: str
    return_at: datetime
    courtroom: str
    courtroom_zh: str
    offence_en: str
    offence_zh: str
    ordinance: str
    section: str


def id_last_four_normalise(text: str) -> str:
    """What a person typed as the last four characters: NFKC, capitals, without spaces, brackets or dashes."""
    return _IGNORED.sub("", unicodedata.normalize("NFKC", text)).upper()


def id_last_four_is_well_formed(text: str) -> bool:
    normal = id_last_four_normalise(text)
    return len(normal) == ID_CHARACTERS and normal.isascii() and normal.isalnum()


def _address_key(ip_address: str | None) -> str:
    return f"summons-enquiry:ip:{ip_address or 'unknown'}"


def _counter_keys(number: CaseNumber, ip_address: str | None) -> tuple[str, str]:
    # A digest, so Redis's keys do not list which summonses people look up.
    digest = hashlib.sha256(str(number).encode()).hexdigest()[:32]
    return f"summons-enquiry:number:{digest}", _address_key(ip_address)


def _used_up(*keys: str) -> bool:
    return any((shared_cache.get(key) or 0) >= ENQUIRY_LIMIT for key in keys)


def summons_enquiry_is_locked(*, number: CaseNumber, ip_address: str | None) -> bool:
    """Whether enquiries about ``number``, or from this address, are used up for the day."""
    return _used_up(*_counter_keys(number, ip_address))


def summons_enquiry_address_locked(*, ip_address: str | None) -> bool:
    """Whether this address has used up its enquiries for the day (the page says so before asking)."""
    return _used_up(_address_key(ip_address))


def summons_enquiry_page_state(*, ip_address: str | None) -> str:
    """What the empty page offers: "unavailable" while no enquiry could be counted (Redis does
    not answer, so every enquiry would be refused), "locked" when this address has used up
    its enquiries, else "open" (the form)."""
    if not counters_reachable():
        return "unavailable"
    return "locked" if summons_enquiry_address_locked(ip_address=ip_address) else "open"


def _count(number: CaseNumber, ip_address: str | None) -> None:
    """Count this enquiry, or refuse it: :class:`EnquiryUnavailable` when it cannot be counted,
    :class:`EnquiryLocked` when the count is past the limit (the check before counting read
    a miss, or a concurrent enquiry took the last one)."""
    number_count, address_count = (
        cache_counter_incr(key, timeout=ENQUIRY_WINDOW_SECONDS) for key in _counter_keys(number, ip_address)
    )
    if number_count is None or address_count is None:
        # Fail closed: an uncounted enquiry would be an unlimited one (the cache also logs its error).
        _refused_in_outage.report()
        raise EnquiryUnavailable(UNAVAILABLE, code="unavailable")
    # Redis INCR is atomic: exactly one enquiry sees a counter reach the limit, so the lock is audited once.
    if ENQUIRY_LIMIT in (number_count, address_count):
        with transaction.atomic():
            audit_record(
                event_type=AuditEventType.CAUSEBOOK_SUMMONS_ENQUIRY_LOCKED,
                target_label=str(number) if number_count == ENQUIRY_LIMIT else "Enquire Summons",
                after={"number_enquiries": number_count, "address_enquiries": address_count},
                ip_address=ip_address,
            )
    if max(number_count, address_count) > ENQUIRY_LIMIT:
        raise EnquiryLocked(LOCKED, code="locked")


@cache
def _stand_in() -> str:
    """An encrypted stand-in identity number, opened when a summons has no defendant to compare."""
    return encrypt("ZZ000000")


def _matches(candidates: list[str], last_four: str) -> bool:
    """Compare with every candidate, in constant time, without stopping at the first match."""
    found = False
    for candidate in candidates:
        found |= hmac.compare_digest(candidate[-ID_CHARACTERS:].encode(), last_four.encode())
    return found


def summons_enquire(*, number: CaseNumber, id_last_four: str, ip_address: str | None) -> SummonsFound:
    """The listed summons ``number`` if ``id_last_four`` ends the ID of one of its defendants.

    ``number`` is complete (with its year). Raises :class:`EnquiryLocked` after too many
    enquiries (even for a right pair), else counts this one, and raises
    :class:`EnquiryRefused` for any wrong pair. Raises :class:`EnquiryUnavailable`, before
    any look-up, when the enquiry cannot be counted (Redis does not answer).
    """
    if summons_enquiry_is_locked(number=number, ip_address=ip_address):
        raise EnquiryLocked(LOCKED, code="locked")
    _count(number, ip_address)
    last_four = id_last_four_normalise(id_last_four)
    details = (
        SummonsDetails.objects.select_related("case__case_type__court")
        .filter(
            number.as_filter("case__"),
            case__case_type__court__level=Court.Level.MAGISTRATES,
            case__number__isnull=False,
            return_at__isnull=False,
        )
        .first()
    )
    defendants = list(
        Party.objects.filter(case_id=details.case_id if details else 0, side=Party.Side.RESPONDENT)
        .exclude(id_number="")
        .values_list("id_kind", "id_number")
    )
    candidates = [party_id_normalise(kind, value) for kind, value in defendants]
    if not candidates:
        candidates = [decrypt(_stand_in()) + "\x00"]  # the same work; can never match four typed characters
    if not (_matches(candidates, last_four) and details is not None):
        raise EnquiryRefused(MISMATCH, code="mismatch")
    court = details.case.case_type.court
    assert details.return_at is not None  # noqa: S101 (filtered above; narrows for mypy)
    return SummonsFound(
        case_number=details.case.case_number,
        court_name_en=court.name_en,
        court_name_zh=court.name_zh,
        return_at=details.return_at,
        courtroom=details.courtroom,
        courtroom_zh=courtroom_zh(details.courtroom),
        offence_en=details.offence_en,
        offence_zh=details.offence_zh,
        ordinance=details.ordinance,
        section=details.section,
    )
