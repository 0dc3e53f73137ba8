"""The texts of messages to users, in English and Traditional Chinese, from templates.

A message in the message box holds its subject and text in both languages, and the
reader sees their own. Its words live in a pair of plain-text templates,
``<app>/messages/<name>_subject.txt`` and ``<app>/messages/<name>_body.txt``, written
in English with ``{% translate %}`` and ``{% blocktranslate %}``; the Chinese comes from
the catalogue (``locale/``), like every other string of the portal. Services pass the
values and never build the sentences themselves.

Rendering here is plain text: nothing is HTML-escaped, so a party called "Chan & Co"
stays "Chan & Co" (no ``{% autoescape off %}`` is needed in these templates). Leading
and trailing whitespace is dropped, so a template may end with a newline.

A context value may differ by language:

- a :class:`Bilingual` (two stored texts, such as ``name_en`` and ``name_zh``) gives
  each rendering its own language's text;
- a lazy string (``gettext_lazy``, a choice's ``label``, ``lazy(func, str)(...)``) is
  evaluated in the language being rendered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from django.template import Context, Engine
from django.utils import translation

from icms.core.languages import is_chinese

ENGLISH = "en"
CHINESE = "zh-hant"


@dataclass(frozen=True)
class Bilingual:
    """One text in English (``en``) and in Traditional Chinese (``zh``)."""

    en: str
    zh: str

    def in_language(self, language: str) -> str:
        """The text in ``language`` (any ``zh`` code gives the Chinese)."""
        return self.zh if is_chinese(language) else self.en


@dataclass(frozen=True)
class BilingualMessage:
    """The subject and text of one message, each in both languages."""

    subject: Bilingual
    body: Bilingual


def render_text(template_name: str, context: Mapping[str, object], *, language: str) -> str:
    """Render the plain-text template ``template_name`` in ``language``, unescaped and stripped."""
    values = {
        key: value.in_language(language) if isinstance(value, Bilingual) else value for key, value in context.items()
    }
    template = Engine.get_default().get_template(template_name)
    with translation.override(language):
        return template.render(Context(values, autoescape=False)).strip()


def render_bilingual(template_name: str, context: Mapping[str, object]) -> Bilingual:
    """Render ``template_name`` once in English and once in Traditional Chinese."""
    return Bilingual(
        en=render_text(template_name, context, language=ENGLISH),
        zh=render_text(template_name, context, language=CHINESE),
    )


def render_message(name: str, context: Mapping[str, object]) -> BilingualMessage:
    """Render the message ``name``: ``<name>_subject.txt`` and ``<name>_body.txt``, in both languages.

    ``name`` is the templates' path without the suffix, such as ``"filing/messages/submission_returned"``.
    """
    return BilingualMessage(
        subject=render_bilingual(f"{name}_subject.txt", context),
        body=render_bilingual(f"{name}_body.txt", context),
    )
