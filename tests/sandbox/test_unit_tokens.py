"""sandbox/tokens.py in-process: every claim, every refusal and its reason, the clock boundaries.
Fast on purpose: `make mutate` runs these for each mutant of the module."""

from __future__ import annotations

import hashlib
import hmac

import jwt
import pytest

from sandbox.clock import FakeClock
from sandbox.tokens import (
    AccessClaims,
    AccessTokens,
    TokenExpired,
    TokenInvalid,
    digest,
    new_secret,
    sign,
    signature_matches,
)

SECRET = "s" * 32
AUDIENCE = "pk_sandbox_bkend_docs"
NOW = 4_102_444_800  # 2100-01-01: far ahead of the wall clock, so only the injected clock can judge


def tokens(clock: FakeClock | None = None, lifetime: int = 3600) -> AccessTokens:
    return AccessTokens(SECRET, AUDIENCE, lifetime, clock or FakeClock(NOW))


def forge(claims: dict, *, secret: str = SECRET, algorithm: str = "HS256", headers: dict | None = None) -> str:
    return jwt.encode(claims, secret, algorithm=algorithm, headers=headers)


def claims(**overrides: object) -> dict:
    base = {"iss": "bkend-sandbox", "aud": AUDIENCE, "sub": "u1", "sid": "s1", "jti": "j1", "iat": NOW, "exp": NOW + 60}
    return {k: v for k, v in {**base, **overrides}.items() if v is not None}


def refused(token: str, clock: FakeClock | None = None) -> str:
    with pytest.raises(TokenInvalid) as caught:
        tokens(clock).verify(token)
    return str(caught.value)


def test_the_secret_must_be_32_bytes() -> None:
    assert tokens().audience == AUDIENCE
    AccessTokens("é" * 16, AUDIENCE, 1, FakeClock())  # 32 bytes in UTF-8, 16 characters
    with pytest.raises(ValueError) as caught:
        AccessTokens("s" * 31, AUDIENCE, 1, FakeClock())
    assert str(caught.value) == "the JWT secret must be at least 32 bytes (RFC 7518 3.2)"


def test_issued_token_header_and_claims() -> None:
    token = tokens(lifetime=3600).issue("u1", "s1")
    assert jwt.get_unverified_header(token) == {"alg": "HS256", "typ": "JWT"}
    body = jwt.decode(token, options={"verify_signature": False})
    assert len(body.pop("jti")) == 24
    assert body == {"iss": "bkend-sandbox", "aud": AUDIENCE, "sub": "u1", "sid": "s1", "iat": NOW, "exp": NOW + 3600}
    assert jwt.decode(token, options={"verify_signature": False})["jti"] != jwt.decode(
        tokens().issue("u1", "s1"), options={"verify_signature": False})["jti"]


def test_issued_token_carries_the_organization_and_verifies_back() -> None:
    t = tokens(lifetime=60)
    token = t.issue("u1", "s1", "org1")
    assert jwt.decode(token, options={"verify_signature": False})["org"] == "org1"
    verified = t.verify(token)
    assert verified == AccessClaims("u1", "s1", verified.token_id, NOW, NOW + 60, "org1")
    assert t.verify(t.issue("u1", "s1")).organization_id is None
    assert "org" not in jwt.decode(t.issue("u1", "s1", ""), options={"verify_signature": False})


def test_verify_reads_every_claim() -> None:
    token = forge(claims(sub="user-9", sid="sess-9", jti="jti-9", iat=NOW - 5, exp=NOW + 5, org="o-9"))
    assert tokens().verify(token) == AccessClaims("user-9", "sess-9", "jti-9", NOW - 5, NOW + 5, "o-9")


def test_time_is_judged_by_the_injected_clock_not_the_wall_clock() -> None:
    # In 2100 by the injected clock: PyJWT's own exp/iat/nbf checks (wall clock) must stay off.
    token = forge(claims(nbf=NOW, exp=NOW + 60))
    assert tokens().verify(token).expires_at == NOW + 60
    past = FakeClock(1_000_000_000)  # 2001: a token that expired by the wall clock long ago is fine then
    assert tokens(past).verify(forge(claims(iat=1_000_000_000, exp=1_000_000_060))).issued_at == 1_000_000_000


def test_expiry_boundary() -> None:
    clock = FakeClock(NOW)
    t = tokens(clock)
    assert t.verify(forge(claims(exp=NOW + 1))).expires_at == NOW + 1
    with pytest.raises(TokenExpired) as caught:
        t.verify(forge(claims(exp=NOW)))
    assert str(caught.value) == "expired"


def test_issued_in_the_future_beyond_the_skew() -> None:
    assert tokens().verify(forge(claims(iat=NOW + 30, exp=NOW + 90))).issued_at == NOW + 30
    assert refused(forge(claims(iat=NOW + 31, exp=NOW + 90))) == "issued in the future"


@pytest.mark.parametrize("missing", ["iss", "aud", "sub", "sid", "jti", "iat", "exp"])
def test_every_registered_claim_is_required(missing: str) -> None:
    assert refused(forge(claims(**{missing: None}))) == f'Token is missing the "{missing}" claim'


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        (forge(claims(aud="pk_other")), "Audience doesn't match"),
        (forge(claims(iss="someone-else")), "Invalid issuer"),
        (forge(claims(), secret="x" * 32), "Signature verification failed"),
        (forge(claims(), secret="h" * 48, algorithm="HS384"), "unexpected algorithm"),
        (jwt.encode(claims(), None, algorithm="none"), "unexpected algorithm"),
        ("not.a.jwt", "Invalid header padding"),
    ],
    ids=["audience", "issuer", "signature", "hs384", "alg-none", "garbage"],
)
def test_refusals_and_their_reasons(token: str, reason: str) -> None:
    assert refused(token) == reason


@pytest.mark.parametrize("claim", ["iat", "exp"])
def test_malformed_time_claims(claim: str) -> None:
    # PyJWT's own time checks are off, so a non-numeric value reaches int(), which refuses it.
    assert refused(forge(claims(**{claim: "later"}))) == "malformed claims"


def test_secrets_digests_and_signatures() -> None:
    first, second = new_secret(), new_secret()
    assert len(first) == 43 and first != second  # 32 random bytes, URL-safe base64
    assert len(new_secret(16)) == 22
    assert digest("abc") == hashlib.sha256(b"abc").hexdigest()
    assert digest("한") == hashlib.sha256("한".encode()).hexdigest()
    expected = hmac.new(b"key", b"message", hashlib.sha256).hexdigest()
    assert sign("key", "message") == expected
    assert signature_matches("key", "message", expected) is True
    assert signature_matches("key", "message", expected[:-1] + "0") is (expected[-1] == "0")
    assert signature_matches("other", "message", expected) is False
    assert signature_matches("key", "other", expected) is False
