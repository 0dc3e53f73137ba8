"""Filing's side effects owed in the outbox (their work and failures: ``outbox_work``).

Kinds (registered in ``FilingConfig.ready`` by :mod:`.outbox_work`):

* ``filing.acknowledge``: the acknowledgement PDF and its message, for each version not
  yet sent (the first, or a revision after a deemed-receipt change);
* ``filing.seal``: the sealed copies of an accepted filing, then the decision message
  (or the re-issue notice);
* ``filing.deliver_court_document``: an issued court document to every party's box.
"""

from __future__ import annotations

from icms.core.outbox import enqueue

from ..models import CourtDocument, Submission

ACKNOWLEDGE = "filing.acknowledge"
SEAL = "filing.seal"
DELIVER_COURT_DOCUMENT = "filing.deliver_court_document"


def acknowledgement_owe(submission: Submission) -> None:
    """Owe the submission's unsent acknowledgement versions (in the caller's transaction)."""
    enqueue(ACKNOWLEDGE, target=submission)


def sealing_owe(submission: Submission) -> None:
    """Owe the accepted submission's sealed copies and decision message."""
    enqueue(SEAL, target=submission)


def court_document_delivery_owe(court_document: CourtDocument) -> None:
    """Owe the court document's delivery to every party and representative on its case."""
    enqueue(DELIVER_COURT_DOCUMENT, target=court_document)
