"""The filing app's models: courts and cases, submissions and documents, the message box."""

from .cases import (
    BilingualNameMixin,
    Case,
    CaseAccessCode,
    CaseAssignment,
    CaseNumberSequence,
    CaseType,
    ClaimLimit,
    Court,
    Party,
    Representation,
)
from .drafts import DraftDocument, SubmissionDraft
from .messages import MessageItem
from .reviews import DocumentView
from .submissions import (
    CourtDocument,
    Document,
    DocumentType,
    ReturnReason,
    Submission,
)
from .summons import BulkBatch, BulkItem, SummonsDetails
from .versions import AcknowledgementVersion, SealedCopyVersion

__all__ = [
    "AcknowledgementVersion",
    "BilingualNameMixin",
    "BulkBatch",
    "BulkItem",
    "Case",
    "CaseAccessCode",
    "CaseAssignment",
    "CaseNumberSequence",
    "CaseType",
    "ClaimLimit",
    "Court",
    "CourtDocument",
    "Document",
    "DocumentType",
    "DocumentView",
    "DraftDocument",
    "MessageItem",
    "Party",
    "Representation",
    "ReturnReason",
    "SealedCopyVersion",
    "Submission",
    "SubmissionDraft",
    "SummonsDetails",
]
