"""Access tokens: forged, `alg: none`, expired and wrong-audience tokens are refused with the
spec's codes; a real token's claims are what the contract says."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from tests.sandbox.conftest import Account, Api, Live


def error_code(response) -> str:
    return response.json()["error"]["code"]


@pytest.fixture
def account(api: Api) -> Account:
    return api.signup()


def claims_of(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def test_issued_token_claims(live: Live, account: Account) -> None:
    header = jwt.get_unverified_header(account.token)
    claims = claims_of(account.token)
    assert header["alg"] == "HS256"
    assert claims["iss"] == "bkend-sandbox" and claims["aud"] == "pk_sandbox_bkend_docs"
    assert claims["sub"] == account.id and len(claims["sid"]) == 24 and claims["jti"]
    assert claims["exp"] - claims["iat"] == 3600
    assert claims["iat"] == int(live.clock.now())
    # Signed with the configured secret.
    jwt.decode(account.token, live.jwt_secret, algorithms=["HS256"], audience="pk_sandbox_bkend_docs",
               options={"verify_exp": False, "verify_iat": False})


@pytest.mark.parametrize(
    "mutation",
    ["forged-secret", "alg-none", "wrong-audience", "wrong-issuer", "no-session-claim", "garbage", "tampered"],
)
def test_bad_tokens_get_invalid_token(live: Live, account: Account, mutation: str) -> None:
    claims = claims_of(account.token)
    secret = live.jwt_secret
    if mutation == "forged-secret":
        token = jwt.encode(claims, "another-secret-of-at-least-32-bytes!!", algorithm="HS256")
    elif mutation == "alg-none":
        token = f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims)}."
    elif mutation == "wrong-audience":
        token = jwt.encode({**claims, "aud": "pk_some_other_project"}, secret, algorithm="HS256")
    elif mutation == "wrong-issuer":
        token = jwt.encode({**claims, "iss": "someone-else"}, secret, algorithm="HS256")
    elif mutation == "no-session-claim":
        token = jwt.encode({k: v for k, v in claims.items() if k != "sid"}, secret, algorithm="HS256")
    elif mutation == "garbage":
        token = "not-a-jwt"
    else:  # payload changed after signing
        head, _, sig = account.token.split(".")
        token = f"{head}.{b64({**claims, 'sub': '0' * 24})}.{sig}"
    r = live.api.get("/v1/auth/me", token=token)
    assert r.status_code == 401, r.text
    assert error_code(r) == "auth/invalid-token"


def test_expired_token_gets_token_expired(live: Live, account: Account) -> None:
    claims = claims_of(account.token)
    expired = jwt.encode({**claims, "iat": claims["iat"] - 7200, "exp": claims["iat"] - 3600}, live.jwt_secret,
                         algorithm="HS256")
    r = live.api.get("/v1/auth/me", token=expired)
    assert r.status_code == 401 and error_code(r) == "auth/token-expired"
    # Users routes use the same refresh rule.
    r = live.api.get(f"/v1/users/{account.id}", token=expired)
    assert r.status_code == 401 and error_code(r) == "auth/token-expired"


def test_token_expires_after_an_hour_on_the_sandbox_clock(live: Live, account: Account) -> None:
    assert live.api.get("/v1/auth/me", token=account.token).status_code == 200
    live.clock.advance(3600)
    r = live.api.get("/v1/auth/me", token=account.token)
    assert r.status_code == 401 and error_code(r) == "auth/token-expired"
    r = live.api.post("/v1/auth/refresh", json={"refreshToken": account.tokens["refreshToken"]})
    assert r.status_code == 200
    assert live.api.get("/v1/auth/me", token=r.json()["accessToken"]).status_code == 200


def test_expired_signature_is_checked_before_expiry(live: Live, account: Account) -> None:
    """An expired token signed by someone else is invalid, not merely expired."""
    claims = claims_of(account.token)
    forged = jwt.encode({**claims, "exp": int(time.time()) - 10}, "another-secret-of-at-least-32-bytes!!",
                        algorithm="HS256")
    r = live.api.get("/v1/auth/me", token=forged)
    assert r.status_code == 401 and error_code(r) == "auth/invalid-token"


def test_missing_or_non_bearer_credentials(api: Api, account: Account) -> None:
    r = api.get("/v1/auth/me")
    assert r.status_code == 401 and error_code(r) == "auth/unauthorized"
    r = api.get("/v1/auth/me", headers={"Authorization": f"Basic {account.token}"})
    assert r.status_code == 401 and error_code(r) == "auth/unauthorized"
    r = api.get(f"/v1/users/{account.id}")
    assert r.status_code == 401 and error_code(r) == "user/unauthorized"
    r = api.get(f"/v1/users/{account.id}", token="not-a-jwt")
    assert r.status_code == 401 and error_code(r) == "auth/invalid-token"


def test_refresh_tokens_are_opaque_and_stored_hashed(live: Live, account: Account) -> None:
    refresh = account.tokens["refreshToken"]
    assert refresh.count(".") == 0  # not a JWT
    raw = live.db_path.read_bytes()
    for path in live.db_path.parent.glob(live.db_path.name + "*"):
        raw += path.read_bytes()
    assert refresh.encode() not in raw
