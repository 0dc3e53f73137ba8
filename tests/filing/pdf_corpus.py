"""PDFs, good and bad, that the filing tests make for themselves (with pikepdf)."""

from __future__ import annotations

import io
import zipfile

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
