"""Accounts without a password (magic-link sign-up; admin-created and social-only ones store none
either) must never pass a password check: not with the dummy password the sandbox verifies to burn
time for unknown accounts, not with anything else.

Written over HTTP so it holds whatever the password module looks like inside.
"""

from __future__ import annotations

import httpx
import pytest

from sandbox import passwords
from sandbox.spec import Spec
from tests.sandbox.conftest import PASSWORD, Api, unique_email

# The password behind the sandbox's dummy hash: the one a missing hash is checked against.
DUMMY_PASSWORD = "not-a-real-password-just-burning-time"

TRIED = [DUMMY_PASSWORD, PASSWORD, "anything-at-all-9"]


def test_the_dummy_password_is_still_the_one_the_module_burns_time_on() -> None:
    # If the module changes its dummy, this test file must follow, or it stops testing the hole.
    assert passwords.HASHER.verify(passwords._DUMMY_HASH, DUMMY_PASSWORD) is True


def refused(response: httpx.Response, spec: Spec, code: str) -> None:
    """Exactly this error: the spec's status, and the envelope with the spec's message."""
    entry = spec.errors[code]
    assert (response.status_code, response.json()) == (
        entry.status, {"error": {"code": code, "message": entry.message}}), response.text


def magic_link_account(api: Api) -> tuple[str, str]:
    """Sign up by magic link (no password is ever set); returns the address and an access token."""
    email = unique_email("nopass")
    r = api.post("/v1/auth/email/signup",
                 json={"method": "magiclink", "email": email, "callbackUrl": "http://localhost:3000/cb"})
    assert r.status_code == 201, r.text
    [mail] = api.outbox(email, "magic-link")
    r = api.post("/v1/auth/email/callback", json={"token": mail["token"]})
    assert r.status_code == 200, r.text
    return email, r.json()["accessToken"]


@pytest.mark.parametrize("password", TRIED)
def test_password_sign_in_to_a_passwordless_account_is_refused(api: Api, spec: Spec, password: str) -> None:
    email, _ = magic_link_account(api)
    r = api.signin(email, password)
    refused(r, spec, "auth/invalid-credentials")
    assert r.status_code == 401
    # The same answer as an unknown address: no oracle for which accounts lack a password.
    assert r.json() == api.signin(unique_email("nobody"), password).json()


def test_passwordless_account_cannot_pass_its_current_password(api: Api, spec: Spec) -> None:
    email, token = magic_link_account(api)
    r = api.post("/v1/auth/password/change", token=token,
                 json={"currentPassword": DUMMY_PASSWORD, "newPassword": "Brand-new-Passw0rd"})
    refused(r, spec, "auth/invalid-password")
    r = api.post("/v1/auth/mfa/enable", token=token, json={"password": DUMMY_PASSWORD})
    refused(r, spec, "auth/invalid-credentials")  # bkend: MFA toggles answer invalid-credentials
    # Nothing changed: the new password does not sign in either.
    refused(api.signin(email, "Brand-new-Passw0rd"), spec, "auth/invalid-credentials")
