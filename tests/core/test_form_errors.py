"""Form errors the GOV.UK way on every form, allauth's included, and the right autocomplete tokens.

The browser half (focus really lands on the summary) is tests/e2e/test_form_errors.py.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, UserFactory
from tests.filing.new_case_post import new_case_data

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


class _Elements(HTMLParser):
    """Every element with its attributes, and the text inside each element that has an id."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.text_by_id: dict[str, str] = {}
        self._open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if "id" in attributes:
            self.text_by_id.setdefault(attributes["id"], "")
            self._open.append(attributes["id"])
        elif tag not in ("input", "br", "img", "meta", "link"):
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if self._open:
            self._open.pop()

    def handle_data(self, data: str) -> None:
        for element_id in self._open:
            if element_id:
                self.text_by_id[element_id] += data


def _parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    return parser


def _title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1).strip()


def _summary(html: str) -> str:
    return html[html.index('class="error-summary"') : html.index("</div>", html.index('class="error-summary"'))]


# --- The error summary, the title and the field's description -------------------------------


def test_a_failed_sign_in_shows_a_focused_summary_and_the_title_says_error(client):
    UserFactory(email="someone@example.hk")
    response = client.post(reverse("account_login"), {"login": "someone@example.hk", "password": "wrong"})
    html = response.text
    assert _title(html).startswith("Error: ")
    summary = _summary(html)
    assert 'tabindex="-1"' in summary and "autofocus" in summary
    assert 'role="alert"' not in summary
    # A form-wide error links to the form's first field.
    assert re.search(r'<a href="#id_login">[^<]*not correct', summary)
    assert html.count('class="error-summary"') == 1


def test_a_page_without_errors_has_no_summary_and_a_plain_title(client):
    html = client.get(reverse("account_login")).text
    assert not _title(html).startswith("Error") and "error-summary" not in html


def test_the_title_says_error_in_chinese(client):
    client.cookies["django_language"] = "zh-hant"
    response = client.post(reverse("account_login"), {"login": "nobody@example.hk", "password": "wrong"})
    assert _title(response.text).startswith("錯誤：")


def test_each_field_error_links_to_its_input_which_is_described_by_it(client):
    response = client.post(reverse("account_signup"), {"email": "not-an-email", "password1": "x", "password2": "y"})
    page = _parse(response.text)
    inputs = {attrs.get("name"): attrs for tag, attrs in page.elements if tag == "input"}
    links = [attrs["href"] for tag, attrs in page.elements if tag == "a" and attrs.get("href", "").startswith("#id_")]
    assert {"#id_first_name", "#id_last_name", "#id_email"} <= set(links)
    for name in ("first_name", "email"):
        assert inputs[name]["aria-invalid"] == "true"
        assert f"id_{name}_error" in inputs[name]["aria-describedby"].split()
        assert page.text_by_id[f"id_{name}_error"].strip().startswith("Error:")


def test_the_password_rules_are_the_description_of_the_password_field(client):
    page = _parse(client.get(reverse("account_signup")).text)
    password = next(attrs for tag, attrs in page.elements if tag == "input" and attrs.get("name") == "password1")
    described_by = password["aria-describedby"].split()
    assert "id_password1_helptext" in described_by
    rules = page.text_by_id["id_password1_helptext"]
    assert "at least" in rules and "common" in rules
    helptext = next((tag, attrs) for tag, attrs in page.elements if attrs.get("id") == "id_password1_helptext")
    assert helptext[0] == "div"


# --- Groups: which party, which document ---------------------------------------------


def _new_case_post(client: Client, prefix: str, **data: str):
    form = {
        "documents-TOTAL_FORMS": "2",
        "documents-INITIAL_FORMS": "0",
        "documents-MIN_NUM_FORMS": "0",
        "documents-MAX_NUM_FORMS": "10",
        "documents-1-title": "Statement of claim",
        **new_case_data(
            nature_en="Injury at work",
            amount_claimed=None,
            applicants=[{"name_en": "", "address_for_service": "1 Queen's Road Central"}],
            respondents=[{"name_en": "", "kind": "company"}],
        ),
        **data,
    }
    return client.post(reverse("filing:start_case", args=[prefix]), form)


def test_the_dcpi_form_names_the_party_of_each_missing_name(client, party_in_person):
    client.force_login(party_in_person)
    response = _new_case_post(client, "DCPI")
    assert response.status_code == 400
    html = response.text
    assert _title(html).startswith("Error: ")
    summary = _summary(html)
    assert re.search(r'<a href="#id_case-applicants-0-name_en">Name in English: Plaintiff 1: ', summary)
    assert re.search(r'<a href="#id_case-respondents-0-name_en">Name in English: Defendant 1: ', summary)
    # Next to each field, too.
    page = _parse(html)
    assert page.text_by_id["id_case-applicants-0-name_en_error"].strip().startswith("Error: Plaintiff 1: ")
    assert page.text_by_id["id_case-respondents-0-name_en_error"].strip().startswith("Error: Defendant 1: ")
    # The second document row, half filled in, is named as such.
    assert re.search(r'<a href="#id_documents-1-file">PDF file: Document 2: ', summary)
    assert html.count('class="error-summary"') == 1


def test_the_party_names_are_in_chinese_for_a_reader_in_chinese(client, party_in_person):
    client.force_login(party_in_person)
    client.cookies["django_language"] = "zh-hant"
    html = _new_case_post(client, "DCPI").text
    assert _title(html).startswith("錯誤：")
    assert re.search(r'<a href="#id_case-applicants-0-name_en">[^<]*原告人[^<]*[:：]', _summary(html))
    assert re.search(r'<a href="#id_case-respondents-0-name_en">[^<]*被告人[^<]*[:：]', _summary(html))


def test_a_party_in_person_is_not_asked_their_own_name_again(client, party_in_person, firm_filer):
    party_in_person.name_zh = "陳大文"
    party_in_person.save()
    client.force_login(party_in_person)
    page = _parse(client.get(reverse("filing:start_case", args=["DCPI"])).text)
    values = {attrs.get("name"): attrs.get("value") for tag, attrs in page.elements if tag == "input"}
    assert values["case-applicants-0-name_en"] == "CHAN Tai Man"
    assert values["case-applicants-0-name_zh"] == "陳大文"
    # A firm's member files for a client: nothing to carry over.
    client.force_login(firm_filer)
    page = _parse(client.get(reverse("filing:start_case", args=["DCPI"])).text)
    values = {attrs.get("name"): attrs.get("value") for tag, attrs in page.elements if tag == "input"}
    assert not values.get("case-applicants-0-name_en")


# --- Autocomplete tokens and paste (WCAG 1.3.5, 3.3.8) --------------------------------------

# Every input a person types into, by page and name, with the token it must carry.
TOKENS = {
    "login": "email",
    "email": "email",
    "password": "current-password",
    "oldpassword": "current-password",
    "password1": "new-password",
    "password2": "new-password",
    "first_name": "given-name",
    "last_name": "family-name",
    "preferred_language": "language",
    "name_en": "organization",
    "address": "street-address",
    "telephone": "tel",
    "code": "one-time-code",
}
# Inputs with no token: a name in Chinese ("name" would fill the English one), an HKID
# number (kept out of browsers' stores), choices and declarations, and what is not the
# person's own (a branch code).
NO_TOKEN = {"name_zh", "hkid", "remove_hkid", "type", "declaration", "remember", "branch_code", "sees_all_cases"}


def _typed_inputs(html: str) -> list[dict[str, str]]:
    skip = {"hidden", "submit", "button", "checkbox", "radio"}
    return [
        attrs
        for tag, attrs in _parse(html).elements
        if tag in ("input", "select", "textarea")
        and attrs.get("name")
        and attrs.get("type", "text") not in skip
        and attrs.get("name") not in ("csrfmiddlewaretoken", "language", "next")
    ]


def test_every_field_carries_its_autocomplete_token_and_none_blocks_paste(client):
    anonymous_pages = ["account_login", "account_signup", "account_reset_password"]
    signed_in_pages = [
        "accounts:profile",
        "accounts:organisation_apply",
        "account_change_password",
        "account_email",
        "mfa_activate_totp",
        "account_reauthenticate",
    ]
    pages = {name: client.get(reverse(name)).text for name in anonymous_pages}
    user = UserFactory()
    client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    pages.update({name: client.get(reverse(name)).text for name in signed_in_pages})
    checked = 0
    for page, html in pages.items():
        assert "onpaste" not in html.lower(), page
        for attrs in _typed_inputs(html):
            name = attrs["name"]
            if name in NO_TOKEN:
                continue
            assert name in TOKENS, f"{page}: no token decided for {name!r}"
            assert attrs.get("autocomplete") == TOKENS[name], f"{page}: {name} has {attrs.get('autocomplete')!r}"
            checked += 1
    assert checked >= 15
    # No script stops a paste or a drop into a field.
    # Our own scripts only: not vendored ones, nor any virtualenv (.venv, .venv-3.13) or node_modules.
    scripts = [
        p
        for p in ROOT.glob("**/static/**/*.js")
        if not any(part.startswith(".") or part in {"vendor", "node_modules"} for part in p.relative_to(ROOT).parts)
    ]
    for script in scripts:
        text = script.read_text(errors="ignore")
        assert "paste" not in text and "onpaste" not in text, script
