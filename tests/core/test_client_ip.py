"""The client's address behind a configured number of trusted proxies (icms.core.http.client_ip)."""

import pytest
from allauth.account.adapter import get_adapter
from django.test import RequestFactory

from icms.core.http import client_ip

PROXY = "172.18.0.5"


def _request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_without_trusted_proxies_the_forwarded_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(_request("203.0.113.9", remote="198.51.100.7")) == "198.51.100.7"


def test_behind_one_proxy_the_address_it_appended_counts_not_what_the_client_claimed(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    # The client sent "X-Forwarded-For: 10.9.9.9, 192.0.2.1"; the proxy appended the peer.
    assert client_ip(_request("10.9.9.9, 192.0.2.1, 203.0.113.9")) == "203.0.113.9"
    assert client_ip(_request("203.0.113.9")) == "203.0.113.9"


def test_behind_two_proxies_the_second_address_from_the_right_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("10.9.9.9, 203.0.113.9, 172.18.0.9")) == "203.0.113.9"


@pytest.mark.parametrize(
    "forwarded",
    [
        None,  # reached gunicorn without the proxy (a health check inside the network)
        "",
        "not-an-address",
        "203.0.113.9, ",
    ],
)
def test_a_missing_or_malformed_header_falls_back_to_the_connection(settings, forwarded):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded)) == PROXY


def test_fewer_entries_than_proxies_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(_request("203.0.113.9")) == PROXY


@pytest.mark.parametrize(
    ("forwarded", "address"),
    [
        (" 203.0.113.9 ", "203.0.113.9"),
        ("203.0.113.9:5678", "203.0.113.9"),
        ("[2001:db8::1]:443", "2001:db8::1"),
        ("2001:DB8:0::1", "2001:db8::1"),
    ],
)
def test_forwarded_addresses_are_read_in_their_canonical_form(settings, forwarded, address):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(_request(forwarded)) == address


def test_allauth_asks_the_same_function(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    request = _request("10.9.9.9, 203.0.113.9")
    assert get_adapter(request).get_client_ip(request) == client_ip(request) == "203.0.113.9"
