"""Storage failure: storage fails in the middle of an upload. Nothing is half-stored, and
the user sees a clear error.

Documents go to a real S3 API server (moto's, in its own process) through a TCP
forwarder, the network between the portal and S3; the drafts' files to a bucket of their
own on the same server, as in production (docs/storage.md, "Drafts"). A filer sends a new
case with two PDFs, which the form keeps in a draft; once the first is in the drafts'
bucket the forwarder is killed, so the second upload meets
a dead endpoint (connections refused, after boto's own retries). The outage then ends and
the submission's transaction rolls back: the first object is deleted again, no row is
left (no submission, document, case or outbox work), and the filer gets the form back
with an error in their language, English or Chinese. With storage working, the same form
(its one-time key unused) files the same documents.
"""

from __future__ import annotations

import hashlib
import re
import time

import boto3
import pytest
from botocore.exceptions import EndpointConnectionError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from filing.models import Case, Document, Submission
from icms.core import storage as storage_module
from icms.core.models import AuditEvent, OutboxItem
from icms.core.storage import StorageUnavailable
from tests.faults.processes import free_port, log_file, start_forwarder, start_s3_server, stop
from tests.filing.conftest import document_type, pdf_file
from tests.filing.drafting import continue_to_review, submit_from_review
from tests.filing.new_case_post import new_case_data
from tests.storage.conftest import s3_default_storage

pytestmark = [pytest.mark.faults, pytest.mark.django_db(transaction=True)]

BUCKET = "icms-faults-documents"
DRAFTS_BUCKET = "icms-faults-drafts"
KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"')
# The message of filing.views_drafts.draft_form_page, as the catalogue has it.
STORAGE_FAILED = (
    "Your documents could not be stored just now, so nothing was filed. Choose the files again "
    "and submit the form in a few minutes. If this keeps happening, contact the registry."
)


class S3:
    """moto's S3 server, reached by the portal only through a forwarder that can be cut."""

    def __init__(self) -> None:
        self.server_port, self.port = free_port(), free_port()
        self.server_log, self.forwarder_log = log_file("s3"), log_file("s3-forwarder")
        self.server = start_s3_server(self.server_port, log=self.server_log)
        self.forwarder = start_forwarder(self.port, self.server_port, log=self.forwarder_log)
        # The test itself talks to the server directly, whatever happens to the forwarder.
        self.client = boto3.client(
            "s3",
            endpoint_url=f"http://127.0.0.1:{self.server_port}",
            region_name="us-east-1",
            aws_access_key_id="testing",
            aws_secret_access_key="testing",
        )
        self.client.create_bucket(Bucket=BUCKET)
        self.client.create_bucket(Bucket=DRAFTS_BUCKET)

    def objects(self, bucket: str = BUCKET) -> list[str]:
        listing = self.client.list_objects_v2(Bucket=bucket)
        return sorted(item["Key"] for item in listing.get("Contents", []))

    def all_objects(self) -> list[str]:
        """The keys in the documents' bucket and in the drafts' bucket."""
        return sorted(self.objects() + self.objects(DRAFTS_BUCKET))

    def sha256(self, key: str) -> str:
        return hashlib.sha256(self.client.get_object(Bucket=BUCKET, Key=key)["Body"].read()).hexdigest()

    def cut(self) -> None:
        stop(self.forwarder, kill=True)

    def restore(self) -> None:
        self.forwarder = start_forwarder(self.port, self.server_port, log=self.forwarder_log)

    def close(self) -> None:
        stop(self.forwarder, kill=True)
        stop(self.server)


@pytest.fixture
def s3(settings):
    """STORAGES["default"] and ["drafts"] on S3 (django-storages) as in production (icms/settings/_storage.py)."""
    server = S3()
    try:
        endpoint = f"http://127.0.0.1:{server.port}"
        settings.STORAGES = {
            **settings.STORAGES,
            "default": s3_default_storage(bucket=BUCKET, endpoint=endpoint),
            "drafts": s3_default_storage(bucket=DRAFTS_BUCKET, endpoint=endpoint),
        }
        yield server
    finally:
        server.close()


class OutageAfterTheFirstFile:
    """Wraps store_document: once one file of the submission is in the drafts' bucket, the endpoint
    dies; the next upload fails against it for real; then the outage ends."""

    def __init__(self, s3: S3, store) -> None:
        self.s3, self.store = s3, store
        self.armed = False

    def arm(self) -> None:
        self.armed, self.calls, self.first_key, self.failure = True, 0, None, None
        self.first_in_bucket = False
        self.failed_after = 0.0

    def __call__(self, content, **kwargs):
        if not self.armed:
            return self.store(content, **kwargs)
        self.calls += 1
        if self.calls == 1:
            stored = self.store(content, **kwargs)
            self.first_key = stored.key
            self.first_in_bucket = stored.key in self.s3.objects(DRAFTS_BUCKET)
            self.s3.cut()
            return stored
        began = time.monotonic()
        try:
            return self.store(content, **kwargs)
        except Exception as error:
            self.failure = error
            raise
        finally:
            self.failed_after = time.monotonic() - began
            self.armed = False
            self.s3.restore()


def _new_case_form(key: str) -> dict[str, object]:
    return {
        "submission_key": key,
        **new_case_data(),
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type("DCCJ", "writ").pk),
        "documents-0-title": "Writ of summons",
        "documents-0-file": pdf_file(2, name="writ.pdf"),
        "documents-1-document_type": str(document_type("DCCJ", "statement_of_claim").pk),
        "documents-1-title": "Statement of claim",
        "documents-1-file": pdf_file(3, name="statement-of-claim.pdf"),
    }


def _nothing_recorded() -> dict[str, int]:
    return {
        "submissions": Submission.objects.count(),
        "documents": Document.objects.count(),
        "cases": Case.objects.count(),
        "outbox": OutboxItem.objects.count(),
        "audit": AuditEvent.objects.filter(event_type="filing.submission_received").count(),
    }


def test_storage_dying_between_two_uploads_keeps_nothing_and_tells_the_filer(
    s3, party_in_person, outbox_held, monkeypatch
):
    outage = OutageAfterTheFirstFile(s3, storage_module.store_document)
    monkeypatch.setattr(storage_module, "store_document", outage)
    client = Client()
    client.force_login(party_in_person)
    url = reverse("filing:start_case", args=["DCCJ"])
    seen: list[str] = []

    for language in ("en", "zh-hant"):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        key = KEY_INPUT.search(page).group(1)  # type: ignore[union-attr]
        outage.arm()
        response = client.post(url, _new_case_form(key), HTTP_ACCEPT_LANGUAGE=language)
        text = response.content.decode()
        with translation.override(language):
            expected = gettext(STORAGE_FAILED)

        assert outage.calls == 2 and outage.first_in_bucket, "the first file was in the bucket before the outage"
        assert isinstance(outage.failure, StorageUnavailable)
        assert isinstance(outage.failure.__cause__, EndpointConnectionError), repr(outage.failure.__cause__)
        assert response.status_code == 400, text[:2000]
        assert ('lang="zh-Hant-HK"' if language == "zh-hant" else 'lang="en-HK"') in text
        if language != "en":
            assert expected != STORAGE_FAILED, "the message is not translated into Chinese"
        assert expected in text
        assert KEY_INPUT.search(text).group(1) == key  # type: ignore[union-attr]  # nothing was filed with it
        assert _nothing_recorded() == dict.fromkeys(("submissions", "documents", "cases", "outbox", "audit"), 0)
        assert s3.all_objects() == [], "the first file, stored before the failure, is deleted again"
        seen.append(
            f"{language}: {response.status_code} after {outage.failed_after:.1f} s of failing uploads, "
            f"first object {'deleted' if s3.all_objects() == [] else 'LEFT'}"
        )

    # The outage is over: the same form, with the same unused key, files the same documents
    # (through the review page: the form keeps them in a draft first).
    response = submit_from_review(client, continue_to_review(client, url, _new_case_form(key)))
    submission = Submission.objects.get()
    documents = list(submission.documents.order_by("ordinal"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("filing:submission", args=[submission.reference]))
    assert [d.title for d in documents] == ["Writ of summons", "Statement of claim"]
    assert s3.objects() == sorted(d.storage_key for d in documents)
    assert all(s3.sha256(d.storage_key) == d.sha256 for d in documents)
    assert outbox_held.targets("filing.acknowledge") == [submission.pk]
    # The draft's two files are owed for deletion after the commit that filed them (held here).
    owed = OutboxItem.objects.get(kind="filing.draft_files_delete").payload["keys"]
    assert sorted(owed) == s3.objects(DRAFTS_BUCKET) and len(owed) == 2
    print(
        f"FIGURE storage failure: S3 endpoint killed after the 1st of 2 uploads; "
        f"{'; '.join(seen)}; 0 submissions, 0 documents, 0 outbox rows, 0 objects after each failure; "
        f"after recovery the same form filed {submission.reference} with {len(documents)} documents, "
        f"{len(s3.objects())} objects in the bucket, hashes match"
    )
