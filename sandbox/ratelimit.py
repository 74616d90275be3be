"""Per-IP and per-account rate limits (sliding window, in memory, per process).

Each rule allows `limit` events per `window` seconds for one key (an IP, an e-mail, a user id).
`SANDBOX_RATE_LIMITS` scales every allowance (`10` = ten times more) or turns limits `off`.
"""

from __future__ import annotations

import math
import threading
from collections import deque
from dataclasses import dataclass

from . import errors
from .clock import Clock


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds
    code: str  # the spec error code answered with 429


# Every request from one IP (keeps one client from starving the sandbox).
REQUESTS_PER_IP = Rule("requests-per-ip", 600, 60, errors.TOO_MANY_REQUESTS)
# Credential endpoints (sign-up, sign-in, refresh, reset confirm, MFA) from one IP.
AUTH_PER_IP = Rule("auth-per-ip", 60, 60, errors.TOO_MANY_REQUESTS)
# Failed sign-ins (wrong password or wrong MFA code) for one account.
LOGIN_FAILURES_PER_ACCOUNT = Rule("login-failures-per-account", 10, 15 * 60, errors.TOO_MANY_LOGIN_ATTEMPTS)
# Mail sent to one address (verification, reset, magic link, invitation).
MAIL_PER_ADDRESS = Rule("mail-per-address", 5, 15 * 60, errors.TOO_MANY_CODE_REQUESTS)

RULES = (REQUESTS_PER_IP, AUTH_PER_IP, LOGIN_FAILURES_PER_ACCOUNT, MAIL_PER_ADDRESS)


class RateLimited(Exception):
    def __init__(self, rule: Rule, retry_after: int) -> None:
        super().__init__(rule.name)
        self.rule = rule
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, clock: Clock, scale: float | None = 1.0) -> None:
        self._clock = clock
        self._scale = scale
        self._events: dict[tuple[str, str], deque[float]] = {}
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self._scale is not None

    def allowance(self, rule: Rule) -> int:
        return max(1, math.floor(rule.limit * (self._scale or 1.0)))

    def hit(self, rule: Rule, key: str) -> None:
        """Count one event; raise RateLimited (without counting) once the allowance is spent."""
        self._take(rule, key, count=True)

    def check(self, rule: Rule, key: str) -> None:
        """Raise RateLimited if the allowance is spent, without counting an event."""
        self._take(rule, key, count=False)

    def reset(self, rule: Rule, key: str) -> None:
        with self._lock:
            self._events.pop((rule.name, key), None)

    def _take(self, rule: Rule, key: str, *, count: bool) -> None:
        if self._scale is None:
            return
        now = self._clock.now()
        limit = self.allowance(rule)
        with self._lock:
            events = self._events.setdefault((rule.name, key), deque())
            while events and events[0] <= now - rule.window:
                events.popleft()
            if len(events) >= limit:
                retry_after = max(1, math.ceil(events[0] + rule.window - now))
                raise RateLimited(rule, retry_after)
            if count:
                events.append(now)
            if len(self._events) > 50_000:
                self._prune(now)

    def _prune(self, now: float) -> None:
        longest = max(r.window for r in RULES)
        stale = [k for k, ev in self._events.items() if not ev or ev[-1] <= now - longest]
        for k in stale:
            del self._events[k]
