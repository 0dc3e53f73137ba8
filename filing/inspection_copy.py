"""Inspection copies: a public document as the public may see it, watermarked on every page.

An inspection copy carries an "INSPECTION COPY" mark with the date and time it
was made. Originals and sealed copies are never handed out through inspection
(icms-reference §4), and the mark says so.
"""

from __future__ import annotations

from datetime import datetime
from io import BytesIO

from pypdf import PdfReader, PdfWriter, Transformation

from icms.core import rendering


def inspection_mark(*, made_at: datetime, case_number: str) -> bytes:
    return rendering.render_pdf(
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
    for page in writer.pages:
        box = page.cropbox
        width = float(box.width)
        scale = min(1.0, (width * 0.9) / mark_width)
        # Centred near the foot of the page as stored; rotated pages still show the mark.
        x = float(box.left) + (width - mark_width * scale) / 2
        y = float(box.bottom) + 12
        page.merge_transformed_page(mark, Transformation().scale(scale).translate(x, y), over=True, expand=False)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
