"""Signed, expiring upload URLs for avatars, and the local object store behind them (the sandbox's
stand-in for S3 pre-signed PUT URLs)."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import urlencode

from sqlalchemy import Connection, and_, delete, func, or_, select, update

from . import errors
from .clock import rfc3339, to_millis
from .errors import ApiError
from .store import uploads, users
from .tokens import sign, signature_matches

EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/gif": "gif", "image/webp": "webp"}
BY_EXTENSION = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif", "webp": "image/webp"}


def type_of(filename: str) -> str | None:
    """The image type a file name's extension names, or None (bkend's example client sends no type)."""
    ext = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return BY_EXTENSION.get(ext)


def _signed_text(key: str, content_type: str, expires: int) -> str:
    return f"PUT\n{key}\n{content_type}\n{expires}"


def issue(
    conn: Connection,
    *,
    user_id: str,
    content_type: str,
    base_url: str,
    signing_key: str,
    now: float,
    lifetime: int,
) -> dict[str, Any]:
    purge(conn, user_id, to_millis(now))
    key = f"avatar-{user_id}-{secrets.token_hex(8)}.{EXTENSIONS[content_type]}"
    expires = int(now) + lifetime
    signature = sign(signing_key, _signed_text(key, content_type, expires))
    conn.execute(uploads.insert().values(
        key=key, user_id=user_id, content_type=content_type, created_at=to_millis(now),
        expires_at=expires * 1000))
    query = urlencode({"expires": expires, "signature": signature})
    return {"url": f"{base_url}/sandbox/uploads/{key}?{query}", "key": key, "expiresAt": rfc3339(expires)}


def purge(conn: Connection, user_id: str, now_ms: int) -> None:
    """Storage stays bounded: a user keeps at most one pending upload besides the current avatar (a
    new upload URL voids the previous one), and anyone's pending uploads go once their URL expired."""
    avatars = select(users.c.avatar_key).where(users.c.avatar_key.is_not(None))
    pending = uploads.c.key.not_in(avatars)
    conn.execute(delete(uploads).where(and_(pending, or_(uploads.c.user_id == user_id, uploads.c.expires_at <= now_ms))))


def stored_bytes(conn: Connection) -> int:
    return int(conn.execute(select(func.coalesce(func.sum(uploads.c.size), 0))).scalar_one())


def looks_like(content_type: str, data: bytes) -> bool:
    """The bytes really are the image type they claim (so nothing else is ever served as an image)."""
    if content_type == "image/png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if content_type == "image/jpeg":
        return data.startswith(b"\xff\xd8\xff")
    if content_type == "image/gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if content_type == "image/webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    return False


def store(
    conn: Connection,
    *,
    key: str,
    expires: int,
    signature: str,
    content_type: str,
    data: bytes,
    signing_key: str,
    now: float,
    quota: int,
) -> dict[str, Any]:
    """Accept the upload only with a valid, unexpired signature over key + content type + expiry."""
    content_type = content_type.split(";")[0].strip().lower()
    if not signature_matches(signing_key, _signed_text(key, content_type, expires), signature) or expires <= now:
        raise ApiError(errors.INVALID_SIGNATURE)
    row = conn.execute(select(uploads.c.key).where(uploads.c.key == key)).first()
    if row is None:
        raise ApiError(errors.INVALID_SIGNATURE)
    if not looks_like(content_type, data):
        raise ApiError(errors.INVALID_REQUEST, f"The body is not a {content_type} file.")
    if stored_bytes(conn) + len(data) > quota:
        raise ApiError(errors.PAYLOAD_TOO_LARGE, "The sandbox's upload storage is full (SANDBOX_UPLOAD_QUOTA).")
    conn.execute(update(uploads).where(uploads.c.key == key).values(
        data=data, size=len(data), uploaded_at=to_millis(now)))
    return {"key": key, "size": len(data), "contentType": content_type}


def fetch(conn: Connection, key: str) -> tuple[str, bytes]:
    """(content type, bytes) of a finished upload; anything else is `sandbox/object-not-found`."""
    row = conn.execute(
        select(uploads.c.content_type, uploads.c.data).where(and_(uploads.c.key == key, uploads.c.uploaded_at.is_not(None)))
    ).first()
    if row is None or row.data is None:
        raise ApiError(errors.OBJECT_NOT_FOUND)
    return str(row.content_type), bytes(row.data)


def uploaded_for(conn: Connection, key: str, user_id: str) -> bool:
    return conn.execute(
        select(uploads.c.key).where(
            and_(uploads.c.key == key, uploads.c.user_id == user_id, uploads.c.uploaded_at.is_not(None)))
    ).first() is not None


def remove(conn: Connection, key: str | None) -> None:
    if key:
        conn.execute(delete(uploads).where(uploads.c.key == key))
