"""Helpers for the layout tests: phones, zoom, text spacing and the pages they look at."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.test import Client
from playwright.sync_api import Page

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
NARROWEST = {"width": 320, "height": 640}

# WCAG 1.4.12's text-spacing override (the bookmarklet of Steve Faulkner), as a stylesheet.
TEXT_SPACING = """
* { line-height: 1.5 !important; letter-spacing: .12em !important; word-spacing: .16em !important; }
p { margin-bottom: 2em !important; }
"""


def seed_fee_schedule() -> None:
    """The fee items as the migration made them (a transactional test may have emptied them)."""
    from django.apps import apps

    importlib.import_module("payments.migrations.0002_seed_fee_schedule").seed(apps, None)


def sign_in(page: Page, base_url: str, user: Any) -> None:
    """Put a signed-in session for ``user`` into the browser, without the sign-in form."""
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": base_url}])


def choose_language(page: Page, base_url: str, language: str) -> None:
    page.context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": base_url}])


@dataclass
class Target:
    what: str
    width: float
    height: float
    control: bool  # a button, field, summary or navigation link; else a link standing on its own


# Every control a person can press, less links inside running text (WCAG 2.5.8's "inline"
# exception): a link is inline when the block around it holds other words too.
MEASURE_TARGETS = """
() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [role=button], [tabindex="0"]';
  const blockOf = (el) => {
    let node = el.parentElement;
    while (node && getComputedStyle(node).display.startsWith('inline')) node = node.parentElement;
    return node;
  };
  const visuallyHidden = (el) => {
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      if (style.clipPath === 'inset(50%)' || style.clip === 'rect(0px, 0px, 0px, 0px)') return true;
    }
    return false;
  };
  const found = [];
  for (const el of document.querySelectorAll(selector)) {
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (el.closest('[hidden], [aria-hidden=true]') || visuallyHidden(el)) continue;
    if (el.classList.contains('skip-link') && box.bottom <= 0) continue;
    if (el.matches('a')) {
      const block = blockOf(el);
      const words = (block ? block.innerText : '').replace(/\\s+/g, ' ').trim();
      const own = el.innerText.replace(/\\s+/g, ' ').trim();
      const listed = el.closest('nav, .site-footer__links, .sub-nav, .pagination, .choice-list, .form-actions');
      if (words !== own && !listed) continue;
    }
    const name = (el.getAttribute('aria-label') || el.innerText || el.value || el.name || el.type || '')
      .trim().slice(0, 40);
    const control = !el.matches('a') || !!el.closest('nav');
    const what = `${el.tagName.toLowerCase()}[${el.type || ''}] "${name}"`;
    found.push({what, width: box.width, height: box.height, control});
  }
  return found;
}
"""


def targets(page: Page) -> list[Target]:
    return [Target(**t) for t in page.evaluate(MEASURE_TARGETS)]


def too_small(page: Page, *, controls: float, links: float = 24) -> list[Target]:
    """Controls smaller than ``controls`` and links standing on their own smaller than ``links``
    CSS px either way (half a pixel of slack for sub-pixel layout)."""
    found = []
    for target in targets(page):
        minimum = controls if target.control else links
        if target.width < minimum - 0.5 or target.height < minimum - 0.5:
            found.append(target)
    return found


def sideways_overflow(page: Page) -> dict[str, Any]:
    """How far the page scrolls sideways, and the widest elements that stick out."""
    return page.evaluate(
        """() => {
          const root = document.scrollingElement;
          const limit = root.clientWidth;
          const culprits = [];
          for (const el of document.body.querySelectorAll('*')) {
            if (el.closest('.table-scroll')) continue;
            const box = el.getBoundingClientRect();
            if (box.right > limit + 1 && box.width > 0) {
              culprits.push(`${el.tagName.toLowerCase()}.${el.className} → ${Math.round(box.right)}`);
            }
          }
          return {scrollWidth: root.scrollWidth, clientWidth: limit, culprits: culprits.slice(0, 8)};
        }"""
    )


def clipped_text(page: Page) -> list[str]:
    """Elements whose own text is cut off: content taller or wider than a box that hides its overflow."""
    return page.evaluate(
        """() => {
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const style = getComputedStyle(el);
            const hides = ['hidden', 'clip'];
            if (!(hides.includes(style.overflowX) || hides.includes(style.overflowY))) continue;
            if (style.clipPath === 'inset(50%)' || style.clip === 'rect(0px, 0px, 0px, 0px)') continue;
            if (!el.innerText || !el.innerText.trim()) continue;
            if (el.getBoundingClientRect().width === 0) continue;
            if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) {
              out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.innerText.trim().slice(0, 40)}`);
            }
          }
          return out;
        }"""
    )


def overflowing_boxes(page: Page) -> list[str]:
    """Boxes whose content no longer fits their height (1.4.12): their text spills over what
    follows, or is cut off. A box that grows with its content never does this."""
    return page.evaluate(
        """() => {
          const out = [];
          for (const el of document.body.querySelectorAll('*')) {
            const style = getComputedStyle(el);
            if (style.display.startsWith('inline') || style.display === 'contents') continue;
            if (style.position === 'absolute') continue;
            if (style.overflowY === 'auto' || style.overflowY === 'scroll') continue;
            if (!el.innerText || !el.innerText.trim() || el.clientHeight === 0) continue;
            if (el.scrollHeight > el.clientHeight + 1) {
              out.push(`${el.tagName.toLowerCase()}.${el.className}: ${el.innerText.trim().slice(0, 40)}`);
            }
          }
          return out;
        }"""
    )


def open_menu_if_folded(page: Page) -> None:
    """On a phone the main navigation folds behind its "Menu" summary: open it."""
    summary = page.locator("nav.site-nav summary")
    if summary.is_visible() and summary.locator("xpath=..").get_attribute("open") is None:
        summary.click()
