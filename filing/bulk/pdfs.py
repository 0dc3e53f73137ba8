"""The summons PDFs of a bulk upload: a ZIP, or several files, checked and stored one at a time.

A 500-row batch must not hold 500 PDFs in memory: a ZIP is read from the upload's file on
disk (Django keeps a large upload in a temporary file), member by member, each copied to a
temporary file of its own, checked with the same checks and messages as the web form
(:func:`filing.pdf_checks.validate_pdf`), stored under a server-made key and closed before
the next one is read. Only keys and hashes are kept.

The PDFs go to the drafts' store (``drafts/…`` keys, :mod:`icms.core.drafts_storage`), not the
documents': a batch's PDF becomes part of the record only when its row is filed (Submit's
proven copy into the documents' store, :func:`filing.services.submissions.submission_create`),
and the PDFs of rows never filed (refused, cancelled, expired) must really go, which the
documents' store, locked for years, cannot do. Their removal is always outbox work
(``filing.draft_files_delete``), owed in the transaction that lets them go.

A ZIP is refused whole if it could be an attack rather than a parcel of PDFs ([P] limits):
more than ``MAX_MEMBERS`` members, more than ``MAX_UNPACKED`` bytes unpacked, a member that
unpacks to more than ``MAX_RATIO`` times its packed size (a "ZIP bomb"), a password, or a
name that leaves its folder (``../``, an absolute path). Names are only compared, never
used as paths: the stored key is the server's own.
"""

from __future__ import annotations

import logging
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import PurePosixPath, PureWindowsPath
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from icms.core.drafts_storage import DRAFTS_PREFIX, drafts_storage
from icms.core.storage import store_document, stored_identity_to_record

from ..pdf_checks import PdfRejected, Rejection, max_file_bytes, validate_pdf
from ..services.filing_input import StoredPdf
from ..services.follow_up import draft_files_delete_owe

logger = logging.getLogger(__name__)

MAX_MEMBERS = 2000
MAX_UNPACKED = 2 * 1024 * 1024 * 1024
MAX_RATIO = 100
# Below this, a member's ratio is not looked at: a tiny file compresses as it likes.
_RATIO_FLOOR = 1024 * 1024
_CHUNK = 256 * 1024


class UploadRefused(ValidationError):
    """The upload of PDFs cannot be used as a whole; the message says how to fix it."""


@dataclass
class PdfOutcome:
    stored: StoredPdf | None = None
    rejection: dict[str, Any] | None = None


@dataclass
class StoredUploads:
    """The checked PDFs by name (:func:`file_key`), and every key stored, to remove them if need be."""

    by_name: dict[str, PdfOutcome] = field(default_factory=dict)
    keys: list[str] = field(default_factory=list)
    unused: list[str] = field(default_factory=list)

    def discard(self) -> None:
        """The batch was not made: owe the removal of every PDF stored for it."""
        pdfs_forget(list(self.keys), label="PDFs of a bulk upload not kept")
        self.keys.clear()


def pdfs_forget(keys: list[str], *, label: str) -> None:
    """Owe the removal of PDFs stored for a batch that was not made, in a transaction of its own.

    Called after the batch's own transaction rolled back (or was never begun), so the work
    is committed here and runs after that commit like any other: a storage outage loses
    nothing, the outbox tries again. If the database itself refuses, the files are left
    and logged; on S3 the drafts' bucket's lifecycle rule removes them in any case.
    """
    if not keys:
        return
    try:
        with transaction.atomic():
            draft_files_delete_owe(keys, label=label)
    except DatabaseError:
        logger.exception("Could not owe the removal of %s PDFs of a bulk upload: %s", len(keys), keys)


def file_key(name: str) -> str:
    """How a file name is matched to the manifest: its last part, NFC, case-insensitive."""
    base = PureWindowsPath(PurePosixPath(name.replace("\\", "/")).name).name
    return unicodedata.normalize("NFC", base).strip().casefold()


def _refuse(message: Any) -> UploadRefused:
    return UploadRefused(message, code="upload")


def pdfs_store(*, files: Iterable[Any], wanted: set[str]) -> StoredUploads:
    """Check and store each uploaded PDF named in ``wanted`` (keys from :func:`file_key`).

    ``files`` are Django uploaded files: PDFs, or ZIPs of PDFs. A file the manifest does
    not name is not read. On :class:`UploadRefused` nothing stays stored.
    """
    result = StoredUploads()
    try:
        for upload in files:
            name = str(getattr(upload, "name", "") or "")
            if name.lower().endswith(".zip"):
                _zip_store(upload, wanted=wanted, result=result)
            else:
                _one_store(upload, name=name, wanted=wanted, result=result)
    except BaseException:
        result.discard()
        raise
    return result


def _record(result: StoredUploads, name: str) -> str:
    key = file_key(name)
    if key in result.by_name:
        raise _refuse(_("The upload has two files named %(name)s. Rename one of them.") % {"name": name})
    return key


def _one_store(source: Any, *, name: str, wanted: set[str], result: StoredUploads) -> None:
    key = _record(result, name)
    if key not in wanted:
        result.unused.append(name)
        result.by_name[key] = PdfOutcome()
        return
    try:
        info = validate_pdf(source)
    except PdfRejected as rejected:
        result.by_name[key] = PdfOutcome(
            rejection={"rejection": rejected.rejection.value, "rejection_params": _json_params(rejected.params)}
        )
        return
    storage = drafts_storage()
    stored = store_document(source, expected_sha256=info.sha256, storage=storage, prefix=DRAFTS_PREFIX)
    result.keys.append(stored.key)
    # Recorded now, so that filing the row proves the file unchanged without reading it again.
    identity = stored_identity_to_record(stored.key, storage=storage)
    result.by_name[key] = PdfOutcome(
        stored=StoredPdf(key=stored.key, sha256=stored.sha256, size=stored.size, pages=info.pages, identity=identity)
    )


def _json_params(params: Any) -> dict[str, str]:
    return {str(k): str(v) for k, v in (params or {}).items()}


def _zip_path(upload: Any) -> str | IO[bytes]:
    # A large upload is a file on disk already: zipfile then reads each member from there.
    if hasattr(upload, "temporary_file_path"):
        return str(upload.temporary_file_path())
    upload.seek(0)
    return upload  # type: ignore[no-any-return]


def _unsafe_name(name: str) -> bool:
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return name.startswith(("/", "\\")) or ".." in parts or (len(name) > 1 and name[1] == ":")


def _zip_store(upload: Any, *, wanted: set[str], result: StoredUploads) -> None:
    try:
        archive = zipfile.ZipFile(_zip_path(upload))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _refuse(
            _("%(name)s is not a ZIP file that can be opened. Make the ZIP again.") % {"name": upload.name}
        ) from None
    with archive:
        members = [info for info in archive.infolist() if not info.is_dir()]
        if len(members) > MAX_MEMBERS:
            raise _refuse(
                _("The ZIP holds more than %(count)s files. Split it into several uploads.") % {"count": MAX_MEMBERS}
            )
        if sum(info.file_size for info in members) > MAX_UNPACKED:
            raise _refuse(
                _("The ZIP unpacks to more than %(size)s. Split it into several uploads.")
                % {"size": filesizeformat(MAX_UNPACKED)}
            )
        for info in members:
            if _unsafe_name(info.filename):
                raise _refuse(
                    _("A name in the ZIP leaves its folder: %(name)s. Make the ZIP again from one folder.")
                    % {"name": info.filename}
                )
            if info.flag_bits & 0x1:
                raise _refuse(_("The ZIP is protected by a password. Make it again without a password."))
            if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise _refuse(
                    _("The ZIP holds %(name)s, which unpacks to far more than its packed size. Make the ZIP again.")
                    % {"name": info.filename}
                )
        for info in members:
            base = PurePosixPath(info.filename).name
            if base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue  # the operating system's own files, not the user's
            _member_store(archive, info, wanted=wanted, result=result)


def _member_store(archive: zipfile.ZipFile, info: zipfile.ZipInfo, *, wanted: set[str], result: StoredUploads) -> None:
    name = PurePosixPath(info.filename).name
    if file_key(name) not in wanted:
        result.by_name[_record(result, name)] = PdfOutcome()
        result.unused.append(name)
        return
    limit = max_file_bytes()
    with tempfile.TemporaryFile() as copy:
        copied = 0
        try:
            with archive.open(info) as member:
                while chunk := member.read(_CHUNK):
                    copied += len(chunk)
                    if copied > limit:
                        break
                    copy.write(chunk)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            result.by_name[_record(result, name)] = PdfOutcome(rejection={"rejection": Rejection.DAMAGED.value})
            return
        if copied > limit:
            result.by_name[_record(result, name)] = PdfOutcome(
                rejection={
                    "rejection": Rejection.FILE_TOO_LARGE.value,
                    "rejection_params": {"size": filesizeformat(info.file_size), "limit": filesizeformat(limit)},
                }
            )
            return
        copy.seek(0)
        _one_store(copy, name=name, wanted=wanted, result=result)
