"""The acknowledgement of a submission as a PDF: its values, and the template that shows them.

The PDF machinery (fonts, stylesheets, the fetcher that allows nothing) and the fixed
bilingual formats are shared: :mod:`icms.core.rendering`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from icms.core.rendering import (
    BASE_STYLESHEET,
    check_sha256,
    format_datetime_en,
    format_datetime_zh,
    format_hkd,
    group_digest,
    render_pdf,
)

# --- The acknowledgement of a submission -------------------------------------------


@dataclass(frozen=True, slots=True)
class AcknowledgedDocument:
    """One document of a submission as the acknowledgement lists it."""

    title: str
    sha256: str
    pages: int
    #: The document type, bilingual if the caller has both names ("Statement of Claim 申索陳述書").
    document_type: str = ""

    def __post_init__(self) -> None:
        check_sha256(self.sha256)


@dataclass(frozen=True, slots=True)
class FeeLine:
    """The fee as quoted for the submission (payments fills it; Decimal HKD)."""

    description_en: str
    description_zh: str
    amount: Decimal
    status_en: str = ""
    status_zh: str = ""


@dataclass(frozen=True, slots=True)
class Revision:
    """What a revised acknowledgement changes: the version, the deemed time it replaces, why."""

    version: int
    previous_deemed_received_at: datetime | None
    reason_en: str
    reason_zh: str


@dataclass(frozen=True, slots=True)
class AcknowledgementData:
    """Everything the acknowledgement PDF shows, as plain values (filled from the models).

    ``deemed_received_at`` is ``None`` while the deemed time is pending (the registry is
    closed and no reopening time is known); the rule texts come from ``icms.calendar``
    and are shown either way.
    """

    reference: str
    received_at: datetime
    deemed_received_at: datetime | None
    deemed_rule_en: str
    deemed_rule_zh: str
    documents: Sequence[AcknowledgedDocument]
    court_name_en: str = ""
    court_name_zh: str = ""
    #: Empty for a new proceeding: its number is assigned on acceptance.
    case_number: str = ""
    filer_name: str = ""
    #: The filer's own reference (client and matter), as they gave it; empty if none.
    filer_reference: str = ""
    fee: FeeLine | None = None
    issued_at: datetime | None = field(default=None)
    #: Set on a revised acknowledgement (version 2 onwards); None on the first.
    revision: Revision | None = None

    def __post_init__(self) -> None:
        for moment in (self.received_at, self.deemed_received_at, self.issued_at):
            if moment is not None and timezone.is_naive(moment):
                raise ValueError("AcknowledgementData needs timezone-aware datetimes.")

    def template_context(self) -> dict[str, Any]:
        """The values the template shows, already formatted in both languages."""
        issued = self.issued_at or timezone.now()
        return {
            "data": self,
            "received_en": format_datetime_en(self.received_at),
            "received_zh": format_datetime_zh(self.received_at),
            "deemed_en": format_datetime_en(self.deemed_received_at) if self.deemed_received_at else "",
            "deemed_zh": format_datetime_zh(self.deemed_received_at) if self.deemed_received_at else "",
            "issued_en": format_datetime_en(issued),
            "issued_zh": format_datetime_zh(issued),
            "documents": [
                {"index": index, "document": document, "digest": group_digest(document.sha256)}
                for index, document in enumerate(self.documents, start=1)
            ],
            "total_pages": sum(document.pages for document in self.documents),
            "fee_amount": format_hkd(self.fee.amount) if self.fee else "",
            **self._revision_context(),
        }

    def _revision_context(self) -> dict[str, Any]:
        revision = self.revision
        if revision is None:
            return {"revision": None}
        previous = revision.previous_deemed_received_at
        return {
            "revision": revision,
            "previous_version": revision.version - 1,
            "was_en": format_datetime_en(previous) if previous else "",
            "was_zh": format_datetime_zh(previous) if previous else "",
        }


def render_acknowledgement(data: AcknowledgementData) -> bytes:
    """The bilingual acknowledgement PDF of a submission (icms-reference §6: shown at
    once and posted to the message box)."""
    return render_pdf(
        "filing/pdf/acknowledgement.html",
        data.template_context(),
        stylesheets=(BASE_STYLESHEET, "filing/pdf/acknowledgement.css"),
    )
