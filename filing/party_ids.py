"""A party's identity document: checked when given, stored encrypted, shown only masked.

``Party.id_number`` is encrypted at rest (icms.core.fields.EncryptedTextField). No page
shows it whole: :func:`party_id_mask` is the only way it reaches one, and the public
cause book never shows it at all.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.hkid import hkid_mask, hkid_normalise, validate_hkid

# The value of Party.IdKind.HKID: this module sits below the models, which use it.
HKID_KIND = "hkid"


def party_id_normalise(id_kind: str, id_number: str) -> str:
    """The number as stored: an HKID as ``A1234563``; any other without spaces, in capitals."""
    if id_kind == HKID_KIND:
        return hkid_normalise(id_number)
    return re.sub(r"\s+", "", id_number or "").upper()


def party_id_check(id_kind: str, id_number: str) -> None:
    """Raise ``ValidationError`` (keyed by field) unless the kind and the number go together."""
    if id_number.strip() and not id_kind:
        raise ValidationError({"id_kind": _("Choose the kind of identity document, or leave the number blank.")})
    if id_kind and not id_number.strip():
        raise ValidationError({"id_number": _("Give the document's number, or choose no identity document.")})
    if id_kind == HKID_KIND:
        try:
            validate_hkid(id_number)
        except ValidationError as error:
            raise ValidationError({"id_number": error}) from None  # its messages still lazy
    elif id_kind and len(party_id_normalise(id_kind, id_number)) > 30:
        raise ValidationError({"id_number": _("The number is too long: give it without spaces.")})


def party_id_mask(id_kind: str, id_number: str) -> str:
    """``A123***(*)`` for an HKID; another document's first two characters and ``******``.

    The mask never shows the number's length, nor more than a clerk needs to recognise it.
    """
    if not id_number:
        return ""
    if id_kind == HKID_KIND:
        return hkid_mask(id_number)
    return f"{party_id_normalise(id_kind, id_number)[:2]}******"
