"""Facts the accessibility statement states, kept in one place (templates/core/accessibility.html).

Change ``LAST_TESTED`` when the portal is tested again against the standard, and
``STATEMENT_REVIEWED`` when the statement's text is reviewed. Both are shown in the
reader's language and date format.
"""

from __future__ import annotations

from datetime import date

#: The standard the portal is built and tested to.
STANDARD = "WCAG 2.2 AA"
#: The day the portal was last tested against :data:`STANDARD` (docs/accessibility.md).
LAST_TESTED = date(2026, 12, 6)
#: The day this statement was first prepared, and the day it was last reviewed.
STATEMENT_PREPARED = date(2026, 12, 6)
STATEMENT_REVIEWED = date(2026, 12, 6)

#: Problem reports accepted from one address in a window (icms.core.ratelimit).
REPORT_LIMIT = 5
REPORT_WINDOW_SECONDS = 10 * 60
