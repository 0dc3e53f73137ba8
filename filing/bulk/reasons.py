"""Why a bulk row was not filed, as the filer is told it: in their language, never the fault itself.

A row has two records of why it failed (docs/bulk-filing.md, "What the filer sees"):

* ``BulkItem.last_error`` is the technical record for staff (the admin, the logs, the audit of
  a drop): a fault's exception and its text, which may name paths or hosts, or a refusal's
  messages in the worker's language. It never reaches a page of the filer's.
* ``BulkItem.reason`` is what the filer is shown, written when the row fails in every language
  the portal ships (``settings.LANGUAGES``), ``{"en": "...", "zh-hant": "..."}``: the filing's
  own refusal messages (lazy, so each is rendered in each language with its parameters), or,
  for a fault, a fixed text that says what to do and gives nothing of the fault away.

The worker renders both languages when the row fails, rather than keeping a code to word on
display, because a refusal's message comes from anywhere in the filing service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import BulkItem

#: What a fault (anything but a refusal of the filing's rules) tells the filer: it stopped the batch.
FAULT = _(
    "A fault in the portal stopped this row being filed. Resume the batch to try again; if it fails again, "
    "contact the registry."
)
#: A row that failed before the portal kept a reason for the filer (only its staff record).
NOT_RECORDED = _("The reason this row was not filed is not shown here. The registry can tell you why.")
#: As long as ``last_error``'s record of it.
_MAX = 2000


def _in_every_language(render: Callable[[], str]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = render()[:_MAX]
    return texts


def refusal_reason(refused: ValidationError) -> dict[str, str]:
    """A refusal of the filing's rules, in every language: its messages, rendered under each.

    ``refused.messages`` renders each message (and its parameters) when read, so the
    messages must still be lazy (``gettext_lazy`` with ``params``, not a string already
    formatted with ``%``) for each language to get its own words.
    """
    return _in_every_language(lambda: " ".join(str(message) for message in refused.messages))


def fault_reason() -> dict[str, str]:
    """A fault, in every language: the same fixed text whatever it was (its details are for staff)."""
    return _in_every_language(lambda: str(FAULT))


def reason_for(item: BulkItem, language: str | None) -> str:
    """What the filer reading in ``language`` is told of why ``item`` was not filed.

    Their language, else English, else a generic text in the language active now (a row that
    failed before reasons were kept). Never ``last_error``.
    """
    reason = item.reason if isinstance(item.reason, dict) else {}
    wanted = [language or "", (language or "").split("-")[0], "en", settings.LANGUAGE_CODE]
    for code in wanted:
        text = reason.get(code) if code else None
        if isinstance(text, str) and text.strip():
            return text
    return str(NOT_RECORDED)


def reason_told(item: BulkItem, language: str | None) -> str:
    """:func:`reason_for` for a row that failed or was refused; "" for one filed or never tried."""
    if item.status == BulkItem.Status.FILED or not (item.reason or item.last_error):
        return ""
    return reason_for(item, language)
