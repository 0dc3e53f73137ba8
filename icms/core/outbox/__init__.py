"""The transactional outbox: every side effect is a row written with the change that causes it.

See docs/development.md, "The outbox": how to add a side effect, how failure looks,
and how to try it again.
"""

from .dispatch import (
    OutboxFigures,
    SweepResult,
    enqueue,
    is_overdue,
    outbox_figures,
    outbox_item_retry,
    outbox_item_run,
    outbox_sweep,
    overdue_filter,
    register_invariant,
    report_missing,
)
from .errors import TransientError, is_transient
from .kinds import OutboxKind, kind_for, register_kind, registered_kinds

__all__ = [
    "OutboxFigures",
    "OutboxKind",
    "SweepResult",
    "TransientError",
    "enqueue",
    "is_overdue",
    "is_transient",
    "kind_for",
    "outbox_figures",
    "outbox_item_retry",
    "outbox_item_run",
    "outbox_sweep",
    "overdue_filter",
    "register_invariant",
    "register_kind",
    "registered_kinds",
    "report_missing",
]
