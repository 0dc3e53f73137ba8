"""Filing a returned submission again, corrected.

On a returned submission's page the filing side presses "Correct and file again":
:func:`~filing.services.drafts.draft_create` with ``refiles`` makes a draft prefilled by
:func:`refile_prefill` (for an opening filing, the answers rebuilt from the returned case's
claim and parties; copies of the documents under new keys, since filed documents are
immutable). The filer replaces what the registry named and submits; the new submission's
``refiles`` points at the returned one.

An opening filing filed again reuses the returned one's case row
(:func:`filing.services.submissions.returned_case_reopen`, in ``submission_create``'s transaction): the
case never had a number and nobody else ever saw it, so it goes back to pending with the
corrected parties instead of leaving a second, empty case behind.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from accounts.models import User
from icms.core.crypto import encrypt
from icms.core.storage import StoredFiles, open_document, stored_identity_to_record

from .. import access
from ..models import Case, DraftDocument, Party, Submission, SubmissionDraft, SummonsDetails
from .submissions import SubmissionRefused

# The new-case form's prefixes (filing/forms_new_case.py): "case-respondents-0-name_en".
_FORM_PREFIX = "case"
_SIDE_PREFIXES = {
    Party.Side.APPLICANT: "applicants",
    Party.Side.RESPONDENT: "respondents",
    Party.Side.THIRD_PARTY: "third_parties",
}
_PARTY_FIELDS = ("name_en", "name_zh", "kind", "address_for_service", "id_kind", "id_number")
_SUMMONS_FIELDS = (
    "offence_en",
    "offence_zh",
    "ordinance",
    "section",
    "offence_date",
    "offence_place",
    "department_reference",
    "officer_reference",
)


def _refused(message: Any) -> SubmissionRefused:
    return SubmissionRefused(message, code="refused")


def refile_check(*, user: User, returned: Submission) -> None:
    """Whether ``user`` may correct ``returned`` and file it again; :class:`SubmissionRefused` if not."""
    if returned.status != Submission.Status.RETURNED:
        raise _refused(_("Only a returned submission can be corrected and filed again."))
    if not access.user_is_on_filing_side(user, returned) or user.is_staff:
        raise _refused(_("Only the side that made a submission can file it again."))


def new_case_answers(case: Case) -> dict[str, list[str]]:
    """The new-case form's answers that describe ``case``: its claim and its parties, in order.

    What :func:`~filing.services.drafts.answers_from_post` would have kept from the form
    (an identity number encrypted, as there).
    """
    answers: dict[str, list[str]] = {
        f"{_FORM_PREFIX}-nature_en": [case.nature_en],
        f"{_FORM_PREFIX}-nature_zh": [case.nature_zh],
    }
    if case.amount_claimed is not None:
        answers[f"{_FORM_PREFIX}-amount_claimed"] = [f"{case.amount_claimed:.2f}"]
    summons = SummonsDetails.objects.filter(case=case).first()
    if summons is not None:  # a summons's offence (filing/forms_summons.py)
        for name in _SUMMONS_FIELDS:
            value = getattr(summons, name)
            answers[f"{_FORM_PREFIX}-{name}"] = [value.isoformat() if name == "offence_date" else str(value)]
    for side, prefix in _SIDE_PREFIXES.items():
        parties = list(case.parties.filter(side=side).order_by("ordinal", "pk"))
        base = f"{_FORM_PREFIX}-{prefix}"
        answers[f"{base}-TOTAL_FORMS"] = [str(len(parties))]
        answers[f"{base}-INITIAL_FORMS"] = ["0"]
        for index, party in enumerate(parties):
            for name in _PARTY_FIELDS:
                value = str(getattr(party, name) or "")
                if name == "id_number" and value:
                    value = encrypt(value)
                answers[f"{base}-{index}-{name}"] = [value]
    return answers


def refile_prefill(*, draft: SubmissionDraft, returned: Submission, files: StoredFiles) -> None:
    """Fill ``draft`` (just made, inside ``files``' transaction) from the returned submission.

    Its documents are copied to new keys: the returned documents stay as filed.
    """
    if returned.opens_case:
        SubmissionDraft.objects.filter(pk=draft.pk).update(answers=new_case_answers(returned.case))
    for document in returned.documents.select_related("document_type").order_by("ordinal", "pk"):
        with open_document(document.storage_key) as source:
            stored = files.save(source, expected_sha256=document.sha256)
        DraftDocument.objects.create(
            draft=draft,
            document_type=document.document_type,
            title=document.title,
            original_filename=document.original_filename,
            storage_key=stored.key,
            sha256=stored.sha256,
            size=stored.size,
            pages=document.pages,
            ordinal=document.ordinal,
            # Recorded now, so that Submit proves the copy unchanged without reading it again.
            storage_identity=stored_identity_to_record(stored.key, storage=files.storage),
        )
    draft.refresh_from_db()
