"""Time, injectable: the app reads the clock through this object so tests can move time forward."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the Unix epoch (UTC)."""


class SystemClock:
    def now(self) -> float:
        return time.time()


class FakeClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, start: float | None = None) -> None:
        self._now = time.time() if start is None else start
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._now += seconds


def rfc3339(ts: float) -> str:
    """RFC 3339 in UTC with a `Z` suffix, to the second: `2025-05-25T09:30:00Z`."""
    return datetime.fromtimestamp(int(ts), tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc3339_ms(ms: int) -> str:
    return rfc3339(ms / 1000)


def to_millis(ts: float) -> int:
    return int(round(ts * 1000))


def from_millis(ms: int) -> float:
    return ms / 1000.0
