"""Downloads from S3: streamed through the portal (the default) or a presigned redirect
(DOCUMENT_DOWNLOADS=redirect), after the same access check either way."""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from email.message import Message
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from filing.services import DocumentUpload, submission_create
from icms.core.storage import DOWNLOAD_HEADERS
from tests.filing.conftest import document_type, pdf_file
from tests.storage.conftest import s3_default_storage

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(firm_filer, s3_storage):
    submission = submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file(2, name="defence.pdf"))],
    )
    return submission.documents.get()


def _url(document) -> str:
    return reverse("filing:document", args=[document.pk, "original"])


def _fetch(url: str) -> tuple[int, Message, bytes]:
    """A plain HTTP GET, as the user's browser follows the redirect (no credentials of ours)."""
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:  # noqa: S310 - the test's own loopback S3
            return answer.status, answer.headers, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def test_by_default_the_portal_streams_the_bytes_from_s3_with_its_own_headers(client, firm_filer, document):
    client.force_login(firm_filer)
    response = client.get(_url(document))
    assert response.status_code == 200
    assert response.streaming
    body = b"".join(response.streaming_content)
    assert hashlib.sha256(body).hexdigest() == document.sha256
    assert response["Content-Length"] == str(len(body))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="defence.pdf"'
    for header, value in DOWNLOAD_HEADERS.items():
        assert response[header] == value


def test_with_redirects_the_portal_sends_a_presigned_url_that_expires_and_forces_a_download(
    client, firm_filer, document, settings
):
    settings.DOCUMENT_DOWNLOADS = "redirect"
    client.force_login(firm_filer)
    response = client.get(_url(document))

    assert response.status_code == 302
    location = response["Location"]
    query = parse_qs(urlsplit(location).query)
    assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
    assert query["X-Amz-Expires"] == ["60"]  # AWS_QUERYSTRING_EXPIRE
    assert query["response-content-disposition"] == ['attachment; filename="defence.pdf"']
    assert query["response-content-type"] == ["application/pdf"]
    # The redirect itself is never cached: the URL in it is a credential for a minute.
    assert response["Cache-Control"] == DOWNLOAD_HEADERS["Cache-Control"]

    status, headers, body = _fetch(location)
    assert status == 200
    assert headers["Content-Disposition"] == 'attachment; filename="defence.pdf"'
    assert headers["Content-Type"] == "application/pdf"
    assert hashlib.sha256(body).hexdigest() == document.sha256
    # Without the signature the object is refused: the bucket is private.
    unsigned, _, _ = _fetch(location.split("?")[0])
    assert unsigned == 403


def test_the_presigned_url_lives_as_long_as_aws_querystring_expire_says(
    client, firm_filer, document, settings, s3_storage
):
    settings.DOCUMENT_DOWNLOADS = "redirect"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_default_storage(bucket=s3_storage.name, endpoint=s3_storage.server.endpoint, expire=15),
    }
    client.force_login(firm_filer)
    location = client.get(_url(document))["Location"]
    assert parse_qs(urlsplit(location).query)["X-Amz-Expires"] == ["15"]


@pytest.mark.parametrize("downloads", ["stream", "redirect"])
def test_the_access_check_is_the_same_either_way(client, firm_filer, outsider, document, settings, downloads):
    settings.DOCUMENT_DOWNLOADS = downloads
    url = _url(document)
    anonymous = client.get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    client.force_login(firm_filer)
    assert client.get(url).status_code == (200 if downloads == "stream" else 302)
