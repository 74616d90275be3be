"""OAuth pre-account takeover, reproduced against `python -m sandbox` with a fake identity provider:
an attacker registers the victim's address with a password before the victim ever signs in; when the
victim later signs in with Google (which verified the address), the account is the victim's alone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sandbox.conftest import Api, process_sandbox, unique_email
from tests.sandbox.test_oauth import FakeProvider

CALLBACK = {"redirectUri": "http://localhost:3000/cb", "state": "st"}


@pytest.fixture
def idp(tmp_path: Path) -> Iterator[tuple[Api, FakeProvider]]:
    fake = FakeProvider()
    with fake.serve() as base:
        env = {"SANDBOX_GOOGLE_CLIENT_ID": "gid", "SANDBOX_GOOGLE_CLIENT_SECRET": "shh",
               "SANDBOX_GOOGLE_TOKEN_URL": f"{base}/token", "SANDBOX_GOOGLE_USERINFO_URL": f"{base}/userinfo",
               "SANDBOX_GITHUB_CLIENT_ID": "ghid", "SANDBOX_GITHUB_CLIENT_SECRET": "shh",
               "SANDBOX_GITHUB_TOKEN_URL": f"{base}/token", "SANDBOX_GITHUB_USERINFO_URL": f"{base}/user",
               "SANDBOX_GITHUB_EMAILS_URL": f"{base}/emails"}
        with process_sandbox(tmp_path / "sb.db", **env) as api:
            yield api, fake


def test_google_sign_in_ends_the_hold_of_whoever_registered_the_address_first(idp) -> None:
    api, fake = idp
    api.signup()  # someone else is the first (admin) account
    prey = unique_email("prey")
    attacker = api.signup(prey, password="Attackers-0wn-Pass")
    # The attacker also links their own GitHub account to the unverified account.
    fake.codes["attacker-gh"] = {"id": 31337, "login": "mallory", "emails": []}
    assert api.post("/v1/auth/accounts", token=attacker.token,
                    json={"provider": "github", "code": "attacker-gh"}).status_code == 201

    fake.codes["owner"] = {"sub": "g-owner", "email": prey, "email_verified": True, "name": "Real Owner"}
    r = api.post("/v1/auth/google/callback", json={"code": "owner", **CALLBACK})
    assert r.status_code == 200, r.text
    owner_token = r.json()["accessToken"]
    me = api.get("/v1/auth/me", token=owner_token).json()
    assert me["emailVerified"] is True and me["mfaEnabled"] is False

    # Nothing the attacker set still works: password, session, refresh token, their GitHub link.
    assert api.signin(prey, "Attackers-0wn-Pass").status_code == 401
    assert api.get("/v1/auth/me", token=attacker.token).status_code == 401
    assert api.post("/v1/auth/refresh", json={"refreshToken": attacker.tokens["refreshToken"]}).status_code == 401
    fake.codes["attacker-gh-2"] = {"id": 31337, "login": "mallory", "emails": []}
    r = api.post("/v1/auth/github/callback", json={"code": "attacker-gh-2", **CALLBACK})
    assert r.status_code != 200 or api.get("/v1/auth/me", token=r.json()["accessToken"]).json()["id"] != me["id"]
    linked = api.get("/v1/auth/accounts", token=owner_token).json()
    assert [a["provider"] for a in (linked["items"] if isinstance(linked, dict) else linked)] == ["google"]


def test_a_verified_password_account_is_linked_and_kept(idp) -> None:
    """An address already proven by its owner is theirs: Google joins it, the password stays."""
    api, fake = idp
    owner = api.signup()
    token = api.confirmation_mail(owner.email)["token"]
    assert api.get("/v1/auth/signup/email/confirm", params={"token": token, "email": owner.email}).status_code == 200
    fake.codes["same"] = {"sub": "g-2", "email": owner.email, "email_verified": True}
    r = api.post("/v1/auth/google/callback", json={"code": "same", **CALLBACK})
    assert r.status_code == 200
    assert api.get("/v1/auth/me", token=r.json()["accessToken"]).json()["id"] == owner.id
    assert api.signin(owner.email).status_code == 200
    assert api.get("/v1/auth/me", token=owner.token).status_code == 200
