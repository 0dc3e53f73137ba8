"""Hong Kong Identity Card numbers: validation by check digit, and masking for display.

An HKID number is one or two letters, six digits and a check digit (0-9 or A), often
written ``A123456(3)``. The check digit makes the weighted sum (weights 9 down to 1,
letters A-Z = 10-35, a missing first letter = 36) divisible by 11.

The portal stores the number only when the user gives it for an identity check, and
never shows it in full: :func:`hkid_mask` is the only way it reaches a page.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_HKID_RE = re.compile(r"^([A-Z]{1,2})([0-9]{6})([0-9A])$")


def hkid_normalise(value: str) -> str:
    """Upper-case, without spaces or brackets: ``a123456(3)`` becomes ``A1234563``."""
    return re.sub(r"[\s()]", "", value or "").upper()


def hkid_check_digit(prefix: str, digits: str) -> str:
    """The check digit for letters ``prefix`` and six ``digits``."""
    letters = prefix.rjust(2)
    values = [36 if ch == " " else ord(ch) - ord("A") + 10 for ch in letters] + [int(d) for d in digits]
    total = sum(value * weight for value, weight in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def hkid_is_valid(value: str) -> bool:
    match = _HKID_RE.match(hkid_normalise(value))
    if match is None:
        return False
    prefix, digits, check = match.groups()
    return hkid_check_digit(prefix, digits) == check


def validate_hkid(value: str) -> None:
    if value and not hkid_is_valid(value):
        raise ValidationError(
            _("Enter a valid HKID number, for example A123456(3). Check the digit in brackets."),
            code="invalid_hkid",
        )


def hkid_mask(value: str) -> str:
    """``A1234563`` becomes ``A123***(*)``: enough to recognise, never the whole number."""
    normalised = hkid_normalise(value)
    if not normalised:
        return ""
    match = _HKID_RE.match(normalised)
    prefix = match.group(1) if match else normalised[:1]
    return f"{prefix}{normalised[len(prefix) : len(prefix) + 3]}***(*)"
