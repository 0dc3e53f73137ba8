"""The crawl (issue 20): every page, at 1280x800 and 390x844 (the admin at 1280x800), in English and Chinese.

On each page: axe-core with every rule (best practices included) and no violation of any impact;
every table has headers in the accessibility tree; the title is the page's own (no two URL
patterns share one, in either language); no Content-Security-Policy violation. Then the Nu HTML
Checker (vnu.jar, run once on every page's HTML as the server sent it) finds no error. The crawl
is one test per language: pytest-xdist's two workers (scripts/test.sh) crawl the two side by side.

Which pages, as whom and with what objects: tests/e2e/crawl_plan.py. A new URL pattern the
crawl neither opens nor exempts fails test_every_url_pattern_is_crawled_or_exempt.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest
from allauth.account.internal.flows.login import record_authentication
from django.test import Client, RequestFactory
from playwright.sync_api import Page

from tests.e2e.conftest import ROOT
from tests.e2e.crawl_plan import Worlds, all_visits, coverage, settings_cookie_names

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WIDTHS = {"1280x800": (1280, 800), "390x844": (390, 844)}
ADMIN_WIDTHS = {"1280x800": (1280, 800)}
LANGUAGES = ["en", "zh-hant"]
# Every rule axe-core enables by default (WCAG 2.0-2.2 A and AA, and the best practices); only
# the rules axe itself calls experimental are left out. preload: false, as in conftest.py.
AXE_RUN = "async () => await axe.run(document, {preload: false, resultTypes: ['violations']})"


def test_every_url_pattern_is_crawled_or_exempt(db):
    missing, both = coverage()
    assert not missing, (
        "URL patterns neither crawled nor exempt: add each to tests/e2e/crawl_plan.py "
        f"(a page to visit, or EXEMPT with the reason it is no page): {missing}"
    )
    assert not both, f"URL patterns both crawled and exempt: {both}"


def _sessions(worlds: Worlds, paths: set[str | None]) -> dict[str | None, str]:
    """A signed-in session for each user the crawl visits as."""
    session_cookie, _language = settings_cookie_names()
    sessions: dict[str | None, str] = {}
    for path in paths:
        if path is None:
            continue
        client = Client()
        user = worlds.user(path)
        client.force_login(user)
        # Signed in just now, with a password: allauth's security pages open without asking again.
        request = RequestFactory().get("/")
        request.session = client.session
        request.user = user
        record_authentication(request, user, "password", reauthenticated=True)
        request.session.save()
        sessions[path] = client.cookies[session_cookie].value
    return sessions


def _table_problems(page: Page) -> list[str]:
    problems = []
    tables = page.locator("table")
    for index in range(tables.count()):
        table = tables.nth(index)
        if not table.is_visible():
            continue
        tree = table.aria_snapshot()
        if "columnheader" not in tree and "rowheader" not in tree:
            problems.append(f"table {index + 1} has no column or row header in the accessibility tree:\n{tree[:400]}")
    return problems


def _axe_problems(page: Page) -> list[str]:
    result = page.evaluate(AXE_RUN)
    return [
        f"axe {v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes']][:4]}"
        for v in result["violations"]
    ]


def _vnu_errors(files: dict[Path, str]) -> list[str]:
    if not files:
        return []
    completed = subprocess.run(
        ["java", "-jar", str(VNU_JAR), "--format", "json", "--errors-only", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(completed.stderr or completed.stdout or '{"messages": []}')["messages"]
    errors = []
    for message in messages:
        where = files.get(Path(message.get("url", "").removeprefix("file:")), message.get("url", ""))
        errors.append(
            f"{where}: vnu line {message.get('lastLine')}: {message.get('message')}: {message.get('extract', '')!r}"
        )
    return errors


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.django_db(transaction=True)
def test_the_crawl_finds_no_accessibility_or_html_error_on_any_page(
    language: str, page: Page, live_server, axe_source, document_storage, celery_eager, tmp_path, settings
):
    worlds = Worlds()
    visits = all_visits()
    admin_visits = [v for v in visits if v.route.startswith("admin/")]
    portal_visits = [v for v in visits if not v.route.startswith("admin/")]
    urls = [(visit, visit.url(worlds)) for visit in portal_visits]
    worlds.extra.calendar_and_operations(worlds)  # after the filings: a closure in force changes them
    urls += [(visit, visit.url(worlds)) for visit in admin_visits]
    sessions = _sessions(worlds, {visit.user for visit in visits})
    session_cookie, language_cookie = settings_cookie_names()
    base = live_server.url

    csp: list[str] = []
    page.on("console", lambda m: csp.append(f"{page.url}: {m.text}") if "Content Security Policy" in m.text else None)
    problems: list[str] = []
    titles: dict[str, set[str]] = defaultdict(set)
    html_files: dict[Path, str] = {}
    checks = 0
    started = time.monotonic()  # the crawl's own time, printed with the counts
    for number, (visit, url) in enumerate(urls):
        where = f"[{language} {visit.role}] {url} ({visit.route})"
        page.context.clear_cookies()
        cookies = [{"name": language_cookie, "value": language, "url": base}]
        if visit.user:
            cookies.append({"name": session_cookie, "value": sessions[visit.user], "url": base})
        page.context.add_cookies(cookies)  # type: ignore[arg-type]
        page.set_viewport_size({"width": 1280, "height": 800})
        response = page.goto(base + url)
        if response is None or response.status != 200:
            problems.append(f"{where}: HTTP {response.status if response else 'no response'} at {page.url}")
            continue
        page.wait_for_load_state("load")
        html = tmp_path / f"{language}-{number:03d}.html"
        html.write_text(response.text())
        html_files[html] = where
        titles[page.title()].add(visit.route)
        page.evaluate(axe_source)
        # Registry staff work the admin at their desks: its pages are checked at the desktop
        # width only, which keeps the crawl inside the suite's time budget.
        widths = ADMIN_WIDTHS if visit.route.startswith("admin/") else WIDTHS
        for width, (w, h) in widths.items():
            page.set_viewport_size({"width": w, "height": h})
            found = [f"{where} at {width}: {p}" for p in _axe_problems(page) + _table_problems(page)]
            problems += found
            checks += 1
            for line in found:
                print(line, flush=True)
    for title, routes in titles.items():
        if len(routes) > 1:
            problems.append(f"[{language}] title {title!r} shared by {sorted(routes)}")
    problems += _vnu_errors(html_files)
    problems += [f"CSP: {line}" for line in csp]

    pages = len(urls)
    summary = (
        f"crawl in {language}: {pages} pages ({len(admin_visits)} admin at one width) x {len(WIDTHS)} widths "
        f"= {checks} checks; {len(html_files)} HTML files through vnu; "
        f"{len(problems)} problems; {time.monotonic() - started:.0f}s"
    )
    print("\n" + summary)
    for problem in problems:
        print("  " + problem)
    assert not problems, summary + "\n" + "\n".join(problems[:80])


def test_favicon_ico_is_an_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].split("?")[0].rsplit("/", 1)[-1].startswith("favicon")
    assert (ROOT / "static" / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00", "an ICO file"
