"""Indexes that answer the staff site's searches (icms.core.admin_scale) at the register's size.

Django's admin matches a search field with ``UPPER("field"::text) LIKE UPPER(%s)``
(``icontains``, ``istartswith``) or ``= UPPER(%s)`` (``iexact``). A plain btree on the
field answers neither; these index exactly that expression.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper


def _upper_text(field: str) -> Upper:
    return Upper(Cast(field, models.TextField()))


def contains_index(field: str, *, name: str) -> GinIndex:
    """A trigram index for ``icontains`` (a search field with no prefix): pg_trgm's ``gin_trgm_ops``."""
    return GinIndex(OpClass(_upper_text(field), name="gin_trgm_ops"), name=name)


def exact_index(field: str, *, name: str) -> models.Index:
    """A btree for ``iexact`` and ``istartswith`` (``=field`` and ``^field``): ``text_pattern_ops`` serves both."""
    return models.Index(OpClass(_upper_text(field), name="text_pattern_ops"), name=name)
