"""Language of parts (WCAG 3.1.2): runs in the other language are marked with ``lang``."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from filing.models import Party
from icms.core.templatetags.icms_lang import text_language
from tests.factories import PASSWORD, PartyFactory, UserFactory


def _render(source: str, language: str, **context: object) -> str:
    with translation.override(language):
        return Template("{% load icms_lang %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("CHAN Tai Man", "en-HK"),
        ("GOLDEN HARBOUR LIMITED", "en-HK"),
        ("DCCJ 3618/2010", "en-HK"),
        ("陳大文", "zh-Hant-HK"),
        ("金港有限公司（清盤中）", "zh-Hant-HK"),
        ("香港特別行政區 訴 CHAN Tai Man", "zh-Hant-HK"),
        ("3618/2010", None),
        ("", None),
    ],
)
def test_the_language_of_a_text_is_the_script_it_is_mainly_in(text, language):
    assert text_language(text) == language


def test_english_in_a_chinese_page_is_marked_and_chinese_in_it_is_not():
    assert _render("{{ v|lang_span }}", "zh-hant", v="CHAN Tai Man") == '<span lang="en-HK">CHAN Tai Man</span>'
    assert _render("{{ v|lang_span }}", "zh-hant", v="陳大文") == "陳大文"


def test_chinese_in_an_english_page_is_marked_and_english_in_it_is_not():
    assert _render("{{ v|lang_span }}", "en", v="陳大文") == '<span lang="zh-Hant-HK">陳大文</span>'
    assert _render("{{ v|lang_span }}", "en", v="CHAN Tai Man") == "CHAN Tai Man"


def test_the_text_is_escaped_and_only_the_wrapper_is_markup():
    rendered = _render("{{ v|lang_span }}", "zh-hant", v='Chan & Co <script>alert("x")</script>')
    assert rendered == ('<span lang="en-HK">Chan &amp; Co &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</span>')
    assert _render("{{ v|lang_span }}", "en", v="<b>") == "&lt;b&gt;"


def test_plain_text_templates_get_the_text_unwrapped():
    assert _render("{% autoescape off %}{{ v|lang_span }}{% endautoescape %}", "zh-hant", v="Chan & Co") == "Chan & Co"


@pytest.mark.django_db
def test_a_person_is_named_in_chinese_to_a_reader_in_chinese_if_they_gave_a_chinese_name():
    person = UserFactory(first_name="Tai Man", last_name="CHAN", name_zh="陳大文")
    assert person.display_name_for("zh-hant") == "陳大文"
    assert person.display_name_for("en") == "Tai Man CHAN"
    without = UserFactory(first_name="Mary", last_name="WONG", name_zh="")
    assert without.display_name_for("zh-hant") == "Mary WONG"
    with translation.override("zh-hant"):
        assert person.display_name == "陳大文"
    with translation.override("en"):
        assert person.display_name == "Tai Man CHAN"


@pytest.mark.django_db
def test_the_navigation_names_the_user_in_chinese_on_a_chinese_page(client):
    person = UserFactory(first_name="Tai Man", last_name="CHAN", name_zh="陳大文")
    client.login(email=person.email, password=PASSWORD)

    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()
    english = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert '<span class="site-nav__who">陳大文</span>' in chinese
    assert '<span class="site-nav__who">Tai Man CHAN</span>' in english


@pytest.mark.django_db
def test_an_english_name_in_the_navigation_of_a_chinese_page_is_marked_english(client):
    person = UserFactory(first_name="Mary", last_name="WONG", name_zh="")
    client.login(email=person.email, password=PASSWORD)

    chinese = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()

    assert '<span class="site-nav__who"><span lang="en-HK">Mary WONG</span></span>' in chinese


def _party_cells(html: str) -> str:
    """The case file's table of parties."""
    match = re.search(r"<tbody.*?</tbody>", html, flags=re.S)
    assert match, html
    return match.group(0)


@pytest.mark.django_db
def test_a_chinese_page_marks_an_english_party_name_english(client, firm_filer):
    PartyFactory(
        case=firm_filer.case, side=Party.Side.RESPONDENT, ordinal=2, name_en="OCEAN PEARL LIMITED", name_zh=""
    )
    client.login(email=firm_filer.email, password=PASSWORD)

    html = client.get(reverse("filing:case", args=[firm_filer.case.pk]), HTTP_ACCEPT_LANGUAGE="zh-hant")

    assert html.status_code == 200
    parties = _party_cells(html.content.decode())
    assert '<span lang="en-HK">OCEAN PEARL LIMITED</span>' in parties
    # The Chinese name is in the page's own language: not wrapped.
    assert "金港有限公司" in parties
    assert '<span lang="zh-Hant-HK">金港有限公司</span>' not in parties


@pytest.mark.django_db
def test_an_english_page_marks_a_chinese_party_name_chinese(client, firm_filer):
    client.login(email=firm_filer.email, password=PASSWORD)

    html = client.get(reverse("filing:case", args=[firm_filer.case.pk]), HTTP_ACCEPT_LANGUAGE="en")

    parties = _party_cells(html.content.decode())
    assert '<span lang="zh-Hant-HK">金港有限公司</span>' in parties
    assert '<span lang="en-HK">GOLDEN HARBOUR LIMITED</span>' not in parties
    assert "GOLDEN HARBOUR LIMITED" in parties


@pytest.mark.django_db
def test_the_party_role_heading_of_the_filing_form_is_in_the_page_language(client):
    person = UserFactory(kind=User.Kind.INDIVIDUAL, name_zh="陳大文")
    client.login(email=person.email, password=PASSWORD)

    html = client.get(reverse("filing:start_case", args=["DCPI"]), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()

    # Each party's legend names its role in the page's language ("第1原告人" once translated).
    assert re.search(r"<legend>[^<]*原告人", html)
    assert re.search(r"<legend>[^<]*被告人", html)
    assert "Plaintiff" not in html
    assert "人身傷亡" in html


@pytest.mark.django_db
def test_a_name_inside_a_translated_sentence_is_marked_and_still_escaped(client):
    person = UserFactory(first_name="Mary <i>", last_name="WONG", name_zh="")
    client.login(email=person.email, password=PASSWORD)

    html = client.get(reverse("accounts:dashboard"), HTTP_ACCEPT_LANGUAGE="zh-hant").content.decode()

    assert '你已以 <span lang="en-HK">Mary &lt;i&gt; WONG</span> 的身分登入。' in html
