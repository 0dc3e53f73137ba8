"""Filing's stored objects, as sources of the fixity check (:mod:`icms.core.fixity`).

Every filed object whose record holds a SHA-256 is checked once per cycle: the original
of each document, its current sealed copy and the sealed copies it superseded, each
acknowledgement version, and a court document's original and issued copy. A finding is
labelled with what the registry needs to find the record: the case number (or the draft
case and the submission reference), the document's title and its DRN.

Receipts (payments) hold no SHA-256, so they have nothing to be checked against; the
S3 bucket's versioning and object lock protect them (docs/storage.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet

from icms.core.fixity import register_fixity_source

from ..models import AcknowledgementVersion, CourtDocument, Document, SealedCopyVersion
from ..sealing import drn_format
from .outbox_work import REGISTRY_ALERTS

ORIGINAL = "filing.fixity_original"
SEALED_COPY = "filing.fixity_sealed_copy"
SUPERSEDED_SEALED_COPY = "filing.fixity_superseded_copy"
ACKNOWLEDGEMENT = "filing.fixity_acknowledgement"
COURT_DOCUMENT = "filing.fixity_court_document"
COURT_DOCUMENT_ISSUED = "filing.fixity_court_document_issued"


def _drn(drn: str | None) -> str:
    return f"DRN {drn_format(drn)}" if drn else "no DRN yet"


def _document_label(document: Document, what: str) -> str:
    submission = document.submission
    return f"{submission.case} · {submission.reference} · {document.title} · {_drn(document.drn)} · {what}"


def _documents() -> QuerySet[Document]:
    return Document.objects.select_related("submission__case__case_type")


def _superseded() -> QuerySet[SealedCopyVersion]:
    return SealedCopyVersion.objects.select_related("document__submission__case__case_type")


def _acknowledgements() -> QuerySet[AcknowledgementVersion]:
    return AcknowledgementVersion.objects.select_related("submission__case__case_type")


def _court_documents() -> QuerySet[CourtDocument]:
    return CourtDocument.objects.select_related("case__case_type")


def _acknowledgement_label(version: AcknowledgementVersion) -> str:
    submission = version.submission
    return f"{submission.case} · {submission.reference} · acknowledgement v{version.version}"


def _court_document_label(document: CourtDocument, what: str) -> str:
    return f"{document.case} · {document.title} · {_drn(document.drn)} · {what}"


def register_filing_fixity_sources() -> None:
    """Called from ``FilingConfig.ready``; findings alert the registry supervisors."""
    sources: list[tuple[str, Callable[[], QuerySet[Any]], str, str, Callable[[Any], str]]] = [
        (ORIGINAL, _documents, "storage_key", "sha256", lambda d: _document_label(d, "original as filed")),
        (
            SEALED_COPY,
            _documents,
            "sealed_storage_key",
            "sealed_sha256",
            lambda d: _document_label(d, f"sealed copy v{d.sealed_version}"),
        ),
        (
            SUPERSEDED_SEALED_COPY,
            _superseded,
            "storage_key",
            "sha256",
            lambda c: _document_label(c.document, f"superseded sealed copy v{c.version}"),
        ),
        (ACKNOWLEDGEMENT, _acknowledgements, "storage_key", "sha256", _acknowledgement_label),
        (
            COURT_DOCUMENT,
            _court_documents,
            "storage_key",
            "sha256",
            lambda d: _court_document_label(d, "court document as uploaded"),
        ),
        (
            COURT_DOCUMENT_ISSUED,
            _court_documents,
            "sealed_storage_key",
            "sealed_sha256",
            lambda d: _court_document_label(d, "issued copy"),
        ),
    ]
    for name, rows, key_field, sha256_field, describe in sources:
        register_fixity_source(
            name,
            rows=rows,
            key_field=key_field,
            sha256_field=sha256_field,
            describe=describe,
            alert_group=REGISTRY_ALERTS,
        )
