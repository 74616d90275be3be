"""No open redirect (ASVS 5.1.5): a mailed confirmation link opened with a hostile `callbackUrl` is
refused, never answered with a 302 there. Each URL below passes a careless check: a loopback name
somewhere in the string, an allowed origin as a prefix or as user info, a scheme that is not http.
Nor does an app another address asked links for become a target (nothing is learnt from mail).

Written over HTTP so it holds whatever the redirect module looks like inside.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from sandbox.spec import Spec
from tests.sandbox.conftest import Api
from tests.sandbox.test_redirect_allow_list import HOSTILE as MAILING_HOSTILE

# Refused by the allow-list (the whole message) ...
ALLOW_LIST = ("callbackUrl is not on this sandbox's allow-list (loopback apps, the docs origins and "
              "SANDBOX_REDIRECT_URLS).")
# ... or already by the spec's `callbackUrl` schema (an http(s) URI), before the allow-list runs.
SCHEMA = "The request is invalid: query parameter `callbackUrl`: "

# The mailing table of test_redirect_allow_list, plus a loopback name or an allowed origin in other
# places a substring check would accept.
HOSTILE = sorted({*MAILING_HOSTILE,
                  "https://evil.example.net/localhost/cb",
                  "http://127.0.0.1.evil.com/cb",
                  "http://127.0.0.1:8000@evil.com/cb",
                  "https://evil.example.net/cb?next=http://127.0.0.1:8000/",
                  "ftp://localhost/cb"})


def confirmation_link(api: Api) -> tuple[str, dict[str, list[str]], str]:
    """A fresh account's mailed sign-up confirmation link: path, query, address."""
    acc = api.signup()
    mail = api.confirmation_mail(acc.email)
    link = urlsplit(mail["link"])
    return link.path, parse_qs(link.query), acc.email


def assert_refused(api: Api, spec: Spec, path: str, query: dict[str, list[str]], callback: str) -> None:
    r = api.get(path, params={**query, "callbackUrl": callback}, follow_redirects=False)
    entry = spec.errors["common/invalid-request"]
    assert r.status_code == entry.status == 400, (callback, r.status_code, r.headers.get("location"))
    assert "location" not in r.headers
    assert r.json()["error"]["code"] == "common/invalid-request"
    message = r.json()["error"]["message"]
    assert message == ALLOW_LIST or message.startswith(SCHEMA + "the value "), r.text


@pytest.mark.parametrize("callback", HOSTILE)
def test_hostile_callback_urls_are_refused(api: Api, spec: Spec, callback: str) -> None:
    path, query, email = confirmation_link(api)
    assert_refused(api, spec, path, query, callback)
    # The refusal spent nothing: the same link still confirms (without a redirect).
    r = api.get(path, params=query)
    assert (r.status_code, r.json()) == (200, {"verified": True, "email": email})


def test_an_app_off_the_allow_list_is_no_target_even_once_mailed_for(api: Api, spec: Spec) -> None:
    # Asking for links to a foreign app is refused before anything is mailed, so no address can make
    # that app a redirect target for itself or for anyone else (one configured allow-list, no learning).
    other_app = "https://app-of-a.example.org/verified"
    _, _, a_email = confirmation_link(api)
    r = api.post("/v1/auth/signup/email/resend", json={"email": a_email, "callbackUrl": other_app})
    assert (r.status_code, r.json()) == (400, {"error": {"code": "common/invalid-request", "message": ALLOW_LIST}})
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
