"""sandbox/redirects.py in-process: how entries are read, what the allow-list lets through (to the
scheme, port and path prefix) and what it refuses. Fast on purpose: `make mutate` runs these for
each mutant of the module; test_open_redirect.py checks the same over HTTP."""

from __future__ import annotations

import pytest

from sandbox import errors
from sandbox.errors import ApiError
from sandbox.redirects import AllowList, Entry, entry, require

ALLOW = AllowList.build(("http://127.0.0.1:8000", "*", "loopback", "HTTPS://Docs.Example.com"),
                        ("https://app.example.com/auth", "http://app.example.com:8080/cb/"))
REFUSAL = ("callbackUrl is not on this sandbox's allow-list (loopback apps, the docs origins and "
           "SANDBOX_REDIRECT_URLS).")


def test_entries_are_normalized() -> None:
    assert ALLOW.entries == (
        Entry("http", "127.0.0.1", 8000, ""),
        Entry("https", "docs.example.com", 443, ""),
        Entry("https", "app.example.com", 443, "/auth/"),
        Entry("http", "app.example.com", 8080, "/cb/"),
    )
    assert entry("http://a.example") == Entry("http", "a.example", 80, "")
    assert entry("https://a.example/") == Entry("https", "a.example", 443, "/")
    assert entry("https://[::1]:9/x/") == Entry("https", "::1", 9, "/x/")


@pytest.mark.parametrize("bad", ["https://a.example/?q=1", "https://a.example/#f", "ftp://a.example", "a.example",
                                 "https://user@a.example", "https://a.example:99999", ""])
def test_an_entry_must_be_an_origin_or_prefix(bad: str) -> None:
    with pytest.raises(ValueError) as caught:
        entry(bad)
    assert str(caught.value) == f"not an http(s) origin or URL prefix: {bad!r}"


@pytest.mark.parametrize("url", [
    "http://localhost:3000/cb", "https://localhost/cb", "http://127.0.0.1:5173/", "http://[::1]:8080/x",
    "http://LOCALHOST:1/", "http://127.0.0.1:8000/verified", "https://docs.example.com/anything",
    "https://docs.example.com:443/x", "HTTPS://DOCS.EXAMPLE.COM/x", "https://app.example.com/auth/callback",
    "https://app.example.com/auth/", "http://app.example.com:8080/cb/done", "http://localhost",
    "https://docs.example.com",
])
def test_allowed(url: str) -> None:
    assert ALLOW.allows(url) is True
    require(ALLOW, url)


@pytest.mark.parametrize("url", [
    "https://app.example.com/auth", "https://app.example.com/authx/cb", "https://app.example.com/other",
    "http://app.example.com/auth/cb", "https://app.example.com:8443/auth/cb", "https://app.example.com.evil.com/auth/",
    "http://docs.example.com/x", "https://docs.example.com:8443/x", "http://127.0.0.1:8000x/",
    "http://app.example.com:8080/cbx", "https://evil.example/?localhost", "http://localhost.evil.com/",
    "http://localhost@evil.com/", "http://127.0.0.1\\@evil.com/", "http://[::1].evil.com/", "http://localhost:/",
    "http://localhost /", "http://local\thost/", "http://localhost/\x7f", "http://localhost/\x01", "javascript:alert(1)",
    "//localhost/", "http:///x", "", "http://localhost:99999/", "http://localhost/" + "a" * 2040,
])
def test_refused(url: str) -> None:
    assert ALLOW.allows(url) is False
    with pytest.raises(ApiError) as caught:
        require(ALLOW, url)
    assert (caught.value.code, caught.value.message) == (errors.INVALID_REQUEST, REFUSAL)


def test_length_limit_is_2048() -> None:
    at_limit = "http://localhost/" + "a" * (2048 - len("http://localhost/"))
    assert len(at_limit) == 2048 and ALLOW.allows(at_limit) is True
    assert ALLOW.allows(at_limit + "a") is False


def test_an_origin_without_a_path_is_under_a_root_prefix() -> None:
    root = AllowList.build((), ("https://a.example/",))
    assert root.allows("https://a.example") is True
    assert root.allows("https://a.example/x") is True
    assert AllowList.build((), ("https://a.example/x/",)).allows("https://a.example") is False


def test_no_url_is_nothing_to_refuse() -> None:
    require(AllowList(()), None)
    assert AllowList(()).allows("https://docs.example.com/") is False
    assert AllowList(()).allows("http://localhost/") is True
    assert AllowList.build(("*", "loopback"), ()).entries == ()
