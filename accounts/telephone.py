"""Telephone numbers: a Hong Kong number of 8 digits, or an international one in E.164 form.

Accepted, with spaces, hyphens, dots or brackets between the digits as people write them:

* ``2869 0869``, ``+852 2869 0869``, ``(852) 2869-0869``: a Hong Kong number, 8 digits
  starting 2, 3, 5, 6, 7, 8 or 9 (OFCA's numbering plan), with or without +852;
* ``+44 20 7946 0958``: any other country, ``+`` and then 8 to 15 digits (E.164 allows 15).

The number is kept as the person typed it, trimmed: it is read by people, not dialled by the portal.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s().\-]")
_HONG_KONG = re.compile(r"^(?:\+?852)?[235-9][0-9]{7}$")
_INTERNATIONAL = re.compile(r"^\+[1-9][0-9]{7,14}$")


def telephone_is_valid(value: str) -> bool:
    digits = _SEPARATORS.sub("", value or "")
    if digits.startswith("852") and len(digits) == 11:  # 852 and 8 digits, without the +
        digits = "+" + digits
    if not digits.startswith("+") or digits.startswith("+852"):
        return bool(_HONG_KONG.match(digits))
    return bool(_INTERNATIONAL.match(digits))


def validate_telephone(value: str) -> None:
    if not telephone_is_valid(value):
        raise ValidationError(
            _(
                "Enter a telephone number, like 2869 0869 for Hong Kong, or with its country code, "
                "like +44 20 7946 0958."
            ),
            code="invalid_telephone",
        )
