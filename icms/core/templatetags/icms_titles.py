"""Page titles for allauth's pages where allauth gives two pages one title (issue 20: every
page's <title> is its own). Used by templates/allauth/layouts/base.html::

    {% load icms_titles %}{% allauth_title as title %}
"""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

# URL name -> the title that tells this page from its look-alike.
TITLES = {
    "account_reset_password_done": _("Password reset email sent"),
    "account_reset_password_from_key": _("Choose a new password"),
    "account_reset_password_from_key_done": _("Your password has been changed"),
    "mfa_reauthenticate": _("Confirm access with your authenticator app"),
    "mfa_generate_recovery_codes": _("Make new recovery codes"),
}


@register.simple_tag(takes_context=True)
def allauth_title(context: dict[str, Any]) -> str:
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    return str(TITLES.get(getattr(match, "url_name", "") or "", ""))
