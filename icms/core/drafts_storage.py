"""Drafts' files: a store of their own (``STORAGES["drafts"]``), which the portal may delete from.

The documents' store keeps everything for years (S3 versioning and object lock, and the
portal's credentials cannot delete there: docs/storage.md, "Production bucket policy"), so
a draft's uploads, which must go when the draft expires or is submitted, live apart:

* :func:`draft_files` stores a draft's uploads under ``drafts/…`` keys in the drafts' store
  (a directory beside ``MEDIA_ROOT``, or the bucket ``AWS_DRAFTS_BUCKET_NAME``);
* :func:`draft_file_to_documents` puts one into the documents' store on Submit, inside the
  submission's :class:`~icms.core.storage.StoredFiles`: a hard link on one filesystem (the
  same inode, no bytes read), a server-side ``CopyObject`` between buckets (no bytes through
  the portal), else a copy hashed on the way; each proven to be the checked bytes;
* :func:`draft_files_delete` removes them (outbox work, after the commit that let them go).

A draft's key says where it is: ``drafts/…`` in the drafts' store; anything else is a
draft saved before the drafts had a store of their own, whose file is in the documents'
store. Submit leaves such a file where it is, and it is never deleted (logged instead).
"""

from __future__ import annotations

import base64
import errno
import logging
import os
from collections.abc import Iterable
from typing import Any, Final, cast

from django.core.files.storage import FileSystemStorage, Storage, storages

from .storage import (
    StorageIntegrityError,
    StorageUnavailable,
    StoredDocument,
    StoredFiles,
    default_storage,
    document_key,
    hash_stored_document,
    is_s3_storage,
    s3_object_key,
)

logger = logging.getLogger(__name__)

#: The ``STORAGES`` alias of the drafts' store.
DRAFTS_STORAGE: Final = "drafts"
#: The prefix of every key in the drafts' store: how a draft's row tells where its file is.
DRAFTS_PREFIX: Final = "drafts"
# A hard link is refused across filesystems, by filesystems without links, and past the link limit.
_NO_LINK: Final = frozenset({errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EACCES})


def drafts_storage() -> Storage:
    """The drafts' store, looked up on each call (a changed setting in tests is honoured)."""
    return storages[DRAFTS_STORAGE]


def is_draft_key(key: str) -> bool:
    """True for a key in the drafts' store; False for a documents' key (a draft from before)."""
    return key.startswith(f"{DRAFTS_PREFIX}/")


def storage_for_key(key: str) -> Storage:
    """The store a draft document's ``key`` is in."""
    return drafts_storage() if is_draft_key(key) else default_storage()


def draft_files() -> StoredFiles:
    """A :class:`StoredFiles` transaction that stores a draft's files in the drafts' store."""
    return StoredFiles(storage=drafts_storage(), prefix=DRAFTS_PREFIX)


def draft_file_to_documents(
    *, files: StoredFiles, key: str, sha256: str, size: int, identity: str, extension: str = "pdf"
) -> StoredDocument:
    """Put the draft's file ``key`` into ``files``' store (the documents') under a new key.

    ``sha256`` and ``identity`` are what the draft recorded when the file was checked and
    stored (``identity`` may be empty: the copy is then proven by hashing). The new key has
    ``files.prefix`` and ``extension`` (a bulk batch's manifest is a ``csv`` or ``xlsx``).
    It is remembered by ``files``, so a rollback removes it again; the draft's own file is
    left for the caller to delete after commit. Raises
    :class:`StorageIntegrityError` when the bytes filed would not be the bytes checked (or
    the draft's file is gone), :class:`StorageUnavailable` when a store cannot be reached.
    """
    if not is_draft_key(key):
        raise ValueError(f"{key} is not in the drafts' store.")
    source, target = drafts_storage(), files.storage
    new_key = document_key(prefix=files.prefix, extension=extension)
    if isinstance(source, FileSystemStorage) and isinstance(target, FileSystemStorage):
        if _link(source, key, target, new_key):
            files.keys.append(new_key)
            _prove_link(target, new_key, sha256=sha256, identity=identity)
            return StoredDocument(key=new_key, size=size, sha256=sha256)
    elif _same_s3_service(source, target):
        checksum = _s3_copy(source, key, target, new_key, identity=identity)
        files.keys.append(new_key)
        _prove_copy(target, new_key, sha256=sha256, checksum=checksum)
        return StoredDocument(key=new_key, size=size, sha256=sha256)
    # Two filesystems, or stores of different kinds: copied, and hashed on the way.
    try:
        with source.open(key, "rb") as handle:
            return files.save(handle, extension=extension, expected_sha256=sha256)
    except FileNotFoundError as error:
        raise StorageIntegrityError(f"The draft's file {key} is missing.") from error


def _link(source: FileSystemStorage, key: str, target: FileSystemStorage, new_key: str) -> bool:
    """Hard-link the draft's file at ``new_key``; False when this filesystem cannot (copy instead)."""
    path = target.path(new_key)
    try:
        os.makedirs(os.path.dirname(path), mode=target.directory_permissions_mode or 0o750, exist_ok=True)
        os.link(source.path(key), path)
    except FileNotFoundError as error:
        raise StorageIntegrityError(f"The draft's file {key} is missing.") from error
    except OSError as error:
        if error.errno in _NO_LINK:
            return False
        raise StorageUnavailable(f"Could not link {key} to {new_key}: {error}") from error
    return True


def _prove_link(target: FileSystemStorage, new_key: str, *, sha256: str, identity: str) -> None:
    """The link is the checked file if it is the same inode, unwritten since (size and mtime).

    Linking moves the change time, so it is not compared here; Submit compared the whole
    identity just before (``_stored_check``). Without a recorded identity, or when it
    differs, the file is hashed.
    """
    status = os.stat(target.path(new_key))
    if identity.startswith("fs:"):
        inode, size, mtime = identity.split(":")[1:4]
        if (str(status.st_ino), str(status.st_size), str(status.st_mtime_ns)) == (inode, size, mtime):
            return
    _prove_by_hashing(target, new_key, sha256=sha256)


def _same_s3_service(source: Storage, target: Storage) -> bool:
    """Both stores are buckets of one S3 service, so one CopyObject moves the bytes there."""
    if not (is_s3_storage(source) and is_s3_storage(target)):
        return False
    return bool(cast(Any, source).endpoint_url == cast(Any, target).endpoint_url)


def _s3_copy(source: Storage, key: str, target: Storage, new_key: str, *, identity: str) -> str:
    """CopyObject from the drafts' bucket to the documents', asking for the copy's SHA-256.

    With the draft's recorded ETag as a precondition (``CopySourceIfMatch``), the copy is
    of the object Submit just checked. Returns the SHA-256 the server reports (base64), or
    ``""`` when it reports none.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    s3_source, s3_target = cast(Any, source), cast(Any, target)
    arguments: dict[str, Any] = {
        "Bucket": s3_target.bucket_name,
        "Key": s3_object_key(target, new_key),
        "CopySource": {"Bucket": s3_source.bucket_name, "Key": s3_object_key(source, key)},
        "ChecksumAlgorithm": "SHA256",
        "MetadataDirective": "COPY",
    }
    if s3_target.default_acl:
        arguments["ACL"] = s3_target.default_acl
    if identity.startswith("s3:"):
        version, etag, _size = identity.removeprefix("s3:").rsplit(":", 2)
        arguments["CopySourceIfMatch"] = etag
        if version and version != "null":
            arguments["CopySource"]["VersionId"] = version
    client = s3_target.connection.meta.client
    # Servers that want a checksum header on every write into an object-locked bucket (moto
    # asks for it on CopyObject too) get the SDK's own header, naming the checksum asked for.
    client.meta.events.register("before-call.s3.CopyObject", _checksum_header, unique_id="icms-copy-checksum")
    try:
        answer = client.copy_object(**arguments)
    except ClientError as error:
        code = str(error.response.get("Error", {}).get("Code", ""))
        if code in {"PreconditionFailed", "412", "NoSuchKey", "404", "NoSuchVersion"}:
            raise StorageIntegrityError(f"The draft's object {key} changed or went since it was checked.") from error
        raise StorageUnavailable(f"Could not copy {key} to {new_key}: {error}") from error
    except BotoCoreError as error:
        raise StorageUnavailable(f"Could not copy {key} to {new_key}: {error}") from error
    return str(answer.get("CopyObjectResult", {}).get("ChecksumSHA256") or "")


def _checksum_header(params: dict[str, Any], **kwargs: Any) -> None:
    params.setdefault("headers", {})["x-amz-sdk-checksum-algorithm"] = "SHA256"


def _prove_copy(target: Storage, new_key: str, *, sha256: str, checksum: str) -> None:
    """The copy is the checked bytes: by the server's SHA-256 of it, or else by reading it."""
    if checksum:
        try:
            reported = base64.b64decode(checksum, validate=True).hex()
        except ValueError:
            reported = ""
        if reported == sha256.lower():
            return
        if reported:
            raise StorageIntegrityError(f"The copy {new_key} hashes to {reported}, not the checked {sha256}.")
    _prove_by_hashing(target, new_key, sha256=sha256)


def _prove_by_hashing(target: Storage, new_key: str, *, sha256: str) -> None:
    try:
        digest = hash_stored_document(new_key, storage=target)
    except OSError as error:
        raise StorageUnavailable(f"Could not read {new_key} back: {error}") from error
    if digest != sha256.lower():
        raise StorageIntegrityError(f"{new_key} hashes to {digest}, not the checked {sha256}.")


def draft_keys_to_delete(keys: Iterable[str]) -> list[str]:
    """The keys among ``keys`` that are in the drafts' store; each other one is logged and kept.

    A draft saved before the drafts had a store of their own holds a documents' key: the
    documents' store keeps its files (and the portal cannot delete there in production).
    """
    found = []
    for key in keys:
        if is_draft_key(key):
            found.append(key)
        else:
            logger.info("Not deleting %s: a draft's file in the documents' store (a draft from before).", key)
    return found


def draft_files_delete(keys: Iterable[str]) -> int:
    """Delete draft files from the drafts' store (a file already gone is fine). Returns how many.

    Only keys in the drafts' store are touched (:func:`draft_keys_to_delete`). Errors are
    raised, so that outbox work can try again when the store was unreachable.
    """
    storage = drafts_storage()
    keys = draft_keys_to_delete(keys)
    for key in keys:
        storage.delete(key)
    return len(keys)
