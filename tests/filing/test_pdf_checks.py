"""filing.pdf_checks: every bad file is refused with its own code, before anything is stored."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation

from filing.pdf_checks import (
    MESSAGES,
    PdfRejected,
    Rejection,
    check_submission_size,
    validate_pdf,
)
from icms.core.storage import StoredFiles
from tests.filing import pdf_corpus

BAD_FILES = {
    "not_a_pdf": (pdf_corpus.not_a_pdf, Rejection.NOT_PDF),
    "plain_text": (lambda: b"Statement of claim\n", Rejection.NOT_PDF),
    "truncated": (pdf_corpus.truncated_pdf, Rejection.DAMAGED),
    "garbage_after_header": (lambda: b"%PDF-1.7\n" + b"\x00garbage" * 100 + b"\n%%EOF\n", Rejection.DAMAGED),
    "encrypted": (pdf_corpus.encrypted_pdf, Rejection.ENCRYPTED),
    "restricted": (pdf_corpus.restricted_pdf, Rejection.RESTRICTED),
    "open_action_javascript": (pdf_corpus.open_action_javascript_pdf, Rejection.JAVASCRIPT),
    "names_tree_javascript": (pdf_corpus.names_tree_javascript_pdf, Rejection.JAVASCRIPT),
    "chained_page_action_javascript": (pdf_corpus.page_additional_action_javascript_pdf, Rejection.JAVASCRIPT),
    "launch_action": (pdf_corpus.launch_action_pdf, Rejection.LAUNCH_ACTION),
    "embedded_file": (pdf_corpus.embedded_file_pdf, Rejection.EMBEDDED_FILE),
    "file_attachment_annotation": (pdf_corpus.file_attachment_annotation_pdf, Rejection.EMBEDDED_FILE),
    "zero_bytes": (lambda: b"", Rejection.EMPTY),
    "no_pages": (pdf_corpus.no_pages_pdf, Rejection.NO_PAGES),
    "html_polyglot": (pdf_corpus.html_polyglot, Rejection.POLYGLOT),
    "zip_header_polyglot": (pdf_corpus.zip_header_polyglot, Rejection.POLYGLOT),
    "jpeg_header_polyglot": (pdf_corpus.jpeg_header_polyglot, Rejection.POLYGLOT),
    "appended_zip_polyglot": (pdf_corpus.appended_zip_polyglot, Rejection.POLYGLOT),
    "zip_comment_polyglot": (pdf_corpus.zip_with_trailing_comment_polyglot, Rejection.POLYGLOT),
    "appended_html_polyglot": (pdf_corpus.appended_html_polyglot, Rejection.POLYGLOT),
}


def rejection_of(data: bytes, **kwargs) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(data, **kwargs)
    return caught.value


@pytest.mark.parametrize("name", BAD_FILES)
def test_each_bad_file_is_refused_with_its_own_code(name):
    make, expected = BAD_FILES[name]
    rejected = rejection_of(make())
    assert rejected.rejection is expected
    assert rejected.code == expected.value
    assert rejected.user_message == str(MESSAGES[expected]) % (rejected.params or {})


@pytest.mark.parametrize("name", BAD_FILES)
def test_a_bad_upload_is_refused_as_an_uploaded_file_too(name):
    make, expected = BAD_FILES[name]
    upload = SimpleUploadedFile("claim.pdf", make(), content_type="application/pdf")
    assert rejection_of(upload).rejection is expected


def test_every_rejection_has_a_message_that_says_what_to_do():
    assert set(MESSAGES) == set(Rejection)
    assert len({str(message) for message in MESSAGES.values()}) == len(Rejection)


def test_the_messages_are_translated_into_chinese():
    rejected = rejection_of(pdf_corpus.encrypted_pdf())
    english = rejected.user_message
    with translation.override("zh-hant"):
        chinese = rejected.user_message
    assert chinese != english
    assert "密碼" in chinese


def test_a_file_over_the_size_limit_is_refused_with_both_sizes(settings):
    settings.FILING_MAX_FILE_BYTES = 1024
    rejected = rejection_of(pdf_corpus.good_pdf(20))
    assert rejected.rejection is Rejection.FILE_TOO_LARGE
    assert "1.0\xa0KB" in rejected.user_message


def test_an_upload_declaring_an_oversized_file_is_refused_without_reading_it(settings):
    settings.FILING_MAX_FILE_BYTES = 1024

    class Unreadable(SimpleUploadedFile):
        def read(self, *args):
            raise AssertionError("an oversized upload must not be read")

    upload = Unreadable("claim.pdf", pdf_corpus.good_pdf(20))
    assert rejection_of(upload).rejection is Rejection.FILE_TOO_LARGE


def test_a_file_that_is_larger_than_it_declares_is_still_refused(settings):
    settings.FILING_MAX_FILE_BYTES = 1024
    stream = io.BytesIO(pdf_corpus.good_pdf(20))
    assert rejection_of(stream).rejection is Rejection.FILE_TOO_LARGE


def test_too_many_pages(settings):
    settings.FILING_MAX_PAGES = 3
    assert validate_pdf(pdf_corpus.good_pdf(3)).pages == 3
    rejected = rejection_of(pdf_corpus.good_pdf(4))
    assert rejected.rejection is Rejection.TOO_MANY_PAGES
    assert rejected.params == {"pages": 4, "limit": 3}


def test_the_default_limits_are_the_product_rules(settings):
    assert settings.FILING_MAX_FILE_BYTES == 30 * 1024 * 1024
    assert settings.FILING_MAX_SUBMISSION_BYTES == 100 * 1024 * 1024
    assert settings.FILING_MAX_PAGES == 2000


def test_a_submission_over_the_limit_is_refused(settings):
    settings.FILING_MAX_SUBMISSION_BYTES = 100
    assert check_submission_size([40, 60]) == 100
    with pytest.raises(PdfRejected) as caught:
        check_submission_size([40, 61])
    assert caught.value.rejection is Rejection.SUBMISSION_TOO_LARGE


@pytest.mark.parametrize(
    ("pages", "kwargs"),
    [
        (1, {}),
        (60, {}),
        (1, {"rotate": 90}),
        (5, {"object_stream_mode": __import__("pikepdf").ObjectStreamMode.generate}),
    ],
)
def test_good_pdfs_pass_with_their_page_count_and_hash(pages, kwargs):
    data = pdf_corpus.good_pdf(pages, **kwargs)
    info = validate_pdf(data)
    assert info.pages == pages
    assert info.size == len(data)
    assert info.sha256 == hashlib.sha256(data).hexdigest()
    assert info.version.startswith("1.")
    assert info.repaired is False


def test_a_pdf_with_chinese_text_and_embedded_fonts_passes():
    info = validate_pdf(pdf_corpus.cjk_pdf())
    assert info.pages == 1


def test_a_little_junk_after_the_end_is_tolerated():
    data = pdf_corpus.good_pdf() + b"\x00\x00 junk left by a scanner\r\n"
    assert validate_pdf(data).pages == 1


def test_white_space_before_the_header_is_allowed():
    data = b"\r\n  " + pdf_corpus.good_pdf()
    assert validate_pdf(data).pages == 1


def test_a_large_upload_is_parsed_from_its_temporary_file():
    data = pdf_corpus.good_pdf(3)
    upload = TemporaryUploadedFile("claim.pdf", "application/pdf", len(data), None)
    upload.write(data)
    upload.seek(0)
    try:
        info = validate_pdf(upload)
        assert info.sha256 == hashlib.sha256(data).hexdigest()
        assert upload.tell() == 0, "the file is left at its start for storing"
    finally:
        upload.close()


def test_several_findings_report_the_most_serious():
    data = pdf_corpus._edit(
        lambda pdf: (
            setattr(pdf.Root, "OpenAction", pdf_corpus.Dictionary(S=pdf_corpus.Name.Launch, F="x.exe")),
            pdf.attachments.__setitem__("a.txt", __import__("pikepdf").AttachedFileSpec(pdf, b"a")),
        )
    )
    assert rejection_of(data).rejection is Rejection.LAUNCH_ACTION


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("name", BAD_FILES)
def test_a_refused_file_leaves_nothing_in_storage(name, document_storage):
    make, _expected = BAD_FILES[name]
    upload = SimpleUploadedFile("claim.pdf", make())
    with pytest.raises(PdfRejected), StoredFiles() as files:
        files.save(pdf_corpus.good_pdf(), expected_sha256=validate_pdf(pdf_corpus.good_pdf()).sha256)
        info = validate_pdf(upload)  # the second document of the submission is bad
        files.save(upload, expected_sha256=info.sha256)
    assert [path for path in document_storage.rglob("*") if path.is_file()] == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("temporary", [False, True])
def test_a_checked_upload_is_then_stored_with_the_same_hash(temporary, document_storage):
    data = pdf_corpus.good_pdf(4)
    if temporary:
        upload = TemporaryUploadedFile("claim.pdf", "application/pdf", len(data), None)
        upload.write(data)
        upload.seek(0)
    else:
        upload = SimpleUploadedFile("claim.pdf", data)
    with StoredFiles() as files:
        info = validate_pdf(upload)
        stored = files.save(upload, expected_sha256=info.sha256)
    upload.close()
    assert stored.sha256 == info.sha256 == hashlib.sha256(data).hexdigest()
    assert (document_storage / stored.key).read_bytes() == data
