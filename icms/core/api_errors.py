"""The JSON API's error bodies, declared once so that every operation's OpenAPI lists them.

Every error is ``{"detail": "..."}`` in words a person can act on; a refused form also lists
each field's message in ``errors``. Ninja's own check of a request's types answers 422 with
``detail`` as a list of problems.
"""

from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class FieldErrorOut(Schema):
    #: Where the problem is, as a path into the request: ``case.parties[1].name_en``, ``file``.
    field: str
    message: str


class RefusedOut(Schema):
    """A request refused with a reason, and, for a form's fields, each field's message."""

    detail: str
    errors: list[FieldErrorOut] = []


class ValidationErrorOut(Schema):
    """422: a request of the wrong shape (ninja's list of problems), or an Idempotency-Key reused elsewhere."""

    detail: str | list[dict[str, Any]]


#: What each error status means, for the schema's descriptions.
ERROR_SCHEMAS: dict[int, type[Schema]] = {
    400: RefusedOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
    429: ErrorOut,
    503: ErrorOut,
}


def errors(*codes: int) -> dict[int, Any]:
    """The error responses of an operation, to merge into its ``response``: ``{200: Out, **errors(400, 404)}``."""
    return {code: ERROR_SCHEMAS[code] for code in codes}
