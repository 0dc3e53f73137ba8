"""Demo submissions in every state, court documents in message boxes, a returned filing.

Loaded after the demo cases and accounts; loading twice changes nothing (the
demo documents are recognised by their titles).
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from io import BytesIO

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from filing.models import AcknowledgementVersion, Case, DocumentType, ReturnReason, Submission
from filing.services import (
    DocumentUpload,
    NewCase,
    NewParty,
    court_document_issue,
    filing_accept,
    filing_return,
    submission_acknowledge,
    submission_create,
    submission_documents_seal,
)
from icms.calendar import deemed_receipt, is_open
from icms.calendar.stamping import deemed_receipt_stamp
from icms.core.rendering import render_pdf
from icms.core.time import HONG_KONG

DEMO_MARK = "(demo)"


def _pdf(title: str, case_number: str = "") -> BytesIO:
    data = render_pdf(
        "filing/pdf/demo_document.html",
        {
            "title": title,
            "case_number": case_number,
            "body_en": "The contents of this document are fictitious and for demonstration only.",
            "body_zh": "本文件內容純屬虛構，僅供示範。",
        },
    )
    buffer = BytesIO(data)
    buffer.name = "demo.pdf"
    return buffer


def _upload(case: Case, code: str, title: str) -> DocumentUpload:
    document_type = DocumentType.objects.get(case_type=case.case_type, code=code)
    return DocumentUpload(document_type, f"{title} {DEMO_MARK}", _pdf(title, case.case_number), filename="demo.pdf")


def submission_received_at(submission: Submission, moment: datetime) -> Submission:
    """Demo data and tests only: make ``submission`` one received at ``moment``.

    A real submission's received time comes once from the database clock and never
    changes. Demo filings that the registry has already decided must have been received
    in law before now, and tests of legal time need a received time they choose (the
    database's clock is not moved by time-machine or libfaketime); both use this, before
    the acknowledgement is sent. The deemed receipt is stamped afresh and version 1 of
    the acknowledgement restated to match.
    """
    if submission.acknowledgement_versions.exclude(storage_key="").exists():
        raise RuntimeError("Its acknowledgement has been sent: its received time can no longer be set.")
    Submission.objects.filter(pk=submission.pk).update(
        received_at=moment, deemed_received_at=None, deemed_rule="", deemed_stamped_at=None
    )
    deemed_receipt_stamp(model=Submission, pk=submission.pk)
    submission.refresh_from_db()
    explanation = deemed_receipt(moment)
    AcknowledgementVersion.objects.filter(submission=submission, version=1).update(
        deemed_received_at=submission.deemed_received_at,
        deemed_rule=submission.deemed_rule,
        explanation_en=explanation.explanation_en,
        explanation_zh=explanation.explanation_zh,
    )
    return submission


def _last_working_morning() -> datetime:
    """10:00 on the latest working day at least a day ago, when the registry was open."""
    day = timezone.localtime(timezone.now(), HONG_KONG).date() - timedelta(days=1)
    while not is_open(moment := datetime.combine(day, time(10, 0), tzinfo=HONG_KONG)):
        day -= timedelta(days=1)
    return moment


def _finish(submission: Submission, *, received_earlier: bool = False) -> Submission:
    # The worker would do these after commit; the demo does them at once. A filing the
    # demo decides was received on an earlier working day: the registry decides a filing
    # only once it is received in law.
    if received_earlier:
        submission_received_at(submission, _last_working_morning())
    submission.refresh_from_db()
    submission_acknowledge(submission_id=submission.pk)
    return submission


def load(people: dict[str, object], cases: list[Case]) -> int:
    if Submission.objects.filter(documents__title__endswith=DEMO_MARK).exists():
        return 0
    firm_user = people["firm_user_central"]
    individual = people["individual"]
    clerk = people["clerk"]
    assert isinstance(firm_user, User) and isinstance(individual, User) and isinstance(clerk, User)  # noqa: S101
    dccj = next(c for c in cases if c.case_type.prefix == "DCCJ")
    count = 0

    # Accepted, with sealed copies: the firm's reply, and the party in person's affirmation.
    reply = _finish(
        submission_create(user=firm_user, case=dccj, uploads=[_upload(dccj, "reply", "Reply")]), received_earlier=True
    )
    with transaction.atomic():
        filing_accept(submission=reply, clerk=clerk, accepted_without_opening=True)
    submission_documents_seal(submission_id=reply.pk)
    count += 1

    # Under review (just received): a summons in the same case.
    _finish(submission_create(user=firm_user, case=dccj, uploads=[_upload(dccj, "summons", "Summons for directions")]))
    count += 1

    # Returned with a reason: an affirmation filed unsigned.
    returned = _finish(
        submission_create(user=individual, case=dccj, uploads=[_upload(dccj, "affirmation", "Affirmation")]),
        received_earlier=True,
    )
    filing_return(
        submission=returned,
        clerk=clerk,
        reason=ReturnReason.objects.get(code="unsigned"),
        note="Please sign and date page 3, then file it again. 請在第3頁簽署及註明日期後再次存檔。",
    )
    count += 1

    # A new personal injuries case started by the party in person, awaiting acceptance.
    dcpi_type = DocumentType.objects.get(case_type__prefix="DCPI", code="writ").case_type
    new_case = submission_create(
        user=individual,
        new_case=NewCase(
            case_type=dcpi_type,
            applicants=[NewParty("CHAN Tai Man", "陳大文")],
            respondents=[NewParty("GREEN MINIBUS COMPANY LIMITED", "綠色小巴有限公司", kind="company")],
            nature_en="Personal injuries: fall on a minibus",
            nature_zh="人身傷亡：在小巴上跌倒",
        ),
        uploads=[
            DocumentUpload(
                DocumentType.objects.get(case_type=dcpi_type, code="writ"),
                f"Writ of summons {DEMO_MARK}",
                _pdf("Writ of Summons 傳訊令狀"),
                filename="writ.pdf",
            )
        ],
    )
    _finish(new_case)
    count += 1

    # A court document issued in the case, delivered to the parties' message boxes.
    from filing.services import court_document_deliver

    notice = court_document_issue(
        case=dccj,
        staff=clerk,
        kind="notice_of_hearing",
        title=f"Case management conference {DEMO_MARK}",
        file=_pdf("Notice of Hearing 聆訊通知書", dccj.case_number),
    )
    court_document_deliver(court_document_id=notice.pk)
    return count
