"""Driving a page with the keyboard only, as a keyboard user would, with WCAG's checks on every stop.

:func:`tab_to` presses Tab (or Shift+Tab) until a given element has focus, and at each stop
asserts a visible focus indicator (2.4.7) and that the focused element is not hidden under a
sticky or fixed header (2.4.11, Focus Not Obscured).
"""

from __future__ import annotations

from playwright.sync_api import Locator, Page

# What the focused element looks like, and whether a sticky or fixed header covers it.
FOCUS_STATE = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = !!style.boxShadow && style.boxShadow !== "none";
  const box = el.getBoundingClientRect();
  let headerBottom = 0;
  for (const header of document.querySelectorAll("header, [data-sticky-header]")) {
    const position = getComputedStyle(header).position;
    if (position === "sticky" || position === "fixed") {
      headerBottom = Math.max(headerBottom, header.getBoundingClientRect().bottom);
    }
  }
  const inHeader = !!el.closest("header");
  const label = (el.getAttribute("aria-label") || el.innerText || el.value || el.name || el.id || "").trim();
  return {
    description: `<${el.tagName.toLowerCase()}> ${label.slice(0, 60)}`,
    indicated: outline || shadow,
    focusVisible: el.matches(":focus-visible"),
    top: box.top,
    headerBottom,
    inHeader,
  };
}"""


def assert_focus_is_visible(page: Page) -> str:
    """The focused element shows a focus indicator and is not under a sticky header; its description."""
    state = page.evaluate(FOCUS_STATE)
    if state is None:
        return "<body>"
    assert state["indicated"], f"no visible focus indicator on {state['description']} at {page.url}"
    if not state["inHeader"]:
        assert state["top"] >= state["headerBottom"] - 0.5, (
            f"{state['description']} is hidden under the sticky header at {page.url}"
        )
    return str(state["description"])


def is_focused(target: Locator) -> bool:
    return bool(target.evaluate("el => el === document.activeElement"))


def tab_to(page: Page, target: Locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until ``target`` has focus; fail clearly after ``limit`` presses."""
    visited: list[str] = []
    for _ in range(limit):
        page.keyboard.press("Shift+Tab" if backwards else "Tab")
        visited.append(assert_focus_is_visible(page))
        if is_focused(target):
            return
    raise AssertionError(f"{target} not reached in {limit} presses of Tab at {page.url}; stops: {visited}")


def type_into(page: Page, target: Locator, text: str) -> None:
    """Tab to a field and type into it."""
    tab_to(page, target)
    page.keyboard.type(text)


def choose(page: Page, select: Locator, label: str, *, limit: int = 40) -> None:
    """Tab to a <select> and move through its options with the arrow keys until ``label`` is chosen."""
    tab_to(page, select)
    page.keyboard.press("Home")
    for _ in range(limit):
        if select.evaluate("el => el.options[el.selectedIndex].text.trim()") == label:
            return
        page.keyboard.press("ArrowDown")
    raise AssertionError(f"option {label!r} not found in {select}")


def assert_no_keyboard_trap(page: Page, *, limit: int = 80) -> list[str]:
    """Tab through the whole page: focus must leave the document (to the browser) or come back
    round to where it started, never be stuck. Returns the stops, in order."""
    page.keyboard.press("Tab")
    first = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
    stops = [assert_focus_is_visible(page)]
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate("() => document.activeElement && document.activeElement.outerHTML")
        if page.evaluate("() => document.activeElement === document.body") or here == first:
            return stops
        stops.append(assert_focus_is_visible(page))
    raise AssertionError(f"focus never left the page after {limit} presses of Tab at {page.url}: {stops[-10:]}")
