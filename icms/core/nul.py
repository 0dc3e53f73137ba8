"""Refuse any request that carries a NUL character, once, for the whole site.

PostgreSQL cannot store or compare U+0000 in text: a NUL that reaches a query (a search
box, a path segment, a form field, a JSON string) raised a database error, answered 500.
Nothing legitimate sends one, so :class:`RefuseNulMiddleware` answers 400 before any view
runs: the translated error page for pages, ``{"detail": ...}`` under the JSON API.

Looked at before the view: the path, the query string, the headers (cookies included), the
fields of a URL-encoded form, and under ``/api/`` the keys and strings of a JSON body. A
multipart body is left to the view (which may choose its own upload handlers); a NUL in one of
its fields that reaches the database is caught as the database's error and answered 400 the
same way. A file's *contents* are never looked at: a PDF is binary, with NUL bytes of its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DataError
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.http.request import RawPostDataException
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

NUL = "\x00"
API_PREFIX = "/api/"


def _has_nul(values: Iterable[str]) -> bool:
    return any(NUL in value for value in values)


def _json_has_nul(value: Any) -> bool:
    """Whether a decoded JSON value has U+0000 in any string or key."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                return True
        elif isinstance(item, dict):
            if _has_nul(item.keys()):
                return True
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def request_has_nul(request: HttpRequest) -> bool:
    """Whether the request carries a NUL anywhere a view or the database could meet it."""
    if NUL in request.path_info or NUL in request.path:
        return True
    if _has_nul(request.GET.keys()) or any(_has_nul(request.GET.getlist(key)) for key in request.GET):
        return True
    headers = (value for key, value in request.META.items() if key.startswith("HTTP_") and isinstance(value, str))
    if _has_nul(headers):
        return True
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/x-www-form-urlencoded" or (
        request.path.startswith(API_PREFIX) and content_type.endswith("json")
    ):
        body = _small_body(request)
        if body is None:
            return False
        if content_type.endswith("json"):
            try:
                return _json_has_nul(json.loads(body or b"null"))
            except (ValueError, UnicodeDecodeError):
                return False  # not JSON: the API answers that itself
        form = QueryDict(body, encoding=request.encoding)
        return _has_nul(form.keys()) or any(_has_nul(form.getlist(key)) for key in form)
    return False


def _small_body(request: HttpRequest) -> bytes | None:
    """The body, read once (Django keeps it for the view), if it is within the size Django reads into memory.

    A multipart body is never read here: a view may set its own upload handlers before it is
    parsed (filing's verification page does), and its files may be large. A NUL in a multipart
    field that reaches the database is answered by :meth:`RefuseNulMiddleware.process_exception`.
    """
    length = request.META.get("CONTENT_LENGTH") or "0"
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if not length.isdigit() or (limit is not None and int(length) > limit):
        return None
    try:
        return request.body
    except (RawPostDataException, RequestDataTooBig):
        return None


def is_nul_error(exc: BaseException) -> bool:
    """Whether ``exc`` is the database (or psycopg) refusing a NUL character in text."""
    if not isinstance(exc, DataError | ValueError):
        return False
    text = str(exc)
    return "NUL" in text or "0x00" in text or "\\x00" in text


def nul_refused(request: HttpRequest) -> HttpResponse:
    """The 400 for a request with a NUL: JSON under the API, else the error page (no context needed)."""
    if request.path.startswith(API_PREFIX):
        message = _("The request contains a NUL character (U+0000), which no field may hold. Remove it and try again.")
        return JsonResponse({"detail": message}, status=400)
    return HttpResponse(render_to_string("400.html"), status=400)


class RefuseNulMiddleware:
    """Answer 400 to a request carrying U+0000 before any view, session or database sees it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request_has_nul(request):
            return nul_refused(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A NUL that only a view could read (a multipart field) and that reached the database: 400, not 500."""
        return nul_refused(request) if is_nul_error(exception) else None
