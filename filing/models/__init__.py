"""The filing app's models: courts and cases, submissions and documents, the message box."""

from .cases import BilingualNameMixin, Case, CaseAssignment, CaseNumberSequence, CaseType, Court, Party
from .messages import MessageItem
from .reviews import DocumentView
from .submissions import (
    CourtDocument,
    Document,
    DocumentType,
    ReturnReason,
    Submission,
)
from .versions import AcknowledgementVersion, SealedCopyVersion

__all__ = [
    "AcknowledgementVersion",
    "BilingualNameMixin",
    "Case",
    "CaseAssignment",
    "CaseNumberSequence",
    "CaseType",
    "Court",
    "CourtDocument",
    "Document",
    "DocumentType",
    "DocumentView",
    "MessageItem",
    "Party",
    "ReturnReason",
    "SealedCopyVersion",
    "Submission",
]
