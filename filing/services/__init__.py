"""State changes of the filing app. Views, tasks and the admin call only these."""

from ..case_numbers.numbering import case_number_assign
from .acknowledgements import acknowledgement_version_create, submission_acknowledge
from .court_documents import court_document_deliver, court_document_issue
from .messages import court_document_open, message_open, message_post
from .review import filing_accept, filing_return
from .sealing import sealed_copies_reissued_tell, submission_documents_seal
from .submissions import (
    DocumentUpload,
    FilingDetails,
    NewCase,
    NewParty,
    SubmissionRefused,
    submission_create,
)
from .withdrawal import document_reinstate, document_withdraw

__all__ = [
    "DocumentUpload",
    "FilingDetails",
    "NewCase",
    "NewParty",
    "SubmissionRefused",
    "acknowledgement_version_create",
    "case_number_assign",
    "court_document_deliver",
    "court_document_issue",
    "court_document_open",
    "document_reinstate",
    "document_withdraw",
    "filing_accept",
    "filing_return",
    "message_open",
    "message_post",
    "sealed_copies_reissued_tell",
    "submission_acknowledge",
    "submission_create",
    "submission_documents_seal",
]
