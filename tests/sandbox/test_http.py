"""The HTTP contract around every operation: API key, error envelope, routing errors, request
validation codes, body size cap, CORS, rate limits, cache headers and the spec self-check."""

from __future__ import annotations

import httpx
import pytest

from sandbox.spec import Spec
from tests.sandbox.conftest import PASSWORD, Api, Live, unique_email


def error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def bare(live: Live):
    """A client that sends no key at all."""
    with httpx.Client(base_url=live.url) as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str, spec: Spec) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["code"] == code
    assert spec.errors[code].status == status


# --- API key ---------------------------------------------------------------------------------


def test_missing_or_unknown_key(bare: httpx.Client, spec: Spec) -> None:
    assert_error(bare.get("/sandbox/health"), 401, "auth/invalid-api-key", spec)
    assert_error(bare.get("/sandbox/health", headers={"X-API-Key": "pk_live_unknown"}), 401,
                 "auth/invalid-api-key", spec)
    assert_error(bare.get("/sandbox/health", headers={"X-Project-Id": "sandbox"}), 401, "auth/invalid-api-key", spec)
    assert_error(bare.get("/sandbox/health", headers={"X-Project-Id": "other", "X-Environment": "dev"}), 401,
                 "auth/invalid-api-key", spec)
    # The key is checked before anything else, even validation.
    assert_error(bare.post("/v1/auth/email/signup", json={}), 401, "auth/invalid-api-key", spec)


def test_publishable_key_and_legacy_pair(bare: httpx.Client, spec: Spec) -> None:
    key = spec.sandbox["publishableKey"]
    r = bare.get("/sandbox/health", headers={"X-API-Key": key})
    assert r.status_code == 200 and r.json() == {"status": "ok", "version": spec.version}
    legacy = spec.sandbox["legacyHeaders"]
    r = bare.get("/sandbox/health", headers=legacy)
    assert r.status_code == 200
    email = unique_email("legacy")
    r = bare.post("/v1/auth/email/signup", headers=legacy,
                  json={"method": "password", "email": email, "password": PASSWORD, "name": "Legacy"})
    assert r.status_code == 201
    r = bare.get("/v1/auth/me", headers={**legacy, "Authorization": f"Bearer {r.json()['accessToken']}"})
    assert r.status_code == 200 and r.json()["email"] == email


# --- routing -----------------------------------------------------------------------------------


def test_unknown_route_and_wrong_method(api: Api, spec: Spec) -> None:
    assert_error(api.get("/v1/nothing-here"), 404, "common/not-found", spec)
    r = api.put("/v1/auth/me")
    assert_error(r, 405, "common/method-not-allowed", spec)
    assert "GET" in r.headers["allow"]


# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"method": "password", "email": "not-an-email", "password": PASSWORD, "name": "A"}, "auth/invalid-email"),
        ({"method": "password", "email": "a..b@example.com", "password": PASSWORD, "name": "A"},
         "auth/invalid-email"),
        ({"method": "password", "email": "ok@example.com", "password": "short", "name": "A"},
         "auth/invalid-password-format"),
        ({"method": "password", "email": "ok@example.com", "password": "x" * 129, "name": "A"},
         "auth/invalid-password-format"),
        ({"method": "password", "email": "ok@example.com", "password": PASSWORD, "name": ""}, "user/invalid-name"),
        ({"method": "password", "email": "ok@example.com", "password": PASSWORD}, "common/invalid-request"),
        ({"method": "password", "email": "ok@example.com", "password": PASSWORD, "name": "A", "admin": True},
         "common/invalid-request"),
        ({"method": "sms", "email": "ok@example.com"}, "common/invalid-request"),
        ({"method": ["password"], "email": "ok@example.com"}, "common/invalid-request"),
        ([], "common/invalid-request"),
    ],
)
def test_body_validation_codes(api: Api, spec: Spec, body: object, code: str) -> None:
    r = api.post("/v1/auth/email/signup", json=body)
    assert_error(r, 400, code, spec)
    assert r.json()["error"]["message"].startswith(spec.errors[code].message)


def test_password_length_counts_code_points(api: Api) -> None:
    # 8 Hangul syllables are 24 bytes of UTF-8 but 8 characters: long enough.
    r = api.post("/v1/auth/email/signup",
                 json={"method": "password", "email": unique_email(), "password": "비밀번호는여덟자", "name": "K"})
    assert r.status_code == 201, r.text


def test_malformed_json_wrong_type_and_query(api: Api, spec: Spec) -> None:
    r = api.post("/v1/auth/email/signup", content=b'{"method": "password",', headers={"Content-Type": "application/json"})
    assert_error(r, 400, "common/invalid-request", spec)
    r = api.post("/v1/auth/email/signup", content=b"method=password", headers={"Content-Type": "text/plain"})
    assert_error(r, 400, "common/invalid-request", spec)
    assert_error(api.post("/v1/auth/email/signup"), 400, "common/invalid-request", spec)
    assert_error(api.get("/sandbox/outbox", params={"limit": 0}), 400, "common/invalid-request", spec)
    assert_error(api.get("/sandbox/outbox", params={"limit": "many"}), 400, "common/invalid-request", spec)
    assert_error(api.get("/sandbox/outbox", params={"email": "nope"}), 400, "auth/invalid-email", spec)
    r = api.post("/v1/auth/facebook/callback", json={"code": "c", "redirectUri": "https://a.example/cb", "state": "s"})
    assert_error(r, 400, "auth/unsupported-provider", spec)


def test_body_size_cap(api: Api, spec: Spec) -> None:
    big = {"method": "password", "email": "a@example.com", "password": PASSWORD, "name": "x" * (70 * 1024)}
    assert_error(api.post("/v1/auth/email/signup", json=big), 413, "common/payload-too-large", spec)

    def chunks():  # no Content-Length: the cap must hold while streaming too
        for _ in range(80):
            yield b"x" * 1024

    r = api.post("/v1/auth/email/signup", content=chunks(), headers={"Content-Type": "application/json"})
    assert_error(r, 413, "common/payload-too-large", spec)


# --- headers ---------------------------------------------------------------------------------


def test_every_answer_is_no_store(api: Api) -> None:
    for r in (api.get("/sandbox/health"), api.get("/v1/auth/me"), api.get("/v1/nothing")):
        assert r.headers["cache-control"] == "no-store"
        assert r.headers["x-content-type-options"] == "nosniff"


def test_cors_allows_the_docs_origin_without_credentials(bare: httpx.Client) -> None:
    preflight = {
        "Origin": "http://127.0.0.1:8000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "authorization, content-type, x-api-key",
    }
    r = bare.options("/v1/auth/email/signin", headers=preflight)
    assert r.status_code == 200
    assert r.headers["access-control-allow-origin"] == "http://127.0.0.1:8000"
    assert "authorization" in r.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in r.headers
    r = bare.get("/sandbox/health", headers={"Origin": "http://localhost:8000", "X-API-Key": "pk_sandbox_bkend_docs"})
    assert r.headers["access-control-allow-origin"] == "http://localhost:8000"
    assert "retry-after" in r.headers["access-control-expose-headers"].lower()

    r = bare.options("/v1/auth/email/signin", headers={**preflight, "Origin": "https://evil.example.net"})
    assert "access-control-allow-origin" not in r.headers
    assert r.status_code == 400 and r.json()["error"] == {"code": "common/invalid-request",
                                                           "message": "Disallowed CORS origin."}
    r = bare.get("/sandbox/health", headers={"Origin": "https://evil.example.net", "X-API-Key": "pk_sandbox_bkend_docs"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_any_origin_when_configured(fresh) -> None:
    with fresh(cors_origins=("*",)) as sandbox:
        r = httpx.get(f"{sandbox.url}/sandbox/health",
                      headers={"Origin": "http://127.0.0.1:5555", "X-API-Key": "pk_sandbox_bkend_docs"})
        assert r.headers["access-control-allow-origin"] == "*"


# --- rate limits -------------------------------------------------------------------------------


def test_failed_sign_ins_are_throttled_per_account(fresh, spec: Spec) -> None:
    with fresh(rate_limit_scale=1.0) as sandbox:
        api = sandbox.api
        acc = api.signup()
        codes = [api.signin(acc.email, "Wrong-password-1").status_code for _ in range(10)]
        assert codes == [401] * 10
        r = api.signin(acc.email)  # even the right password waits now
        assert_error(r, 429, "auth/too-many-login-attempts", spec)
        retry = int(r.headers["retry-after"])
        assert 0 < retry <= 15 * 60
        other = api.signup()
        assert api.signin(other.email).status_code == 200  # per account, not global
        sandbox.clock.advance(retry)
        assert api.signin(acc.email).status_code == 200


def test_mail_requests_are_throttled_per_address(fresh, spec: Spec) -> None:
    with fresh(rate_limit_scale=1.0) as sandbox:
        api = sandbox.api
        email = unique_email()
        codes = [api.post("/v1/auth/password/reset/request", json={"email": email}).status_code for _ in range(6)]
        assert codes == [200] * 5 + [429]
        r = api.post("/v1/auth/signup/email/resend", json={"email": email})
        assert_error(r, 429, "auth/too-many-code-requests", spec)
        assert int(r.headers["retry-after"]) >= 1


def test_credential_endpoints_are_throttled_per_ip(fresh, spec: Spec) -> None:
    with fresh(rate_limit_scale=0.1) as sandbox:  # 6 credential requests a minute from one IP
        api = sandbox.api
        statuses = [api.post("/v1/auth/refresh", json={"refreshToken": "nope"}).status_code for _ in range(7)]
        assert statuses == [401] * 6 + [429]
        r = api.post("/v1/auth/refresh", json={"refreshToken": "nope"})
        assert_error(r, 429, "auth/too-many-requests", spec)
        assert api.get("/sandbox/health").status_code == 200  # other operations still answer
        sandbox.clock.advance(61)
        assert api.post("/v1/auth/refresh", json={"refreshToken": "nope"}).status_code == 401


def test_rate_limits_can_be_turned_off(fresh) -> None:
    with fresh(rate_limit_scale=None) as sandbox:
        email = unique_email()
        codes = {sandbox.api.post("/v1/auth/password/reset/request", json={"email": email}).status_code
                 for _ in range(12)}
        assert codes == {200}


# --- the spec self-check used by these tests ------------------------------------------------------


def test_response_check_catches_drift(spec: Spec) -> None:
    op = spec.operations["getSandboxHealth"]
    kwargs = dict(path_params={}, query=[], request_headers=[], headers={"content-type": "application/json"})
    assert spec.check_response(op, status=200, data=b'{"status":"ok","version":"1"}', **kwargs) == []
    # Each drift is reported as itself: the body's two schema errors, the undocumented status.
    [body_problem] = spec.check_response(op, status=200, data=b'{"status":"fine"}', **kwargs)
    assert body_problem.startswith("InvalidData: ")
    assert body_problem.endswith(": `version` is required; `status` must be `ok`")
    assert spec.check_response(op, status=418, data=b"{}", **kwargs) == ["Unknown response http status: 418"]
