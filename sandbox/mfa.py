"""TOTP second factor (RFC 6238 via pyotp) and single-use backup codes."""

from __future__ import annotations

import hmac
import secrets
from typing import Any

import pyotp
from sqlalchemy import Connection, and_, update

from .store import backup_codes, users
from .tokens import digest

ISSUER = "bkend"
BACKUP_CODE_COUNT = 10
STEP = 30  # seconds per TOTP code
DRIFT_STEPS = 1  # accept the previous and next code too (clock drift between phone and server)
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o/1/l/i: codes get typed by hand


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, issuer=ISSUER).provisioning_uri(name=email, issuer_name=ISSUER)


def qr_code_url(secret: str, email: str) -> str:
    """An `otpauth://` URI: authenticator apps read it, and any QR encoder turns it into the code."""
    return provisioning_uri(secret, email)


def new_backup_codes() -> list[str]:
    return ["".join(secrets.choice(_ALPHABET) for _ in range(8)) for _ in range(BACKUP_CODE_COUNT)]


def _canonical_backup(code: str) -> str:
    return code.strip().lower().replace(" ", "").replace("-", "")


def totp_step(secret: str, code: str, now: float) -> int | None:
    """The time step `code` belongs to (within the drift window), or None."""
    code = code.strip().replace(" ", "")
    if not (len(code) == 6 and code.isdigit()):
        return None
    totp = pyotp.TOTP(secret)
    current = int(now // STEP)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.at(step * STEP), code):
            return step
    return None


def store_backup_codes(conn: Connection, user_id: str, codes: list[str]) -> None:
    conn.execute(backup_codes.delete().where(backup_codes.c.user_id == user_id))
    for code in codes:
        conn.execute(backup_codes.insert().values(user_id=user_id, code_hash=digest(_canonical_backup(code))))


def check_code(conn: Connection, user: Any, code: str, now: float, now_ms: int, *, secret: str | None = None) -> bool:
    """A TOTP code (each time step accepted once) or an unused backup code (spent now)."""
    secret = secret or user.mfa_secret
    if not secret or not isinstance(code, str):
        return False
    step = totp_step(secret, code, now)
    if step is not None:
        if user.mfa_last_step is not None and step <= user.mfa_last_step:
            return False  # replay of a code already used
        conn.execute(update(users).where(users.c.id == user.id).values(mfa_last_step=step))
        return True
    if secret != user.mfa_secret:  # while confirming set-up only the authenticator counts
        return False
    spent = conn.execute(
        update(backup_codes)
        .where(
            and_(
                backup_codes.c.user_id == user.id,
                backup_codes.c.code_hash == digest(_canonical_backup(code)),
                backup_codes.c.used_at.is_(None),
            )
        )
        .values(used_at=now_ms)
    )
    return spent.rowcount == 1
