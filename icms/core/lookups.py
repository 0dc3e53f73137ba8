"""The one way a selector says "not yours, or not there": :class:`NotFound`.

Selectors stay free of HTTP. A view turns the refusal into a 404 with
:func:`icms.core.http.found_or_404`; the API does the same in its exception handler
(``icms/api.py``). "Does not exist" and "may not see" are one answer, so a refusal
never tells anyone that an object they may not see exists.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db import models

ModelT = TypeVar("ModelT", bound=models.Model)


class NotFound(LookupError):
    """The object does not exist, or the user may not see it."""


def get_visible(queryset: models.QuerySet[ModelT], /, **lookup: Any) -> ModelT:
    """The one row of ``queryset`` matching ``lookup``, else :class:`NotFound`.

    ``queryset`` is already scoped to what the user may see; this only gives the
    refusal its one shape.
    """
    try:
        return queryset.get(**lookup)
    except ObjectDoesNotExist:
        raise NotFound(queryset.model._meta.label) from None
