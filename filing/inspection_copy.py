"""Inspection copies: a public document as the public may see it, watermarked on every page.

An inspection copy carries an "INSPECTION COPY" mark with the date and time it
was made. Originals and sealed copies are never handed out through inspection
(icms-reference §4), and the mark says so. The copy is made from the sealed copy, so
it carries the court's band too (:mod:`filing.seal_band`).

The mark is drawn as a form XObject over each page, without rewriting the page's
content; in a tagged document it is marked as a watermark artifact, so the copy keeps
the document's structure tree, language and title (issue 20).
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from pypdf import PdfReader, PdfWriter

from icms.core import rendering

from .seal_band import add_resource, draw_form, draw_over, form_xobject, mark_artifact, own_resources


def inspection_mark(*, made_at: datetime, case_number: str) -> bytes:
    # Untagged: drawn onto another document's pages, its marked content would clash with theirs.
    return rendering.render_pdf_untagged(
        "filing/pdf/inspection_mark.html",
        {
            "when_en": rendering.format_datetime_en(made_at),
            "when_zh": rendering.format_datetime_zh(made_at),
            "case_number": case_number,
        },
        stylesheets=("filing/pdf/inspection_mark.css",),
    )


def inspection_copy(source: bytes, *, made_at: datetime, case_number: str) -> bytes:
    """``source`` with the inspection mark across the foot of every page, as new bytes."""
    mark = PdfReader(BytesIO(inspection_mark(made_at=made_at, case_number=case_number))).pages[0]
    mark_width = float(mark.mediabox.width)
    writer = PdfWriter(clone_from=PdfReader(BytesIO(source)))
    form = writer._add_object(form_xobject(writer, mark))
    tagged = "/StructTreeRoot" in writer._root_object
    for page in writer.pages:
        box = page.cropbox
        width = float(box.width)
        scale = min(1.0, (width * 0.9) / mark_width)
        # Centred near the foot of the page as stored; rotated pages still show the mark.
        x = float(box.left) + (width - mark_width * scale) / 2
        y = float(box.bottom) + 12
        name = add_resource(own_resources(page), "/XObject", "/ICMSMark", form)
        content = draw_form(name, (scale, 0.0, 0.0, scale, x, y))
        if tagged:
            content = mark_artifact(content, b"/Type /Pagination /Subtype /Watermark")
        draw_over(writer, page, content)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
