"""``{% once_per_language %}...{% endonce_per_language %}``: markup rendered once per process and language.

Parts of ``base.html`` are the same on every request in one language: the skip link, the
brand, the footer's text and fixed links. Rendering them again (a dozen ``{% translate %}``,
``{% static %}``, ``{% fixed_url %}`` and two includes) was about half the base template's
time on every page (issue 16). The block is rendered the first time it is met in a
language and the result kept on the compiled template's node, under the language, the
URLconf and the script prefix (what ``{% fixed_url %}`` keys on); a changed setting (a test's
``override_settings``) starts afresh.

Only for markup that depends on nothing but the language, the settings and the URLconf:
never the request, the user, a CSRF token or a nonce. ``tests/core/test_base_template.py``
renders ``base.html`` with and without the kept parts across users, languages and pages.
"""

from __future__ import annotations

from itertools import count

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.template.base import NodeList, Parser, Token
from django.template.context import Context
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

register = template.Library()

#: Off, every block is rendered afresh (the test compares both).
ENABLED = True
_generation = count()
_current = next(_generation)


class OncePerLanguageNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.generation = _current
        self.kept: dict[tuple[str | None, str | None, str, str], SafeString] = {}

    def render(self, context: Context) -> SafeString:
        if not ENABLED:
            return mark_safe(self.nodelist.render(context))  # noqa: S308 (the template's own output)
        if self.generation != _current:
            self.generation, self.kept = _current, {}
        key = (get_language(), get_urlconf(), str(settings.ROOT_URLCONF), get_script_prefix())
        kept = self.kept.get(key)
        if kept is None:
            kept = self.kept[key] = mark_safe(self.nodelist.render(context))  # noqa: S308 (as above)
        return kept


@register.tag("once_per_language")
def once_per_language(parser: Parser, token: Token) -> OncePerLanguageNode:
    nodelist = parser.parse(("endonce_per_language",))
    parser.delete_first_token()
    return OncePerLanguageNode(nodelist)


@receiver(setting_changed)
def _forget(**kwargs: object) -> None:
    # A test changed a setting (the environment's name, the outbox link, the URLconf):
    # what was kept may no longer be what the block renders.
    global _current
    _current = next(_generation)
