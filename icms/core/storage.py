"""Document bytes in the ``STORAGES["default"]`` backend: private, immutable, server-named.

Architecture, "Invariants → Documents": a document is immutable once received, its
bytes, hash and key never change, and no document is reachable by a public URL.

* :func:`store_document` writes bytes under a key the server makes
  (``documents/2026/11/<uuid4 hex>.pdf``; never the user's file name) and computes the
  SHA-256 from the same chunks the backend reads, so the file is read once.
* :class:`StoredFiles` is the transaction of a submission: the files it wrote are
  deleted again if the transaction rolls back or its commit fails, so a failed
  submission leaves no orphaned files.
* :func:`document_response` serves a document as an attachment with ``nosniff`` and a
  sandbox Content-Security-Policy (``DOCUMENT_DOWNLOADS = "stream"``, the default), or
  redirects to a short-lived presigned URL on S3 (``"redirect"``). The caller must
  already have checked access; either way it is the same check.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Final, Self, TypeAlias, cast

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import FileSystemStorage, Storage, storages
from django.core.files.uploadedfile import TemporaryUploadedFile
from django.db import transaction
from django.http import FileResponse, HttpResponseBase, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import content_disposition_header

from .time import HONG_KONG
from .uploads import streamed_digest

logger = logging.getLogger(__name__)

#: What can be stored: bytes, a Django ``File``/``UploadedFile``, or a binary file object.
Content: TypeAlias = bytes | IO[bytes]

_CHUNK: Final = 1024 * 1024
_PREFIX = re.compile(r"[a-z0-9]+(?:[/_-][a-z0-9]+)*")
_EXTENSION = re.compile(r"[a-z0-9]{1,8}")
# Served with every download. The sandbox stops a document that a browser does render
# (despite the attachment disposition) from running script or reaching our origin.
DOWNLOAD_HEADERS: Final = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "sandbox; default-src 'none'",
    "Cache-Control": "private, no-store",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Referrer-Policy": "no-referrer",
}


class StorageIntegrityError(RuntimeError):
    """The stored bytes do not hash to what the caller validated; nothing is kept."""


class StorageUnavailable(RuntimeError):
    """The backend could not write the file (a failing disk, S3 unreachable); nothing is kept.

    Raised from the backend's own error (``__cause__``), so outbox work still sees a
    transient failure (:mod:`icms.core.outbox.errors`) and a view can tell the user.
    """


@dataclass(frozen=True, slots=True)
class StoredDocument:
    key: str
    size: int
    sha256: str


def default_storage() -> Storage:
    """The backend for documents: ``STORAGES["default"]``, looked up on each call so
    that a changed setting (in tests, or S3 in production) is honoured."""
    return storages["default"]


def document_key(*, prefix: str = "documents", extension: str = "pdf", now: datetime | None = None) -> str:
    """A new, unguessable key such as ``documents/2026/11/3f2a….pdf``.

    The year and month (Hong Kong time) only spread the files over folders; nothing
    depends on them. A user's file name never reaches the key, so it cannot carry a
    path, a clash or a misleading extension.
    """
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"Invalid storage prefix {prefix!r}.")
    if not _EXTENSION.fullmatch(extension):
        raise ValueError(f"Invalid extension {extension!r}.")
    local = timezone.localtime(now or timezone.now(), HONG_KONG)
    return f"{prefix}/{local:%Y}/{local:%m}/{uuid.uuid4().hex}.{extension}"


class _HashingReader:
    """A read-only view of a stream that hashes the bytes as the storage backend reads them.

    Backends read sequentially, but may rewind (boto3 retries a part, Django's
    ``chunks()`` seeks to 0). Bytes are hashed only when they extend the hashed prefix;
    if the backend ever skips ahead, :meth:`hexdigest` reports ``None`` and the caller
    hashes the stream again instead of trusting a partial digest.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self._hasher = hashlib.sha256()
        self._hashed = 0

    def read(self, size: int | None = -1) -> bytes:
        position = self._raw.tell()
        data = self._raw.read(-1 if size is None else size)
        end = position + len(data)
        if position <= self._hashed < end:
            self._hasher.update(data[self._hashed - position :])
            self._hashed = end
        return data

    def seek(self, offset: int, whence: int = 0) -> int:
        return self._raw.seek(offset, whence)

    def tell(self) -> int:
        return self._raw.tell()

    def seekable(self) -> bool:
        return True

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        # The caller owns the underlying stream.
        pass

    @property
    def closed(self) -> bool:
        return False

    def hexdigest(self, size: int) -> str | None:
        return self._hasher.hexdigest() if self._hashed == size else None


def _raw_stream(content: Content) -> IO[bytes]:
    if isinstance(content, bytes):
        return BytesIO(content)
    if isinstance(content, File):
        if content.closed:
            content.open("rb")
        if content.file is None:
            raise ValueError("The file has no content to read.")
        return cast(IO[bytes], content.file)
    return content


def _sha256(stream: IO[bytes]) -> str:
    stream.seek(0)
    hasher = hashlib.sha256()
    while chunk := stream.read(_CHUNK):
        hasher.update(chunk)
    return hasher.hexdigest()


def store_document(
    content: Content,
    *,
    prefix: str = "documents",
    extension: str = "pdf",
    expected_sha256: str | None = None,
    storage: Storage | None = None,
) -> StoredDocument:
    """Write ``content`` under a new server-made key and return its key, size and SHA-256.

    Pass ``expected_sha256`` (from :func:`filing.pdf_checks.validate_pdf`) so that the
    bytes stored are proven to be the bytes checked; on a mismatch the file is removed
    and :class:`StorageIntegrityError` is raised.

    An upload hashed as it streamed in (:mod:`icms.core.uploads`), unchanged since and
    validated with that digest, is moved into place on the filesystem rather than read
    and hashed again: the file stored is then the very file checked.

    Prefer :meth:`StoredFiles.save`, which also removes the file if the submission fails.
    """
    storage = storage or default_storage()
    moved = _store_streamed_upload(
        content, prefix=prefix, extension=extension, expected_sha256=expected_sha256, storage=storage
    )
    if moved is not None:
        return moved
    raw = _raw_stream(content)
    raw.seek(0)
    reader = _HashingReader(raw)
    key = document_key(prefix=prefix, extension=extension)
    # A django File without temporary_file_path(): the filesystem backend then copies
    # through chunks() (and so through the hasher) instead of moving the upload's
    # temporary file away from under the caller.
    try:
        saved = storage.save(key, File(cast(IO[bytes], reader), name=key))
    except Exception as error:
        # A file written part-way (a full disk) is removed; an S3 object appears whole or not at all.
        if not is_s3_storage(storage):
            _delete_quietly(storage, key)
        raise StorageUnavailable(f"Could not store {key} in {type(storage).__name__}: {error}") from error
    size = raw.seek(0, 2)
    digest = reader.hexdigest(size)
    if digest is None:
        logger.warning("Storage backend %s skipped ahead while reading; hashing again.", type(storage).__name__)
        digest = _sha256(raw)
    raw.seek(0)
    if expected_sha256 is not None and digest != expected_sha256.lower():
        _delete_quietly(storage, saved)
        raise StorageIntegrityError(f"Stored bytes hash to {digest}, not the validated {expected_sha256}.")
    return StoredDocument(key=saved, size=size, sha256=digest)


def _store_streamed_upload(
    content: Content, *, prefix: str, extension: str, expected_sha256: str | None, storage: Storage
) -> StoredDocument | None:
    """Move a checked temporary upload into place on the filesystem, without reading it again.

    Only for an upload hashed as it streamed in (:mod:`icms.core.uploads`), unchanged
    since, whose digest is the one the caller validated: then the file moved is the file
    checked, byte for byte, and its digest is already proven. Anything else (another
    backend, bytes, a digest that differs) returns ``None`` and is copied and hashed.
    """
    digest = streamed_digest(content)
    if (
        digest is None
        or expected_sha256 is None
        or digest.sha256 != expected_sha256.lower()
        or not isinstance(storage, FileSystemStorage)
        or not isinstance(content, TemporaryUploadedFile)
        or not _same_device(content.temporary_file_path(), str(storage.location))
    ):
        return None
    key = document_key(prefix=prefix, extension=extension)
    try:
        # FileSystemStorage moves a file that has temporary_file_path() (file_move_safe).
        saved = storage.save(key, content)
    except Exception as error:
        _delete_quietly(storage, key)
        raise StorageUnavailable(f"Could not store {key} in {type(storage).__name__}: {error}") from error
    content.close()  # its temporary file is now the stored file (a missing file is fine to close)
    return StoredDocument(key=saved, size=digest.size, sha256=digest.sha256)


def _same_device(path: str, location: str) -> bool:
    """True when a rename can move ``path`` under ``location``: the same filesystem, no copy."""
    target = Path(location)
    while not target.exists() and target != target.parent:
        target = target.parent
    try:
        return os.stat(path).st_dev == target.stat().st_dev
    except OSError:
        return False


def _delete_quietly(storage: Storage, key: str) -> bool:
    try:
        storage.delete(key)
    except Exception:
        # The original error matters more; the key is logged so that it can be removed.
        logger.exception("Could not delete orphaned document %s", key)
        return False
    return True


def unfiled_files_delete(keys: list[str], *, storage: Storage | None = None) -> None:
    """Delete stored files that never became part of the record: a draft's uploads once the
    draft is discarded or expires (filing/services/drafts.py). A file already gone is fine.

    Never call it with a filed document's key: those are immutable.
    """
    storage = storage or default_storage()
    for key in keys:
        _delete_quietly(storage, key)


class StoredFiles:
    """Store a submission's files inside the transaction that records them.

    ::

        with StoredFiles() as files:
            stored = files.save(upload, expected_sha256=info.sha256)
            Document.objects.create(storage_key=stored.key, sha256=stored.sha256, ...)

    The block *is* the database transaction (``transaction.atomic(durable=True)``).
    If anything in it raises, or the commit itself fails, every file saved through it is
    deleted. It must be the outermost transaction: inside another ``atomic()`` block a
    later rollback of the outer block could not be seen, so that raises ``RuntimeError``.
    A service that stores files therefore opens this block instead of decorating itself
    with ``@transaction.atomic``.

    A process killed between the write and the commit can still leave a file behind;
    that is for a periodic sweep of keys with no document row, once the models exist.
    """

    def __init__(self, *, using: str | None = None, storage: Storage | None = None, prefix: str = "documents") -> None:
        self.using = using
        self.storage = storage or default_storage()
        #: The key prefix of what :meth:`save` stores unless told otherwise ("drafts" in the drafts' store).
        self.prefix = prefix
        self.keys: list[str] = []
        self._atomic: transaction.Atomic | None = None

    def __enter__(self) -> Self:
        if self._atomic is not None:
            raise RuntimeError("StoredFiles is not re-entrant.")
        self._atomic = transaction.atomic(using=self.using, durable=True)
        self._atomic.__enter__()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        atomic, self._atomic = self._atomic, None
        if atomic is None:
            return
        try:
            atomic.__exit__(exc_type, exc, traceback)
        except BaseException:
            # The commit failed (a deferred constraint, a lost connection): rolled back.
            self.discard()
            raise
        if exc_type is not None:
            self.discard()

    def save(
        self,
        content: Content,
        *,
        prefix: str | None = None,
        extension: str = "pdf",
        expected_sha256: str | None = None,
    ) -> StoredDocument:
        """Store ``content`` as :func:`store_document` does, and remember its key."""
        if self._atomic is None:
            raise RuntimeError("Use StoredFiles.save() inside its `with` block.")
        stored = store_document(
            content,
            prefix=self.prefix if prefix is None else prefix,
            extension=extension,
            expected_sha256=expected_sha256,
            storage=self.storage,
        )
        self.keys.append(stored.key)
        return stored

    def discard(self) -> None:
        """Delete every file saved so far. Called on rollback; safe to call twice."""
        while self.keys:
            _delete_quietly(self.storage, self.keys.pop())


@contextmanager
def stored_once(
    content: Content, *, prefix: str, claim: Callable[[StoredDocument], int]
) -> Iterator[StoredDocument | None]:
    """Store a rendered file and give it to one row, once: the step every worker shares.

    ::

        with stored_once(pdf, prefix="receipts", claim=lambda stored: Receipt.objects.filter(
            pk=receipt.pk, storage_key=""
        ).update(storage_key=stored.key)) as stored:
            if stored is None:
                return  # another worker stored it first
            ...  # more work in the same transaction (a message, an audit record)

    ``claim`` is a conditional UPDATE that returns how many rows it changed. The block is
    one durable transaction (:class:`StoredFiles`): if the claim takes nothing, this
    copy is deleted and the block gets ``None``; if the block raises or the commit fails,
    the copy is deleted and nothing points at it.
    """
    with StoredFiles() as files:
        stored = files.save(content, prefix=prefix)
        if claim(stored):
            yield stored
        else:
            files.discard()
            yield None


def open_document(key: str, *, storage: Storage | None = None) -> File:  # type: ignore[type-arg]
    """Open a stored document for reading in binary mode; use it as a context manager."""
    return (storage or default_storage()).open(key, "rb")


def read_document(key: str, *, storage: Storage | None = None) -> bytes:
    """All the bytes of a stored document (sealing needs the whole file in memory anyway)."""
    with open_document(key, storage=storage) as handle:
        return cast(bytes, handle.read())


def iter_document(key: str, *, storage: Storage | None = None) -> Iterator[bytes]:
    """The bytes of a stored document in chunks, for hashing or copying without loading it."""
    with open_document(key, storage=storage) as handle:
        while chunk := handle.read(_CHUNK):
            yield cast(bytes, chunk)


def hash_stored_document(key: str, *, storage: Storage | None = None) -> str:
    """The SHA-256 of the bytes in storage now, to audit that a document is unchanged."""
    hasher = hashlib.sha256()
    for chunk in iter_document(key, storage=storage):
        hasher.update(chunk)
    return hasher.hexdigest()


def stored_identity(key: str, *, storage: Storage | None = None) -> str:
    """What identifies the stored object as it is now, learnt without reading its bytes.

    On the filesystem, ``fs:<inode>:<size>:<mtime_ns>:<ctime_ns>``: any write through the
    filesystem moves the modification and change times, a replacement file has another
    inode, and no process can set the change time back. On S3,
    ``s3:<VersionId>:<ETag>:<size>``: with versioning on (``storage_setup``) every PUT makes
    a new version id. ``""`` for a backend that cannot say, so the caller hashes instead.
    Raises ``FileNotFoundError`` when the object is missing, ``OSError`` when it cannot ask.
    docs/storage.md, "Receiving", says what this proves and what it does not.
    """
    storage = storage or default_storage()
    if isinstance(storage, FileSystemStorage):
        status = os.stat(storage.path(key))
        return f"fs:{status.st_ino}:{status.st_size}:{status.st_mtime_ns}:{status.st_ctime_ns}"
    if not is_s3_storage(storage):
        return ""
    from botocore.exceptions import BotoCoreError, ClientError

    head = cast(Any, storage).bucket.Object(s3_object_key(storage, key))
    try:
        head.load()
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise FileNotFoundError(key) from error
        raise OSError(f"Could not ask S3 about {key}: {error}") from error
    except BotoCoreError as error:
        raise OSError(f"Could not ask S3 about {key}: {error}") from error
    return f"s3:{head.version_id or ''}:{head.e_tag}:{head.content_length}"


def stored_identity_to_record(key: str, *, storage: Storage | None = None) -> str:
    """The identity to record for an object just stored, or ``""`` when the backend cannot say now.

    Recording is an optimisation (a later check can skip hashing the object again): if
    the backend stops answering between the write and this question, the write still
    stands and the later check hashes instead.
    """
    try:
        return stored_identity(key, storage=storage)
    except OSError:
        return ""


def _safe_filename(filename: str) -> str:
    # The name is shown to the user's browser only; strip any path and control characters.
    name = re.split(r"[\\/]", filename)[-1]
    name = "".join(ch for ch in name if ch.isprintable()).strip(" .")
    return name[:150] or "document.pdf"


def is_s3_storage(storage: Storage) -> bool:
    """True for django-storages' S3 backend (checked by module, so boto3 is not imported)."""
    return type(storage).__module__.startswith("storages.backends.s3")


def s3_object_key(storage: Storage, name: str) -> str:
    """The S3 key of a stored name: the storage's own mapping (its ``location`` prefix)."""
    from storages.utils import clean_name

    return cast(str, cast(Any, storage)._normalize_name(clean_name(name)))


def _s3_stream(storage: Storage, key: str) -> tuple[IO[bytes], int]:
    """The object's bytes as they arrive from S3, and how many there are.

    Not ``storage.open()``: django-storages' ``S3File`` downloads the whole object into a
    ``SpooledTemporaryFile`` (in memory, with ``AWS_S3_MAX_MEMORY_SIZE`` unset) before the
    first byte can be sent. A download passes the bytes on as they come instead.
    """
    answer = cast(Any, storage).bucket.Object(s3_object_key(storage, key)).get()
    return cast(IO[bytes], answer["Body"]), int(answer["ContentLength"])


def document_response(
    key: str,
    *,
    filename: str,
    content_type: str = "application/pdf",
    storage: Storage | None = None,
    presign: bool | None = None,
) -> HttpResponseBase:
    """A download of a stored document, for a view that has already checked access.

    The view checks access *before* calling this, so the check is the same whichever
    way the bytes travel. ``presign`` defaults to ``settings.DOCUMENT_DOWNLOADS``:

    * ``"stream"`` (the default), and always on the filesystem: the portal streams the
      bytes as an attachment with :data:`DOWNLOAD_HEADERS` (``nosniff``, a sandbox CSP,
      ``no-store``). The portal stays the only origin that hands out document bytes.
    * ``"redirect"``, on S3 only: a redirect to a presigned URL that lives
      ``AWS_QUERYSTRING_EXPIRE`` seconds (60 by default) and makes S3 send the same
      attachment disposition and content type. S3 cannot add the other headers, and
      the URL works for anyone who holds it until it expires; in exchange the bytes do
      not pass through the web processes.
    """
    storage = storage or default_storage()
    filename = _safe_filename(filename)
    if presign is None:
        presign = settings.DOCUMENT_DOWNLOADS == "redirect"
    response: HttpResponseBase
    if presign and is_s3_storage(storage):
        parameters: dict[str, Any] = {
            "ResponseContentDisposition": content_disposition_header(True, filename),
            "ResponseContentType": content_type,
        }
        url = cast(Any, storage).url(key, parameters=parameters)
        response = HttpResponseRedirect(url)
    elif is_s3_storage(storage):
        body, length = _s3_stream(storage, key)
        response = FileResponse(body, as_attachment=True, filename=filename, content_type=content_type)
        response["Content-Length"] = str(length)
    else:
        response = FileResponse(
            open_document(key, storage=storage),
            as_attachment=True,
            filename=filename,
            content_type=content_type,
        )
    for header, value in DOWNLOAD_HEADERS.items():
        response[header] = value
    return response
