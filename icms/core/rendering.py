"""Bilingual PDFs from Django templates with WeasyPrint: acknowledgements, receipts, stamps.

Issue 5 measured a bare WeasyPrint render of a one-page bilingual receipt at 267 ms
median and a 427 MiB peak, so the worker is kept lean:

* the ``FontConfiguration`` and every stylesheet are built once per process
  (:func:`font_configuration`, :func:`stylesheet`), not once per render;
* the documents use one family, Noto Sans CJK HK (Debian's ``fonts-noto-cjk``), whose
  Latin glyphs serve the English text too, so a single subset font is embedded;
* nothing is fetched: the templates are rendered with no base URL and a fetcher that
  allows only ``data:`` URIs, so a value in a template can never make the worker
  request a URL (SSRF) or read a local file.

Chinese text must render in its Hong Kong forms: the ``<html>`` element carries
``lang="zh-Hant-HK"``; without it WeasyPrint (Pango) picks the Japanese forms.

The labels on these PDFs are fixed bilingual text, English and Chinese side by side,
so they do not go through gettext.

Every PDF the court makes is tagged and archival (issue 20): :data:`PDF_VARIANT` and
:func:`pdf_options` are the one place that says how, and every renderer goes through
:func:`render_pdf`. See :func:`pdf_options` for the choice.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any, Final

import pikepdf
from django.template.loader import get_template, render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

from .time import in_hong_kong

BASE_STYLESHEET: Final = "filing/pdf/base.css"
_SHA256 = re.compile(r"[0-9a-f]{64}")
_MONTHS: Final = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


#: The PDF/A part WeasyPrint writes; the documents also declare PDF/UA-1 (:func:`pdf_options`).
PDF_VARIANT: Final = "pdf/a-2a"
PDF_UA_PART: Final = "1"


def pdf_options() -> dict[str, Any]:
    """The WeasyPrint options that make every court PDF tagged (PDF/UA-1) and archival (PDF/A-2a).

    WeasyPrint writes one variant at a time, but PDF/A-2 level A and PDF/UA-1 ask for
    the same things of a document made from HTML (ISO 32000-1, a structure tree, Unicode
    text, embedded fonts, a language and a title), so one file can be both:

    * ``pdf/a-2a`` makes WeasyPrint tag the document (the structure tree, ``/MarkInfo``,
      ``/Lang`` from ``<html lang>``, ``/ViewerPreferences /DisplayDocTitle``, the title
      in the DocInfo and in XMP), embed its fonts (one subset of Noto Sans CJK HK) and an
      sRGB output intent, and identify itself as PDF/A-2a in XMP;
    * :func:`_declare_pdf_ua` then adds ``pdfuaid:part 1`` to the same XMP description,
      which is all that ``pdf/ua-1`` would have added.

    PDF/A-2 rather than PDF/A-3: a court record has no business carrying arbitrary
    embedded files, and PDF/A-2 is the part archives accept most widely.
    """
    return {"pdf_variant": PDF_VARIANT, "pdf_tags": True}


def _declare_pdf_ua(pdf: bytes) -> bytes:
    """Add the PDF/UA-1 identification to the XMP that WeasyPrint wrote for PDF/A."""
    with pikepdf.open(BytesIO(pdf)) as document:
        with document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as meta:
            meta["pdfuaid:part"] = PDF_UA_PART
        out = BytesIO()
        document.save(out)
    return out.getvalue()


@functools.cache
def font_configuration() -> FontConfiguration:
    """The process's one FontConfiguration (fonts are found and loaded once)."""
    return FontConfiguration()


@functools.cache
def _fetcher() -> URLFetcher:
    return URLFetcher(allowed_protocols=("data",), fail_on_errors=False)


@functools.cache
def stylesheet(name: str) -> CSS:
    """A stylesheet kept in the template directories (``filing/pdf/base.css``), parsed once.

    The CSS is not a static file: it is never served to browsers, only read here.
    """
    template = get_template(name)
    source = template.template.source  # type: ignore[attr-defined]
    return CSS(string=source, font_config=font_configuration(), url_fetcher=_fetcher())


def render_pdf(
    template_name: str,
    context: Mapping[str, Any],
    *,
    stylesheets: Sequence[str] = (BASE_STYLESHEET,),
) -> bytes:
    """Render a Django template to a tagged PDF (:func:`pdf_options`) with the cached fonts
    and stylesheets.

    The template must set ``<html lang="zh-Hant-HK">`` (see the module docstring; it is
    also the PDF's ``/Lang``), have a ``<title>`` (the PDF's title), mark its headings
    ``h1``... and put tabular facts in tables with ``th`` cells.
    """
    return _declare_pdf_ua(render_pdf_untagged(template_name, context, stylesheets=stylesheets, **pdf_options()))


def render_pdf_untagged(
    template_name: str,
    context: Mapping[str, Any],
    *,
    stylesheets: Sequence[str] = (BASE_STYLESHEET,),
    **options: Any,
) -> bytes:
    """Render without the court's PDF variant: for a piece drawn onto another PDF (the
    seal band), whose marked content would clash with the host page's own."""
    html = render_to_string(template_name, dict(context))
    document = HTML(string=html, base_url=None, url_fetcher=_fetcher())
    # Without a target, write_pdf returns the bytes (WeasyPrint has no type hints).
    pdf: bytes = document.write_pdf(
        stylesheets=[stylesheet(name) for name in stylesheets],
        font_config=font_configuration(),
        **options,
    )
    return pdf


# --- Fixed bilingual formats ------------------------------------------------------
# Legal time is Hong Kong time (icms-reference §2): these show an aware datetime in
# Asia/Hong_Kong whatever the process's active time zone is.


def format_datetime_en(moment: datetime) -> str:
    """``24 Nov 2026, 17:29:59 HKT``"""
    local = in_hong_kong(moment)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}, {local:%H:%M:%S} HKT"


def format_datetime_zh(moment: datetime) -> str:
    """``2026年11月24日 17:29:59（香港時間）``"""
    local = in_hong_kong(moment)
    return f"{local.year}年{local.month}月{local.day}日 {local:%H:%M:%S}（香港時間）"


def format_date_en(moment: datetime) -> str:
    local = in_hong_kong(moment)
    return f"{local.day} {_MONTHS[local.month - 1]} {local.year}"


def format_date_zh(moment: datetime) -> str:
    local = in_hong_kong(moment)
    return f"{local.year}年{local.month}月{local.day}日"


def format_hkd(amount: Decimal) -> str:
    """``HK$1,045.00``"""
    return f"HK${amount.quantize(Decimal('0.01')):,}"


def group_digest(sha256: str, size: int = 8) -> str:
    """A SHA-256 in groups of eight, so that it wraps and can be read aloud."""
    return " ".join(sha256[i : i + size] for i in range(0, len(sha256), size))


def check_sha256(value: str) -> None:
    if not _SHA256.fullmatch(value):
        raise ValueError(f"Not a lowercase hexadecimal SHA-256: {value!r}")
