"""Settings of storage: static files, uploads, and the documents' and drafts' stores.

``icms/settings/base.py``, which every settings module starts from, takes every public
name here with ``import *``: a helper that is not a setting has a name starting with ``_``.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ImproperlyConfigured

from ._env import BASE_DIR, env

MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATIC_URL = "static/"
# Private documents: readable by the portal's own user and group only.
# Uploads are hashed as they stream in (icms/core/uploads.py): the checks and storage need not read them again.
# The first parses the multipart body itself in one pass (icms/core/multipart.py) and feeds the other two.
FILE_UPLOAD_HANDLERS = [
    "icms.core.multipart.StreamingMultipartHandler",
    "icms.core.uploads.HashingMemoryFileUploadHandler",
    "icms.core.uploads.HashingTemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
STATICFILES_DIRS = [BASE_DIR / "static"]
# Documents are never served from a public URL: there is deliberately no MEDIA_URL
# route. Downloads go through views that check access.
MEDIA_URL = "/private-media-not-served/"
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
_default_storage: dict[str, Any]
if AWS_STORAGE_BUCKET_NAME:
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": env.int("AWS_QUERYSTRING_EXPIRE", default=60),
            # SigV4: without it boto signs presigned URLs the legacy SigV2 way, which AWS
            # no longer accepts in newer regions (docs/storage.md).
            "signature_version": env.str("AWS_S3_SIGNATURE_VERSION", default="s3v4"),
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
# Drafts' uploads (docs/storage.md, "Drafts"): a store of their own, which the portal may
# delete from, because the document bucket keeps everything (versioning, object lock).
# Submit copies a draft's file into the documents' store (a hard link on one filesystem,
# a server-side copy between buckets); expired and submitted drafts' files are removed.
DRAFTS_ROOT = env.path("DRAFTS_ROOT", default=BASE_DIR / "var" / "drafts")
AWS_DRAFTS_BUCKET_NAME = env.str("AWS_DRAFTS_BUCKET_NAME", default="")
# S3 lifecycle rule on the drafts bucket: objects expire this many days after the drafts'
# own lifetime (FILING_DRAFT_DAYS), a second line of defence behind the purge.
AWS_DRAFTS_EXPIRY_MARGIN_DAYS = env.int("AWS_DRAFTS_EXPIRY_MARGIN_DAYS", default=7)
if AWS_DRAFTS_BUCKET_NAME:
    if not AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("AWS_DRAFTS_BUCKET_NAME needs AWS_STORAGE_BUCKET_NAME (documents on S3 too).")
    if AWS_DRAFTS_BUCKET_NAME == AWS_STORAGE_BUCKET_NAME:
        raise ImproperlyConfigured("AWS_DRAFTS_BUCKET_NAME must be a bucket of its own, not the documents' bucket.")
    _drafts_storage: dict[str, Any] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_default_storage["OPTIONS"], "bucket_name": AWS_DRAFTS_BUCKET_NAME},
    }
else:
    _drafts_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DRAFTS_ROOT, "base_url": MEDIA_URL},
    }
STORAGES = {
    "default": _default_storage,
    "drafts": _drafts_storage,
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_BACKEND",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        ),
    },
}
# Document downloads (docs/storage.md). "stream": the portal streams the bytes with its
# own download headers (nosniff, a sandbox CSP, no-store). "redirect": on S3, a redirect
# to a presigned URL living AWS_QUERYSTRING_EXPIRE seconds; the bytes skip the web
# processes but lose those headers. The view checks access before either.
DOCUMENT_DOWNLOADS = env.str("DOCUMENT_DOWNLOADS", default="stream")
if DOCUMENT_DOWNLOADS not in ("stream", "redirect"):
    raise ImproperlyConfigured(f"DOCUMENT_DOWNLOADS must be stream or redirect, not {DOCUMENT_DOWNLOADS!r}.")
# S3 Object Lock on the document bucket (docs/storage.md, "Production bucket policy"):
# `storage_setup` creates the bucket with object lock and sets this default retention.
# 0 (the default, development and MinIO) asks for none; production sets it (e.g. 3650).
AWS_S3_OBJECT_LOCK_DAYS = env.int("AWS_S3_OBJECT_LOCK_DAYS", default=0)
AWS_S3_OBJECT_LOCK_MODE = env.str("AWS_S3_OBJECT_LOCK_MODE", default="COMPLIANCE")
if AWS_S3_OBJECT_LOCK_MODE not in ("COMPLIANCE", "GOVERNANCE"):
    raise ImproperlyConfigured(
        f"AWS_S3_OBJECT_LOCK_MODE must be COMPLIANCE or GOVERNANCE, not {AWS_S3_OBJECT_LOCK_MODE!r}."
    )
