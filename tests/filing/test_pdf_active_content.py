"""Active content in an upload: every kind refused with its own code, wherever it sits,
and nothing stored (docs/filing.md, "Active content and links")."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse

from filing.models import Document, DraftDocument, Submission
from filing.pdf_checks import MESSAGES, PdfRejected, Rejection, validate_pdf
from filing.pdf_checks.active_content import link_verdict
from filing.services import DocumentUpload, submission_create
from tests.filing import pdf_corpus
from tests.filing.conftest import document_type, pdf_file, stored_files

#: One file for each kind of active content, and the code it is refused with.
ACTIVE = {
    "xfa_form_with_script": (pdf_corpus.xfa_form_pdf, Rejection.XFA_FORM),
    "open_action_javascript": (pdf_corpus.open_action_javascript_pdf, Rejection.JAVASCRIPT),
    "names_tree_javascript": (pdf_corpus.names_tree_javascript_pdf, Rejection.JAVASCRIPT),
    "page_additional_action_javascript": (pdf_corpus.page_additional_action_javascript_pdf, Rejection.JAVASCRIPT),
    "annotation_action_javascript": (pdf_corpus.annotation_action_javascript_pdf, Rejection.JAVASCRIPT),
    "annotation_additional_action_javascript": (
        pdf_corpus.annotation_additional_action_javascript_pdf,
        Rejection.JAVASCRIPT,
    ),
    "form_field_javascript": (pdf_corpus.form_field_javascript_pdf, Rejection.JAVASCRIPT),
    "javascript_link": (pdf_corpus.javascript_uri_pdf, Rejection.JAVASCRIPT),
    "launch_action": (pdf_corpus.launch_action_pdf, Rejection.LAUNCH_ACTION),
    "hidden_launch_action": (pdf_corpus.hidden_launch_action_pdf, Rejection.LAUNCH_ACTION),
    "gotor_to_unc_path": (pdf_corpus.gotor_unc_pdf, Rejection.LINK_TO_FILE),
    "gotoe": (pdf_corpus.gotoe_pdf, Rejection.LINK_TO_FILE),
    "thread_into_other_file": (pdf_corpus.thread_to_other_file_pdf, Rejection.LINK_TO_FILE),
    "file_link": (lambda: pdf_corpus.uri_link_pdf("file:///C:/Windows/System32/calc.exe"), Rejection.LINK_NOT_WEB),
    "unc_link": (lambda: pdf_corpus.uri_link_pdf("\\\\fileserver\\share\\evidence.docx"), Rejection.LINK_NOT_WEB),
    "smb_link": (lambda: pdf_corpus.uri_link_pdf("smb://fileserver/share"), Rejection.LINK_NOT_WEB),
    "submit_form": (pdf_corpus.submit_form_pdf, Rejection.FORM_SUBMISSION),
    "import_data": (pdf_corpus.import_data_pdf, Rejection.IMPORT_DATA),
    "rich_media_annotation": (pdf_corpus.rich_media_annotation_pdf, Rejection.RICH_MEDIA),
    "rich_media_execute_action": (pdf_corpus.rich_media_execute_pdf, Rejection.RICH_MEDIA),
    "embedded_file": (pdf_corpus.embedded_file_pdf, Rejection.EMBEDDED_FILE),
}


def rejection_of(data: bytes) -> PdfRejected:
    with pytest.raises(PdfRejected) as caught:
        validate_pdf(data)
    return caught.value


@pytest.mark.parametrize("name", ACTIVE)
def test_each_kind_of_active_content_is_refused_with_its_own_code(name):
    make, expected = ACTIVE[name]
    rejected = rejection_of(make())
    assert rejected.rejection is expected
    assert rejected.code == expected.value
    assert "new PDF" in rejected.user_message, "the message says how to fix the file"


@pytest.mark.parametrize("name", ACTIVE)
def test_active_content_filed_through_the_service_stores_nothing(name, firm_filer, document_storage):
    make, expected = ACTIVE[name]
    bad = io.BytesIO(make())
    with pytest.raises(PdfRejected) as rejected:
        submission_create(
            user=firm_filer,
            case=firm_filer.case,
            uploads=[
                DocumentUpload(document_type("DCCJ", "defence"), "Defence", pdf_file()),
                DocumentUpload(document_type("DCCJ", "affirmation"), "Affirmation", bad),
            ],
        )
    assert rejected.value.rejection is expected
    assert rejected.value.upload_index == 1
    assert Submission.objects.count() == 0
    assert Document.objects.count() == 0
    assert stored_files(document_storage) == []


def _post(client, url, content: bytes):
    upload = io.BytesIO(content)
    upload.name = "affirmation.pdf"
    return client.post(
        url,
        {
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "10",
            "submission_key": str(uuid.uuid4()),
            "documents-0-document_type": str(document_type("DCCJ", "affirmation").pk),
            "documents-0-title": "Affirmation",
            "documents-0-file": upload,
        },
    )


@pytest.mark.django_db
@pytest.mark.parametrize("name", ACTIVE)
def test_active_content_posted_on_the_filing_form_is_refused_on_its_row(name, client, firm_filer, document_storage):
    make, expected = ACTIVE[name]
    client.force_login(firm_filer)
    response = _post(client, reverse("filing:file_in_case", args=[firm_filer.case.pk]), make())
    assert response.status_code == 400
    page = response.content.decode()
    assert 'id="id_documents-0-file_error"' in page
    first_sentence = str(MESSAGES[expected]).split(",")[0].split(".")[0]
    assert first_sentence in page
    assert Submission.objects.count() == 0
    assert Document.objects.count() == 0
    assert not DraftDocument.objects.exists()  # nor kept in a draft
    assert stored_files(document_storage) == []


# --- Links -------------------------------------------------------------------------------

ALLOWED_LINKS = [
    "https://www.judiciary.hk/en/court_services_facilities/index.html",
    "http://www.legislation.gov.hk/hk/cap4A",
    "HTTPS://EXAMPLE.COM/UPPER",
    "  https://example.com/padded  ",
    "mailto:registry@example.com",
]
REFUSED_LINKS = {
    "file:///etc/passwd": Rejection.LINK_NOT_WEB,
    "FILE://server/share/a.pdf": Rejection.LINK_NOT_WEB,
    "\\\\server\\share\\a.pdf": Rejection.LINK_NOT_WEB,
    "//server/share/a.pdf": Rejection.LINK_NOT_WEB,
    "evidence/exhibit-1.docx": Rejection.LINK_NOT_WEB,
    "smb://server/share": Rejection.LINK_NOT_WEB,
    "ftp://example.com/a.pdf": Rejection.LINK_NOT_WEB,
    "data:text/html,<script>alert(1)</script>": Rejection.LINK_NOT_WEB,
    "ms-word:ofe|u|https://example.com/a.docx": Rejection.LINK_NOT_WEB,
    "": Rejection.LINK_NOT_WEB,
    "javascript:app.alert(1)": Rejection.JAVASCRIPT,
    " JavaScript:app.alert(1)": Rejection.JAVASCRIPT,
    "java\nscript:app.alert(1)": Rejection.JAVASCRIPT,
    "vbscript:msgbox(1)": Rejection.JAVASCRIPT,
}


@pytest.mark.parametrize("uri", ALLOWED_LINKS)
def test_links_to_web_pages_and_email_addresses_are_allowed(uri):
    assert validate_pdf(pdf_corpus.uri_link_pdf(uri)).pages == 2


@pytest.mark.parametrize("uri", REFUSED_LINKS)
def test_any_other_link_is_refused(uri):
    assert rejection_of(pdf_corpus.uri_link_pdf(uri)).rejection is REFUSED_LINKS[uri]


def test_a_link_whose_target_is_not_text_is_refused():
    import pikepdf

    assert link_verdict(pikepdf.Name.Foo) is Rejection.LINK_NOT_WEB
    assert link_verdict(None) is Rejection.LINK_NOT_WEB


def test_a_go_to_link_inside_the_document_is_allowed():
    data = pdf_corpus._link(
        pdf_corpus.Dictionary(S=pdf_corpus.Name.GoTo, D=pdf_corpus.Array([0, pdf_corpus.Name.Fit]))
    )
    assert validate_pdf(data).pages == 2


def test_a_plain_fillable_form_without_scripts_is_allowed():
    import pikepdf

    def edit(pdf):
        widget = pdf.make_indirect(
            pdf_corpus.Dictionary(
                Type=pdf_corpus.Name.Annot,
                Subtype=pdf_corpus.Name.Widget,
                FT=pdf_corpus.Name.Tx,
                T=pikepdf.String("name"),
                Rect=pdf_corpus.Array([72, 700, 300, 720]),
            )
        )
        pdf.pages[0].Annots = pdf_corpus.Array([widget])
        pdf.Root.AcroForm = pdf_corpus.Dictionary(Fields=pdf_corpus.Array([widget]))

    assert validate_pdf(pdf_corpus._edit(edit)).pages == 2


def test_the_most_serious_finding_is_reported():
    def edit(pdf):
        pdf.Root.OpenAction = pdf_corpus.Dictionary(S=pdf_corpus.Name.JavaScript, JS="1")
        pdf.pages[0].AA = pdf_corpus.Dictionary(
            O=pdf_corpus.Dictionary(S=pdf_corpus.Name.GoToR, F="\\\\host\\share\\a.pdf")
        )

    assert rejection_of(pdf_corpus._edit(edit)).rejection is Rejection.JAVASCRIPT
