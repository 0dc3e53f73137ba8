"""The portal's one-pass multipart parser (icms/core/multipart.py), first in FILE_UPLOAD_HANDLERS.

It must give the views what Django's parser gives them (fields, files, the streamed
digest), wherever the chunks of the body happen to be cut, keep Django's limits, and
answer a malformed body with 400, never 500.
"""

from __future__ import annotations

import hashlib
import os
import uuid

import pytest
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import InMemoryUploadedFile, TemporaryUploadedFile
from django.core.handlers.wsgi import WSGIRequest
from django.http.multipartparser import MultiPartParserError
from django.test import Client
from django.urls import reverse

from filing.models import SubmissionDraft
from icms.core.multipart import StreamingMultipartHandler
from icms.core.uploads import HEAD_BYTES, STRUCTURAL_STREAM, streamed_digest
from tests.faults.browser import multipart

BOUNDARY = "----icms-multipart-test"


def _body(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode() + value.encode() + b"\r\n"
        for name, value in fields.items()
    ]
    parts += [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
        "Content-Type: application/pdf\r\n\r\n".encode()
        + content
        + b"\r\n"
        for name, (filename, content) in files.items()
    ]
    return b"".join(parts) + f"--{BOUNDARY}--\r\n".encode()


class _Reads:
    """A WSGI input that hands the body out in the given sizes, as a socket may."""

    def __init__(self, body: bytes, sizes: list[int]) -> None:
        self._body, self._sizes, self._at = body, sizes, 0

    def read(self, size: int = -1) -> bytes:
        step = self._sizes.pop(0) if self._sizes else len(self._body)
        if size >= 0:
            step = min(step, size)
        data = self._body[self._at : self._at + step]
        self._at += len(data)
        return data

    def readline(self, size: int = -1) -> bytes:  # WSGIRequest asks for it; the parsers never call it
        raise NotImplementedError


def _request(body: bytes, sizes: list[int] | None = None, content_length: int | None = None) -> WSGIRequest:
    """A request as the WSGI server hands it over, with the upload handlers of the settings."""
    environ = {
        "REQUEST_METHOD": "POST",
        "wsgi.input": _Reads(body, list(sizes or [])),
        "CONTENT_LENGTH": str(len(body) if content_length is None else content_length),
        "CONTENT_TYPE": f"multipart/form-data; boundary={BOUNDARY}",
        "PATH_INFO": "/upload/",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
    }
    request = WSGIRequest(environ)
    assert isinstance(request.upload_handlers[0], StreamingMultipartHandler)  # from the settings
    return request


def test_the_settings_parse_with_the_one_pass_parser():
    # Django keeps what arrived before a body is cut short; this parser refuses it: proof it is the one in use.
    body = _body({"title": "Writ"}, {"file": ("writ.pdf", b"%PDF-1.7 ...")})
    with pytest.raises(MultiPartParserError):
        _request(body[:-30]).POST  # noqa: B018


@pytest.mark.parametrize("size", [200, 3 * 1024 * 1024 + 17])  # kept in memory, and in a temporary file
def test_fields_and_files_arrive_with_the_sha256_of_their_bytes(size):
    data = os.urandom(size)
    other = b"%PDF-1.7\n" + os.urandom(5000)
    body = _body(
        {"title": "Writ of summons", "title_zh": "傳訊令狀", "empty": ""},
        {"file": ("../../writ.pdf", data), "second": ("second.pdf", other)},
    )
    request = _request(body)
    assert request.POST["title"] == "Writ of summons"
    assert request.POST["title_zh"] == "傳訊令狀"
    assert request.POST["empty"] == ""
    upload = request.FILES["file"]
    assert isinstance(upload, TemporaryUploadedFile if size > 2621440 else InMemoryUploadedFile)
    assert upload.name == "writ.pdf"  # sanitised as Django does
    assert upload.content_type == "application/pdf"
    digest = streamed_digest(upload)
    assert digest is not None
    assert digest.sha256 == hashlib.sha256(data).hexdigest()
    assert digest.size == upload.size == size
    assert digest.head == data[:HEAD_BYTES]
    upload.seek(0)
    assert upload.read() == data
    assert streamed_digest(request.FILES["second"]).sha256 == hashlib.sha256(other).hexdigest()


def _tricky_file() -> bytes:
    """Bytes that begin delimiters without finishing them, and a structural stream to be found."""
    start = b"\r\n--" + BOUNDARY.encode()
    near_misses = b"".join(start[:cut] + b"x" for cut in range(1, len(start)))  # never the whole delimiter
    return b"%PDF-1.7\n" + near_misses + b"<< /Type /ObjStm /N 1 >>" + near_misses + b"\r"


def test_every_cut_of_the_body_gives_the_same_fields_and_file():
    data = _tricky_file()
    body = _body({"title": "Writ"}, {"file": ("writ.pdf", data)})
    expected = hashlib.sha256(data).hexdigest()
    found = tuple(match.start() for match in STRUCTURAL_STREAM.finditer(data))
    assert found
    # Every place the body can be cut in two reads, and reads of 1, 2, 3 and 7 bytes.
    cuts = [[cut] for cut in range(1, len(body))] + [[step] * len(body) for step in (1, 2, 3, 7)]
    for sizes in cuts:
        request = _request(body, sizes)
        assert request.POST["title"] == "Writ", sizes[:1]
        digest = streamed_digest(request.FILES["file"])
        assert digest is not None and digest.sha256 == expected, sizes[:1]
        assert digest.structural_streams == found, sizes[:1]


def test_a_file_input_left_empty_is_a_field_and_a_preamble_is_skipped():
    body = (
        b"This is a preamble, which readers ignore.\r\n"
        + _body({"title": "Writ"}, {})[: -len(f"--{BOUNDARY}--\r\n")]
        + f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename=""\r\n'.encode()
        + b"Content-Type: application/octet-stream\r\n\r\n\r\n"
        + f"--{BOUNDARY}--\r\nan epilogue".encode()
    )
    request = _request(body)
    assert request.POST["title"] == "Writ"
    assert request.POST["file"] == ""
    assert not request.FILES


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(_body({"title": "Writ"}, {"file": ("writ.pdf", os.urandom(5000))})[:-60], id="cut-in-a-file"),
        pytest.param(_body({"title": "Writ"}, {})[:-8], id="cut-in-the-closing-delimiter"),
        pytest.param(f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="a"'.encode(), id="cut-in-headers"),
        pytest.param(
            f"--{BOUNDARY}\r\nX-Padding: {'x' * 2000}\r\n\r\nvalue\r\n--{BOUNDARY}--".encode(), id="headers-too-long"
        ),
        pytest.param(f"--{BOUNDARY}garbage\r\n\r\n--{BOUNDARY}--".encode(), id="junk-after-a-delimiter"),
        pytest.param(b"no boundary anywhere", id="no-boundary"),
    ],
)
def test_a_malformed_body_is_refused(body):
    with pytest.raises(MultiPartParserError):
        _request(body).POST  # noqa: B018


def test_a_body_shorter_than_its_content_length_is_refused():
    body = _body({"title": "Writ"}, {"file": ("writ.pdf", os.urandom(100_000))})
    with pytest.raises(MultiPartParserError):
        _request(body[: len(body) // 2], content_length=len(body)).POST  # noqa: B018


def test_djangos_limits_hold(settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    with pytest.raises(TooManyFieldsSent):
        _request(_body({f"f{i}": "x" for i in range(8)}, {})).POST  # noqa: B018
    _request(_body({f"f{i}": "x" for i in range(5)}, {})).POST  # noqa: B018  (within the limit)
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    files = {f"file{i}": (f"{i}.pdf", b"%PDF") for i in range(3)}
    with pytest.raises(TooManyFilesSent):
        _request(_body({}, files)).POST  # noqa: B018
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    with pytest.raises(RequestDataTooBig):
        _request(_body({"a": "x" * 600, "b": "y" * 600}, {})).POST  # noqa: B018
    # Files do not count towards the fields' memory limit.
    request = _request(_body({"a": "x" * 600}, {"file": ("writ.pdf", os.urandom(5000))}))
    assert request.FILES["file"].size == 5000


@pytest.mark.django_db
def test_a_malformed_or_oversized_upload_through_the_portal_is_a_400_and_keeps_nothing(
    client, firm_filer, document_storage, settings
):
    client.force_login(firm_filer)
    url = reverse("filing:file_in_case", args=[firm_filer.case.pk])
    fields = {"submission_key": str(uuid.uuid4()), "documents-TOTAL_FORMS": "1", "documents-INITIAL_FORMS": "0"}
    body, content_type = multipart(fields, {"documents-0-file": ("writ.pdf", os.urandom(50_000))})
    assert client.generic("POST", url, body[:-100], content_type=content_type).status_code == 400
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 2
    assert client.generic("POST", url, body, content_type=content_type).status_code == 400
    assert SubmissionDraft.objects.count() == 0
    assert not [path for path in document_storage.rglob("*") if path.is_file()]


@pytest.mark.django_db
def test_the_csrf_token_is_read_from_the_multipart_body(firm_filer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(firm_filer)
    url = reverse("filing:file_in_case", args=[firm_filer.case.pk])
    client.get(url)
    token = client.cookies["csrftoken"].value
    body, content_type = multipart({"title": "x"}, {"documents-0-file": ("writ.pdf", b"%PDF-1.7")})
    assert client.generic("POST", url, body, content_type=content_type).status_code == 403
    body, content_type = multipart({"csrfmiddlewaretoken": token}, {"documents-0-file": ("writ.pdf", b"%PDF-1.7")})
    assert client.generic("POST", url, body, content_type=content_type).status_code == 400  # the form's errors


def test_a_url_encoded_form_is_still_parsed_by_django(rf):
    request = rf.post("/x/", "title=Writ&n=1", content_type="application/x-www-form-urlencoded")
    assert request.POST["title"] == "Writ"
