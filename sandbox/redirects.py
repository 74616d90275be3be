"""Which callback URLs the sandbox will redirect a browser to (no open redirects, ASVS 5.1.5)."""

from __future__ import annotations

from urllib.parse import urlsplit

from sqlalchemy import Connection

from . import onetime
from .settings import Settings

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def allowed(conn: Connection, settings: Settings, url: str, email: str | None) -> bool:
    """Loopback apps, the docs origins, and the apps this address was already mailed links for."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return False
    if "*" in settings.cors_origins or (parts.hostname or "") in LOOPBACK:
        return True
    origin = origin_of(url)
    if origin in {origin_of(o) for o in settings.cors_origins}:
        return True
    return email is not None and origin in {origin_of(u) for u in onetime.callback_origins(conn, email)}
