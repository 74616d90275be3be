"""Every mailed link and every redirect stays on the one allow-list (loopback apps, the docs origins,
SANDBOX_REDIRECT_URLS). Reproductions against `python -m sandbox`: a magic link carrying a victim's
token to evil.example, a pending verification link re-pointed without signing in, and an open
redirect through the confirmation link after mailing oneself a link to the phishing page."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.sandbox.conftest import Api, process_sandbox, unique_email

HOSTILE = [
    "https://evil.example/steal",
    "https://myapp.example.com.evil.example/",
    "http://localhost.evil.com/cb",
    "http://localhost@evil.com/cb",
    "http://127.0.0.1:3000@evil.com/cb",
    "https://evil.com/?localhost",
    "https://evil.com/#http://localhost/",
    "javascript:alert(document.domain)",
    "http://127.0.0.1\\@evil.com/",
    "//evil.com/cb",
    "http://evil.com%2f@localhost/",
    "http://[::1].evil.com/",
    "data:text/html,<script>alert(1)</script>",
    "http://127.0.0.1:8000.evil.com/",
]


def code(r: httpx.Response) -> str:
    return str(r.json()["error"]["code"])


def mailing_requests(api: Api, email: str, token: str, url: str) -> list[httpx.Response]:
    """Every request that mails a link built on `callbackUrl`."""
    return [
        api.post("/v1/auth/email/signin", json={"method": "magiclink", "email": email, "callbackUrl": url}),
        api.post("/v1/auth/email/signup", json={"method": "magiclink", "email": unique_email("ml"), "callbackUrl": url}),
        api.post("/v1/auth/signup/email/resend", json={"email": email, "callbackUrl": url}),
        api.post("/v1/auth/email/verify/send", token=token, json={"email": email, "callbackUrl": url}),
        api.post("/v1/auth/email/verify/resend", json={"email": email, "callbackUrl": url}),
    ]


@pytest.mark.parametrize("url", HOSTILE)
def test_no_link_is_mailed_to_a_url_off_the_allow_list(proc: Api, url: str) -> None:
    victim = proc.signup()
    before = len(proc.get("/sandbox/outbox", params={"limit": 100}).json()["items"])
    for r in mailing_requests(proc, victim.email, victim.token, url):
        assert r.status_code == 400, (r.request.url, r.text)
        assert code(r) == "common/invalid-request"
    items = proc.get("/sandbox/outbox", params={"limit": 100}).json()["items"]
    assert len(items) == before  # nothing was mailed at all
    assert not any("evil" in (m["link"] or "") for m in items)


def test_an_unknown_address_gets_the_same_refusal(proc: Api) -> None:
    """Refused before looking the address up: the answer says nothing about who has an account."""
    r = proc.post("/v1/auth/email/signin", json={"method": "magiclink", "email": unique_email("nobody"),
                                                 "callbackUrl": "https://evil.example/steal"})
    assert r.status_code == 400 and code(r) == "common/invalid-request"


def test_the_pending_verification_link_cannot_be_repointed_without_signing_in(proc: Api) -> None:
    victim = proc.signup()
    good = "http://localhost:3000/verify"
    assert proc.post("/v1/auth/email/verify/send", token=victim.token,
                     json={"email": victim.email, "callbackUrl": good}).status_code == 200
    r = proc.post("/v1/auth/email/verify/resend", json={"email": victim.email, "callbackUrl": "https://evil.example/x"})
    assert r.status_code == 400
    # A resend without callbackUrl keeps the victim's own (allowed) address.
    assert proc.post("/v1/auth/email/verify/resend", json={"email": victim.email}).status_code == 200
    link = proc.outbox(victim.email, "email-verification")[0]["link"]
    assert link.startswith(good + "?")


def test_confirmation_link_redirects_only_inside_the_allow_list(proc: Api) -> None:
    attacker = proc.signup()
    proc.confirmation_mail(attacker.email)
    # Mailing oneself a link to the phishing page no longer adds it to the list: it is refused.
    r = proc.post("/v1/auth/signup/email/resend",
                  json={"email": attacker.email, "callbackUrl": "https://evil.example/phish"})
    assert r.status_code == 400
    token = proc.outbox(attacker.email, "signup-confirmation")[0]["token"]
    query = {"token": token, "email": attacker.email}
    r = proc.get("/v1/auth/signup/email/confirm", params={**query, "callbackUrl": "https://evil.example/phish"})
    assert r.status_code == 400 and "location" not in r.headers
    assert code(r) == "common/invalid-request"
    # The same token still confirms with an allowed app.
    r = proc.get("/v1/auth/signup/email/confirm", params={**query, "callbackUrl": "http://localhost:5173/done"})
    assert r.status_code == 302
    target = urlsplit(r.headers["location"])
    assert (target.netloc, parse_qs(target.query)["verified"]) == ("localhost:5173", ["true"])


def test_magic_link_goes_to_an_allowed_app(proc: Api) -> None:
    user = proc.signup()
    for url in ("http://localhost:3000/auth/callback", "http://127.0.0.1:8000/cb", "http://[::1]:4000/"):
        r = proc.post("/v1/auth/email/signin", json={"method": "magiclink", "email": user.email, "callbackUrl": url})
        assert r.status_code == 200, r.text
        assert proc.outbox(user.email, "magic-link")[0]["link"].startswith(url + "?")


def test_configured_app_urls_are_allowed_and_nothing_else(tmp_path: Path) -> None:
    env = {"SANDBOX_REDIRECT_URLS": "https://app.example.com/auth/,https://staging.example.com"}
    with process_sandbox(tmp_path / "sb.db", **env) as api:
        user = api.signup()

        def mail_to(url: str) -> int:
            return api.post("/v1/auth/email/signin",
                            json={"method": "magiclink", "email": user.email, "callbackUrl": url}).status_code

        assert mail_to("https://app.example.com/auth/callback") == 200
        assert mail_to("https://staging.example.com/anything") == 200
        assert mail_to("https://app.example.com/other") == 400  # outside the path prefix
        assert mail_to("http://app.example.com/auth/callback") == 400  # scheme differs
        assert mail_to("https://app.example.com:8443/auth/callback") == 400  # port differs
        assert mail_to("https://app.example.com.evil.com/auth/") == 400


def test_the_examples_app_is_allowed_so_examples_run_as_written(proc: Api) -> None:
    user = proc.signup()
    r = proc.post("/v1/auth/email/signin", json={"method": "magiclink", "email": user.email,
                                                 "callbackUrl": "https://myapp.example.com/auth/callback"})
    assert r.status_code == 200
