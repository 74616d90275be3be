"""Checks made on the raw ASGI request before any route runs.

Host allow-list: a page on an attacker's domain that resolves to 127.0.0.1 (DNS rebinding) reaches
the sandbox as same-origin and could read the outbox's tokens; its requests carry the attacker's
name in `Host`, so only loopback names, the bound address and SANDBOX_ALLOWED_HOSTS are served.
"""

from __future__ import annotations

import json
import re

from starlette.types import ASGIApp, Receive, Scope, Send

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1"})
WILDCARD_BINDS = frozenset({"0.0.0.0", "::", ""})


_HOST = re.compile(r"(?:\[(?P<ip6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9.-]+))(?::[0-9]{1,5})?")


def host_name(header: str) -> str:
    """`example.com:8001` -> `example.com`; `[::1]:8001` -> `::1` (lowercased, no trailing dot);
    anything not shaped like host[:port] -> "" (never allowed)."""
    match = _HOST.fullmatch(header.strip().lower())
    if match is None:
        return ""
    return match["ip6"] or match["name"].rstrip(".")


def allowed_hosts(bind_host: str, configured: tuple[str, ...]) -> frozenset[str]:
    extra = {h.strip().lower().rstrip(".") for h in configured if h.strip()}
    bound = {bind_host.lower()} if bind_host not in WILDCARD_BINDS else set()
    return frozenset(LOOPBACK_NAMES | bound | extra)


class HostGuard:
    """Refuses (400, in the error envelope) any request whose Host is not an allowed name."""

    def __init__(self, app: ASGIApp, allowed: frozenset[str], refusal: dict) -> None:
        self.app = app
        self.allowed = allowed
        self.refusal = json.dumps(refusal, separators=(",", ":")).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
            if host_name(host) not in self.allowed:
                await send({"type": "http.response.start", "status": 400, "headers": [
                    (b"content-type", b"application/json"), (b"content-length", str(len(self.refusal)).encode()),
                    (b"cache-control", b"no-store")]})
                await send({"type": "http.response.body", "body": self.refusal})
                return
        await self.app(scope, receive, send)


class ConcurrencyCap:
    """At most `limit` requests in flight per process; the rest get 503 with Retry-After at once
    instead of queueing without bound (memory, and latency for everyone)."""

    def __init__(self, app: ASGIApp, limit: int, refusal: dict) -> None:
        self.app = app
        self.limit = limit
        self.inflight = 0
        self.refusal = json.dumps(refusal, separators=(",", ":")).encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.inflight >= self.limit:
            await send({"type": "http.response.start", "status": 503, "headers": [
                (b"content-type", b"application/json"), (b"content-length", str(len(self.refusal)).encode()),
                (b"retry-after", b"1"), (b"cache-control", b"no-store")]})
            await send({"type": "http.response.body", "body": self.refusal})
            return
        self.inflight += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.inflight -= 1
