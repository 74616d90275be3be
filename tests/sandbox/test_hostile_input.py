"""Hostile requests against `python -m sandbox`: JSON built to crash a parser (deep nesting, huge
integers, lone surrogates, NaN) answers 400 in the envelope, never 500; a Host header naming another
site (DNS rebinding) is refused before the outbox can be read; X-Forwarded-For from a client that is
no configured proxy changes neither its rate limits nor the IP recorded for its sessions."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.sandbox.conftest import PASSWORD, Api, process_sandbox, unique_email

SIGNIN = "/v1/auth/email/signin"
SIGNUP = "/v1/auth/email/signup"


def raw_post(api: Api, path: str, body: bytes, token: str | None = None) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return api.http.post(path, content=body, headers=headers)


def signin_from(api: Api, email: str, forwarded_for: str) -> httpx.Response:
    return api.post(SIGNIN, json={"method": "password", "email": email, "password": PASSWORD},
                    headers={"X-Forwarded-For": forwarded_for})


def session_ips(api: Api, token: str) -> set[str]:
    """The IPs the sessions list shows (whatever the list's wrapper and field name)."""
    listed = api.get("/v1/auth/sessions", token=token).json()
    items = listed.get("items", listed.get("sessions", [])) if isinstance(listed, dict) else listed
    return {s.get("ipAddress", s.get("ip")) for s in items}


def assert_invalid(r: httpx.Response) -> None:
    assert r.status_code == 400, r.text
    assert r.json()["error"]["code"] == "common/invalid-request"


@pytest.mark.parametrize("body", [
    b"[" * 999 + b"]" * 999,
    b'{"method":"password","email":"a@example.com","password":' + b"[" * 5000 + b"]" * 5000 + b"}",
    b'{"a":' * 200 + b"1" + b"}" * 200,
    b'{"method":"password","email":"a@example.com","password":"x","n":' + b"9" * 4301 + b"}",
    b'{"method":"password","email":"a@example.com","password":NaN}',
    b'{"method":"password","email":"a@example.com","password":Infinity}',
    b'{"method":"password","email":"a@example.com","password":"\\ud800\\ud800\\ud800x"}',
    b'{"method":"password","email":"a@example.com","password":"Long-Enough-1","name":"\\udfff"}',
    b'{"\\ud800":1}',
    b'{"method":"password","email":"a@example.com","password":"\xff\xfe"}',
])
def test_hostile_json_is_a_400_not_a_500(proc: Api, body: bytes) -> None:
    for path in (SIGNIN, SIGNUP):
        assert_invalid(raw_post(proc, path, body))


def test_lone_surrogates_in_profile_text_are_refused(proc: Api) -> None:
    acc = proc.signup()
    r = proc.http.patch(f"/v1/users/{acc.id}/profile", content=b'{"bio":"hi \\ud83d"}',
                        headers={"Content-Type": "application/json", "Authorization": f"Bearer {acc.token}"})
    assert_invalid(r)
    r = raw_post(proc, "/v1/auth/password/change",
                 b'{"currentPassword":"\\ud800","newPassword":"Another-Good-1"}', token=acc.token)
    assert_invalid(r)
    assert proc.get("/v1/auth/me", token=acc.token).status_code == 200  # still up, nothing changed


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8001", "127.0.0.1.nip.io", "localhost.evil.com",
                                  "", "[::1].evil.com"])
def test_a_foreign_host_header_is_refused(proc: Api, host: str) -> None:
    for path in ("/sandbox/outbox", "/sandbox/health", "/v1/auth/me"):
        r = proc.http.get(path, headers={"Host": host})
        assert r.status_code == 400, (host, path, r.text)
        assert r.json()["error"]["code"] == "common/invalid-request"
        assert "items" not in r.text


def test_loopback_host_names_are_served(proc: Api) -> None:
    port = httpx.URL(proc.base_url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "LOCALHOST"):
        assert proc.http.get("/sandbox/health", headers={"Host": host}).status_code == 200, host


def test_allowed_hosts_are_configurable(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_ALLOWED_HOSTS="sandbox.example.org") as api:
        assert api.http.get("/sandbox/health", headers={"Host": "sandbox.example.org"}).status_code == 200
        assert api.http.get("/sandbox/health", headers={"Host": "evil.example"}).status_code == 400


def test_forwarded_for_from_an_untrusted_client_is_ignored(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_RATE_LIMITS="0.1") as api:  # 6 credential tries a minute
        statuses = [api.post("/v1/auth/refresh", json={"refreshToken": "nope"},
                             headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(8)]
        assert statuses == [401] * 6 + [429] * 2
    with process_sandbox(tmp_path / "sb2.db") as api:
        acc = api.signup()
        r = signin_from(api, acc.email, "198.51.100.7")
        assert session_ips(api, r.json()["accessToken"]) == {"127.0.0.1"}


def test_forwarded_for_from_a_configured_proxy_is_used(tmp_path: Path) -> None:
    with process_sandbox(tmp_path / "sb.db", SANDBOX_TRUSTED_PROXIES="127.0.0.1") as api:
        email = unique_email()
        api.signup(email)
        r = signin_from(api, email, "198.51.100.7")
        assert "198.51.100.7" in session_ips(api, r.json()["accessToken"])
