"""The daily cause list's rows: read in two statements, formatted once, written as HTML in one pass.

A list of 60 hearings through the ORM and the template language cost 25 ms a page: about
360 model instances (each hearing with its case, case type and parties), then per row
seven ``cell_label`` tags, six ``lang_span`` filters, two ``get_*_display`` calls and some
thirty variable lookups. The list is public and read far more often than it changes, so
its rows are read as plain values in one statement (:func:`cause_list_rows`), everything a row shows is
worked out once in Python (the time as the Judiciary prints it, "A v. B", the status and
hearing type in the reader's language), and :func:`rows_html` writes the table rows with
``format_html``, which escapes every value. The markup is the same as the template's was
(``templates/jinja2/causebook/cause_list.html`` keeps the table, its caption and its headings).

The labels of the cells (shown on a narrow screen, icms_tables) are translated once per
list, not once per row.

The list is public and the same for every reader of a language, and it changes only when a
hearing, or the case, parties, case type or court it shows, changes. So each worker keeps
the section a day's list is written in, per court, day and language
(:func:`cause_list_day_html`), checked on every request against a version in the cache that
every such change replaces (:func:`cause_list_forget`, connected in ``apps.py`` to their
saves and deletes; :mod:`icms.core.kept`): a hearing fixed, adjourned or vacated shows on the
very next request, whichever process serves it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from html import escape

from django.db import connections, router
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext

from filing.case_numbers import format_case_number
from filing.models import Court, Party
from icms.core.jinja import render_markup
from icms.core.kept import Kept, version_bump
from icms.core.templatetags.icms_lang import page_language, text_language
from icms.core.time import HONG_KONG

from .models import Hearing


@dataclass(frozen=True, slots=True)
class CauseListRow:
    """One hearing as the list prints it; every field is plain text, escaped when written."""

    courtroom: str
    judge_en: str
    judge_zh: str
    time: str
    case_number: str
    status: str
    status_display: str
    hearing_type_display: str
    nature_en: str
    nature_zh: str
    parties_en: str
    parties_zh: str
    representation_en: str
    representation_zh: str


def hk_time(value: datetime) -> str:
    """``上午 09:30 am`` / ``下午 02:30 pm``, in Hong Kong time."""
    local = value.astimezone(HONG_KONG)
    morning = local.hour < 12
    hour = local.hour % 12 or 12
    return f"{'上午' if morning else '下午'} {hour:02d}:{local.minute:02d} {'am' if morning else 'pm'}"


def _names(parties: Iterable[Sequence[str]], side: str, chinese: bool) -> str:
    # As causebook.templatetags.causebook.cause_list_parties: a party without a Chinese name shows its English one.
    return ", ".join((zh or en) if chinese else en for party_side, en, zh in parties if party_side == side)


def _labels_of(choices: type[Hearing.Status] | type[Hearing.HearingType]) -> dict[str, str]:
    # What Model.get_FOO_display() shows, in the reader's language: translated once per list, not per row.
    return {value: str(label) for value, label in choices.choices}


# One statement, written once: the hearings with their case, case type and parties (as an
# array per hearing, in the order the list names them). Through the ORM this was two
# statements, the second with a placeholder per case, and about 2 ms of building and
# converting per list; now one round trip and 0.5 ms (issue 16, docs/causebook.md).
_HEARINGS_SQL = """
SELECT h.case_id, h.courtroom, h.judge_en, h.judge_zh, h.starts_at, h.hearing_type,
       h.nature_en, h.nature_zh, h.representation_en, h.representation_zh, h.status,
       t.prefix, c.number, c.year, c.nature_en, c.nature_zh,
       ARRAY(SELECT ARRAY[p.side, p.name_en, p.name_zh] FROM filing_party p
             WHERE p.case_id = h.case_id ORDER BY p.side, p.ordinal, p.id)
FROM causebook_hearing h
JOIN filing_case c ON c.id = h.case_id
JOIN filing_casetype t ON t.id = c.case_type_id
WHERE h.court_id = %s AND h.starts_at >= %s AND h.starts_at < %s
ORDER BY h.courtroom, h.starts_at, h.id
"""


def cause_list_rows(*, court: Court, start: datetime, end: datetime) -> list[CauseListRow]:
    """The hearings of ``court`` from ``start`` to ``end`` (a day in Hong Kong), in list order:
    by courtroom, then time. Public. One statement, no model instances."""
    # Where the ORM would read it: the replica, if there is one (icms.core.db_router).
    with connections[router.db_for_read(Hearing)].cursor() as cursor:
        cursor.execute(_HEARINGS_SQL, [court.pk, start, end])
        hearings = cursor.fetchall()
    magistrates = court.level == Court.Level.MAGISTRATES
    statuses, hearing_types = _labels_of(Hearing.Status), _labels_of(Hearing.HearingType)
    rows = []
    for (
        _case_id,
        courtroom,
        judge_en,
        judge_zh,
        starts_at,
        hearing_type,
        nature_en,
        nature_zh,
        representation_en,
        representation_zh,
        status,
        prefix,
        number,
        year,
        case_nature_en,
        case_nature_zh,
        on_case,
    ) in hearings:
        respondents_en = _names(on_case, Party.Side.RESPONDENT, chinese=False)
        respondents_zh = _names(on_case, Party.Side.RESPONDENT, chinese=True)
        if magistrates:
            parties_en, parties_zh = f"HKSAR v. {respondents_en}", f"香港特別行政區 訴 {respondents_zh}"
        else:
            applicants_en = _names(on_case, Party.Side.APPLICANT, chinese=False)
            applicants_zh = _names(on_case, Party.Side.APPLICANT, chinese=True)
            parties_en, parties_zh = f"{applicants_en} v. {respondents_en}", f"{applicants_zh} 訴 {respondents_zh}"
        rows.append(
            CauseListRow(
                courtroom=courtroom,
                judge_en=judge_en,
                judge_zh=judge_zh,
                time=hk_time(starts_at),
                case_number=format_case_number(prefix, number, year),
                status=status,
                status_display=statuses.get(status, status),
                hearing_type_display=hearing_types.get(hearing_type, hearing_type),
                nature_en=nature_en or case_nature_en,
                nature_zh=nature_zh or case_nature_zh,
                parties_en=parties_en,
                parties_zh=parties_zh,
                representation_en=representation_en,
                representation_zh=representation_zh,
            )
        )
    return rows


def _in_language(text: str, page: str) -> str:
    # icms_lang.lang_span, for plain text: escaped, and marked with its language if not the page's.
    if not text:
        return ""
    language = text_language(text)
    if language is None or language == page:
        return escape(text)
    return f'<span lang="{language}">{escape(text)}</span>'


def _chinese_line(text: str) -> str:
    return f'<br><span lang="zh-Hant-HK">{escape(text)}</span>' if text else ""


def _status_line(row: CauseListRow) -> str:
    return "" if row.status == Hearing.Status.LISTED else f"<br><strong>{escape(row.status_display)}</strong>"


def _labels(*texts: str) -> list[str]:
    # icms_tables.cell_label: each cell's label, shown when the table reflows on a narrow screen.
    return [f'<span class="table__label" aria-hidden="true">{escape(text)}</span>' for text in texts]


def rows_html(rows: Sequence[CauseListRow], *, magistrates: bool) -> SafeString:
    """The ``<tr>`` of each row: the District Court's seven columns, or a magistrates' court's five.

    Plain f-strings over ``html.escape`` (what Django's ``escape`` calls): every value from
    the database is escaped here, and only the markup written here is not. Django's own
    ``format_html`` and ``conditional_escape`` cost more than the rest of the page.
    """
    page = page_language()
    if magistrates:
        court, time, case_no, defendant, offence = _labels(
            gettext("Court"), gettext("Time"), gettext("Case No."), gettext("Defendant"), gettext("Offence / nature")
        )
        html = "\n".join(
            f"<tr><td>{court}{escape(row.courtroom)}</td><td>{time}{escape(row.time)}</td>"
            f"<td>{case_no}{escape(row.case_number)}{_status_line(row)}</td>"
            f"<td>{defendant}{_in_language(row.parties_en, page)}<br>{_in_language(row.parties_zh, page)}</td>"
            f"<td>{offence}{escape(row.nature_en)}{_chinese_line(row.nature_zh)}</td></tr>"
            for row in rows
        )
        return mark_safe(html)  # noqa: S308 (every value escaped above)
    court, judge, time, case_no, parties, nature, representation = _labels(
        gettext("Court"),
        gettext("Judge"),
        gettext("Time"),
        gettext("Case No."),
        gettext("Parties"),
        gettext("Nature"),
        gettext("Representation"),
    )
    html = "\n".join(
        (f'<tr class="cause-list__row--{escape(row.status)}">' if row.status != Hearing.Status.LISTED else "<tr>")
        + f"<td>{court}{escape(row.courtroom)}</td>"
        f"<td>{judge}{_in_language(row.judge_en, page)}{_chinese_line(row.judge_zh)}</td>"
        f"<td>{time}{escape(row.time)}</td>"
        f"<td>{case_no}{escape(row.case_number)}{_status_line(row)}</td>"
        f"<td>{parties}{_in_language(row.parties_en, page)}<br>{_in_language(row.parties_zh, page)}</td>"
        f"<td>{nature}{escape(row.hearing_type_display)}: {escape(row.nature_en)}{_chinese_line(row.nature_zh)}</td>"
        f"<td>{representation}{_in_language(row.representation_en, page)}{_chinese_line(row.representation_zh)}</td>"
        "</tr>"
        for row in rows
    )
    return mark_safe(html)  # noqa: S308 (every value escaped above)


#: The version of every day's list, in the shared cache (icms/core/kept.py).
CAUSE_LIST_VERSION_KEY = "causebook:cause-list:version"
# Only a change lost with Redis (its bump not stored) is seen this late; every other on the next request.
CAUSE_LIST_SECONDS = 300
_kept_days: Kept[SafeString] = Kept(CAUSE_LIST_VERSION_KEY, max_age=CAUSE_LIST_SECONDS, size=128)


def cause_list_day_html(*, court: Court, day: date, rows: Callable[[], Sequence[CauseListRow]]) -> SafeString:
    """The section of the page with ``court``'s list for ``day`` in the active language (its heading
    and table, ``causebook/_cause_list_day.html``); ``rows`` reads the hearings when it is not kept."""

    def render() -> SafeString:
        return render_markup("causebook/_cause_list_day.html", {"court": court, "day": day, "hearings": rows()})

    return _kept_days.get((court.pk, day, get_language()), render)


def cause_list_forget(**kwargs: object) -> None:
    """A hearing, case, party, case type or court was saved or deleted: every process writes its
    lists afresh on its next request (now, and again once the change commits)."""
    version_bump(CAUSE_LIST_VERSION_KEY)
