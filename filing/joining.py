"""Case access codes, the pure parts: making one, reading what a person typed, and its digest.

When the registry accepts an originating filing, each party on the respondent side gets
a code (:func:`filing.services.joining.access_codes_issue`), printed on the seal of the
sealed originating document (:mod:`filing.sealing`) that the applicant serves on them.
With the case number and the code, the respondent (or the firm it instructs) joins the
case: it files its first document, such as an acknowledgement of service, for that party.

A code is 12 characters of :data:`~filing.models.submissions.REFERENCE_ALPHABET` (31
characters without 0/O, 1/I/L: easy to read aloud and type), shown in groups of four,
``7K3M-Q9TX-4HRP``: 31^12, about 2^59 codes. The database keeps only an HMAC of the
normalised code (``digest``, a keyed hash, so a dump of the table gives nothing to guess
offline) and the code itself encrypted, only so the seal can print it. Guessing online is
bounded by the rate limit of the join page (20 wrong attempts a day per user and per
address, :mod:`filing.services.joining`).
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from typing import Final

from django.utils.crypto import salted_hmac

from .models.submissions import REFERENCE_ALPHABET

CODE_LENGTH: Final = 12
_GROUP: Final = 4
_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212_.]")  # spaces, dashes of every width
#: The key's purpose, mixed with SECRET_KEY by :func:`django.utils.crypto.salted_hmac`.
_DIGEST_SALT: Final = "icms.filing.case-access-code"


def access_code_generate() -> str:
    """A new random code, normalised (12 characters, no dashes); :func:`access_code_format` shows it."""
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(CODE_LENGTH))


def access_code_normalise(text: str) -> str:
    """What a person typed, as the code is stored: NFKC (full-width characters typed with a
    Chinese input method become ASCII), upper case, without spaces or dashes.

    It is not checked: a malformed code simply matches nothing, by the same path as a wrong one.
    """
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text)).upper()


def access_code_format(code: str) -> str:
    """``7K3M-Q9TX-4HRP``: the normalised code in groups of four, for the seal and for the clerk."""
    normal = access_code_normalise(code)
    return "-".join(normal[index : index + _GROUP] for index in range(0, len(normal), _GROUP))


def access_code_digest(code: str) -> str:
    """The HMAC-SHA256 (keyed from ``SECRET_KEY``) of the normalised code: how a code is looked up."""
    return salted_hmac(_DIGEST_SALT, access_code_normalise(code), algorithm="sha256").hexdigest()


def access_code_is_well_formed(code: str) -> bool:
    normal = access_code_normalise(code)
    return len(normal) == CODE_LENGTH and all(char in REFERENCE_ALPHABET for char in normal)


# --- The lines on the seal -----------------------------------------------------------

_ORDINALS_ZH: Final = "零一二三四五六七八九十"


def ordinal_en(number: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th, 21st."""
    suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
    return f"{number}{suffix}"


def ordinal_zh(number: int) -> str:
    """第一, 第二 ... 第十, 第十一 ... 第二十一 (up to 99; then 第100)."""
    if number < 1 or number > 99:
        return f"第{number}"
    tens, units = divmod(number, 10)
    if tens == 0:
        text = _ORDINALS_ZH[units]
    else:
        text = ("" if tens == 1 else _ORDINALS_ZH[tens]) + "十" + (_ORDINALS_ZH[units] if units else "")
    return f"第{text}"


#: Names longer than this are shortened on the seal, so that each line fits on one line of the band.
_NAME_EN_MAX: Final = 40
_NAME_ZH_MAX: Final = 20


def _shortened(name: str, limit: int) -> str:
    name = " ".join(name.split())
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def seal_code_line(
    *, ordinal: int, several: bool, role_en: str, role_zh: str, name_en: str, name_zh: str, code: str
) -> str:
    """One line of the seal, such as
    "Case access code 案件存取碼 — 1st Defendant 第一被告人 CHAN Tai Man 陳大文: 7K3M-Q9TX-4HRP".

    The ordinal is left out when the side has one party ("Defendant 被告人").
    """
    role = f"{ordinal_en(ordinal)} {role_en} {ordinal_zh(ordinal)}{role_zh}" if several else f"{role_en} {role_zh}"
    names = " ".join(part for part in (_shortened(name_en, _NAME_EN_MAX), _shortened(name_zh, _NAME_ZH_MAX)) if part)
    return f"Case access code 案件存取碼 — {role} {names}: {access_code_format(code)}"
