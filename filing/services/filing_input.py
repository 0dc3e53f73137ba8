"""What a filer sends: the documents, a new case's details and what they say about the filing.

Plain values with no behaviour, below every service that reads them (submissions,
joining, drafts), so those can share them without importing one another.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError

from ..models import CaseAccessCode, CaseType, DocumentType, Party, Submission


class SubmissionRefused(ValidationError):
    """The filer may not make this submission; the message says why, in their language."""

    @classmethod
    def first_of(cls, error: ValidationError, *, code: str | None = "refused") -> SubmissionRefused:
        """The first message of ``error`` as a refusal, still lazy with its parameters.

        Not ``error.messages[0]``: that is worded already, in the language active now, and a
        bulk row's refusal is worded again for each language the filer may read it in
        (filing/bulk/reasons.py).
        """
        if hasattr(error, "error_dict"):
            errors = [each for field_errors in error.error_dict.values() for each in field_errors]
        else:
            errors = error.error_list
        first = errors[0]
        return cls(first.message, code=code, params=first.params)


@dataclass(frozen=True)
class StoredPdf:
    """A PDF checked (:func:`~filing.pdf_checks.validate_pdf`) and stored before: a draft's document."""

    key: str
    sha256: str
    size: int
    pages: int
    #: The storage object's identity recorded when it was stored (icms.core.storage.stored_identity);
    #: blank: Submit hashes the file again instead.
    identity: str = ""


@dataclass(frozen=True)
class DocumentUpload:
    """A document to file: an uploaded ``file``, or one already checked and ``stored`` (then ``file`` is None)."""

    document_type: DocumentType
    title: str
    file: IO[bytes] | Any
    filename: str = ""
    stored: StoredPdf | None = None

    @property
    def original_filename(self) -> str:
        """The name the filer's file had, as kept on the document (at most 255 characters, the end kept)."""
        return (self.filename or getattr(self.file, "name", "") or "")[-255:]


@dataclass(frozen=True)
class NewParty:
    name_en: str = ""
    name_zh: str = ""
    kind: str = Party.Kind.PERSON
    address_for_service: str = ""
    # Optional; an HKID is checked by its check digit. Stored encrypted, shown masked (filing.party_ids).
    id_kind: str = ""
    id_number: str = ""


@dataclass(frozen=True)
class SummonsInput:
    """What a summons in a Magistrates' summons court carries (filing.models.SummonsDetails).

    The prosecuting department is the filer's organisation; the return day and courtroom
    are allotted by the registry at acceptance, so they are not here.
    """

    offence_en: str
    ordinance: str
    section: str
    offence_date: date
    offence_place: str
    department_reference: str
    offence_zh: str = ""
    officer_reference: str = ""


@dataclass(frozen=True)
class NewCase:
    """The details of a new proceeding, which the originating document starts.

    Each side's parties are in the order they are named on the originating document.
    ``amount_claimed`` is required, and checked against the court's limit, for a case
    type with a limit (filing.claim_limits).
    """

    case_type: CaseType
    applicants: Sequence[NewParty]
    respondents: Sequence[NewParty]
    nature_en: str = ""
    nature_zh: str = ""
    filer_is_applicant: bool = True
    extra: dict[str, str] = field(default_factory=dict)
    third_parties: Sequence[NewParty] = ()
    amount_claimed: Decimal | None = None
    # Required for a summons case type (the Magistrates' summons courts), refused for any other.
    summons: SummonsInput | None = None


@dataclass(frozen=True)
class FilingDetails:
    """What the filer says about a filing besides its documents."""

    filer_reference: str = ""
    for_party: Party | None = None
    access_code: CaseAccessCode | None = None
    refiles: Submission | None = None
    # The payment that already covers the fee (a bulk batch's one deposit payment: filing/bulk/).
    payment_reference: str = ""


@dataclass(frozen=True)
class SummonsListing:
    """What the registry allots when it accepts a summons (filing.services.summonses.summons_return_day_allot).

    ``return_at`` is aware (the admin form reads it in Hong Kong time). ``magistrate_en`` may
    be left blank: the summons is then listed before the magistrate already listed in that
    courtroom on that day (causebook's listing refuses it if there is none).
    """

    return_at: datetime
    courtroom: str
    magistrate_en: str = ""
    magistrate_zh: str = ""
