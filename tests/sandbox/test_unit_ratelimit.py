"""sandbox/ratelimit.py in-process: GCRA buckets in memory and in the database, to the exact
allowance, the exact wait, the refill, scaling, per-worker shares and clearing. Fast on purpose:
`make mutate` runs these for each mutant of the module."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sandbox import errors
from sandbox.clock import FakeClock
from sandbox.ratelimit import (
    ACCOUNT_CHECKS_PER_IP,
    AUTH_PER_IP,
    INVITATIONS_PER_SENDER,
    LOGIN_FAILURES,
    MAIL_PER_ADDRESS,
    PRUNE_EVERY,
    REQUESTS_PER_IP,
    RULES,
    RateLimited,
    RateLimiter,
    Rule,
    attempt_key,
)
from sandbox.store import Store, rate_limits

NOW = 1_800_000_000.0
FIVE_PER_10S = Rule("five", 5, 10, errors.TOO_MANY_REQUESTS)  # one more every 2 s
MEMORY_RULE = Rule("memory", 5, 10, errors.TOO_MANY_REQUESTS, shared=False)


def wait_after(limiter: RateLimiter, rule: Rule, key: str, count: int = 1) -> int:
    with pytest.raises(RateLimited) as caught:
        for _ in range(count):
            limiter.hit(rule, key)
    assert caught.value.rule is rule and str(caught.value) == rule.name
    return caught.value.retry_after


def test_the_rules() -> None:
    assert [(r.name, r.limit, r.window, r.code, r.shared) for r in
            (REQUESTS_PER_IP, AUTH_PER_IP, LOGIN_FAILURES, MAIL_PER_ADDRESS, ACCOUNT_CHECKS_PER_IP,
             INVITATIONS_PER_SENDER)] == [
        ("requests-per-ip", 600, 60, errors.TOO_MANY_REQUESTS, False),
        ("auth-per-ip", 60, 60, errors.TOO_MANY_REQUESTS, True),
        ("login-failures", 10, 900, errors.TOO_MANY_LOGIN_ATTEMPTS, True),
        ("mail-per-address", 5, 900, errors.TOO_MANY_CODE_REQUESTS, True),
        ("account-checks-per-ip", 20, 900, errors.TOO_MANY_REQUESTS, True),
        ("invitations-per-sender", 20, 3600, errors.TOO_MANY_REQUESTS, True),
    ]
    assert all(len(rule.name) <= 32 for rule in RULES)  # the `rate_limits.rule` column
    assert attempt_key("a@example.com", "203.0.113.9") == "a@example.com 203.0.113.9"


def test_allowances_scale_and_share(store: Store) -> None:
    clock = FakeClock(NOW)
    assert RateLimiter(clock).allowance(AUTH_PER_IP) == 60
    assert RateLimiter(clock, scale=10).allowance(AUTH_PER_IP) == 600
    assert RateLimiter(clock, scale=0.5).allowance(FIVE_PER_10S) == 2
    assert RateLimiter(clock, scale=0.001).allowance(AUTH_PER_IP) == 1
    assert RateLimiter(clock, scale=None).allowance(AUTH_PER_IP) == 60
    # Without the database every rule is per process: each of 4 workers gets a quarter.
    assert RateLimiter(clock, workers=4).allowance(AUTH_PER_IP) == 15
    assert RateLimiter(clock, workers=0).allowance(AUTH_PER_IP) == 60
    # With it, shared rules are whole and only the in-memory flood guard is split.
    shared = RateLimiter(clock, store=store, workers=4)
    assert (shared.allowance(AUTH_PER_IP), shared.allowance(REQUESTS_PER_IP)) == (60, 150)
    assert RateLimiter(clock).enabled is True and RateLimiter(clock, scale=None).enabled is False


@pytest.mark.parametrize("rule", [FIVE_PER_10S, MEMORY_RULE], ids=["database", "memory"])
def test_the_allowance_the_wait_and_the_refill(store: Store, rule: Rule) -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, store=store)
    for _ in range(5):
        limiter.check(rule, "k")  # checking counts nothing
        limiter.hit(rule, "k")
    assert wait_after(limiter, rule, "k") == 2
    with pytest.raises(RateLimited):
        limiter.check(rule, "k")
    limiter.hit(rule, "other")  # another key has its own bucket
    clock.advance(1.999)
    assert wait_after(limiter, rule, "k") == 1
    clock.advance(0.001)
    limiter.hit(rule, "k")  # one interval later: one more
    assert wait_after(limiter, rule, "k") == 2
    clock.advance(10)
    for _ in range(5):
        limiter.hit(rule, "k")  # a full window later: the whole allowance again
    assert wait_after(limiter, rule, "k") == 2


@pytest.mark.parametrize("rule", [FIVE_PER_10S, MEMORY_RULE], ids=["database", "memory"])
def test_the_wait_rounds_up_to_whole_seconds(store: Store, rule: Rule) -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, store=store)
    for _ in range(5):
        limiter.hit(rule, "k")
    clock.advance(0.5)
    assert wait_after(limiter, rule, "k") == 2  # 1.5 s to go
    slow = Rule("slow", 1, 90, errors.TOO_MANY_REQUESTS, shared=rule.shared)
    limiter.hit(slow, "k")
    assert wait_after(limiter, slow, "k") == 90
    long = Rule("long", 1, 2000, errors.TOO_MANY_REQUESTS, shared=rule.shared)  # whole seconds, exactly
    limiter.hit(long, "k")
    assert wait_after(limiter, long, "k") == 2000


@pytest.mark.parametrize("rule", [FIVE_PER_10S, MEMORY_RULE], ids=["database", "memory"])
def test_reset_clears_one_key_of_one_rule(store: Store, rule: Rule) -> None:
    limiter = RateLimiter(FakeClock(NOW), store=store)
    twin = Rule("twin", 5, 10, errors.TOO_MANY_REQUESTS, shared=rule.shared)  # the same key, another rule
    for r, key in ((rule, "k"), (rule, "other"), (twin, "k")):
        for _ in range(5):
            limiter.hit(r, key)
    limiter.reset(rule, "k")
    limiter.reset(rule, "never-seen")  # nothing to clear is no error
    limiter.hit(rule, "k")
    assert wait_after(limiter, rule, "other") == 2
    assert wait_after(limiter, twin, "k") == 2


def test_buckets_are_in_the_database_shared_by_limiters(store: Store) -> None:
    clock = FakeClock(NOW)
    one, two = RateLimiter(clock, store=store), RateLimiter(clock, store=store)
    for _ in range(3):
        one.hit(FIVE_PER_10S, "k", owner="a@example.com")
    for _ in range(2):
        two.hit(FIVE_PER_10S, "k")
    assert wait_after(one, FIVE_PER_10S, "k") == 2
    with store.read() as conn:
        rows = conn.execute(select(rate_limits)).all()
    assert [r._asdict() for r in rows] == [
        {"rule": "five", "key": "k", "owner": "a@example.com", "tat": int(NOW * 1000) + 10_000}]


def test_forget_clears_every_key_of_one_owner(store: Store) -> None:
    limiter = RateLimiter(FakeClock(NOW), store=store)
    keys = {attempt_key("a@example.com", ip): "a@example.com" for ip in ("1.1.1.1", "2.2.2.2")}
    keys[attempt_key("b@example.com", "1.1.1.1")] = "b@example.com"
    for key, owner in keys.items():
        for _ in range(10):
            limiter.hit(LOGIN_FAILURES, key, owner=owner)
    limiter.forget(LOGIN_FAILURES, "a@example.com")
    limiter.forget(MAIL_PER_ADDRESS, "b@example.com")  # another rule: nothing of b's goes
    limiter.hit(LOGIN_FAILURES, attempt_key("a@example.com", "1.1.1.1"))
    limiter.hit(LOGIN_FAILURES, attempt_key("a@example.com", "2.2.2.2"))
    assert wait_after(limiter, LOGIN_FAILURES, attempt_key("b@example.com", "1.1.1.1")) == 90


def test_forget_without_a_database_is_nothing_to_do() -> None:
    limiter = RateLimiter(FakeClock(NOW))
    for _ in range(5):
        limiter.hit(MEMORY_RULE, "k", owner="a@example.com")
    limiter.forget(MEMORY_RULE, "a@example.com")
    limiter.forget(LOGIN_FAILURES, "a@example.com")
    assert wait_after(limiter, MEMORY_RULE, "k") == 2  # in-memory keys have no owner to forget by


def test_off_means_off(store: Store) -> None:
    limiter = RateLimiter(FakeClock(NOW), scale=None, store=store)
    for _ in range(20):
        limiter.hit(FIVE_PER_10S, "k", owner="a@example.com")
        limiter.check(FIVE_PER_10S, "k")
        limiter.hit(MEMORY_RULE, "k")
    limiter.reset(FIVE_PER_10S, "k")
    limiter.forget(FIVE_PER_10S, "a@example.com")
    with store.read() as conn:
        assert conn.execute(select(rate_limits)).all() == []


def keys_in(store: Store) -> set[str]:
    with store.read() as conn:
        return {r.key for r in conn.execute(select(rate_limits.c.key))}


def test_full_buckets_are_pruned_from_the_database_every_500_events(store: Store) -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock, store=store)
    limiter.hit(FIVE_PER_10S, "old")  # event 0: a prune, with nothing to prune yet
    clock.advance(60)  # "old" is full again: nothing to remember
    for n in range(PRUNE_EVERY - 1):
        limiter.hit(AUTH_PER_IP, f"ip-{n % 50}")
    assert "old" in keys_in(store)  # not yet: events 1..499
    limiter.hit(AUTH_PER_IP, "ip-0")  # event 500
    keys = keys_in(store)
    assert "old" not in keys and len(keys) == 50


def test_the_memory_map_is_bounded() -> None:
    clock = FakeClock(NOW)
    limiter = RateLimiter(clock)
    for n in range(50_001):
        limiter.hit(MEMORY_RULE, f"k{n}")
    clock.advance(10)
    limiter.hit(MEMORY_RULE, "new")  # over 50 000 keys: the full ones are dropped
    assert len(limiter._local) == 1
