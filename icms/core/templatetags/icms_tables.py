"""Tables that keep their meaning at every width.

Every data table in the portal's pages uses one pattern (styled in ``static/css/icms.css``,
section "Tables at every width")::

    {% load icms_tables %}
    <table class="table">
      <caption>…</caption>
      <thead><tr><th scope="col">{% translate "Fee" %}</th></tr></thead>
      <tbody><tr><td>{% cell_label _("Fee") %}HK$100</td></tr></tbody>
    </table>

On a wide screen it is an ordinary table and the labels are not shown. On a narrow screen each
row becomes a block of labelled lines: the column headers are hidden visually but stay in the
accessibility tree, and each cell shows its label as real text. The label is ``aria-hidden``
because a screen reader already announces the cell's column header. The markup carries no explicit
ARIA roles: HTML forbids ``role`` on the parts of a ``<table>`` (the Nu HTML Checker rejects it), and
Chromium keeps the table's semantics when their ``display`` changes, which
tests/e2e/test_tables_at_every_width.py proves at 390 and 1280 px.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.simple_tag
def cell_label(label: object) -> SafeString:
    """The visible label of a cell in a table that has reflowed into rows on a narrow screen."""
    return format_html('<span class="table__label" aria-hidden="true">{}</span>', label)
