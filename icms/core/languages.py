"""Which of a record's two texts, English or Chinese, a reader sees.

Every bilingual value (a court's, a case type's, a party's name, a role, a nature) is shown
in Chinese on a Chinese page when it has a Chinese text, and in English otherwise. This is
that rule's one home.
"""

from __future__ import annotations

from django.utils.translation import get_language


def is_chinese(language: str | None = None) -> bool:
    """Whether ``language`` (the active language when not given) is Chinese."""
    return (language if language is not None else get_language() or "").lower().startswith("zh")


def in_language(english: str, chinese: str, *, chinese_page: bool | None = None) -> str:
    """``chinese`` on a Chinese page when it is set, else ``english``.

    ``chinese_page`` is :func:`is_chinese` asked once by a caller that writes many values
    (a page of results), instead of asking the translation machinery for each.
    """
    shown_in_chinese = is_chinese() if chinese_page is None else chinese_page
    return chinese if shown_in_chinese and chinese else english
