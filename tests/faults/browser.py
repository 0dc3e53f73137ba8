"""A person's browser over real HTTP, for tests against live web processes: its own
cookie jar (session and CSRF cookies), signing in, and filing a new case with a writ."""

from __future__ import annotations

import functools
import http.client
import http.cookiejar
import re
import ssl
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field

from tests.factories import PASSWORD
from tests.filing.new_case_post import ADDRESS, new_case_data

CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KEY_INPUT = re.compile(r'<input type="hidden" name="submission_key" value="([0-9a-f-]{36})"')
REVIEW = re.compile(r"^/filing/drafts/\d+/review/$")
ACKNOWLEDGEMENT = re.compile(r"^/filing/submissions/([^/?]+)/\?new=1$")


@dataclass
class Answer:
    status: int
    location: str
    text: str


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer to look at, not to follow


class _FromAddress(urllib.request.HTTPHandler, urllib.request.HTTPSHandler):
    """Connects from a given local address: on Linux all of 127.0.0.0/8 is loopback, so
    browsers at 127.0.0.2 and 127.0.0.3 are two clients to a server (or proxy) on 127.0.0.1."""

    def __init__(self, source: str, context: ssl.SSLContext | None) -> None:
        urllib.request.HTTPHandler.__init__(self)
        urllib.request.HTTPSHandler.__init__(self, context=context)
        self.source = (source, 0)

    def http_open(self, req):
        return self.do_open(functools.partial(http.client.HTTPConnection, source_address=self.source), req)

    def https_open(self, req):
        connection = functools.partial(http.client.HTTPSConnection, source_address=self.source)
        return self.do_open(connection, req, context=self._context)


@dataclass
class Browser:
    """One person's browser: their own cookie jar (session and CSRF cookies).

    ``source``: the local address to connect from (default: the system's choice);
    ``tls``: the context that verifies an HTTPS server (a test's own certificate).
    """

    email: str
    cookies: http.cookiejar.CookieJar = field(default_factory=http.cookiejar.CookieJar)
    source: str | None = None
    tls: ssl.SSLContext | None = None

    def __post_init__(self) -> None:
        handlers: list[urllib.request.BaseHandler] = [urllib.request.HTTPCookieProcessor(self.cookies), _NoRedirects()]
        if self.source is not None:
            handlers.append(_FromAddress(self.source, self.tls))
        elif self.tls is not None:
            handlers.append(urllib.request.HTTPSHandler(context=self.tls))
        self.opener = urllib.request.build_opener(*handlers)

    def request(self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None) -> Answer:
        request = urllib.request.Request(url, data=data, headers=headers or {})  # noqa: S310 - loopback
        try:
            with self.opener.open(request, timeout=120) as response:
                return Answer(response.status, response.headers.get("Location", ""), response.read().decode())
        except urllib.error.HTTPError as error:
            with error:
                return Answer(error.code, error.headers.get("Location", ""), error.read().decode(errors="replace"))

    def form(self, url: str) -> tuple[str, str]:
        """GET a form: its CSRF token and its page."""
        page = self.request(url)
        assert page.status == 200, f"GET {url}: {page.status}"
        match = CSRF_INPUT.search(page.text)
        assert match, f"no CSRF token in {url}"
        return match.group(1), page.text

    def sign_in(self, base: str) -> None:
        url = f"{base}/accounts/login/"
        token, _ = self.form(url)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "login": self.email, "password": PASSWORD})
        answer = self.request(
            url,
            data=body.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": url},
        )
        assert answer.status == 302, f"sign-in of {self.email}: {answer.status}\n{answer.text[:2000]}"

    def file_new_case(self, base: str, *, prefix: str, writ_type: int, number: int, pdf: bytes) -> Answer:
        url = f"{base}/filing/new/{prefix}/"
        token, page = self.form(url)
        key = KEY_INPUT.search(page)
        assert key, "no submission key on the form"
        fields = {
            "csrfmiddlewaretoken": token,
            "submission_key": key.group(1),
            **new_case_data(
                nature_en="Money claim" if prefix == "DCCJ" else "Personal injuries (road traffic accident)",
                amount_claimed="250000.00" if prefix == "DCCJ" else None,
                applicants=[{"name_en": f"CLAIMANT {number}", "address_for_service": ADDRESS}],
            ),
            "documents-TOTAL_FORMS": "1",
            "documents-INITIAL_FORMS": "0",
            "documents-MIN_NUM_FORMS": "0",
            "documents-MAX_NUM_FORMS": "10",
            "documents-0-document_type": str(writ_type),
            "documents-0-title": f"Writ of summons {number}",
        }
        body, content_type = multipart(fields, {"documents-0-file": (f"writ-{number}.pdf", pdf)})
        answer = self.request(url, data=body, headers={"Content-Type": content_type, "Referer": url})
        if answer.status != 302 or not REVIEW.match(urllib.parse.urlsplit(answer.location).path):
            return answer
        # The form kept it as a draft: Submit on the review page files it.
        review = urllib.parse.urljoin(url, answer.location)
        token, _ = self.form(review)
        submit = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "submission_key": key.group(1)})
        return self.request(
            review,
            data=submit.encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded", "Referer": review},
        )


def multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = f"----icms-faults-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode(), value.encode()]
        parts.append(b"\r\n")
    for name, (filename, content) in files.items():
        head = (
            f"--{boundary}\r\n"
            f'Content-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        )
        parts += [head.encode(), content, b"\r\n"]
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"
