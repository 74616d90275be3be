"""The bkendFetch helper (snippets/bkend.js) against a real sandbox: in Node 20 for its behaviour
(headers, token capture, one shared refresh on auth/token-expired, errors, sign-out), and in
Chromium for its default sessionStorage.

The expired access token is minted with the sandbox's own JWT secret from the claims of a real
token, so the sandbox answers exactly what it answers for a token that timed out.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import httpx
import jwt
import pytest

from tests.conftest import Sandbox, serve_directory

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "snippets" / "bkend.js"
PASSWORD = "MyP@ssw0rd!"

pytestmark = pytest.mark.skipif(shutil.which("node") is None, reason="Node.js is not installed")


def new_account(sandbox: Sandbox) -> tuple[str, dict]:
    email = f"helper-{uuid.uuid4().hex[:12]}@example.com"
    reply = httpx.post(
        f"{sandbox.url}/v1/auth/email/signup",
        headers={"X-API-Key": sandbox.key},
        json={"method": "password", "email": email, "password": PASSWORD, "name": "Helper Test"},
    )
    assert reply.status_code == 201, reply.text
    return email, reply.json()


def expired_copy(sandbox: Sandbox, access_token: str) -> str:
    """The same token, signed by the sandbox, whose `exp` lies in the past."""
    claims = jwt.decode(access_token, options={"verify_signature": False})
    now = int(time.time())
    claims.update(iat=now - 7200, exp=now - 3600, jti=uuid.uuid4().hex[:24])
    return jwt.encode(claims, sandbox.jwt_secret, algorithm="HS256", headers={"typ": "JWT"})


def run_node(script: str, env: dict[str, str] | None = None) -> dict:
    """Run an ES module that imports the helper as `helper`; it prints one JSON object."""
    prelude = f"import * as helper from {json.dumps(HELPER.as_uri())};\n"
    result = subprocess.run(
        ["node", "--input-type=module", "-e", prelude + script],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **(env or {})},
    )
    assert result.returncode == 0, f"node failed:\n{result.stderr}\n{result.stdout}"
    return json.loads(result.stdout.strip().splitlines()[-1])


# A fetch wrapper that records each call's method, path and headers.
COUNTING_CLIENT = """
const calls = [];
const countingFetch = (url, init) => {
  calls.push({ method: init.method, path: new URL(url).pathname, headers: init.headers });
  return fetch(url, init);
};
const client = helper.createBkendClient({
  baseUrl: process.env.SANDBOX_URL + '/', apiKey: process.env.SANDBOX_KEY,
  storage: helper.memoryTokenStorage(), fetch: countingFetch,
});
"""


def sandbox_env(sandbox: Sandbox, **extra: str) -> dict[str, str]:
    return {"SANDBOX_URL": sandbox.url, "SANDBOX_KEY": sandbox.key, **extra}


def test_concurrent_expired_calls_share_one_refresh_and_retry_once(sandbox: Sandbox) -> None:
    email, pair = new_account(sandbox)
    out = run_node(
        COUNTING_CLIENT
        + """
client.setTokens({ accessToken: process.env.EXPIRED, refreshToken: process.env.REFRESH });
const users = await Promise.all([1, 2, 3].map(() => client.bkendFetch('/v1/auth/me')));
const stored = client.getTokens();
console.log(JSON.stringify({
  emails: users.map((u) => u.email),
  refreshes: calls.filter((c) => c.path === '/v1/auth/refresh').length,
  meCalls: calls.filter((c) => c.path === '/v1/auth/me').length,
  retriedWith: calls.filter((c) => c.path === '/v1/auth/me').slice(3).map((c) => c.headers.Authorization),
  keyHeaders: [...new Set(calls.map((c) => c.headers['X-API-Key']))],
  stored,
}));
""",
        sandbox_env(sandbox, EXPIRED=expired_copy(sandbox, pair["accessToken"]), REFRESH=pair["refreshToken"]),
    )
    assert out["emails"] == [email] * 3
    assert out["refreshes"] == 1
    assert out["meCalls"] == 6  # three failed with the expired token, three retried once each
    new_access = out["stored"]["accessToken"]
    assert out["retriedWith"] == [f"Bearer {new_access}"] * 3
    assert out["keyHeaders"] == [sandbox.key]
    assert out["stored"]["refreshToken"] != pair["refreshToken"]  # rotation: the new pair was stored
    # The stored pair is the one the sandbox issued: the access token works on its own.
    me = httpx.get(
        f"{sandbox.url}/v1/auth/me", headers={"X-API-Key": sandbox.key, "Authorization": f"Bearer {new_access}"}
    )
    assert me.status_code == 200 and me.json()["email"] == email


def test_failed_refresh_clears_tokens_and_throws_the_api_error(sandbox: Sandbox) -> None:
    _, pair = new_account(sandbox)
    out = run_node(
        COUNTING_CLIENT
        + """
client.setTokens({ accessToken: process.env.EXPIRED, refreshToken: 'not-a-refresh-token' });
let error;
try { await client.bkendFetch('/v1/auth/me'); } catch (e) { error = e; }
console.log(JSON.stringify({
  isBkendError: error instanceof helper.BkendError, code: error.code, status: error.status,
  stored: client.getTokens(), paths: calls.map((c) => c.path),
}));
""",
        sandbox_env(sandbox, EXPIRED=expired_copy(sandbox, pair["accessToken"])),
    )
    assert out == {
        "isBkendError": True,
        "code": "auth/invalid-refresh-token",
        "status": 401,
        "stored": None,
        "paths": ["/v1/auth/me", "/v1/auth/refresh"],
    }


def test_sign_in_stores_the_pair_other_errors_do_not_refresh_and_sign_out_clears(sandbox: Sandbox) -> None:
    email, _ = new_account(sandbox)
    out = run_node(
        COUNTING_CLIENT
        + """
const body = (password) => ({ method: 'password', email: process.env.EMAIL, password });
let wrong;
try { await client.bkendFetch('/v1/auth/email/signin', { method: 'POST', body: body('Wrong-pass-123') }); }
catch (e) { wrong = { code: e.code, status: e.status, message: e.message, envelope: e.body }; }
const signedIn = await client.bkendFetch('/v1/auth/email/signin', { method: 'POST', body: body(process.env.PASSWORD) });
const afterSignIn = client.getTokens();
const me = await client.bkendFetch('/v1/auth/me');
const signOut = await client.bkendFetch('/v1/auth/signout', { method: 'POST' });
console.log(JSON.stringify({
  wrong, captured: afterSignIn.accessToken === signedIn.accessToken && afterSignIn.refreshToken === signedIn.refreshToken,
  meEmail: me.email, meAuth: calls.find((c) => c.path === '/v1/auth/me').headers.Authorization,
  contentType: calls[0].headers['Content-Type'], signOut: typeof signOut, afterSignOut: client.getTokens(),
  refreshes: calls.filter((c) => c.path === '/v1/auth/refresh').length,
}));
""",
        sandbox_env(sandbox, EMAIL=email, PASSWORD=PASSWORD),
    )
    assert out["wrong"]["code"] == "auth/invalid-credentials"
    assert out["wrong"]["status"] == 401
    assert out["wrong"]["message"].startswith("auth/invalid-credentials: ")
    assert out["wrong"]["envelope"]["error"]["code"] == "auth/invalid-credentials"
    assert out["captured"] is True
    assert out["meEmail"] == email
    assert out["meAuth"].startswith("Bearer ey")
    assert out["contentType"] == "application/json"
    assert out["signOut"] == "object"
    assert out["afterSignOut"] is None
    assert out["refreshes"] == 0  # a 401 with another code is an answer, not an expired token


def test_node_defaults_come_from_the_environment(sandbox: Sandbox) -> None:
    email, _ = new_account(sandbox)
    out = run_node(
        """
const data = await helper.bkendFetch('/v1/auth/email/signin', {
  method: 'POST', body: { method: 'password', email: process.env.EMAIL, password: process.env.PASSWORD },
});
const me = await helper.bkendFetch('/v1/auth/me');
console.log(JSON.stringify({ tokenType: data.tokenType, me: me.email, stored: Boolean(helper.getTokens()) }));
""",
        {"BKEND_BASE_URL": sandbox.url, "BKEND_API_KEY": sandbox.key, "EMAIL": email, "PASSWORD": PASSWORD},
    )
    assert out == {"tokenType": "Bearer", "me": email, "stored": True}


@pytest.mark.browser
def test_browser_keeps_tokens_in_session_storage(sandbox: Sandbox, page) -> None:
    email, _ = new_account(sandbox)
    with serve_directory(HELPER.parent) as base:
        page.goto(base)
        out = page.evaluate(
            """async ([url, key, email, password]) => {
                const helper = await import('./bkend.js');
                helper.configureBkend({ baseUrl: url, apiKey: key });
                await helper.bkendFetch('/v1/auth/email/signin', {
                  method: 'POST', body: { method: 'password', email, password },
                });
                const stored = JSON.parse(sessionStorage.getItem('bkend.tokens'));
                const me = await helper.bkendFetch('/v1/auth/me');
                return { stored: Object.keys(stored).sort(), same: stored.accessToken === helper.getTokens().accessToken,
                         local: localStorage.length, me: me.email };
            }""",
            [sandbox.url, sandbox.key, email, PASSWORD],
        )
    assert out == {"stored": ["accessToken", "refreshToken"], "same": True, "local": 0, "me": email}
