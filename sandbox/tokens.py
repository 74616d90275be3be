"""Access tokens (JWT, HS256 pinned) and opaque one-time secrets (stored only as SHA-256 hashes)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Any

import jwt

from .clock import Clock

ISSUER = "bkend-sandbox"
ALGORITHM = "HS256"
REQUIRED_CLAIMS = ("iss", "aud", "sub", "sid", "jti", "iat", "exp")
CLOCK_SKEW = 30  # seconds of leeway for iat in the future
VERIFIED_CACHE = 10_000  # access tokens whose signature was checked


class TokenExpired(Exception):
    """A well-formed access token past its `exp` (answered `auth/token-expired`)."""


class TokenInvalid(Exception):
    """Any other access-token failure: bad signature, algorithm, claims (`auth/invalid-token`)."""


@dataclass(frozen=True)
class AccessClaims:
    user_id: str
    session_id: str
    token_id: str
    issued_at: int
    expires_at: int
    organization_id: str | None = None


class AccessTokens:
    def __init__(self, secret: str, audience: str, lifetime: int, clock: Clock) -> None:
        if len(secret.encode()) < 32:
            raise ValueError("the JWT secret must be at least 32 bytes (RFC 7518 3.2)")
        self._secret = secret
        self.audience = audience
        self.lifetime = lifetime
        self._clock = clock
        self._cache: dict[str, AccessClaims] = {}

    def issue(self, user_id: str, session_id: str, organization_id: str | None = None) -> str:
        now = int(self._clock.now())
        claims: dict[str, Any] = {
            "iss": ISSUER,
            "aud": self.audience,
            "sub": user_id,
            "sid": session_id,
            "jti": secrets.token_hex(12),
            "iat": now,
            "exp": now + self.lifetime,
        }
        if organization_id:
            claims["org"] = organization_id
        return jwt.encode(claims, self._secret, algorithm=ALGORITHM, headers={"typ": "JWT"})

    def verify(self, token: str) -> AccessClaims:
        """Signature first (algorithm pinned, so `alg: none` and RS/HS confusion fail), then claims.
        Time claims are checked against the injected clock, not the wall clock."""
        claims = self._verified(token)
        now = self._clock.now()
        if claims.issued_at > now + CLOCK_SKEW:
            raise TokenInvalid("issued in the future")
        if claims.expires_at <= now:
            raise TokenExpired("expired")
        return claims

    def _verified(self, token: str) -> AccessClaims:
        """The signature and shape of a token, remembered: a string that verified once under this
        secret always will, and each request re-checks the time claims (and the session) itself."""
        cached = self._cache.get(token)
        if cached is None:
            cached = self._decode(token)
            if len(self._cache) >= VERIFIED_CACHE:
                self._cache.clear()  # bounded; refilled by the tokens still in use
            self._cache[token] = cached
        return cached

    def _decode(self, token: str) -> AccessClaims:
        try:
            header = jwt.get_unverified_header(token)
            if header.get("alg") != ALGORITHM:
                raise TokenInvalid("unexpected algorithm")
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=[ALGORITHM],
                audience=self.audience,
                issuer=ISSUER,
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                },
            )
        except jwt.PyJWTError as exc:
            raise TokenInvalid(str(exc)) from exc
        try:
            iat, exp = int(claims["iat"]), int(claims["exp"])
            sub, sid, jti = str(claims["sub"]), str(claims["sid"]), str(claims["jti"])
        except (TypeError, ValueError) as exc:
            raise TokenInvalid("malformed claims") from exc
        org = claims.get("org")
        return AccessClaims(sub, sid, jti, iat, exp, str(org) if org else None)


def new_secret(nbytes: int = 32) -> str:
    """A URL-safe random secret (refresh token, reset token, magic link, invitation)."""
    return secrets.token_urlsafe(nbytes)


def digest(secret: str) -> str:
    """What is stored instead of the secret itself."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def sign(key: str, message: str) -> str:
    return hmac.new(key.encode(), message.encode(), hashlib.sha256).hexdigest()


def signature_matches(key: str, message: str, signature: str) -> bool:
    return hmac.compare_digest(sign(key, message), signature)
