"""Filing's side effects owed in the outbox (their work and failures: ``outbox_work``).

Kinds (registered in ``FilingConfig.ready`` by :mod:`.outbox_work`):

* ``filing.acknowledge``: the acknowledgement PDF and its message, for each version not
  yet sent (the first, or a revision after a deemed-receipt change);
* ``filing.seal``: the sealed copies of an accepted filing, then the decision message
  (or the re-issue notice);
* ``filing.deliver_court_document``: an issued court document to every party's box;
* ``filing.draft_files_delete``: a submitted, discarded or expired draft's files, removed
  from the drafts' store (icms/core/drafts_storage.py).
"""

from __future__ import annotations

from icms.core.drafts_storage import draft_keys_to_delete
from icms.core.outbox import enqueue

from ..models import CourtDocument, Submission

ACKNOWLEDGE = "filing.acknowledge"
SEAL = "filing.seal"
DELIVER_COURT_DOCUMENT = "filing.deliver_court_document"
DRAFT_FILES_DELETE = "filing.draft_files_delete"


def acknowledgement_owe(submission: Submission) -> None:
    """Owe the submission's unsent acknowledgement versions (in the caller's transaction)."""
    enqueue(ACKNOWLEDGE, target=submission)


def sealing_owe(submission: Submission) -> None:
    """Owe the accepted submission's sealed copies and decision message."""
    enqueue(SEAL, target=submission)


def court_document_delivery_owe(court_document: CourtDocument) -> None:
    """Owe the court document's delivery to every party and representative on its case."""
    enqueue(DELIVER_COURT_DOCUMENT, target=court_document)


def draft_files_delete_owe(keys: list[str], *, label: str) -> None:
    """Owe the removal of draft files whose rows the caller's transaction deletes.

    Only keys in the drafts' store; a draft's file from before the drafts had a store of
    their own is in the documents' store, which keeps it (logged, not owed).
    """
    keys = draft_keys_to_delete(keys)
    if keys:
        enqueue(DRAFT_FILES_DELETE, payload={"keys": keys}, label=label)
