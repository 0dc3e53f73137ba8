"""``{% fixed_url "name" %}``: the address of a page that takes no arguments, reversed once.

Every page's header and footer link to a dozen fixed pages. ``{% url %}`` resolves each
of them afresh on every request (Django's ``reverse()`` walks the URL patterns' possible
matches each time), which cost as much as the minimal view's whole request. A fixed
page's address depends only on the URLconf and the script prefix, so it is kept per
process under both: nothing else about the request can change it.

Use ``{% url %}`` for anything with arguments.
"""

from __future__ import annotations

from functools import lru_cache

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=512)
def _reversed(name: str, urlconf: str | None, root_urlconf: str, prefix: str) -> str:
    return reverse(name, urlconf=urlconf)


@register.simple_tag
def fixed_url(name: str) -> str:
    """``reverse(name)`` for a URL pattern without arguments, kept per URLconf and script prefix."""
    return _reversed(name, get_urlconf(), str(settings.ROOT_URLCONF), get_script_prefix())


# A number no real row has, put in the pattern once and replaced by each row's own.
_MARK = 987_654_321_987


@lru_cache(maxsize=128)
def _reversed_with_mark(name: str, urlconf: str | None, root_urlconf: str, prefix: str) -> tuple[str, str]:
    address = reverse(name, args=[_MARK], urlconf=urlconf)
    before, mark, after = address.partition(str(_MARK))
    if not mark:
        raise ValueError(f"{name} does not put its one argument in the path.")
    return before, after


def url_with_pk(name: str, pk: int) -> str:
    """``reverse(name, args=[pk])`` for a pattern whose one argument is an integer in the path,
    with the pattern reversed once per process: for a page of twenty links to cases."""
    before, after = _reversed_with_mark(name, get_urlconf(), str(settings.ROOT_URLCONF), get_script_prefix())
    return f"{before}{int(pk)}{after}"


@receiver(setting_changed)
def _forget(*, setting: str, **kwargs: object) -> None:
    # Tests swap URLconfs (override_settings(ROOT_URLCONF=...)); the key has it, but a
    # module's patterns can also be changed in place, as clear_url_caches() allows for.
    if setting == "ROOT_URLCONF":
        _reversed.cache_clear()
        _reversed_with_mark.cache_clear()
