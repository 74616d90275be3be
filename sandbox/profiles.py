"""The per-user documents behind /v1/users/{userId}/...: profile, preferences, notification
settings, onboarding progress and public profile settings (partial updates, spec defaults)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, update

from . import errors
from .clock import rfc3339_ms
from .errors import ApiError
from .store import IntegrityError, users
from .users import clean_name, printable

SOCIAL = ("github", "twitter", "linkedin")


def profile_json(row: Any) -> dict[str, Any]:
    return {
        "name": row.name,
        "nickname": row.nickname,
        "email": row.email,
        "mobile": row.mobile,
        "gender": row.gender,
        "bio": row.bio,
        "image": row.image,
        "socialLinks": row.social_links,
    }


def profile_changes(body: dict[str, Any]) -> dict[str, Any]:
    """Column values for a partial profile update (`null` clears, except `name`)."""
    values: dict[str, Any] = {}
    if "name" in body:
        values["name"] = clean_name(body["name"])
    if "nickname" in body:
        nickname = body["nickname"]
        if nickname is not None:
            nickname = nickname.strip()
            if not 1 <= len(nickname) <= 50 or not printable(nickname):
                raise ApiError(errors.INVALID_NICKNAME)
        values["nickname"] = nickname
    for field in ("mobile", "gender", "bio", "image"):
        if field in body:
            values[field] = body[field]
    if "socialLinks" in body:
        links = body["socialLinks"]
        values["social_links"] = None if links is None else {k: links.get(k) for k in SOCIAL}
    return values


def with_defaults(defaults: dict[str, Any], stored: dict[str, Any] | None) -> dict[str, Any]:
    """Stored values over the spec's schema defaults (UserPreferences, UserNotifications)."""
    return {**defaults, **{k: v for k, v in (stored or {}).items() if k in defaults}}


def onboarding_json(row: Any) -> dict[str, Any]:
    stored = row.onboarding or {}
    completed_at = stored.get("completedAt")
    return {
        "completed": bool(stored.get("completed", False)),
        "currentStep": stored.get("currentStep"),
        "completedSteps": list(stored.get("completedSteps", [])),
        "completedAt": rfc3339_ms(completed_at) if completed_at else None,
    }


def onboarding_update(row: Any, body: dict[str, Any], now_ms: int) -> dict[str, Any]:
    """`completed: true` records the time and clears the current step; `false` clears the time."""
    stored = dict(row.onboarding or {})
    for field in ("currentStep", "completedSteps"):
        if field in body:
            stored[field] = body[field]
    if "completed" in body:
        stored["completed"] = bool(body["completed"])
        if body["completed"]:
            stored["completedAt"] = stored.get("completedAt") or now_ms
            stored["currentStep"] = None
        else:
            stored["completedAt"] = None
    return stored


def public_settings_json(row: Any) -> dict[str, Any]:
    return {"slug": row.public_slug, "isPublic": bool(row.public_is_public)}


def save(conn: Connection, user_id: str, values: dict[str, Any], now_ms: int) -> None:
    """Write columns of the user's row (none of them unique: see `save_public_settings`)."""
    conn.execute(update(users).where(users.c.id == user_id).values(**values, updated_at=now_ms))


def save_public_settings(conn: Connection, user_id: str, values: dict[str, Any], now_ms: int) -> None:
    """Write the public settings; a slug another user holds answers `user/slug-already-exists`
    (the unique index settles concurrent claims)."""
    try:
        with conn.begin_nested():
            save(conn, user_id, values, now_ms)
    except IntegrityError:
        raise ApiError(errors.SLUG_ALREADY_EXISTS) from None
