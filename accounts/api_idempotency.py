"""``Idempotency-Key`` for every POST of the JSON API, implemented once.

Put :func:`idempotent` under the router's ``@router.post(...)``::

    @router.post("/filings", response=..., auth=ApiTokenAuth(scope="file"), openapi_extra=IDEMPOTENCY_HEADER)
    @idempotent
    def filing_start(request, body: FilingIn): ...

What a client gets, per token user and key (keys are the user's own, as Stripe's are):

* no key: 400, before anything is done;
* a new key: the POST runs, and its answer (any 2xx, or a 4xx other than 409 and 429) is kept
  with the key and a SHA-256 of the request (method, path, form fields, each file's bytes, or
  the JSON body);
* the same key and the same request again: the kept answer, the same status and body, with
  ``Idempotent-Replayed: true``; nothing runs again;
* the same key with another request: 422;
* the same key while its first request is still running: 409 (try again shortly).

A 5xx, a 409 or a 429 is not kept: the key is let go, so the client can retry with it. The work
itself is idempotent too (a draft is made once per key, a document is added once, a submission
is made once per draft, an order is paid once), so a crash between the work's commit and the
answer being kept cannot file twice: the retry finds what the first attempt made. The claim is
a row committed on its own, because file storage must be the outermost transaction
(:class:`icms.core.storage.StoredFiles`); it cannot share the work's. A claim left by a process
that died is taken over after ``STALE_CLAIM``. Keys are purged after ``KEEP_FOR`` (beat).
"""

from __future__ import annotations

import contextlib
import hashlib
import inspect
import json
import re
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any, TypeVar, cast

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.decorators import decorate_view

from .models import ApiIdempotencyKey, User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
KEY_PATTERN = re.compile(r"[\x21-\x7e]{1,255}")
#: How long an answer is kept and replayed.
KEEP_FOR = timedelta(hours=24)
#: A claim with no answer after this long was left by a request that died: it may be taken over.
STALE_CLAIM = timedelta(minutes=10)
#: Answers not kept (the client should retry them with the same key).
NOT_KEPT = frozenset({409, 429})

#: The header as an OpenAPI parameter, for ``openapi_extra`` of every POST.
IDEMPOTENCY_HEADER: dict[str, Any] = {
    "parameters": [
        {
            "in": "header",
            "name": HEADER,
            "required": True,
            "description": (
                "A key the client makes for this request (a UUID, say): the same key with the same request "
                "gets the first answer again (Idempotent-Replayed: true); with another request, 422; while the "
                "first is still running, 409. Kept for 24 hours."
            ),
            "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x21-\\x7e]+$"},
        }
    ]
}

F = TypeVar("F", bound=Callable[..., Any])
_STATE = "_icms_idempotency_claim"


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"detail": message}, status=status)


def request_fingerprint(request: HttpRequest) -> str:
    """SHA-256 of what makes two POSTs the same: method, path and body (form fields and file bytes, or JSON)."""
    digest = hashlib.sha256()
    digest.update(f"{request.method} {request.path}\n".encode())
    if request.content_type in ("multipart/form-data", "application/x-www-form-urlencoded"):
        for name in sorted(request.POST):
            for value in request.POST.getlist(name):
                digest.update(json.dumps(["field", name, value]).encode())
        for name in sorted(request.FILES):
            for upload in request.FILES.getlist(name):
                content = hashlib.sha256()
                for chunk in upload.chunks():
                    content.update(chunk)
                upload.seek(0)
                digest.update(json.dumps(["file", name, upload.name, content.hexdigest()]).encode())
    else:
        body = request.body
        with contextlib.suppress(ValueError, UnicodeDecodeError):
            # The same JSON, however it is spaced, is the same request.
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        digest.update(body)
    return digest.hexdigest()


def _replay(row: ApiIdempotencyKey) -> HttpResponse:
    response = HttpResponse(
        bytes(row.response_body or b""),
        status=row.response_status or 200,
        content_type=row.response_content_type or "application/json",
    )
    response[REPLAYED_HEADER] = "true"
    return response


def _claim(*, user: User, key: str, request: HttpRequest, fingerprint: str) -> ApiIdempotencyKey | HttpResponse:
    """The new claim on ``key``, or the answer for a key already used (replay, 409 or 422)."""
    now = timezone.now()
    try:
        with transaction.atomic():
            return ApiIdempotencyKey.objects.create(
                user=user,
                key=key,
                method=request.method or "POST",
                path=request.path[:500],
                request_sha256=fingerprint,
            )
    except IntegrityError:
        pass
    row = ApiIdempotencyKey.objects.filter(user=user, key=key).first()
    if row is None:  # purged between the two statements: claim it again
        return _claim(user=user, key=key, request=request, fingerprint=fingerprint)
    if row.request_sha256 != fingerprint:
        return _error(
            422,
            _(
                "This Idempotency-Key was used for a different request. Use a new key for a new request, "
                "or send exactly the same request again."
            ),
        )
    if row.completed_at is not None:
        return _replay(row)
    stale = now - STALE_CLAIM
    taken = ApiIdempotencyKey.objects.filter(pk=row.pk, completed_at__isnull=True, created_at__lt=stale).update(
        created_at=now
    )
    if taken:
        row.refresh_from_db()
        return row
    return _error(
        409,
        _("A request with this Idempotency-Key is still being processed. Wait a moment, then send it again."),
    )


def _finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """Keep the answer with the claim, or let the claim go for a retry."""
    claim: ApiIdempotencyKey | None = getattr(request, _STATE, None)
    if claim is None:
        return response
    setattr(request, _STATE, None)
    status = response.status_code
    if status >= 500 or status in NOT_KEPT or not isinstance(response, HttpResponse):
        ApiIdempotencyKey.objects.filter(pk=claim.pk, completed_at__isnull=True).delete()
        return response
    ApiIdempotencyKey.objects.filter(pk=claim.pk).update(
        response_status=status,
        response_body=response.content,
        response_content_type=response.get("Content-Type", "application/json")[:100],
        completed_at=timezone.now(),
    )
    return response


def _record(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Around ninja's whole operation (auth, parsing, view, errors): keep what the client got."""

    @wraps(run)
    def run_and_keep(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            claim = getattr(request, _STATE, None)
            if claim is not None:
                ApiIdempotencyKey.objects.filter(pk=claim.pk, completed_at__isnull=True).delete()
            raise
        return _finish(request, response)

    return run_and_keep


def idempotent(view: F) -> F:
    """Make a POST operation honour ``Idempotency-Key`` (see the module's docstring).

    It runs after authentication (so keys are the token user's) and after ninja has read the
    body, and before the view: a missing key is a 400, a key in use is answered from the record.
    """

    @wraps(view)
    def claimed(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        user = getattr(request, "auth", None)
        if not isinstance(user, User):
            raise RuntimeError("@idempotent needs an operation authenticated by ApiTokenAuth.")
        key = request.headers.get(HEADER, "")
        if not key:
            return _error(
                400,
                _("Send an Idempotency-Key header with every POST: a new random value (a UUID) for each new request."),
            )
        if not KEY_PATTERN.fullmatch(key):
            return _error(
                400,
                _("The Idempotency-Key must be 1 to 255 visible ASCII characters, such as a UUID, with no spaces."),
            )
        outcome = _claim(user=user, key=key, request=request, fingerprint=request_fingerprint(request))
        if isinstance(outcome, HttpResponse):
            return outcome
        setattr(request, _STATE, outcome)
        return view(request, *args, **kwargs)

    # Ninja reads the parameters' types from the signature, resolved in the view's own module.
    claimed.__signature__ = inspect.signature(view, eval_str=True)  # type: ignore[attr-defined]
    return cast(F, decorate_view(_record)(claimed))


def idempotency_keys_purge(*, now: datetime | None = None) -> int:
    """Delete keys older than ``KEEP_FOR`` (claims left unanswered included). Returns how many."""
    cutoff = (now or timezone.now()) - KEEP_FOR
    deleted, _rows = ApiIdempotencyKey.objects.filter(created_at__lt=cutoff).delete()
    return deleted
