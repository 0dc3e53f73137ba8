"""Signal-free hooks through which later apps react to filing events (panels on filing
screens go through :mod:`icms.core.panels`).

``payments`` and ``causebook`` import ``filing``, never the reverse, so filing
calls whatever they registered here. Registration happens in their
``AppConfig.ready()``. Handlers run inside the transaction of the event, so what
they write commits or rolls back with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import Submission

SubmissionHandler = Callable[["Submission"], None]

_returned_handlers: list[SubmissionHandler] = []
_withdrawn_handlers: list[SubmissionHandler] = []


def register_submission_returned(handler: SubmissionHandler) -> None:
    """Call ``handler(submission)`` when the registry returns a filing (a refund follows)."""
    if handler not in _returned_handlers:
        _returned_handlers.append(handler)


def submission_returned(submission: Submission) -> None:
    for handler in list(_returned_handlers):
        handler(submission)


def register_submission_withdrawn(handler: SubmissionHandler) -> None:
    """Call ``handler(submission)`` when the filer withdraws a filing before the registry decides it.

    Its fee follows the same path as a returned filing's (a refund follows).
    """
    if handler not in _withdrawn_handlers:
        _withdrawn_handlers.append(handler)


def submission_withdrawn(submission: Submission) -> None:
    for handler in list(_withdrawn_handlers):
        handler(submission)
