"""The one allow-list for every URL the sandbox mails a link to or redirects a browser to (no open
redirects and no tokens mailed to foreign sites: ASVS 5.1.5, GoTrue's URI allow-list).

Allowed: loopback apps on any port (`http(s)://127.0.0.1`, `localhost`, `[::1]`), the docs origins
(`SANDBOX_CORS_ORIGINS`, never its `*`) and the entries of `SANDBOX_REDIRECT_URLS` (an origin, or an
origin plus a path prefix). Nothing is learnt from earlier requests: an attacker who mails a link to
themselves does not widen the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from . import errors
from .errors import ApiError

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
SCHEMES = ("http", "https")


@dataclass(frozen=True)
class Entry:
    scheme: str
    host: str
    port: int
    path: str  # "" or a prefix ending in "/"


def _parse(url: str) -> SplitResult | None:
    """A strictly shaped absolute http(s) URL, or None. Refuses what browsers and parsers read
    differently: backslashes, whitespace and control characters, user info (`localhost@evil.com`)."""
    if not isinstance(url, str) or not url or len(url) > 2048:
        return None
    if any(c == "\\" or c.isspace() or ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return None
    parts = urlsplit(url)
    if parts.scheme.lower() not in SCHEMES or not parts.hostname or "@" in parts.netloc:
        return None
    try:
        port = parts.port
    except ValueError:  # a malformed port
        return None
    # The authority must be exactly host[:port]: `[::1].evil.com` parses as host ::1 otherwise.
    host = parts.hostname
    shown = f"[{host}]" if ":" in host else host
    if parts.netloc.lower() not in {shown, f"{shown}:{port}"} or parts.netloc.endswith(":"):
        return None
    return parts


def _port(parts: SplitResult) -> int:
    return parts.port or (443 if parts.scheme.lower() == "https" else 80)


def entry(value: str) -> Entry:
    parts = _parse(value)
    if parts is None or parts.query or parts.fragment:
        raise ValueError(f"not an http(s) origin or URL prefix: {value!r}")
    path = parts.path if parts.path.endswith("/") else (parts.path + "/" if parts.path else "")
    return Entry(parts.scheme.lower(), (parts.hostname or "").lower(), _port(parts), path)


@dataclass(frozen=True)
class AllowList:
    entries: tuple[Entry, ...]

    @classmethod
    def build(cls, docs_origins: tuple[str, ...], configured: tuple[str, ...]) -> AllowList:
        # "*" and "loopback" (the CORS default) add nothing: loopback apps are always allowed.
        values = [o for o in docs_origins if o not in ("*", "loopback")] + list(configured)
        return cls(tuple(entry(v) for v in values))

    def allows(self, url: str) -> bool:
        parts = _parse(url)
        if parts is None:
            return False
        host = (parts.hostname or "").lower()
        if host in LOOPBACK_HOSTS:
            return True
        scheme, port, path = parts.scheme.lower(), _port(parts), parts.path or "/"
        return any(
            e.scheme == scheme and e.host == host and e.port == port and (not e.path or path.startswith(e.path))
            for e in self.entries
        )



def require(allow: AllowList, url: str | None) -> None:
    """Refuse a callbackUrl off the list before anything is mailed or redirected."""
    if url is not None and not allow.allows(url):
        raise ApiError(
            errors.INVALID_REQUEST,
            "callbackUrl is not on this sandbox's allow-list (loopback apps, the docs origins and "
            "SANDBOX_REDIRECT_URLS).",
        )
