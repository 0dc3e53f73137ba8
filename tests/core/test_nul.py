"""A NUL character (U+0000) anywhere in a request is a 400, never a 500 (issue 15).

PostgreSQL refuses U+0000 in text, so a NUL that reached a query was a 500 on several pages and
endpoints. icms.core.nul refuses it once, before any view: these tests walk every URL pattern.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from tests.e2e.crawl_plan import url_patterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# A value for each converter of a pattern, so that every pattern becomes a URL.
_CONVERTERS = {"int": "1", "str": "x", "path": "x/y", "slug": "x", "uuid": "6f1f0c3e-5d0b-4f1e-9a51-0c1d2e3f4a5b"}


def _url(route: str) -> str:
    url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: _CONVERTERS.get(m.group(1) or "str", "x"), route)
    url = re.sub(r"\{(\w+)\}", "1", url)  # the API's own parameters
    url = re.sub(r"\(\?P<\w+>[^)]*\)", "x", url).lstrip("^").rstrip("$")
    return "/" + url


def _urls() -> list[str]:
    return sorted({_url(route) for route, _name in url_patterns()})


def test_every_url_with_a_nul_in_its_query_or_form_is_400_and_none_is_a_server_error(db):
    """Refused before any view or session is touched, so who asks does not matter for the 400s; a
    multipart body is the view's to read (it may choose its upload handlers), so it is sent signed
    in, to reach the views: never a 5xx."""
    anonymous, signed_in = Client(), Client()
    signed_in.force_login(UserFactory())
    form = "application/x-www-form-urlencoded"
    failures = []
    for url in _urls():
        answers = {
            "GET ?q=NUL": anonymous.get(url, {"q": "a\x00b"}),
            "POST form": anonymous.post(url, "q=a%00b&name%00=x", content_type=form),
        }
        failures += [(url, how, r.status_code) for how, r in answers.items() if r.status_code != 400]
        multipart = signed_in.post(url, {"q": "a\x00b", "title": "a\x00b"})
        failures += [(url, "POST multipart", multipart.status_code)] if multipart.status_code >= 500 else []
    assert failures == []


def test_a_nul_in_the_path_a_header_a_cookie_or_a_form_field_is_400():
    client = Client()
    assert client.get("/filing/submissions/ES-\x00/").status_code == 400
    assert client.get("/api/v1/submissions/ES-%00").status_code == 400
    assert client.get("/", HTTP_X_ANYTHING="a\x00b").status_code == 400
    assert client.get("/", HTTP_COOKIE="sessionid=abc\x00def").status_code == 400

    assert (
        Client().post("/filing/", "title=a%00b", content_type="application/x-www-form-urlencoded").status_code == 400
    )


def test_a_nul_the_database_refuses_is_a_400_not_a_500(rf):
    """What a view reads itself (a multipart field) is not looked at before it: if a NUL gets as far
    as a query, the database's refusal is answered 400."""
    from django.db import DataError, transaction

    from filing.models import Party
    from icms.core.nul import RefuseNulMiddleware, is_nul_error

    with pytest.raises((DataError, ValueError)) as refused, transaction.atomic():
        Party.objects.filter(name_en="a\x00b").exists()
    assert is_nul_error(refused.value)
    middleware = RefuseNulMiddleware(lambda request: None)
    assert middleware.process_exception(rf.post("/api/v1/filings"), refused.value).status_code == 400
    assert middleware.process_exception(rf.post("/filing/"), ValueError("something else")) is None


def test_a_nul_in_an_api_json_body_is_a_json_400():
    body = json.dumps({"case_type": "DCCJ", "case": {"nature_en": "a\x00b"}})
    response = Client().post("/api/v1/filings", body, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["detail"]
    nested_key = json.dumps({"case": {"parties": [{"na\x00me": "x"}]}})
    assert Client().post("/api/v1/filings", nested_key, content_type="application/json").status_code == 400


def test_a_page_answers_its_translated_error_page(db):
    response = Client().get("/cause-book/?q=%00", HTTP_ACCEPT_LANGUAGE="zh-hant")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert 'lang="zh-Hant-HK"' in response.content.decode()


def test_text_without_a_nul_is_untouched():
    assert Client().get("/api/v1/calendar/deemed-receipt", {"at": "2026-12-01T10:00:00+08:00"}).status_code == 200
