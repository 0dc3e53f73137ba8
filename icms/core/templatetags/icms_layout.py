"""``{% page_layout %}``: the page layout of ``base.html``, written by the Jinja2 engine.

The header, navigation, banner and footer have one home, ``templates/jinja2/layout.html``
(icms.core.jinja), which the Jinja2 pages extend. ``base.html`` keeps its blocks (``title``,
``meta_description``, ``head``, ``before_content``, ``content``) for the pages written in
the Django template language: the tag renders each block, as the page fills it, and hands
them to the same layout as ``parts``. An empty ``title`` or ``meta_description`` takes the
layout's own.

``{% jinja "components/field.html" field=form.q %}`` renders one Jinja2 template with the
page's context and the given values: a component with one home that both engines use.
"""

from __future__ import annotations

from typing import Any, cast

from django import template
from django.template.base import FilterExpression, NodeList, Parser, Token
from django.template.context import Context
from django.template.loader_tags import BlockNode
from django.utils.safestring import SafeString

from icms.core.jinja import csrf, render_markup

register = template.Library()


def context_values(context: Context) -> dict[str, Any]:
    """The page's context as one dict, with the CSRF values Jinja2's engine gives its own pages."""
    values = cast(dict[str, Any], context.flatten())
    request = values.get("request")
    if request is not None:
        values.update(csrf(request))
    return values


class PageLayoutNode(template.Node):
    def __init__(self, nodelist: NodeList) -> None:
        self.nodelist = nodelist
        self.blocks = [node for node in nodelist if isinstance(node, BlockNode)]

    def render(self, context: Context) -> SafeString:
        parts = {block.name: block.render(context) for block in self.blocks}
        return render_markup("layout.html", {**context_values(context), "parts": parts})


@register.tag("page_layout")
def page_layout(parser: Parser, token: Token) -> PageLayoutNode:
    nodelist = parser.parse(("endpage_layout",))
    parser.delete_first_token()
    return PageLayoutNode(nodelist)


class JinjaNode(template.Node):
    def __init__(self, name: str, values: dict[str, FilterExpression]) -> None:
        self.name = name
        self.values = values

    def render(self, context: Context) -> SafeString:
        extra: dict[str, Any] = {key: value.resolve(context) for key, value in self.values.items()}
        return render_markup(self.name, {**context_values(context), **extra})


@register.tag("jinja")
def jinja(parser: Parser, token: Token) -> JinjaNode:
    bits = token.split_contents()
    if len(bits) < 2 or bits[1][0] not in "\"'" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError('{% jinja "name.html" key=value ... %}')
    values = {}
    for bit in bits[2:]:
        key, sep, expression = bit.partition("=")
        if not sep:
            raise template.TemplateSyntaxError(f"{{% jinja %}} takes key=value, not {bit!r}")
        values[key] = parser.compile_filter(expression)
    return JinjaNode(bits[1][1:-1], values)
