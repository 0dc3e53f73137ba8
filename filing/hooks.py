"""Signal-free hooks through which later apps react to filing events.

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


def register_submission_returned(handler: SubmissionHandler) -> None:
    """Call ``handler(submission)`` when the registry returns a filing (a refund follows)."""
    if handler not in _returned_handlers:
        _returned_handlers.append(handler)


def submission_returned(submission: Submission) -> None:
    for handler in list(_returned_handlers):
        handler(submission)


# --- Panels -------------------------------------------------------------------------
# A panel is a template and its context that another app shows on a filing screen
# (the fee quote on the form and on the acknowledgement, for example).

Panel = tuple[str, dict[str, object]]
PanelProvider = Callable[..., "Panel | None"]

_panels: dict[str, list[PanelProvider]] = {}


def register_panel(place: str, provider: PanelProvider) -> None:
    """Show ``provider(**context)`` at ``place``.

    Places: "filing_form" (called with case_type, user) and "submission" (submission, user).
    """
    providers = _panels.setdefault(place, [])
    if provider not in providers:
        providers.append(provider)


def panels(place: str, **context: object) -> list[Panel]:
    found = []
    for provider in _panels.get(place, []):
        panel = provider(**context)
        if panel is not None:
            found.append(panel)
    return found
