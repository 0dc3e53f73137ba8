"""Filing's webhook events: what each one says, and which organisations hear of it.

Each function runs inside the transaction of the change it reports (docs/webhooks.md):

* a submission's events (received, deemed time set, accepted, returned) go to the
  organisation it was filed for (``Submission.on_behalf_of``); an individual's filings
  have no organisation, and no webhook;
* a court document goes to every approved organisation on record for a party in the case.

Field names are the JSON API's (``/api/v1/submissions/{ref}``); times are ISO 8601 in
Hong Kong time, as there. Never document bytes, party identity numbers or addresses.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Exists, OuterRef

from accounts.models import Organisation, WebhookEndpoint
from accounts.webhooks import EventType, organisation_listens, webhook_event_record, webhook_events_record
from icms.calendar.hooks import DeemedReceiptChange
from icms.core.time import HONG_KONG

from .models import Case, CourtDocument, Party, Submission


def hkt(value: datetime | None) -> str | None:
    """ISO 8601 in Hong Kong time, such as ``2026-11-25T09:00:00+08:00`` (as the API gives times)."""
    return value.astimezone(HONG_KONG).isoformat() if value is not None else None


def case_organisations(case: Case) -> list[Organisation]:
    """The approved organisations on record for a party in ``case`` that have an endpoint on:
    who hears of the court's documents and hearings."""
    ids = Party.objects.filter(case=case, representative__isnull=False).values("representative_id")
    listening = WebhookEndpoint.objects.filter(organisation=OuterRef("pk"), disabled_at__isnull=True)
    return list(
        Organisation.objects.filter(Exists(listening), pk__in=ids, status=Organisation.Status.APPROVED).order_by("pk")
    )


def _submission_data(submission: Submission) -> dict[str, Any]:
    case = Case.objects.select_related("case_type").get(pk=submission.case_id)
    documents = submission.documents.select_related("document_type").order_by("ordinal")
    return {
        "reference": submission.reference,
        "filer_reference": submission.filer_reference,
        "status": submission.status,
        "opens_case": submission.opens_case,
        "case_number": case.case_number or None,
        "received_at": hkt(submission.received_at),
        "deemed_received_at": hkt(submission.deemed_received_at),
        "deemed_rule": submission.deemed_rule,
        "documents": [
            {"title": d.title, "type": d.document_type.code, "sha256": d.sha256, "pages": d.pages, "drn": d.drn}
            for d in documents
        ],
    }


def _organisation_of(submission: Submission) -> Organisation | None:
    """The organisation the submission was filed for, if it has an endpoint on (else nothing to build)."""
    organisation_id = submission.on_behalf_of_id
    if organisation_id is None or not organisation_listens(organisation_id):
        return None
    return Organisation.objects.get(pk=organisation_id)


def submission_received_events(submission: Submission) -> None:
    """``filing.received``, and ``filing.deemed_time_set`` when receipt stamped a deemed time at once."""
    organisation = _organisation_of(submission)
    if organisation is None:
        return
    data = _submission_data(submission)
    webhook_event_record(organisation=organisation, event_type=EventType.FILING_RECEIVED, data=data)
    if submission.deemed_rule:
        webhook_event_record(
            organisation=organisation,
            event_type=EventType.FILING_DEEMED_TIME_SET,
            data={**data, "previous_deemed_received_at": None, "previous_deemed_rule": "", "cause": "received"},
        )


def submission_deemed_time_changed(change: DeemedReceiptChange) -> None:
    """``filing.deemed_time_set`` after a re-stamp or a correction (the calendar's hook)."""
    submission = Submission.objects.get(pk=change.pk)
    organisation = _organisation_of(submission)
    if organisation is None:
        return
    data = {
        **_submission_data(submission),
        "previous_deemed_received_at": hkt(change.before_at),
        "previous_deemed_rule": change.before_rule,
        "cause": change.cause,
    }
    if change.correction_reason:
        data["correction_reason"] = change.correction_reason
    webhook_event_record(organisation=organisation, event_type=EventType.FILING_DEEMED_TIME_SET, data=data)


def submission_decided_event(submission: Submission) -> None:
    """``filing.accepted`` (with the case number and DRNs) or ``filing.returned`` (with the reasons)."""
    organisation = _organisation_of(submission)
    if organisation is None:
        return
    submission = Submission.objects.select_related("return_reason").get(pk=submission.pk)
    data = {**_submission_data(submission), "decided_at": hkt(submission.decided_at)}
    if submission.status == Submission.Status.ACCEPTED:
        webhook_event_record(organisation=organisation, event_type=EventType.FILING_ACCEPTED, data=data)
        return
    reason = submission.return_reason
    data["reasons"] = (
        [{"code": reason.code, "name_en": reason.name_en, "name_zh": reason.name_zh}] if reason is not None else []
    )
    data["note"] = submission.return_note
    webhook_event_record(organisation=organisation, event_type=EventType.FILING_RETURNED, data=data)


def court_document_issued_event(document: CourtDocument) -> None:
    """``court_document.issued`` to every organisation on record in the case."""
    case = Case.objects.select_related("case_type").get(pk=document.case_id)
    organisations = case_organisations(case)
    if not organisations:
        return
    webhook_events_record(
        organisations=organisations,
        event_type=EventType.COURT_DOCUMENT_ISSUED,
        data={
            "case_number": case.case_number,
            "drn": document.drn,
            "kind": document.kind,
            "title": document.title,
            "issued_at": hkt(document.issued_at),
            "sha256": document.sealed_sha256,
            "pages": document.pages,
        },
    )
