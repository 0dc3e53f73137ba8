"""No code path deletes or overwrites a filed document's bytes: not the services, not the admin."""

from __future__ import annotations

import ast
import hashlib
from pathlib import Path

import pytest
from django.contrib.admin.sites import site
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import ProtectedError
from django.test import Client
from django.urls import reverse

from filing.models import Case, CourtDocument, Document, Submission
from filing.services import DocumentUpload, court_document_issue, submission_create
from icms.core.storage import StoredFiles, default_storage, store_document
from tests.factories import StaffFactory, totp_for
from tests.filing.conftest import document_type, pdf_file

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# The only modules that may call a storage backend's delete(): the rollback of files never
# committed to the record (StoredFiles), storage_setup's own probe under healthcheck/, and
# drafts' files, only ever in the drafts' own store (drafts/… keys; docs/storage.md, "Drafts").
MAY_DELETE_FROM_STORAGE = {"icms/core/storage.py", "icms/core/storage_setup.py", "icms/core/drafts_storage.py"}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _every_object(document_storage, documents) -> dict[str, str]:
    keys = [d.storage_key for d in documents] + [d.sealed_storage_key for d in documents if d.sealed_storage_key]
    return {key: _sha256(document_storage / key) for key in keys}


@pytest.fixture
def issued(filed):
    writ, _, _ = filed
    return court_document_issue(
        case=writ.submission.case,
        staff=StaffFactory(group="Registry clerk"),
        kind=CourtDocument.Kind.ORDER,
        title="Order for directions",
        file=pdf_file(),
    )


def test_no_module_but_the_storage_layer_deletes_from_storage():
    """A call ``<something>.delete(<key>)`` on a storage, anywhere in the apps, fails this test."""
    offenders = []
    for folder in ["accounts", "filing", "payments", "causebook", "icms"]:
        for path in (ROOT / folder).rglob("*.py"):
            relative = str(path.relative_to(ROOT))
            if "migrations" in relative or relative in MAY_DELETE_FROM_STORAGE:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "delete"
                    and "storage" in ast.unparse(node.func.value).lower()
                ):
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == []


def test_a_failed_submission_removes_only_its_own_files_never_filed_ones(filed, document_storage, firm_filer):
    documents = list(Document.objects.all())
    before = _every_object(document_storage, documents)

    class Refused(Exception):
        pass

    with pytest.raises(Refused), StoredFiles() as files:
        files.save(pdf_file())
        raise Refused

    assert _every_object(document_storage, documents) == before


def test_storing_under_a_filed_key_makes_a_new_name_and_leaves_the_filed_bytes(filed, document_storage):
    writ, _, _ = filed
    path = document_storage / writ.storage_key
    before = path.read_bytes()
    name = default_storage().save(writ.storage_key, ContentFile(b"%PDF-1.7 not the writ"))
    assert name != writ.storage_key
    assert path.read_bytes() == before
    assert store_document(b"%PDF-1.7 another").key not in {writ.storage_key, writ.sealed_storage_key}


def test_records_of_filed_documents_cannot_be_deleted_and_their_bytes_stay(filed, issued, document_storage):
    writ, damages, defence = filed
    documents = [writ, damages, defence]
    before = _every_object(document_storage, documents)
    for document in [writ, issued]:
        with pytest.raises(ValueError, match="never deleted"), transaction.atomic():
            document.delete()
    # A submission or a case cannot be deleted while it has documents (PROTECT), so no
    # cascade can take them; and no signal deletes a stored file when a row goes.
    with pytest.raises(ProtectedError), transaction.atomic():
        writ.submission.delete()
    with pytest.raises(ProtectedError), transaction.atomic():
        Case.objects.filter(pk=writ.submission.case_id).delete()
    assert Document.objects.filter(pk__in=[d.pk for d in documents]).count() == 3
    assert CourtDocument.objects.filter(pk=issued.pk).exists()
    assert _every_object(document_storage, documents) == before
    assert (document_storage / issued.sealed_storage_key).exists()


@pytest.mark.parametrize("model", [Case, Submission, CourtDocument])
def test_the_admin_offers_no_delete_even_to_a_superuser(model, filed, issued):
    writ, _, _ = filed
    target = {Case: writ.submission.case, Submission: writ.submission, CourtDocument: issued}[model]
    superuser = StaffFactory(is_superuser=True)
    totp_for(superuser)
    client = Client()
    client.force_login(superuser)
    opts = model._meta
    url = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[target.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    # Nor in bulk: the changelist has no "Delete selected" action.
    changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": [target.pk], "post": "yes"})
    assert response.status_code in (200, 302)
    assert model.objects.filter(pk=target.pk).exists()
    request = client.get(changelist).wsgi_request
    assert "delete_selected" not in site._registry[model].get_actions(request)


def test_the_submission_page_has_no_delete_box_for_its_documents(filed):
    writ, _, _ = filed
    superuser = StaffFactory(is_superuser=True)
    totp_for(superuser)
    client = Client()
    client.force_login(superuser)
    page = client.get(reverse("admin:filing_submission_change", args=[writ.submission_id])).content.decode()
    assert "documents-0-DELETE" not in page


def test_a_new_submission_never_touches_the_bytes_of_earlier_ones(filed, document_storage, firm_filer):
    documents = list(Document.objects.all())
    before = _every_object(document_storage, documents)
    submission_create(
        user=firm_filer,
        case=firm_filer.case,
        uploads=[DocumentUpload(document_type("DCCJ", "defence"), "Amended defence", pdf_file(2))],
    )
    assert _every_object(document_storage, documents) == before
