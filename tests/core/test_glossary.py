"""The Chinese reads like the Judiciary's: the glossary's terms are used, the wrong ones are not.

See docs/glossary.md. The checks read the compiled catalogue (what users are shown), the
templates (emails and PDFs included, whose Chinese is partly written in them) and the
reference data of case types, document types, courts and roles.
"""

from __future__ import annotations

import re
from pathlib import Path

import polib
import pytest
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
MO = ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "django.mo"
TEMPLATES = ROOT / "templates"
CODE_DIRS = ["icms", "accounts", "filing", "payments", "causebook"]

# Words that never belong in the portal's Chinese, with the word to use instead.
WRONG_TERMS = {
    "您": "你",
    "貴機構": "你的機構",
    "人身傷害": "人身傷亡",
    "當作收件": "視為收到",
    "當作收款": "視為收到",
    "訊息匣": "訊息箱",
    "閘道": "網關",
    "存款戶口": "按金帳戶",
}

# Latin words a Chinese text may keep: names of systems and standards, abbreviations,
# case number prefixes and citations, technical tokens users type or see as such.
ALLOWED_LATIN = {
    "iCMS", "DRN", "HKID", "PDF", "SHA", "API", "JSON", "OpenAPI", "CSV", "IP", "CSRF", "cookie",
    "iCalendar", "JavaScript", "XFA", "Flash", "dpi", "http", "https", "mailto", "Authorization", "Bearer",
    "Cap", "DCCJ", "DCPI", "DCTC", "DCEC", "ESS", "KCS", "KTS", "WKS", "STS", "FLS", "TMS", "HK",
    # The example names of the cause book search's hint ("for example CHAN Tai Man, 陳大文").
    "CHAN", "Tai", "Man",
    # Standards and the tools named in the accessibility statement.
    "WCAG", "AA", "NVDA", "JAWS", "VoiceOver", "axe", "core", "Django",
    # The calendar programs the hearing-feed instructions name, and the submission reference's prefix.
    "Outlook", "Google", "Apple", "ES",
    # File formats and the units and date patterns a bulk manifest's instructions name.
    "ZIP", "Excel", "XLSX", "UTF", "MB", "DD", "MM", "YYYY",
    # Values typed into a bulk manifest or an API request, quoted as they must be typed.
    "person", "company", "hkid", "passport", "br", "other", "applicant", "respondent",
    # HTTP and API terms a developer types as they are.
    "POST", "UUID", "ASCII", "NUL", "Idempotency", "Key",
    # The English half of the bilingual stamp on a certified true copy.
    "CERTIFIED", "TRUE", "COPY",
}  # fmt: skip
# Not words: placeholders, markup, entities, email and web addresses, snake_case names.
_PLACEHOLDER = re.compile(
    r"%\(\w+\)[sd]|%[sd%]|\{\w*\}|<[^>]*>|&\w+;|[\w.+-]+@[\w.-]+|https?://\S+"
    # Field and column names as a program reads them: case_type, pdf_filename.
    r"|(?<![A-Za-z])[A-Za-z]+(?:_[A-Za-z]+)+"
)
# A Latin word of two letters or more, not part of a token such as A123456(3), 638E, 3D or ".pdf".
_LATIN_WORD = re.compile(r"(?<![0-9A-Za-z.])[A-Za-z]{2,}(?![0-9A-Za-z])")


def _compiled() -> dict[tuple[str | None, str], str]:
    """The compiled catalogue: (msgctxt, msgid) -> the Chinese (plural entries: the one form)."""
    out = {}
    for entry in polib.mofile(str(MO)):
        if entry.msgid:
            out[(entry.msgctxt, entry.msgid)] = entry.msgstr or entry.msgstr_plural.get(0, "")
    return out


def _glossary_rows() -> list[tuple[str, str, str]]:
    """(English, Chinese, source) for every row of the glossary's term tables."""
    rows = []
    section = ""
    for line in GLOSSARY.read_text().splitlines():
        if line.startswith("## "):
            section = line[3:]
            continue
        if section == "Wrong terms" or not line.startswith("| ") or line.startswith("| English") or "---" in line:
            continue
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) == 3:
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def _reference_data() -> dict[str, set[str]]:
    """English name -> the Chinese names the reference data gives it."""
    from filing.models import CaseType, Court, DocumentType

    names: dict[str, set[str]] = {}
    for model in (Court, CaseType, DocumentType):
        for english, chinese in model.objects.values_list("name_en", "name_zh"):
            names.setdefault(english, set()).add(chinese)
    for case_type in CaseType.objects.all():
        names.setdefault(case_type.applicant_role_en, set()).add(case_type.applicant_role_zh)
        names.setdefault(case_type.respondent_role_en, set()).add(case_type.respondent_role_zh)
    return names


def test_the_glossary_has_a_source_for_every_term():
    rows = _glossary_rows()
    assert len(rows) > 80
    assert [english for english, _, source in rows if not source] == []


@pytest.mark.django_db
def test_the_catalogue_and_the_reference_data_use_the_glossary_terms():
    catalogue = _compiled()
    reference = _reference_data()
    checked = 0
    wrong = []
    for english, chinese, _source in _glossary_rows():
        if (None, english) in catalogue:
            checked += 1
            if catalogue[(None, english)] != chinese:
                wrong.append(f"catalogue: {english!r} is {catalogue[(None, english)]!r}, glossary says {chinese!r}")
        if english in reference:
            checked += 1
            if reference[english] != {chinese}:
                wrong.append(f"reference data: {english!r} is {sorted(reference[english])}, glossary says {chinese!r}")
    assert wrong == []
    assert checked > 70, "the glossary no longer matches the catalogue's msgids: check its English column"


def test_no_translation_uses_a_wrong_term():
    found = [
        (msgid, msgstr, bad) for (_, msgid), msgstr in _compiled().items() for bad in WRONG_TERMS if bad in msgstr
    ]
    assert found == []


def test_the_acknowledgement_is_never_called_a_receipt_and_the_receipt_never_an_acknowledgement():
    wrong = []
    for (_, msgid), msgstr in _compiled().items():
        lower = msgid.lower()
        if "acknowledgement" in lower and "receipt" not in lower and "收據" in msgstr:
            wrong.append((msgid, msgstr))
        payment_receipt = re.search(r"\breceipts?\b", lower) and not re.search(
            r"deemed receipt|time of receipt|acknowledgement", lower
        )
        if payment_receipt and "確認書" in msgstr:
            wrong.append((msgid, msgstr))
    assert wrong == []


def test_each_status_has_its_own_term():
    catalogue = _compiled()
    assert catalogue[(None, "Applied")] not in {"已處理", catalogue[(None, "Approved")]}
    assert catalogue[(None, "Received")] == "已收到"
    assert catalogue[(None, "Received")] != catalogue[(None, "Received at")]
    statuses = ["Received", "Under review", "Accepted", "Returned", "Applied", "Approved", "Rejected", "Suspended"]
    assert len({catalogue[(None, status)] for status in statuses}) == len(statuses)


def test_no_translation_leaves_english_words_in_the_chinese():
    leftovers = []
    for (_, msgid), msgstr in _compiled().items():
        words = set(_LATIN_WORD.findall(_PLACEHOLDER.sub(" ", msgstr))) - ALLOWED_LATIN
        if words:
            leftovers.append((msgid, msgstr, sorted(words)))
    assert leftovers == []


def _sources() -> list[Path]:
    files = [p for p in TEMPLATES.rglob("*") if p.suffix in {".html", ".txt"}]
    for name in CODE_DIRS:
        files += [p for p in (ROOT / name).rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    return files


def test_no_template_or_code_writes_a_wrong_term():
    found = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        found += [(str(path.relative_to(ROOT)), bad) for bad in WRONG_TERMS if bad in text]
    assert found == []


@pytest.mark.django_db
def test_the_reference_data_uses_no_wrong_term():
    from filing.models import CaseType, DocumentType, ReturnReason

    texts = [
        *CaseType.objects.values_list("name_zh", flat=True),
        *DocumentType.objects.values_list("name_zh", flat=True),
        *ReturnReason.objects.values_list("name_zh", flat=True),
    ]
    assert [(text, bad) for text in texts for bad in WRONG_TERMS if bad in text] == []


def test_allauth_strings_read_in_the_portals_register():
    """allauth's own catalogue says 您 and "Authenticator 驗證器"; ours takes precedence."""
    from icms.core.allauth_strings import ALLAUTH_STRINGS

    msgids = [message for message in ALLAUTH_STRINGS if isinstance(message, str)]
    with translation.override("zh-hant"):
        shown = {msgid: translation.gettext(msgid) for msgid in msgids}
        shown |= {repr(message): str(message) for message in ALLAUTH_STRINGS if not isinstance(message, str)}
        assert translation.gettext("Successfully signed in as %(name)s.") == "你已以 %(name)s 的身分登入。"
    assert len(shown) > 150
    assert [text for text in shown.values() if "您" in text or "驗證器" in text or "帳號" in text] == []
    assert [msgid for msgid, text in shown.items() if text == msgid] == [], "untranslated"


@pytest.mark.django_db
def test_the_admin_names_two_factor_authenticators_and_closures_in_chinese():
    from datetime import UTC, datetime

    from allauth.mfa.models import Authenticator

    from icms.calendar.models import Closure

    closure = Closure(reason=Closure.Reason.TYPHOON, starts_at=datetime(2026, 12, 5, 8, 44, tzinfo=UTC))
    with translation.override("zh-hant"):
        assert str(Authenticator._meta.verbose_name_plural) == "雙重認證方式"
        assert str(Authenticator._meta.get_field("created_at").verbose_name) == "建立時間"
        label = str(closure)
    assert "2026-12-05T" not in label
    assert " from " not in label
    assert "16:44" in label


@pytest.mark.django_db
def test_a_draft_case_and_the_environment_ribbon_are_in_chinese(client, settings):
    settings.ICMS_ENVIRONMENT = "development"
    from filing.models import Case, CaseType

    draft = Case.objects.create(case_type=CaseType.objects.get(prefix="DCPI"))
    with translation.override("zh-hant"):
        assert str(draft) == f"案件草稿（第 {draft.pk} 號）"

    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    ribbon = re.search(r'<p class="env-ribbon">(.*?)</p>', html)
    assert ribbon, "the test settings show the environment ribbon"
    assert not re.search(r"[A-Za-z]", ribbon.group(1)), ribbon.group(1)
