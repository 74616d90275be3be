"""Limits that hold and cannot be turned against the owner, against `python -m sandbox`:
failed sign-ins pause one (account, IP) pair, not the account (the owner elsewhere still signs in,
changes the password, turns MFA off); and the limits live in the database, so a restart does not reset
them and two processes on one database allow what one does."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyotp

from tests.conftest import run_sandbox
from tests.sandbox.conftest import PASSWORD, Api, process_sandbox, unique_email

SIGNIN = "/v1/auth/email/signin"
ATTACKER, OWNER = "203.0.113.66", "198.51.100.10"
PROXIED = {"SANDBOX_RATE_LIMITS": "1", "SANDBOX_TRUSTED_PROXIES": "127.0.0.1"}


def signin(api: Api, email: str, password: str, ip: str, **extra: str) -> httpx.Response:
    return api.post(SIGNIN, json={"method": "password", "email": email, "password": password, **extra},
                    headers={"X-Forwarded-For": ip})


def test_failed_sign_ins_from_one_ip_do_not_lock_the_owner_out(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", **PROXIED) as api:
        email = unique_email("owner")
        r = api.post("/v1/auth/email/signup", json={"method": "password", "email": email, "password": PASSWORD,
                                                    "name": "Owner"}, headers={"X-Forwarded-For": OWNER})
        token = r.json()["accessToken"]
        enabled = api.post("/v1/auth/mfa/enable", token=token, json={"password": PASSWORD}).json()
        secret, backup = enabled["secret"], enabled["backupCodes"]
        assert api.post("/v1/auth/mfa/confirm", token=token,
                        json={"code": pyotp.TOTP(secret).now()}).status_code == 200
        assert [signin(api, email, "Wrong-guess-1", ATTACKER).status_code for _ in range(10)] == [401] * 10
        r = signin(api, email, PASSWORD, ATTACKER)
        assert r.status_code == 429 and r.json()["error"]["code"] == "auth/too-many-login-attempts"
        assert int(r.headers["retry-after"]) > 0
        # The owner, from their own address, is not locked out of anything.
        r = signin(api, email, PASSWORD, OWNER, mfaCode=backup[0])  # the TOTP step was spent by confirm
        assert r.status_code == 200, r.text
        headers = {"X-Forwarded-For": OWNER}
        r = api.post("/v1/auth/mfa/disable", token=token, headers=headers,
                     json={"password": PASSWORD, "code": backup[1]})
        assert r.status_code == 200, r.text
        r = api.post("/v1/auth/password/change", token=token, headers=headers,
                     json={"currentPassword": PASSWORD, "newPassword": "A-Brand-New-Pass-2"})
        assert r.status_code == 200, r.text


@contextlib.contextmanager
def two_workers(db: Path, **env: str) -> Iterator[tuple[Api, Api]]:
    """Two sandbox processes on one database (what `--workers 2` runs, each reachable on its own)."""
    extra = {"SANDBOX_VALIDATE_RESPONSES": "1", **env}
    with run_sandbox(db, extra_env=extra) as one, run_sandbox(db, extra_env=extra) as two:
        a, b = Api(one.url), Api(two.url)
        try:
            yield a, b
        finally:
            a.close()
            b.close()


def test_two_processes_on_one_database_share_the_limits(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with two_workers(db, SANDBOX_RATE_LIMITS="0.1") as (a, b):  # 6 credential requests a minute per IP
        statuses = [(a if i % 2 else b).post("/v1/auth/refresh", json={"refreshToken": "x"}).status_code
                    for i in range(8)]
        assert statuses == [401] * 6 + [429] * 2
        email = unique_email()
        codes = [(a if i % 2 else b).post("/v1/auth/password/reset/request", json={"email": email}).status_code
                 for i in range(6)]
        assert codes == [200] + [429] * 5  # one mail per address at this scale, whichever process


def test_a_restart_does_not_reset_the_limits(tmp_path: Path) -> None:
    db = tmp_path / "restart.db"
    email = unique_email()
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        assert [api.post("/v1/auth/password/reset/request", json={"email": email}).status_code
                for _ in range(5)] == [200] * 5
    with process_sandbox(db, SANDBOX_RATE_LIMITS="1") as api:
        r = api.post("/v1/auth/password/reset/request", json={"email": email})
        assert r.status_code == 429 and r.json()["error"]["code"] == "auth/too-many-code-requests"
