"""Accounts: e-mail normalization, creation (first account is admin), lookup, JSON shape."""

from __future__ import annotations

import unicodedata
from typing import Any

from sqlalchemy import Connection, func, select

from . import errors, formats
from .clock import rfc3339_ms, to_millis
from .errors import ApiError
from .store import IntegrityError, linked_accounts, new_id, users

ROLES = ("admin", "user", "guest")

def normalize_email(raw: Any) -> str:
    """Trimmed and lowercased (the unique index is on this form); invalid -> auth/invalid-email."""
    if not isinstance(raw, str) or not formats.is_email(raw):
        raise ApiError(errors.INVALID_EMAIL)
    return formats.normalize_email(raw)


def by_email(conn: Connection, email: str) -> Any:
    return conn.execute(select(users).where(users.c.email == email)).first()


def by_id(conn: Connection, user_id: str) -> Any:
    return conn.execute(select(users).where(users.c.id == user_id)).first()


def require(conn: Connection, user_id: str, code: str = errors.USER_NOT_FOUND) -> Any:
    row = by_id(conn, user_id)
    if row is None:
        raise ApiError(code)
    return row


def create(
    conn: Connection,
    *,
    email: str,
    name: str | None,
    now: float,
    password_hash: str | None = None,
    email_verified: bool = False,
    role: str | None = None,
    first_is_admin: bool = True,
) -> Any:
    """Insert an account; a duplicate e-mail (even under a concurrent race) -> email-already-exists."""
    if role is None:
        count = conn.execute(select(func.count()).select_from(users)).scalar_one()
        role = "admin" if (first_is_admin and count == 0) else "user"
    now_ms = to_millis(now)
    user_id = new_id()
    try:
        with conn.begin_nested():
            conn.execute(
                users.insert().values(
                    id=user_id,
                    email=email,
                    email_verified=email_verified,
                    password_hash=password_hash,
                    password_changed_at=now_ms if password_hash else None,
                    credentials_linked_at=now_ms if password_hash else None,
                    name=(name or email.split("@")[0][:100]),
                    role=role,
                    banned=False,
                    mfa_enabled=False,
                    public_is_public=False,
                    created_at=now_ms,
                    updated_at=now_ms,
                )
            )
    except IntegrityError:
        raise ApiError(errors.EMAIL_ALREADY_EXISTS) from None
    return by_id(conn, user_id)


def user_json(row: Any, *, accounts: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": row.id,
        "email": row.email,
        "name": row.name,
        "role": row.role,
        "emailVerified": bool(row.email_verified),
        "image": row.image,
        "mfaEnabled": bool(row.mfa_enabled),
        "nickname": row.nickname,
        "onboardingStatus": onboarding_status(row.onboarding),
        "createdAt": rfc3339_ms(row.created_at),
        "updatedAt": rfc3339_ms(row.updated_at),
    }
    if accounts is not None:
        out["accounts"] = accounts
    return out


def public_json(row: Any) -> dict[str, Any]:
    """What any signed-in user may see of another user (the `PublicUser` schema)."""
    return {"id": row.id, "name": row.name, "nickname": row.nickname, "image": row.image}


def onboarding_status(stored: Any) -> str:
    """`completed` (bkend's value) once onboarding is finished; the earlier values are the sandbox's."""
    stored = stored or {}
    if stored.get("completed"):
        return "completed"
    return "in_progress" if stored.get("completedSteps") or stored.get("currentStep") else "not_started"


def clean_name(raw: Any) -> str:
    """A display name: surrounding spaces dropped, then 1 to 100 characters, none of them control or
    format characters (NUL, or U+202E which shows text reversed to spoof names in other people's UIs)."""
    name = raw.strip() if isinstance(raw, str) else ""
    if not 1 <= len(name) <= 100 or not printable(name):
        raise ApiError(errors.INVALID_NAME)
    return name


def printable(text: str) -> bool:
    """No control (Cc) or format (Cf: bidi overrides, zero-width) characters."""
    return not any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def require_another_admin(conn: Connection, row: Any) -> None:
    """The project keeps at least one admin: the last one cannot leave, be deleted or be demoted."""
    if row.role != "admin":
        return
    admins = conn.execute(select(func.count()).select_from(users).where(users.c.role == "admin")).scalar_one()
    if admins <= 1:
        raise ApiError(errors.FORBIDDEN, "The project must keep at least one admin.")


def linked_accounts_json(conn: Connection, row: Any) -> list[dict[str, Any]]:
    """The user's sign-in methods: `email` when there is a password (its id is the user's), then the
    providers."""
    out = []
    if row.password_hash:
        out.append({
            "id": row.id,
            "userId": row.id,
            "provider": "email",
            "providerAccountId": row.email,
            "email": row.email,
            "connectedAt": rfc3339_ms(row.credentials_linked_at or row.created_at),
        })
    for acc in conn.execute(
        select(linked_accounts).where(linked_accounts.c.user_id == row.id).order_by(linked_accounts.c.linked_at)
    ):
        out.append({"id": acc.id, "userId": row.id, "provider": acc.provider,
                    "providerAccountId": acc.provider_account_id, "email": acc.email,
                    "connectedAt": rfc3339_ms(acc.linked_at)})
    return out


def auth_methods(conn: Connection, row: Any) -> int:
    """How many ways the account can still sign in (password + linked providers)."""
    linked = conn.execute(
        select(func.count()).select_from(linked_accounts).where(linked_accounts.c.user_id == row.id)
    ).scalar_one()
    return int(linked) + (1 if row.password_hash else 0)
