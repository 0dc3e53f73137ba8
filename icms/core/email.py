"""The one path every email takes: a row in the outbox, sent by a worker.

Filing's notices, accounts' invitations, payments' notices, staff alerts and allauth's
emails all call :func:`email_enqueue` (or :func:`email_enqueue_in_languages`) inside the
transaction of the change they report. The web process never talks to the mail server:
if the change rolls back, nothing is sent; if the mail server is down, the outbox tries
again (transient errors only) and a permanent failure shows in "Work needing attention".
Emails only say that something happened, with a link; documents stay in the message box.

Every email looks the same (``templates/email/base.txt`` and ``base.html``): the portal's
name and the Judiciary's in a header, the text in the recipient's language, the other
language below it, and a footer; a plain-text part and an HTML part. The subject is plain
text in the recipient's language, with the ``[iCMS]`` prefix once.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template import Context, Engine
from django.utils import translation
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from icms.core.languages import is_chinese

from .models import OutboxItem

EMAIL_KIND = "core.email"

#: The portal's name, as the header of every email and allauth's site name show it.
PORTAL_NAME = "iCMS"
SUBJECT_PREFIX = f"[{PORTAL_NAME}] "
ENGLISH, CHINESE = "en", "zh-hant"
_HTML_LANG = {ENGLISH: "en", CHINESE: "zh-Hant"}


@dataclass(frozen=True)
class PortalSite:
    """What allauth's templates call the site (``current_site``): the portal, not the request's host."""

    name: str
    domain: str


def portal_site() -> PortalSite:
    """The one place the portal's name and address for emails come from (``SITE_URL``)."""
    return PortalSite(name=PORTAL_NAME, domain=urlsplit(str(settings.SITE_URL)).netloc or str(settings.SITE_URL))


def absolute_url(path: str) -> str:
    """``path`` on the portal's public address (``SITE_URL``), for links in emails."""
    return str(settings.SITE_URL).rstrip("/") + path


def email_language(language: str | None) -> str:
    """``"zh-hant"`` for any Chinese, else ``"en"``."""
    return CHINESE if is_chinese(language or "") else ENGLISH


def other_language(language: str) -> str:
    return ENGLISH if email_language(language) == CHINESE else CHINESE


def email_subject(subject: str) -> str:
    """One line, ``[iCMS] `` once at the front, at most 255 characters."""
    text = " ".join(str(subject).split())
    while text.startswith(SUBJECT_PREFIX.strip()):
        text = text[len(SUBJECT_PREFIX.strip()) :].lstrip()
    return (SUBJECT_PREFIX + text)[:255]


_URL = re.compile(r"https?://[^\s<>\"'，。；：、）」』]+")


def _link(match: re.Match[str]) -> str:
    url = match.group(0)
    trail = len(url) - len(url.rstrip(".,;:!?)"))
    url, rest = (url[:-trail], url[-trail:]) if trail else (url, "")
    return f'<a href="{url}">{url}</a>{rest}'


def email_html_text(text: str) -> SafeString:
    """Plain text as HTML paragraphs, escaped, its links made links (also right after Chinese
    punctuation, "開啟：https://…", which Django's ``urlize`` does not see)."""
    paragraphs = []
    for paragraph in re.split(r"\n\s*\n", text.strip()):
        escaped = str(escape(paragraph))
        linked = _URL.sub(_link, escaped)
        paragraphs.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return mark_safe("\n".join(paragraphs))  # noqa: S308  (every piece of text was escaped above)


def _render(template_name: str, context: dict[str, object], *, language: str, autoescape: bool) -> str:
    template = Engine.get_default().get_template(template_name)
    with translation.override(language):
        return template.render(Context(context, autoescape=autoescape))


def email_render(*, subject: str, body: str, language: str, other_body: str = "") -> tuple[str, str, str]:
    """The subject, the plain-text part and the HTML part of an email, in the portal's layout."""
    first = email_language(language)
    context: dict[str, object] = {
        "subject": email_subject(subject),
        "body": body.strip(),
        "other_body": other_body.strip(),
        "body_html": email_html_text(body),
        "other_body_html": email_html_text(other_body) if other_body.strip() else "",
        "language": first,
        "other_language": other_language(first),
        "html_lang": _HTML_LANG[first],
        "other_html_lang": _HTML_LANG[other_language(first)],
        "portal_name": PORTAL_NAME,
        "site_url": str(settings.SITE_URL).rstrip("/"),
    }
    text = _render("email/base.txt", context, language=first, autoescape=False)
    html = _render("email/base.html", context, language=first, autoescape=True)
    return str(context["subject"]), re.sub(r"\n{3,}", "\n\n", text).strip() + "\n", html


def email_enqueue(*, to: str, subject: str, body: str, language: str, other_body: str = "") -> OutboxItem | None:
    """Owe one email to ``to``, sent after the transaction commits. Blank addresses are skipped.

    ``subject`` and ``body`` are plain text (never HTML-escaped) in ``language``, the
    recipient's; ``other_body``, if given, is the same text in the other language and is
    shown below it. The portal's layout is added here.
    """
    from .outbox import enqueue

    address = to.strip()
    if not address:
        return None
    subject, text, html = email_render(subject=subject, body=body, language=language, other_body=other_body)
    return enqueue(
        EMAIL_KIND,
        payload={"to": address, "subject": subject, "body": text, "html": html, "language": email_language(language)},
    )


def email_enqueue_in_languages(
    *, to: str, language: str | None, render: Callable[[str], tuple[str, str]]
) -> OutboxItem | None:
    """Owe ``to`` an email in ``language`` (the recipient's) with the other language below it.

    ``render(language)`` returns the subject and the plain-text body in that language.
    """
    first = email_language(language)
    subject, body = render(first)
    _, other_body = render(other_language(first))
    return email_enqueue(to=to, subject=subject, body=body, language=first, other_body=other_body)


def email_send(item: OutboxItem) -> None:
    """The outbox's ``core.email`` work: send the email the row holds (text, and HTML if any)."""
    payload = item.payload
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        to=[payload["to"]],
        headers={
            "Auto-Submitted": "auto-generated",
            "Content-Language": _HTML_LANG[email_language(payload.get("language"))],
        },
    )
    if payload.get("html"):
        message.attach_alternative(payload["html"], "text/html")
    message.send()


def email_failed(item: OutboxItem) -> None:
    """``core.email_failed``: the row itself is the report (audited, and listed for staff).

    Nobody is emailed about an email that could not be sent; the people it was for
    still have the message in their message box.
    """
