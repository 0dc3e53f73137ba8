"""The view checklist (docs/development.md, "Tests checklist"), shared by each app's
``test_view_checklist.py``.

An app lists its views once, as :class:`View` rows over a "world" whose objects are made
the first time a test asks for them, and its tests call the ``check_*`` functions here:
the permitted user's answer, 404 for someone else's object, 405 for a wrong method, CSRF
on POST and the anonymous. List pages use :func:`assert_queries_do_not_grow`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

SIGN_IN = "sign in"


def signed_in(user, *, csrf: bool = False) -> Client:
    """A client signed in as ``user``; ``csrf=True`` enforces CSRF checks as a browser would meet them."""
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def assert_shows(response, shown: str | bytes) -> None:
    content = body(response)
    assert (shown if isinstance(shown, bytes) else shown.encode()) in content, f"{shown!r} not in {content[:3000]!r}"


def assert_sent_to_sign_in(response, url: str) -> None:
    """The anonymous are redirected to the sign-in page, which brings them back to ``url``."""
    assert response.status_code == 302, response.status_code
    location = urlsplit(response["Location"])
    assert location.path == reverse("account_login"), response["Location"]
    assert parse_qs(location.query).get("next") == [url], response["Location"]


@dataclass(frozen=True)
class View:
    """One URL pattern and what the checklist expects of it."""

    name: str
    url: Callable[[Any], str]
    methods: tuple[str, ...] = ("GET",)
    #: The permitted user (an attribute of the world); None: anyone, signed in or not.
    user: str | None = None
    #: Someone with no right to the object (an attribute of the world), who gets 404;
    #: None: the view shows nobody's object in particular.
    other: str | None = None
    #: What the permitted user's page shows (GET views): text, or bytes of a download.
    shows: Callable[[Any], str | bytes] | None = None
    #: The body of a POST, and the state a POST changes (a refused POST must leave it alone).
    data: Callable[[Any], dict[str, Any]] = field(default=lambda world: {})
    state: Callable[[Any], Any] | None = None
    #: A permitted POST: where it redirects to, and the state it leaves.
    goes_to: Callable[[Any], str] | None = None
    changed_to: Callable[[Any], Any] | None = None
    #: The anonymous visitor's answer: SIGN_IN or a status code; by default sent to sign in
    #: from a view with a permitted user, 200 from a public one.
    anonymous: str | int | None = None
    #: False only for an endpoint that authenticates its POSTs otherwise (a signed callback).
    csrf: bool = True

    def __str__(self) -> str:
        return self.name

    def client(self, world, *, csrf: bool = False) -> Client:
        return signed_in(getattr(world, self.user), csrf=csrf) if self.user else Client(enforce_csrf_checks=csrf)

    @property
    def for_the_anonymous(self) -> str | int:
        if self.anonymous is not None:
            return self.anonymous
        return SIGN_IN if self.user else 200

    def send(self, client: Client, world, url: str):
        """The view's own request: a GET, or for a POST-only view its POST."""
        if "GET" in self.methods:
            return client.get(url)
        return client.post(url, self.data(world))


def split(views: list[View]) -> dict[str, list[View]]:
    """The rows each check applies to."""
    return {
        "get": [v for v in views if "GET" in v.methods],
        "object": [v for v in views if v.other],
        "post": [v for v in views if "POST" in v.methods and v.csrf],
        "permitted post": [v for v in views if v.goes_to],
        "all": views,
    }


def check_permitted(world, view: View) -> None:
    """200 and the page's content for the permitted user (GET views)."""
    url = view.url(world)
    shown = view.shows(world) if view.shows else None  # made before the request
    response = view.client(world).get(url)
    assert response.status_code == 200, response.status_code
    if shown is not None:
        assert_shows(response, shown)


def check_permitted_post(world, view: View) -> None:
    """The permitted user's POST does what it says and redirects (POST, then redirect)."""
    url = view.url(world)
    before = view.state(world)
    location, expected = view.goes_to(world), view.changed_to(world)
    assert before != expected, "the POST must change something to show"
    response = view.client(world).post(url, view.data(world))
    assert response.status_code == 302, response.status_code
    assert response["Location"] == location, response["Location"]
    assert view.state(world) == expected, view.state(world)


def check_someone_elses_is_404(world, view: View) -> None:
    """404, never 403 (which would say that the object exists), and nothing changed."""
    url = view.url(world)
    before = view.state(world) if view.state else None
    response = view.send(signed_in(getattr(world, view.other)), world, url)
    assert response.status_code == 404, response.status_code
    if view.state:
        assert view.state(world) == before, "a refused request changed nothing"


def check_wrong_method_is_405(world, view: View) -> None:
    """POST to a GET-only view, GET to a POST-only one, PUT to one that takes both."""
    url = view.url(world)
    client = view.client(world)
    if "GET" not in view.methods:
        response = client.get(url)
    elif "POST" not in view.methods:
        response = client.post(url)
    else:
        response = client.put(url)
    assert response.status_code == 405, response.status_code
    assert set(response["Allow"].split(", ")) == set(view.methods), response["Allow"]


def check_csrf(world, view: View) -> None:
    """A POST without the CSRF token is refused and changes nothing."""
    url = view.url(world)
    before = view.state(world) if view.state else None
    response = view.client(world, csrf=True).post(url, view.data(world))
    assert response.status_code == 403, response.status_code
    assert b"CSRF" in response.content, response.content[:3000]
    if view.state:
        assert view.state(world) == before, "a refused request changed nothing"


def check_anonymous(world, view: View) -> None:
    """Sent to sign in (and back), or the public page, or the status the view gives the public;
    a refusal changes nothing."""
    url = view.url(world)
    before = view.state(world) if view.state else None
    expected = view.for_the_anonymous
    shown = view.shows(world) if view.shows and expected == 200 else None
    response = view.send(Client(), world, url)
    if expected == SIGN_IN:
        assert_sent_to_sign_in(response, url)
    else:
        assert response.status_code == expected, response.status_code
        if shown is not None:
            assert_shows(response, shown)
    if view.state and (expected == SIGN_IN or expected >= 400):
        assert view.state(world) == before, "a refused request changed nothing"


def assert_queries_do_not_grow(
    django_assert_num_queries,
    fetch: Callable[[], Any],
    add_rows: Callable[[int], Any],
    *,
    rows: int = 2,
    check: Callable[[Any, int], Any] | None = None,
) -> int:
    """The page makes as many queries for ``3 * rows`` rows as for ``rows``.

    ``fetch()`` requests the page and returns the response; ``add_rows(n)`` adds ``n`` more
    of what it lists; ``check(response, total)`` asserts that the page shows all ``total``
    rows (so that a page which stopped listing them cannot pass by making fewer queries).
    Returns the number of queries.
    """
    add_rows(rows)
    fetch()  # warm the session, the content types and the caches
    with CaptureQueriesContext(connection) as few:
        response = fetch()
    if check is not None:
        check(response, rows)
    add_rows(2 * rows)
    with django_assert_num_queries(len(few.captured_queries)):
        response = fetch()
    if check is not None:
        check(response, 3 * rows)
    return len(few.captured_queries)


class ViewChecklist:
    """The checklist's tests, once: an app's test module subclasses this with its ``VIEWS``.

    ::

        class TestViewChecklist(ViewChecklist):
            VIEWS = VIEWS

    Each test runs on the rows it applies to (:func:`split`); the module gives the
    ``world`` fixture the rows refer to.
    """

    VIEWS: ClassVar[list[View]] = []
    ROWS_OF_TEST: ClassVar[dict[str, str]] = {
        "test_the_permitted_user_gets_the_page": "get",
        "test_the_permitted_users_post_does_its_work_and_redirects": "permitted post",
        "test_someone_elses_object_is_404": "object",
        "test_a_wrong_method_is_405": "all",
        "test_a_post_without_the_csrf_token_is_refused": "post",
        "test_the_anonymous": "all",
    }

    def pytest_generate_tests(self, metafunc: pytest.Metafunc) -> None:
        rows = self.ROWS_OF_TEST.get(metafunc.function.__name__)
        if rows is not None:
            metafunc.parametrize("view", split(self.VIEWS)[rows], ids=str)

    def test_the_permitted_user_gets_the_page(self, world, view):
        check_permitted(world, view)

    def test_the_permitted_users_post_does_its_work_and_redirects(self, world, view):
        check_permitted_post(world, view)

    def test_someone_elses_object_is_404(self, world, view):
        check_someone_elses_is_404(world, view)

    def test_a_wrong_method_is_405(self, world, view):
        check_wrong_method_is_405(world, view)

    def test_a_post_without_the_csrf_token_is_refused(self, world, view):
        check_csrf(world, view)

    def test_the_anonymous(self, world, view):
        check_anonymous(world, view)
