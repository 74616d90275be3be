"""One-time secrets sent by mail (sign-up confirmation, e-mail verification, password reset, magic
link): random, stored only as a hash, bound to one purpose and one address, single use, expiring."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, select, update

from . import errors
from .clock import to_millis
from .errors import ApiError
from .store import one_time_tokens
from .tokens import digest, new_secret

SIGNUP_CONFIRM = "signup-confirm"
EMAIL_VERIFY = "email-verify"
PASSWORD_RESET = "password-reset"
MAGIC_LINK = "magic-link"


@dataclass(frozen=True)
class Redeemed:
    email: str
    user_id: str | None
    callback_url: str | None


def issue(
    conn: Connection,
    *,
    purpose: str,
    email: str,
    user_id: str | None,
    now: float,
    lifetime: int,
    callback_url: str | None = None,
) -> str:
    """A new secret for (purpose, email); earlier unused ones for the same pair stop working."""
    now_ms = to_millis(now)
    conn.execute(
        update(one_time_tokens)
        .where(
            and_(
                one_time_tokens.c.email == email,
                one_time_tokens.c.purpose == purpose,
                one_time_tokens.c.used_at.is_(None),
            )
        )
        .values(used_at=now_ms)
    )
    secret = new_secret()
    conn.execute(
        one_time_tokens.insert().values(
            token_hash=digest(secret),
            purpose=purpose,
            email=email,
            user_id=user_id,
            created_at=now_ms,
            expires_at=now_ms + lifetime * 1000,
            callback_url=callback_url,
        )
    )
    return secret


def peek(
    conn: Connection,
    *,
    purpose: str,
    email: str | None,
    secret: str,
    now: float,
) -> Redeemed:
    """Check a secret without spending it (to validate before slow work, then `redeem`)."""
    row = _find(conn, purpose, email, secret)
    if row.expires_at <= to_millis(now):
        raise ApiError(errors.VERIFICATION_TOKEN_EXPIRED)
    return Redeemed(email=row.email, user_id=row.user_id, callback_url=row.callback_url)


def _find(conn: Connection, purpose: str, email: str | None, secret: str) -> Any:
    row = conn.execute(
        select(one_time_tokens).where(
            and_(one_time_tokens.c.token_hash == digest(secret), one_time_tokens.c.purpose == purpose)
        )
    ).first()
    if row is None or row.used_at is not None or (email is not None and row.email != email):
        raise ApiError(errors.VERIFICATION_TOKEN_NOT_FOUND)
    return row


def latest(conn: Connection, *, purpose: str, email: str) -> Any:
    """The newest secret issued for (purpose, email), spent or not; None if there never was one."""
    return conn.execute(
        select(one_time_tokens)
        .where(and_(one_time_tokens.c.email == email, one_time_tokens.c.purpose == purpose))
        .order_by(one_time_tokens.c.created_at.desc())
        .limit(1)
    ).first()


def void_for_user(conn: Connection, user_id: str, now_ms: int) -> None:
    """Every unspent secret mailed for this account stops working."""
    conn.execute(
        update(one_time_tokens)
        .where(and_(one_time_tokens.c.user_id == user_id, one_time_tokens.c.used_at.is_(None)))
        .values(used_at=now_ms)
    )


def redeem(
    conn: Connection,
    *,
    purpose: str,
    email: str | None,
    secret: str,
    now: float,
) -> Redeemed:
    """Spend a secret. Unknown, used, other-purpose or other-address secrets are all "not found"."""
    now_ms = to_millis(now)
    row = _find(conn, purpose, email, secret)
    if row.expires_at <= now_ms:
        raise ApiError(errors.VERIFICATION_TOKEN_EXPIRED)
    spent = conn.execute(
        update(one_time_tokens)
        .where(and_(one_time_tokens.c.token_hash == row.token_hash, one_time_tokens.c.used_at.is_(None)))
        .values(used_at=now_ms)
    )
    if spent.rowcount != 1:  # a concurrent request spent it first
        raise ApiError(errors.VERIFICATION_TOKEN_NOT_FOUND)
    return Redeemed(email=row.email, user_id=row.user_id, callback_url=row.callback_url)
