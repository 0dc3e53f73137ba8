"""The kinds of outbox work, each registered once by the app that owns it.

An app registers its kinds in ``AppConfig.ready``::

    register_kind(
        "filing.acknowledge",
        run=lambda item: submission_acknowledge(submission_id=int(item.target_id)),
        failed=acknowledgement_failed,
        failed_event=AuditEventType.FILING_ACKNOWLEDGEMENT_FAILED,
        alert_group="Registry supervisor",
    )

``run`` does the work. It must be idempotent: the outbox runs it at least once, and
again after a worker dies. ``failed`` is the kind's ``<kind>_failed`` service: it runs
in the transaction that marks the row failed and tells the people concerned (the
filer, the payer). The outbox itself writes the audit record (``failed_event``) and
alerts ``alert_group`` by email, so no kind can forget either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from ..audit_events import AuditEventType

if TYPE_CHECKING:
    from ..models import OutboxItem


@dataclass(frozen=True)
class OutboxKind:
    name: str
    run: Callable[[OutboxItem], object]
    failed: Callable[[OutboxItem], None]
    failed_event: AuditEventType
    #: The staff group emailed when work of this kind fails; empty for none.
    alert_group: str = ""
    max_attempts: int = 8
    #: Seconds a worker may spend on one try (Celery's hard limit); the soft limit is 10 s less.
    time_limit: int = 180
    #: Errors of this kind that are worth retrying, besides those every kind retries.
    transient: tuple[type[BaseException], ...] = ()
    #: Renders PDFs: sent to ``settings.CELERY_RENDERING_QUEUE`` when one is set, so that
    #: a burst of rendering (hundreds of acceptances) never delays emails and payments.
    rendering: bool = False
    #: The wait after the ``n``-th failed try, when the kind has its own schedule (webhooks
    #: wait hours, not minutes); None: the outbox's doubling backoff.
    retry_delay: Callable[[int], timedelta] | None = None


_kinds: dict[str, OutboxKind] = {}


def register_kind(
    name: str,
    *,
    run: Callable[[OutboxItem], object],
    failed: Callable[[OutboxItem], None],
    failed_event: AuditEventType,
    alert_group: str = "",
    max_attempts: int = 8,
    time_limit: int = 180,
    transient: tuple[type[BaseException], ...] = (),
    rendering: bool = False,
    retry_delay: Callable[[int], timedelta] | None = None,
) -> OutboxKind:
    """Register the kind ``name`` (``<app>.<what>``). Registering it again replaces it."""
    if time_limit <= 10:
        raise ValueError("An outbox kind needs a time limit above 10 seconds.")
    kind = OutboxKind(
        name=name,
        run=run,
        failed=failed,
        failed_event=failed_event,
        alert_group=alert_group,
        max_attempts=max_attempts,
        time_limit=time_limit,
        transient=transient,
        rendering=rendering,
        retry_delay=retry_delay,
    )
    _kinds[name] = kind
    return kind


def kind_for(name: str) -> OutboxKind:
    """The registered kind ``name``; ``LookupError`` names the unknown kind."""
    try:
        return _kinds[name]
    except KeyError:
        raise LookupError(f"No outbox kind {name!r} is registered.") from None


def registered_kinds() -> list[OutboxKind]:
    return sorted(_kinds.values(), key=lambda kind: kind.name)
