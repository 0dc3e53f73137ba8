"""Indexes that answer the staff site's searches (icms.core.admin_scale) at the register's size.

Django's admin matches a search field with ``UPPER("field"::text) LIKE UPPER(%s)``
(``icontains``, ``istartswith``) or ``= UPPER(%s)`` (``iexact``). A plain btree on the
field answers neither; this indexes exactly that expression.
"""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models.functions import Cast, Upper


def _upper_text(field: str) -> Upper:
    return Upper(Cast(field, models.TextField()))


def contains_index(field: str, *, name: str) -> GinIndex:
    """A trigram index (pg_trgm's ``gin_trgm_ops``) on ``UPPER(field::text)``.

    It answers ``icontains`` (a search field with no prefix), and also ``istartswith`` and,
    since PostgreSQL 14, ``iexact`` (``^field``, ``=field``): no second index is needed.
    """
    return GinIndex(OpClass(_upper_text(field), name="gin_trgm_ops"), name=name)
