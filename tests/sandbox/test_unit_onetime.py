"""sandbox/onetime.py in-process against a real (SQLite) store: secrets bound to one purpose and one
address, single use, expiring to the millisecond, a new one voiding the old, only hashes stored.
Fast on purpose: `make mutate` runs these for each mutant of the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from sandbox import errors, onetime, users
from sandbox.errors import ApiError
from sandbox.onetime import MAGIC_LINK, PASSWORD_RESET, Redeemed
from sandbox.settings import sqlite_url
from sandbox.store import Store, one_time_tokens
from sandbox.tokens import digest

NOW = 1_800_000_000.0
EMAIL = "owner@example.com"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(sqlite_url(tmp_path / "onetime.db"))
    s.migrate()
    yield s
    s.close()


@pytest.fixture
def user_id(store: Store) -> str:
    with store.write() as conn:
        return str(users.create(conn, email=EMAIL, name="Owner", now=NOW).id)


def issue(store: Store, user_id: str | None, *, purpose: str = PASSWORD_RESET, email: str = EMAIL,
          now: float = NOW, lifetime: int = 600, callback: str | None = None) -> str:
    with store.write() as conn:
        return onetime.issue(conn, purpose=purpose, email=email, user_id=user_id, now=now, lifetime=lifetime,
                             callback_url=callback)


def redeem(store: Store, secret: str, *, purpose: str = PASSWORD_RESET, email: str | None = EMAIL,
           now: float = NOW) -> Redeemed:
    with store.write() as conn:
        return onetime.redeem(conn, purpose=purpose, email=email, secret=secret, now=now)


def peek(store: Store, secret: str, *, purpose: str = PASSWORD_RESET, email: str | None = EMAIL,
         now: float = NOW) -> Redeemed:
    with store.read() as conn:
        return onetime.peek(conn, purpose=purpose, email=email, secret=secret, now=now)


def error(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)  # type: ignore[operator]
    return caught.value.code


def test_only_the_hash_is_stored_with_the_binding(store: Store, user_id: str) -> None:
    secret = issue(store, user_id, callback="http://localhost:3000/cb", lifetime=900)
    with store.read() as conn:
        [row] = conn.execute(select(one_time_tokens)).all()
    assert row._asdict() == {
        "token_hash": digest(secret), "purpose": PASSWORD_RESET, "email": EMAIL, "user_id": user_id,
        "created_at": 1_800_000_000_000, "expires_at": 1_800_000_900_000, "used_at": None,
        "callback_url": "http://localhost:3000/cb",
    }
    assert len(secret) == 43


def test_redeem_once(store: Store, user_id: str) -> None:
    secret = issue(store, user_id, callback="http://localhost:3000/cb")
    assert peek(store, secret) == Redeemed(EMAIL, user_id, "http://localhost:3000/cb")
    assert peek(store, secret, email=None) == Redeemed(EMAIL, user_id, "http://localhost:3000/cb")
    assert redeem(store, secret, now=NOW + 1) == Redeemed(EMAIL, user_id, "http://localhost:3000/cb")
    with store.read() as conn:
        assert conn.execute(select(one_time_tokens.c.used_at)).scalar_one() == 1_800_000_001_000
    assert error(redeem, store, secret) == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(peek, store, secret) == errors.VERIFICATION_TOKEN_NOT_FOUND


def test_redeem_without_an_address_and_without_a_user(store: Store) -> None:
    secret = issue(store, None, purpose=MAGIC_LINK)
    assert redeem(store, secret, purpose=MAGIC_LINK, email=None) == Redeemed(EMAIL, None, None)


def test_bound_to_purpose_and_address(store: Store, user_id: str) -> None:
    secret = issue(store, user_id)
    assert error(redeem, store, secret, purpose=MAGIC_LINK) == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(peek, store, secret, purpose=MAGIC_LINK) == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(redeem, store, secret, email="other@example.com") == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(peek, store, secret, email="other@example.com") == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(redeem, store, "not-the-secret") == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert redeem(store, secret).email == EMAIL  # none of the refusals spent it


def test_expiry_to_the_millisecond(store: Store, user_id: str) -> None:
    secret = issue(store, user_id, lifetime=600)
    assert peek(store, secret, now=NOW + 599.999).email == EMAIL
    assert error(peek, store, secret, now=NOW + 600) == errors.VERIFICATION_TOKEN_EXPIRED
    assert error(redeem, store, secret, now=NOW + 600) == errors.VERIFICATION_TOKEN_EXPIRED
    assert redeem(store, secret, now=NOW + 599.999).email == EMAIL


def test_a_new_secret_voids_the_unspent_one_for_the_same_pair_only(store: Store, user_id: str) -> None:
    first = issue(store, user_id)
    other_purpose = issue(store, user_id, purpose=MAGIC_LINK)
    other_address = issue(store, None, email="else@example.com")
    second = issue(store, user_id, now=NOW + 5)
    assert error(redeem, store, first) == errors.VERIFICATION_TOKEN_NOT_FOUND
    with store.read() as conn:
        voided = conn.execute(select(one_time_tokens.c.used_at).where(
            one_time_tokens.c.token_hash == digest(first))).scalar_one()
    assert voided == 1_800_000_005_000
    assert redeem(store, second).user_id == user_id
    assert redeem(store, other_purpose, purpose=MAGIC_LINK).user_id == user_id
    assert redeem(store, other_address, email="else@example.com").email == "else@example.com"


def test_latest_is_the_newest_spent_or_not(store: Store, user_id: str) -> None:
    with store.read() as conn:
        assert onetime.latest(conn, purpose=PASSWORD_RESET, email=EMAIL) is None
    issue(store, user_id, now=NOW)
    newest = issue(store, user_id, now=NOW + 10)
    issue(store, user_id, purpose=MAGIC_LINK, now=NOW + 20)
    issue(store, None, email="else@example.com", now=NOW + 30)
    with store.read() as conn:
        row = onetime.latest(conn, purpose=PASSWORD_RESET, email=EMAIL)
    assert (row.token_hash, row.created_at) == (digest(newest), 1_800_000_010_000)


def test_void_for_user_spends_only_that_users_unspent_secrets(store: Store, user_id: str) -> None:
    reset = issue(store, user_id)
    link = issue(store, user_id, purpose=MAGIC_LINK)
    with store.write() as conn:
        other = str(users.create(conn, email="else@example.com", name="Else", now=NOW).id)
    theirs = issue(store, other, email="else@example.com")
    spent = issue(store, user_id, purpose=onetime.EMAIL_VERIFY)
    redeem(store, spent, purpose=onetime.EMAIL_VERIFY, now=NOW + 1)
    with store.write() as conn:
        onetime.void_for_user(conn, user_id, 1_800_000_009_000)
    assert error(redeem, store, reset) == errors.VERIFICATION_TOKEN_NOT_FOUND
    assert error(redeem, store, link, purpose=MAGIC_LINK) == errors.VERIFICATION_TOKEN_NOT_FOUND
    with store.read() as conn:
        used = dict(conn.execute(select(one_time_tokens.c.token_hash, one_time_tokens.c.used_at)).all())
    assert used[digest(reset)] == used[digest(link)] == 1_800_000_009_000
    assert used[digest(spent)] == 1_800_000_001_000  # already spent: keeps its time
    assert redeem(store, theirs, email="else@example.com").user_id == other
