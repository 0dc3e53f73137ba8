"""Reflow, zoom, text spacing, forced colours and motion (issue 20 item 7; WCAG 1.4.4, 1.4.10,
1.4.11, 1.4.12, 2.3.3, 2.4.11), on the home page, cause-book search results, the fee
calculator, sign-in, a filing form and the document and payment tables, in English and Chinese.

200% zoom is modelled as the browser zooms: a 1280 px window at 200% lays the page out in
640 CSS px at 2 device pixels per CSS px. Text-only zoom (the reader's default font size doubled)
is modelled with the root font size at 200% on a 1280 px window.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from payments import services
from tests.causebook.conftest import make_case
from tests.e2e.layout import (
    DESKTOP,
    NARROWEST,
    PHONE,
    TEXT_SPACING,
    choose_language,
    clipped_text,
    overflowing_boxes,
    seed_fee_schedule,
    sideways_overflow,
    sign_in,
)
from tests.factories import UserFactory
from tests.filing.test_review_admin import new_dcpi_case

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("in_the_concession_period")]

LANGUAGES = ["en", "zh-hant"]
MODES: dict[str, dict[str, Any]] = {
    "320px": {"viewport": NARROWEST},
    "200% page zoom": {"viewport": {"width": 640, "height": 400}, "device_scale_factor": 2},
    "200% text zoom": {"viewport": DESKTOP, "root_font": "200%"},
}


@pytest.fixture
def site(live_server, document_storage, celery_eager) -> dict[str, Any]:
    """Cases to find in the cause book, a filer with a filing and a payment."""
    seed_fee_schedule()
    make_case("DCCJ", 1204, 2026, ("CHAN Tai Man", "陳大文"), ("GOLDEN HARBOUR LIMITED", "金港有限公司"))
    make_case("DCCJ", 77, 2025, ("WONG Tai Man", "黃大文"), ("HING FAT LIMITED", "興發有限公司"))
    filer = UserFactory(email="reflow@example.hk")
    submission = new_dcpi_case(filer)
    services.payment_order_create(
        purpose="submission", court_level="DC", items=["DC-SEARCH"], idempotency_key="reflow", payer=filer
    )
    return {
        "url": live_server.url,
        "filer": filer,
        "public": ["/", "/cause-book/?q=%E5%A4%A7%E6%96%87", "/payments/fees/", "/accounts/login/"],
        "signed_in": ["/filing/new/DCPI/", f"/filing/submissions/{submission.reference}/", "/payments/mine/"],
    }


def _pages(browser: Browser, site: dict[str, Any], language: str, **context_args: Any) -> Iterator[tuple[str, Page]]:
    """Each page of the crawl in a fresh context, signing in before the signed-in ones."""
    root_font = context_args.pop("root_font", None)
    context: BrowserContext = browser.new_context(locale="en-GB", timezone_id="Asia/Hong_Kong", **context_args)
    try:
        page = context.new_page()
        choose_language(page, site["url"], language)
        for path in site["public"] + site["signed_in"]:
            if path == site["signed_in"][0]:
                sign_in(page, site["url"], site["filer"])
            page.goto(site["url"] + path)
            expect(page.locator("html")).to_have_attribute("lang", "en-HK" if language == "en" else "zh-Hant-HK")
            if root_font:
                page.evaluate("size => { document.documentElement.style.fontSize = size; }", root_font)
            yield path, page
    finally:
        context.close()


@pytest.mark.parametrize("language", LANGUAGES)
def test_nothing_scrolls_sideways_or_is_cut_off(browser, site, language):
    problems = {}
    for mode, context_args in MODES.items():
        for path, page in _pages(browser, site, language, **context_args):
            overflow = sideways_overflow(page)
            if overflow["scrollWidth"] > overflow["clientWidth"]:
                problems[f"{path} at {mode}: scrolls sideways"] = overflow
            if clipped := clipped_text(page):
                problems[f"{path} at {mode}: text cut off"] = clipped
    assert not problems, problems


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_text_spacing_override_keeps_all_content(browser, site, language):
    problems = {}
    for size in (PHONE, DESKTOP):
        for path, page in _pages(browser, site, language, viewport=size):
            # A constructed stylesheet, as a reader's extension adds one (the page's CSP allows no inline <style>).
            page.evaluate(
                "css => { const sheet = new CSSStyleSheet(); sheet.replaceSync(css);"
                " document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet]; }",
                TEXT_SPACING,
            )
            assert page.evaluate("() => getComputedStyle(document.body).letterSpacing") != "normal"
            where = f"{path} at {size['width']} px"
            if boxes := overflowing_boxes(page):
                problems[f"{where}: text spills out of its box"] = boxes
            if clipped := clipped_text(page):
                problems[f"{where}: text cut off"] = clipped
            overflow = sideways_overflow(page)
            if overflow["scrollWidth"] > overflow["clientWidth"]:
                problems[f"{where}: scrolls sideways"] = overflow
    assert not problems, problems


def test_focus_buttons_and_the_seal_preview_stay_visible_in_forced_colours(browser, site):
    context = browser.new_context(viewport=DESKTOP, forced_colors="active", locale="en-GB")
    page = context.new_page()
    page.goto(site["url"] + "/payments/fees/")
    assert page.evaluate("() => matchMedia('(forced-colors: active)').matches")
    calculate = page.locator("main button[type=submit], main .button").first
    border = calculate.evaluate(
        "el => { const s = getComputedStyle(el); return [s.borderTopStyle, parseFloat(s.borderTopWidth)]; }"
    )
    assert border[0] != "none" and border[1] >= 1, f"a button without a border in forced colours: {border}"
    calculate.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")  # focus by keyboard, so :focus-visible applies
    outline = page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )
    assert outline[0] != "none" and outline[1] >= 2, f"focus not visible in forced colours: {outline}"
    # The seal preview keeps its own colours and a border (templates mark it with .seal-preview).
    preview = page.evaluate(
        """() => { const el = document.createElement('div'); el.className = 'seal-preview'; el.textContent = 'FILED';
                   document.querySelector('main').append(el); const s = getComputedStyle(el);
                   return [s.forcedColorAdjust, s.borderTopStyle, parseFloat(s.borderTopWidth)]; }"""
    )
    assert preview[0] == "none" and preview[1] != "none" and preview[2] >= 1, preview
    context.close()


def test_nothing_moves_for_a_reader_who_asks_for_reduced_motion(browser, site):
    context = browser.new_context(viewport=PHONE, reduced_motion="reduce", locale="en-GB")
    page = context.new_page()
    page.goto(site["url"] + "/")
    moving = page.evaluate(
        """() => {
          const spinner = document.createElement('span');
          spinner.className = 'htmx-indicator';
          document.body.append(spinner);
          document.body.classList.add('htmx-request');
          const out = [];
          const moves = (list) => list.split(',').some(d => parseFloat(d) > 0);
          for (const el of document.querySelectorAll('*')) {
            const s = getComputedStyle(el);
            const animated = s.animationName !== 'none' && moves(s.animationDuration);
            if (animated || moves(s.transitionDuration)) out.push(el.tagName + '.' + el.className);
          }
          if (getComputedStyle(document.documentElement).scrollBehavior !== 'auto') out.push('html: smooth scrolling');
          return out;
        }"""
    )
    assert not moving, moving
    context.close()


@pytest.mark.parametrize("size", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_focus_is_never_hidden_under_the_header(browser, site, size):
    """WCAG 2.4.11: tab through the signed-in filing form; each focused control is the topmost
    thing at its own centre (nothing sticky covers it) and within the window."""
    context = browser.new_context(viewport=size, locale="en-GB")
    page = context.new_page()
    sign_in(page, site["url"], site["filer"])
    page.goto(site["url"] + "/filing/new/DCPI/")
    hidden = []
    for _ in range(25):
        page.keyboard.press("Tab")
        covered = page.evaluate(
            """() => {
              const el = document.activeElement; if (!el || el === document.body) return null;
              const box = el.getBoundingClientRect(); if (box.width === 0 || box.height === 0) return null;
              const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
              const y = box.top + box.height / 2;
              if (y < 0 || y > innerHeight) return `${el.tagName} ${el.name || el.innerText} is outside the window`;
              const top = document.elementFromPoint(x, y);
              const labelled = el.labels && [...el.labels].includes(top);
              if (top && (el === top || el.contains(top) || top.contains(el) || labelled)) return null;
              return `${el.tagName} ${el.name || el.innerText} is under ${top && top.tagName}.${top && top.className}`;
            }"""
        )
        if covered:
            hidden.append(covered)
    assert not hidden, hidden
    context.close()
