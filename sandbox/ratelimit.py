"""Rate limits: each rule allows `limit` events per `window` seconds for one key (an IP, an e-mail,
an e-mail + IP pair), as a GCRA bucket (one timestamp per key: `limit` at once, then one more every
`window / limit` seconds).

The security rules live in the database, so every worker process (and every machine on one
PostgreSQL) shares them and a restart does not reset them. The flood guard on every request stays in
process memory (a database write per request would cost more than the request) and gives each worker
its share of the allowance. `SANDBOX_RATE_LIMITS` scales every allowance (`10` = ten times more) or
turns limits `off`.
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from itertools import count

from sqlalchemy import and_, delete, select, update

from . import errors
from .clock import Clock
from .store import Store, rate_limits


@dataclass(frozen=True)
class Rule:
    name: str
    limit: int
    window: int  # seconds
    code: str  # the spec error code answered with 429
    shared: bool = True  # kept in the database (False: per process, in memory)


# Every request from one IP (keeps one client from starving the sandbox).
REQUESTS_PER_IP = Rule("requests-per-ip", 600, 60, errors.TOO_MANY_REQUESTS, shared=False)
# Credential endpoints (sign-up, sign-in, refresh, reset confirm, MFA) from one IP.
AUTH_PER_IP = Rule("auth-per-ip", 60, 60, errors.TOO_MANY_REQUESTS)
# Failed password or MFA-code checks for one account from one IP: the owner elsewhere is never locked
# out by someone else's failures (ASVS 2.2.1: anti-automation without denial of service).
LOGIN_FAILURES = Rule("login-failures", 10, 15 * 60, errors.TOO_MANY_LOGIN_ATTEMPTS)
# Mail sent to one address (verification, reset, magic link, invitation).
MAIL_PER_ADDRESS = Rule("mail-per-address", 5, 15 * 60, errors.TOO_MANY_CODE_REQUESTS)

# Account-existence checks from one IP: `POST /v1/auth/accounts/check` needs only the publishable key
# and says whether an address has an account, so it is bounded like a sign-in (x-decisions
# `account-check-enumeration`).
ACCOUNT_CHECKS_PER_IP = Rule("account-checks-per-ip", 20, 15 * 60, errors.TOO_MANY_REQUESTS)
# Invitations one user sends (each mails text the sender chose to any address).
INVITATIONS_PER_SENDER = Rule("invitations-per-sender", 20, 60 * 60, errors.TOO_MANY_REQUESTS)

RULES = (REQUESTS_PER_IP, AUTH_PER_IP, LOGIN_FAILURES, MAIL_PER_ADDRESS, ACCOUNT_CHECKS_PER_IP,
         INVITATIONS_PER_SENDER)
PRUNE_EVERY = 500  # counted events between deletions of buckets that are full again


def attempt_key(account: str, ip: str) -> str:
    """The key of LOGIN_FAILURES: one account tried from one IP."""
    return f"{account} {ip}"


class RateLimited(Exception):
    def __init__(self, rule: Rule, retry_after: int) -> None:
        super().__init__(rule.name)
        self.rule = rule
        self.retry_after = retry_after


class RateLimiter:
    def __init__(self, clock: Clock, scale: float | None = 1.0, store: Store | None = None,
                 workers: int = 1) -> None:
        self._clock = clock
        self._scale = scale
        self._store = store
        self._workers = max(1, workers)
        self._local: dict[tuple[str, str], int] = {}  # (rule, key) -> tat in ms
        self._lock = threading.Lock()
        self._events = count()

    @property
    def enabled(self) -> bool:
        return self._scale is not None

    def allowance(self, rule: Rule) -> int:
        share = 1 if rule.shared and self._store is not None else self._workers
        return max(1, math.floor(rule.limit * (self._scale or 1.0) / share))

    def hit(self, rule: Rule, key: str, owner: str | None = None) -> None:
        """Count one event; raise RateLimited (without counting) once the allowance is spent.
        `owner` (an e-mail) lets `forget` clear every key of one account at once."""
        self._take(rule, key, owner, counting=True)

    def check(self, rule: Rule, key: str) -> None:
        """Raise RateLimited if the allowance is spent, without counting an event."""
        self._take(rule, key, None, counting=False)

    def reset(self, rule: Rule, key: str) -> None:
        if self._scale is None:
            return
        if self._shared(rule):
            with self._db().write() as conn:
                conn.execute(delete(rate_limits).where(and_(rate_limits.c.rule == rule.name, rate_limits.c.key == key)))
        else:
            with self._lock:
                self._local.pop((rule.name, key), None)

    def forget(self, rule: Rule, owner: str) -> None:
        """Clear every key counted for `owner` (a password reset ends a lock from anywhere)."""
        if self._scale is not None and self._shared(rule):
            with self._db().write() as conn:
                conn.execute(delete(rate_limits).where(
                    and_(rate_limits.c.rule == rule.name, rate_limits.c.owner == owner)))

    # --- GCRA ----------------------------------------------------------------------------------

    def _verdict(self, rule: Rule, tat: int, now: int) -> tuple[int, int | None]:
        """(the new tat, or None with the seconds to wait)."""
        interval = rule.window * 1000 / self.allowance(rule)
        start = max(tat, now)
        new_tat = start + interval
        if new_tat - now > rule.window * 1000:
            return tat, max(1, math.ceil((new_tat - now - rule.window * 1000) / 1000))
        return int(new_tat), None

    def _take(self, rule: Rule, key: str, owner: str | None, *, counting: bool) -> None:
        if self._scale is None:
            return
        now = int(self._clock.now() * 1000)
        if self._shared(rule):
            self._take_shared(rule, key, owner, now, counting)
            return
        with self._lock:
            new_tat, wait = self._verdict(rule, self._local.get((rule.name, key), 0), now)
            if wait is not None:
                raise RateLimited(rule, wait)
            if counting:
                self._local[(rule.name, key)] = new_tat
                if len(self._local) > 50_000:
                    self._local = {k: t for k, t in self._local.items() if t > now}

    def _take_shared(self, rule: Rule, key: str, owner: str | None, now: int, counting: bool) -> None:
        store = self._db()
        where = and_(rate_limits.c.rule == rule.name, rate_limits.c.key == key)
        with store.write() as conn:
            if counting:  # the row exists and is locked before it is read: concurrent hits queue
                conn.execute(store.insert_ignore(rate_limits, rule=rule.name, key=key, owner=owner, tat=0))
            row = conn.execute(select(rate_limits.c.tat).where(where).with_for_update()).first()
            new_tat, wait = self._verdict(rule, int(row.tat) if row else 0, now)
            if wait is not None:
                raise RateLimited(rule, wait)
            if counting:
                conn.execute(update(rate_limits).where(where).values(tat=new_tat))
                if next(self._events) % PRUNE_EVERY == 0:
                    conn.execute(delete(rate_limits).where(rate_limits.c.tat < now))

    def _shared(self, rule: Rule) -> bool:
        return rule.shared and self._store is not None

    def _db(self) -> Store:
        assert self._store is not None
        return self._store
