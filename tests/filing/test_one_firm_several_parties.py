"""One firm acts for several parties (issue 14): the firm that starts a case is on record for every
party on its side that the originating document names, and may file for one of them or for all."""

from __future__ import annotations

import io
import uuid

import pytest
from django.urls import reverse

from filing.models import CaseType, Party, Representation, Submission, SubmissionDraft
from filing.services import DocumentUpload, NewCase, NewParty, submission_create
from tests.factories import PartyFactory
from tests.filing.conftest import document_type, pdf_file
from tests.filing.pdf_corpus import good_pdf

pytestmark = pytest.mark.django_db
ADDRESS = "10/F, Chan & Co, 1 Queen's Road Central, Hong Kong"


def _new_case(*, applicants: list[str]) -> NewCase:
    return NewCase(
        case_type=CaseType.objects.get(prefix="DCPI"),
        applicants=[NewParty(name, address_for_service=ADDRESS) for name in applicants],
        respondents=[NewParty("HAPPY VALLEY BUSES LIMITED", kind="company"), NewParty("LEE Ka Ho")],
        third_parties=[NewParty("OCEAN PEARL INSURANCE LIMITED", kind="company")],
        nature_en="Personal injuries",
    )


def _start(user, *, applicants: list[str]) -> Submission:
    return submission_create(
        user=user,
        new_case=_new_case(applicants=applicants),
        uploads=[DocumentUpload(document_type("DCPI", "writ"), "Writ of summons", pdf_file())],
    )


def test_the_firm_that_starts_the_case_is_on_record_for_every_plaintiff(firm_filer, document_storage, outbox_held):
    organisation = firm_filer.memberships.get().organisation
    case = _start(firm_filer, applicants=["LAM Ka Yan", "LAM Siu Ming"]).case
    on_record = {party.name_en: party.representative for party in case.parties.all()}
    assert on_record == {
        "LAM Ka Yan": organisation,
        "LAM Siu Ming": organisation,
        "HAPPY VALLEY BUSES LIMITED": None,
        "LEE Ka Ho": None,
        "OCEAN PEARL INSURANCE LIMITED": None,
    }
    history = Representation.objects.filter(party__case=case, ended_at__isnull=True)
    assert sorted(row.party.name_en for row in history) == ["LAM Ka Yan", "LAM Siu Ming"]
    assert all(row.organisation == organisation and row.started_by == firm_filer for row in history)


def test_a_party_in_person_acts_only_for_themself(party_in_person, document_storage, outbox_held):
    case = _start(party_in_person, applicants=["LAM Ka Yan", "LAM Siu Ming"]).case
    assert list(case.parties.filter(user=party_in_person).values_list("name_en", flat=True)) == ["LAM Ka Yan"]
    assert not case.parties.filter(representative__isnull=False).exists()


def _post_reply(client, case, **extra):
    upload = io.BytesIO(good_pdf(2))
    upload.name = "Reply.pdf"
    data = {
        "submission_key": str(uuid.uuid4()),
        "step": "save",
        "filer_reference": "",
        "documents-TOTAL_FORMS": "1",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-0-document_type": str(document_type("DCCJ", "reply").pk),
        "documents-0-title": "Reply",
        "documents-0-file": upload,
        **extra,
    }
    return client.post(reverse("filing:file_in_case", args=[case.pk]), data)


def test_a_firm_acting_for_two_parties_files_for_both_or_for_one(client, firm_filer, document_storage):
    case = firm_filer.case
    firm = firm_filer.memberships.get().organisation
    second = PartyFactory(case=case, side=Party.Side.APPLICANT, representative=firm)
    client.force_login(firm_filer)
    form = client.get(reverse("filing:file_in_case", args=[case.pk])).content.decode()
    assert "All the parties you act for" in form

    assert _post_reply(client, case).status_code == 302  # for both: nothing to choose
    assert SubmissionDraft.objects.get(owner=firm_filer).for_party is None
    assert _post_reply(client, case, for_party=str(second.pk)).status_code == 302
    assert SubmissionDraft.objects.filter(owner=firm_filer, for_party=second).exists()
