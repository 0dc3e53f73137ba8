"""Browser journeys: Playwright driving Debian's Chromium, headless, against live_server.

Every page a journey loads is checked with axe-core, and the journey fails on any
serious or critical violation, or on any Content-Security-Policy violation.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from playwright.sync_api import Page

ROOT = Path(__file__).resolve().parents[2]
AXE_SOURCE_PATH = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


def _browser_environment() -> dict[str, str]:
    """The test process's environment, less libfaketime: the suite is run with the clock moved
    (faketime on pytest, to prove no test depends on today's date), and Chromium hangs under
    it. The browser needs no fake clock: the server renders every date."""
    return {key: value for key, value in os.environ.items() if key != "LD_PRELOAD" and not key.startswith("FAKETIME")}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
        "headless": True,
        "env": _browser_environment(),
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "en-GB", "timezone_id": "Asia/Hong_Kong"}


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE_PATH.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (scripts/test.sh does it).")
    return AXE_SOURCE_PATH.read_text()


class Journey:
    """A page plus the live server, checking each page it loads for accessibility."""

    SEVERE = ("serious", "critical")

    def __init__(self, page: Page, base_url: str, axe_source: str) -> None:
        self.page = page
        self.base_url = base_url.rstrip("/")
        self._axe_source = axe_source
        self.loaded: list[str] = []
        self.checked: list[str] = []
        self.csp_violations: list[str] = []
        page.on("load", lambda p: self.loaded.append(p.url))
        page.on(
            "console",
            lambda message: (
                self.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )

    def visit(self, path: str) -> None:
        self.page.goto(self.base_url + path)
        self.check_page()

    def check_page(self) -> None:
        """Run axe-core on the current page and fail on serious or critical violations."""
        self.page.wait_for_load_state("load")
        # Runtime evaluation is not subject to the page's CSP, so the policy stays on.
        self.page.evaluate(self._axe_source)
        # preload: false stops axe fetching the page's @import-ed stylesheets and re-creating them
        # as inline <style> elements (for one rule, css-orientation-lock), which the page's CSP
        # rightly reports; without it, every admin form page would show a violation that is axe's.
        result = self.page.evaluate(
            "async (tags) => await axe.run(document, {runOnly: tags, preload: false})", AXE_TAGS
        )
        severe = [
            {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in self.SEVERE
        ]
        assert not severe, f"axe-core violations on {self.page.url}:\n{json.dumps(severe, indent=2)}"
        self.checked.append(self.page.url)

    def finish(self) -> None:
        unchecked = [url for url in self.loaded if url not in self.checked]
        assert not unchecked, f"pages loaded but never checked with axe-core: {unchecked}"
        assert not self.csp_violations, f"Content-Security-Policy violations: {self.csp_violations}"


@pytest.fixture
def journey(page: Page, live_server, axe_source):
    j = Journey(page, live_server.url, axe_source)
    yield j
    j.finish()
