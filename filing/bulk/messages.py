"""What is wrong with a manifest row, and how to fix it, in the reader's language.

A row's errors are stored as codes with parameters (``BulkItem.errors``), not as text, so
the report reads in the language of whoever opens it. :func:`error_text` words one.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Party
from ..pdf_checks import MESSAGES, Rejection
from .columns import column

ROW_ERRORS: dict[str, Promise] = {
    "required": _("the column %(column)s is empty. Fill it in."),
    "too_long": _("the column %(column)s is longer than %(max)s characters. Shorten it."),
    "date_invalid": _("the offence date %(value)s is not a date. Write it as %(suggestion)s."),
    "date_future": _("the offence date %(value)s is in the future. Give the date the offence happened."),
    "magistracy_unknown": _("%(value)s is not a summons court. Write one of %(choices)s."),
    "name_missing": _("the defendant has no name. Give the English or the Chinese name, or both."),
    "kind_unknown": _("the defendant kind %(value)s is not known. Write person or company."),
    "id_kind_unknown": _("the identity document kind %(value)s is not known. Write hkid, passport, br or other."),
    "id_kind_missing": _("an identity document number is given without its kind. Write hkid, passport, br or other."),
    "id_number_missing": _(
        "the identity document kind is given without its number. Add the number or clear the kind."
    ),
    "id_invalid": _(
        "the identity document number is not a valid %(kind)s number. Check it (a Hong Kong identity card "
        "number ends in its check digit, for example A123456(3))."
    ),
    "pdf_missing": _("the PDF %(file)s is not in the upload. Add it to the ZIP or to the files, or correct its name."),
    "pdf_rejected": _("the PDF %(file)s was refused: %(reason)s"),
    "pdf_twice": _("the PDF %(file)s is also named on row %(other)s. Each summons needs its own PDF."),
    "reference_twice": _("the reference %(value)s is also on row %(other)s. Give each summons its own reference."),
    "already_filed": _(
        "the reference %(value)s was already filed in batch %(batch)s, row %(row)s. It is not filed again."
    ),
    "already_summons": _("the reference %(value)s is already on summons %(summons)s. It is not filed again."),
    "waiting_in_batch": _(
        "the reference %(value)s is in batch %(batch)s, row %(row)s, which is not yet filed. File or cancel "
        "that batch first."
    ),
}

ROW_PREFIX = _("Row %(row)s: %(message)s")


def row_error(code: str, **params: Any) -> dict[str, Any]:
    """One error as stored: its code and JSON parameters."""
    if code not in ROW_ERRORS:
        raise ValueError(f"Unknown bulk row error {code!r}.")
    return {"code": code, "params": params}


def _column_name(key: str) -> str:
    return f"{key} ({column(key).header_zh})"


def error_text(error: dict[str, Any], *, row: int | None = None) -> str:
    """The stored error in the active language, after "Row N:" when ``row`` is given."""
    code = str(error.get("code", ""))
    params = dict(error.get("params") or {})
    if "column" in params:
        params["column"] = _column_name(str(params["column"]))
    if code == "pdf_rejected":
        rejection = Rejection(params.get("rejection", Rejection.DAMAGED))
        reason = str(MESSAGES[rejection])
        inner = params.get("rejection_params") or {}
        params["reason"] = reason % inner if inner else reason
    if code == "id_invalid":
        kind = str(params.get("kind", ""))
        params["kind"] = str(Party.IdKind(kind).label) if kind in Party.IdKind.values else kind
    if code == "date_invalid" and not params.get("suggestion"):
        params["suggestion"] = gettext("YYYY-MM-DD, for example 2026-01-13")
    template = ROW_ERRORS.get(code)
    message = str(template) % params if template is not None else code
    if row is None:
        return message
    return str(ROW_PREFIX) % {"row": row, "message": message}
