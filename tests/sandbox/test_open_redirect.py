"""No open redirect (ASVS 5.1.5): a mailed confirmation link opened with a hostile `callbackUrl` is
refused, never answered with a 302 there. Each URL below passes a careless check (a loopback name
somewhere in the string, an allowed origin as a prefix, a scheme that is not http) or one made for
another address.

Written over HTTP so it holds whatever the redirect module looks like inside.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.spec import Spec
from tests.sandbox.conftest import Api

# Refused by the allow-list (the message says so) ...
ALLOW_LIST = "callbackUrl is not on this sandbox's allow-list"
# ... or already by the spec's `callbackUrl` schema (http(s) URI), before the allow-list runs.
SCHEMA = "The request is invalid: query parameter `callbackUrl`: "

HOSTILE = [
    ("https://evil.example.net/?localhost", ALLOW_LIST),  # a loopback name in the query
    ("https://evil.example.net/localhost/cb", ALLOW_LIST),  # ... in the path
    ("https://evil.example.net/#127.0.0.1", ALLOW_LIST),  # ... in the fragment
    ("http://localhost.evil.com/cb", ALLOW_LIST),  # a loopback name as a subdomain label
    ("http://127.0.0.1.evil.com/cb", ALLOW_LIST),
    ("http://localhost@evil.com/cb", ALLOW_LIST),  # userinfo: the host is evil.com
    ("http://127.0.0.1:8000@evil.com/cb", ALLOW_LIST),  # an allowed docs origin as userinfo
    ("https://evil.example.net/cb?next=http://127.0.0.1:8000/", ALLOW_LIST),  # ... in the query
    ("javascript:alert(document.domain)//localhost", SCHEMA),
    ("data:text/html,<script>alert(1)</script>localhost", SCHEMA),
    ("//evil.example.net/localhost", SCHEMA),  # scheme-relative
    ("ftp://localhost/cb", SCHEMA),  # loopback, but not a web app
]


def confirmation_link(api: Api) -> tuple[str, dict[str, list[str]], str]:
    """A fresh account's mailed sign-up confirmation link: path, query, address."""
    acc = api.signup()
    mail = api.confirmation_mail(acc.email)
    link = urlsplit(mail["link"])
    return link.path, parse_qs(link.query), acc.email


def assert_refused(api: Api, spec: Spec, path: str, query: dict[str, list[str]], callback: str,
                   reason: str = ALLOW_LIST) -> None:
    r = api.get(path, params={**query, "callbackUrl": callback}, follow_redirects=False)
    entry = spec.errors["common/invalid-request"]
    assert r.status_code == entry.status == 400, (callback, r.status_code, r.headers.get("location"))
    assert "location" not in r.headers
    assert r.json()["error"]["code"] == "common/invalid-request"
    assert r.json()["error"]["message"].startswith(reason), r.text


@pytest.mark.parametrize(("callback", "reason"), HOSTILE)
def test_hostile_callback_urls_are_refused(api: Api, spec: Spec, callback: str, reason: str) -> None:
    path, query, email = confirmation_link(api)
    assert_refused(api, spec, path, query, callback, reason)
    # The refusal spent nothing: the same link still confirms (without a redirect).
    r = api.get(path, params=query)
    assert (r.status_code, r.json()) == (200, {"verified": True, "email": email})


def test_an_app_off_the_allow_list_is_no_target_even_once_mailed_for(api: Api, spec: Spec) -> None:
    # Asking for links to a foreign app is refused before anything is mailed, so no address can make
    # that app a redirect target for itself or for anyone else (one configured allow-list, no learning).
    other_app = "https://app-of-a.example.org/verified"
    _, _, a_email = confirmation_link(api)
    r = api.post("/v1/auth/signup/email/resend", json={"email": a_email, "callbackUrl": other_app})
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "common/invalid-request"
    assert r.json()["error"]["message"].startswith(ALLOW_LIST), r.text
    assert len(api.outbox(a_email, "signup-confirmation")) == 1  # nothing more was mailed

    b_path, b_query, _ = confirmation_link(api)
    assert_refused(api, spec, b_path, b_query, other_app)


@pytest.mark.parametrize("callback", ["http://localhost:3000/cb", "http://127.0.0.1:5173/cb", "http://[::1]:8080/cb",
                                      "http://127.0.0.1:8000/verified"])
def test_loopback_and_docs_callbacks_are_followed(api: Api, callback: str) -> None:
    # The control for the table above: genuine app URLs do redirect.
    path, query, email = confirmation_link(api)
    r = api.get(path, params={**query, "callbackUrl": callback}, follow_redirects=False)
    assert r.status_code == 302, r.text
    assert r.headers["location"] == f"{callback}?verified=true&email={email.replace('@', '%40')}"
