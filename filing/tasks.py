"""Thin tasks: each takes a primary key and calls a service, which loads and claims the row.

Each is retried with backoff and jitter and is time-limited; the services are idempotent.
"""

from icms.core.retrying import retried_task

from .services import court_document_deliver, submission_acknowledge, submission_documents_seal


@retried_task(
    name="filing.tasks.acknowledge_submission",
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def acknowledge_submission(submission_id: int) -> int:
    """Send the submission's acknowledgement versions not yet sent (the first, or a revision)."""
    return submission_acknowledge(submission_id=submission_id)


@retried_task(
    name="filing.tasks.seal_accepted_documents",
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def seal_accepted_documents(submission_id: int) -> int:
    """Make the sealed copies of an accepted filing's documents, then tell the filer."""
    return submission_documents_seal(submission_id=submission_id)


@retried_task(
    name="filing.tasks.deliver_court_document",
    max_retries=8,
    soft_time_limit=120,
    time_limit=180,
)
def deliver_court_document(court_document_id: int) -> int:
    """Post an issued court document to every party's message box, with an email notice."""
    return court_document_deliver(court_document_id=court_document_id)
