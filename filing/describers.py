"""What the public verification page says of a court document a later app issued.

Filing issues every court document, but only the app that asked for one knows what it is:
the cause book issues copies and certificates on applications (causebook/copies.py). It
registers a describer here in its ``AppConfig.ready``; filing never imports it (the same
one-way seam as :mod:`filing.hooks`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .models import CourtDocument


@dataclass(frozen=True)
class CourtDocumentDescription:
    """The document's kind, and one line such as "Certified true copy of Defence, issued 6 December 2026"."""

    kind_en: str
    kind_zh: str
    description_en: str
    description_zh: str


CourtDocumentDescriber = Callable[["CourtDocument"], "CourtDocumentDescription | None"]
_describers: list[CourtDocumentDescriber] = []


def register_court_document_describer(describer: CourtDocumentDescriber) -> None:
    """Let ``describer(court_document)`` say what a court document is (``None``: not one of its own)."""
    if describer not in _describers:
        _describers.append(describer)


def court_document_described(court_document: CourtDocument) -> CourtDocumentDescription | None:
    for describer in list(_describers):
        found = describer(court_document)
        if found is not None:
            return found
    return None
