"""Thin tasks: each takes a primary key, loads the row and calls a service."""

from typing import Any

from celery import shared_task

from .models import CourtDocument, Submission
from .services import court_document_deliver, submission_acknowledge, submission_documents_seal

RETRYING: dict[str, Any] = {
    "autoretry_for": (Exception,),
    "retry_backoff": True,
    "retry_jitter": True,
    "max_retries": 8,
    "soft_time_limit": 120,
    "time_limit": 180,
}


@shared_task(name="filing.tasks.acknowledge_submission", **RETRYING)
def acknowledge_submission(submission_pk: int) -> int:
    submission = Submission.objects.select_related("case__case_type__court", "submitted_by").get(pk=submission_pk)
    return submission_acknowledge(submission=submission)


@shared_task(name="filing.tasks.seal_accepted_documents", **RETRYING)
def seal_accepted_documents(submission_pk: int) -> int:
    submission = Submission.objects.select_related("case__case_type__court", "submitted_by").get(pk=submission_pk)
    return submission_documents_seal(submission=submission)


@shared_task(name="filing.tasks.deliver_court_document", **RETRYING)
def deliver_court_document(court_document_pk: int) -> int:
    document = CourtDocument.objects.select_related("case__case_type__court").get(pk=court_document_pk)
    return court_document_deliver(court_document=document)
