"""The HTTP server around the app: uvicorn with uvloop and httptools, plus what uvicorn leaves out.

- Slowloris: a connection must finish its request head within `header_timeout` seconds (uvicorn
  waits forever) and within 64 KiB; it then gets 408/431 in the error envelope and is closed.
- Connection cap: past `max_connections`, a new connection evicts the oldest one still sending its
  head (an attacker's idle sockets go first, a real request gets in), so file descriptors never run
  out; the process also raises its own open-file limit to the hard limit at start.
- Protocol errors (not HTTP at all) are answered in the error envelope instead of uvicorn's text.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import resource
import time
from typing import Any, ClassVar

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 64 * 1024


def envelope(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}, separators=(",", ":")).encode()


class GuardedHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol with a request-head deadline, a head size cap and eviction."""

    header_timeout: ClassVar[float] = 10.0
    max_connections: ClassVar[int] = 1000
    # status -> envelope body; filled from the spec's messages by `configure`
    bodies: ClassVar[dict[int, bytes]] = {
        400: envelope("common/invalid-request", "The request is not valid HTTP/1.1."),
        408: envelope("common/request-timeout", "The request took too long to arrive."),
        431: envelope("common/invalid-request", "The request head is too large."),
    }

    @classmethod
    def configure(cls, *, header_timeout: float, max_connections: int, bodies: dict[int, bytes]) -> None:
        cls.header_timeout = header_timeout
        cls.max_connections = max_connections
        cls.bodies = {**cls.bodies, **bodies}

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._head_started = time.monotonic()
        self._head_bytes = 0
        self._in_head = True
        self._deadline: asyncio.TimerHandle | None = None
        self._arm()
        if len(self.connections) > self.max_connections:
            self._evict()

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.header_timeout, self._too_slow)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _evict(self) -> None:
        """Close the oldest connection that is still sending its head (possibly this one)."""
        waiting = [c for c in self.connections if isinstance(c, GuardedHttpTools) and c._in_head]
        if waiting:
            min(waiting, key=lambda c: c._head_started)._close_with(None)

    def _too_slow(self) -> None:
        self._deadline = None
        if self._in_head and not self.transport.is_closing():
            self._close_with(408)

    def _close_with(self, status: int | None) -> None:
        self._disarm()
        if status is not None and not self.transport.is_closing():
            body = self.bodies[status]
            reason = {400: b"Bad Request", 408: b"Request Timeout", 431: b"Request Header Fields Too Large"}[status]
            self.transport.write(
                b"HTTP/1.1 %d %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n"
                b"cache-control: no-store\r\nconnection: close\r\n\r\n%s" % (status, reason, len(body), body))
        self.transport.close()

    def data_received(self, data: bytes) -> None:
        if self._in_head:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._close_with(431)
                return
        super().data_received(data)

    def send_400_response(self, msg: str) -> None:
        self._close_with(400)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if not self._in_head:  # the next request on a kept-alive connection: a new deadline
            self._in_head = True
            self._head_started = time.monotonic()
            self._head_bytes = 0
            self._arm()

    def on_headers_complete(self) -> None:
        self._in_head = False
        self._disarm()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def raise_open_file_limit() -> int:
    """Use the hard limit on open files (the soft one is often 1024); returns the limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY:
        hard = max(soft, 65536)
    if soft < hard:
        with contextlib.suppress(ValueError, OSError):  # not allowed here: the lower limit stays
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
            soft = hard
    return soft


def connection_cap(wanted: int) -> int:
    """At most `wanted`, and always fewer than the open-file limit leaves room for."""
    return max(16, min(wanted, raise_open_file_limit() - 128))


def uvicorn_options(settings: Any) -> dict[str, Any]:
    """What `uvicorn.run` gets besides the app, host and port."""
    trusted = settings.trusted_proxies
    return {
        "log_level": "warning",
        "server_header": False,
        "date_header": True,
        "loop": "uvloop",
        "http": "sandbox.server:GuardedHttpTools",
        "ws": "none",
        "timeout_keep_alive": 5,
        "proxy_headers": bool(trusted),
        "forwarded_allow_ips": ",".join(trusted) or None,
    }
