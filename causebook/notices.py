"""The notice of a hearing as a bilingual PDF: fixed, adjourned or vacated.

The notice is issued to the case like any court document (sealed ISSUED with a DRN and
delivered to every party on record): :mod:`causebook.hearings` renders it here and hands
it to :func:`filing.services.court_document_issue`. Like the court's other PDFs its
labels are fixed bilingual text, English and Chinese side by side, not gettext; the
PDF machinery (fonts, the fetcher that allows nothing, the tagged PDF/A-2a variant) is
:mod:`icms.core.rendering`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from django.utils import timezone

from filing.models import Case, Party
from icms.core.court_dates import courtroom_zh, date_long_en, date_long_zh, time_en, time_zh
from icms.core.rendering import BASE_STYLESHEET, format_date_en, format_date_zh, render_pdf

from .models import Hearing

#: The hearing types in Chinese, for the notice (fixed text, like every label on court PDFs).
HEARING_TYPE_ZH: Final[dict[str, str]] = {
    Hearing.HearingType.MENTION: "提訊",
    Hearing.HearingType.CHECK_LIST_REVIEW: "案件管理／查核清單覆核",  # noqa: RUF001 (a Chinese solidus)
    Hearing.HearingType.PRE_TRIAL_REVIEW: "審訊前覆核",
    Hearing.HearingType.INTERLOCUTORY: "非正審申請",
    Hearing.HearingType.TRIAL: "審訊",
    Hearing.HearingType.ASSESSMENT: "評定損害賠償",
    Hearing.HearingType.JUDGMENT: "頒下判決",
    Hearing.HearingType.PLEA: "答辯",
    Hearing.HearingType.SENTENCE: "判刑",
}
_HEARING_TYPE_EN: Final[dict[str, str]] = {
    Hearing.HearingType.MENTION: "Mention",
    Hearing.HearingType.CHECK_LIST_REVIEW: "Case management / check list review",
    Hearing.HearingType.PRE_TRIAL_REVIEW: "Pre-trial review",
    Hearing.HearingType.INTERLOCUTORY: "Interlocutory application",
    Hearing.HearingType.TRIAL: "Trial",
    Hearing.HearingType.ASSESSMENT: "Assessment of damages",
    Hearing.HearingType.JUDGMENT: "Handing down of judgment",
    Hearing.HearingType.PLEA: "Plea",
    Hearing.HearingType.SENTENCE: "Sentence",
}
_SIDES: Final[tuple[str, ...]] = (Party.Side.APPLICANT, Party.Side.RESPONDENT, Party.Side.THIRD_PARTY)


class NoticeKind(enum.StrEnum):
    """Which notice: of a hearing fixed, of an adjourned hearing's new date, of a hearing vacated."""

    LISTED = "listed"
    ADJOURNED = "adjourned"
    VACATED = "vacated"


NOTICE_TITLES: Final = {
    NoticeKind.LISTED: ("Notice of Hearing", "聆訊通知書"),
    NoticeKind.ADJOURNED: ("Notice of Adjourned Hearing", "押後聆訊通知書"),
    NoticeKind.VACATED: ("Notice of Vacated Hearing", "取消聆訊通知書"),
}


def hearing_type_names(hearing_type: str) -> tuple[str, str]:
    return _HEARING_TYPE_EN.get(hearing_type, hearing_type), HEARING_TYPE_ZH.get(hearing_type, hearing_type)


@dataclass(frozen=True)
class NoticeParty:
    role_en: str
    role_zh: str
    name_en: str
    name_zh: str


def _parties(case: Case) -> list[NoticeParty]:
    parties = sorted(case.parties.all(), key=lambda p: (_SIDES.index(p.side) if p.side in _SIDES else 9, p.ordinal))
    counts = {side: sum(1 for p in parties if p.side == side) for side in _SIDES}
    found = []
    for party in parties:
        role_en, role_zh = case.case_type.role_names(party.side)
        if counts.get(party.side, 0) > 1:
            role_en, role_zh = f"{role_en} ({party.ordinal})", f"{role_zh}（{party.ordinal}）"
        found.append(NoticeParty(role_en, role_zh, party.name_en, party.name_zh))
    return found


def _when(moment: datetime) -> dict[str, str]:
    return {
        "date_en": date_long_en(moment),
        "date_zh": date_long_zh(moment),
        "time_en": time_en(moment),
        "time_zh": time_zh(moment),
    }


def notice_title(kind: NoticeKind, hearing: Hearing) -> str:
    """The court document's title: "Notice of Hearing 聆訊通知書 — 14 Dec 2026 09:30" (one line, both languages)."""
    english, chinese = NOTICE_TITLES[kind]
    return f"{english} {chinese} — {hearing.label_time}"


def notice_context(
    *,
    kind: NoticeKind,
    hearing: Hearing,
    previous: Hearing | None = None,
    reason: str = "",
    issued_at: datetime | None = None,
) -> dict[str, Any]:
    """The values the notice shows, in both languages.

    ``hearing`` is the listing the notice is about (for an adjournment, the new listing;
    ``previous`` is the one it replaces). ``reason`` is the registry's words, as entered.
    """
    case = hearing.case
    court = hearing.court
    type_en, type_zh = hearing_type_names(hearing.hearing_type)
    title_en, title_zh = NOTICE_TITLES[kind]
    issued = issued_at or timezone.now()
    context: dict[str, Any] = {
        "kind": str(kind),
        "title_en": title_en,
        "title_zh": title_zh,
        "case_number": case.case_number,
        "court_en": court.name_en,
        "court_zh": court.name_zh,
        "case_type_en": case.case_type.name_en,
        "case_type_zh": case.case_type.name_zh,
        "parties": _parties(case),
        "courtroom_en": hearing.courtroom,
        "courtroom_zh": courtroom_zh(hearing.courtroom),
        "judge_en": hearing.judge_en,
        "judge_zh": hearing.judge_zh,
        "type_en": type_en,
        "type_zh": type_zh,
        "nature_en": hearing.nature_en or case.nature_en,
        "nature_zh": hearing.nature_zh or case.nature_zh,
        "reason": reason.strip(),
        "issued_en": format_date_en(issued),
        "issued_zh": format_date_zh(issued),
        **_when(hearing.starts_at),
    }
    if previous is not None:
        context["previous"] = {**_when(previous.starts_at), "courtroom_en": previous.courtroom}
        context["previous"]["courtroom_zh"] = courtroom_zh(previous.courtroom)
    return context


def notice_render(*, kind: NoticeKind, hearing: Hearing, previous: Hearing | None = None, reason: str = "") -> bytes:
    """The notice as a tagged, archival PDF (not yet sealed: issuing seals it)."""
    return render_pdf(
        "causebook/pdf/notice_of_hearing.html",
        notice_context(kind=kind, hearing=hearing, previous=previous, reason=reason),
        stylesheets=(BASE_STYLESHEET, "causebook/pdf/court_document.css"),
    )
