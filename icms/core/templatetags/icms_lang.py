"""Language of parts (WCAG 3.1.2): mark a run of English in a Chinese page, and the reverse.

A screen reader reads a page in the voice of its ``<html lang>``. A Cantonese voice spells
"CHAN Tai Man" letter by letter, and an English voice skips "陳大文", unless the run is
marked with its own language. Names, case titles, firm names and citations come from
what people typed, so a template cannot know their language in advance::

    {% load icms_lang %}
    {{ party.name_en|lang_span }}      <span lang="en-HK">CHAN Tai Man</span> on a Chinese page
    {{ party.name_zh|lang_span }}      <span lang="zh-Hant-HK">陳大文</span> on an English page

The text is escaped as usual; only the wrapper is markup. A value in the page's own language,
an empty one, or one with as many Chinese characters as English words, is left unwrapped.
Not for ``<title>`` or attribute values, which cannot hold markup.
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape, format_html, strip_tags
from django.utils.safestring import SafeData, SafeString

from icms.core.languages import is_chinese

register = template.Library()

ENGLISH = "en-HK"
CHINESE = "zh-Hant-HK"

# Han ideographs (with extension A and the compatibility block), bopomofo, CJK punctuation and
# full-width forms: what a Chinese text is written in. Each character counts as one word.
_CJK = re.compile(r"[\u3000-\u303f\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]")
_CJK_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
# A Latin word: letters, with the apostrophes, hyphens and dots of names ("O'Brien", "Co.").
_ASCII_LETTER = re.compile(r"[A-Za-z]")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+(?:['\u2019.\-][A-Za-z\u00c0-\u024f]+)*")


def text_language(text: str) -> str | None:
    """``"zh-Hant-HK"`` for mainly Chinese text, ``"en-HK"`` for mainly Latin, ``None`` if neither.

    "Mainly" compares Chinese characters with Latin words (a Chinese character is about a
    word): "陳大文" is Chinese, "CHAN Tai Man" English, "DCCJ 3618/2010" English (a citation),
    "3618/2010" neither.
    """
    if text.isascii():
        # No Chinese character can be in it, and any letter starts a Latin word: the common case, quickly.
        return ENGLISH if _ASCII_LETTER.search(text) else None
    chinese = len(_CJK_LETTER.findall(text))
    latin = len(_LATIN_WORD.findall(_CJK.sub(" ", text)))
    if chinese > latin:
        return CHINESE
    if latin > chinese:
        return ENGLISH
    return None


def page_language() -> str:
    """The active language as a ``lang`` value: ``"zh-Hant-HK"`` or ``"en-HK"``."""
    return CHINESE if is_chinese() else ENGLISH


@register.filter(needs_autoescape=True)
def lang_span(value: object, autoescape: bool = True) -> SafeString | str:
    """``value``, escaped, inside ``<span lang="…">`` when its language is not the page's.

    Where autoescaping is off (plain-text emails), the text comes back as it is, unwrapped.
    """
    if value is None or value == "":
        return ""
    text = str(value)
    if not autoescape:
        return text
    # Already-safe markup (a SafeString) stays as it is; anything else is escaped.
    content = value if isinstance(value, SafeData) else text
    language = text_language(strip_tags(text) if isinstance(value, SafeData) else text)
    if language is None or language == page_language():
        return conditional_escape(content)
    return format_html('<span lang="{}">{}</span>', language, content)
