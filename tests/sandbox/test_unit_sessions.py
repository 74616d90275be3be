"""sandbox/sessions.py in-process against a real (SQLite) store and a fake clock: refresh rotation
and reuse detection, the idle and absolute limits to the millisecond, revocation, and what a bearer
request is told. Fast on purpose: `make mutate` runs these for each mutant of the module."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import jwt
import pytest
from sqlalchemy import select, update

from sandbox import errors, sessions, users
from sandbox.app import build_services
from sandbox.clock import FakeClock
from sandbox.context import Principal, Services
from sandbox.errors import ApiError
from sandbox.settings import Settings, SettingsError
from sandbox.spec import Spec
from sandbox.store import refresh_tokens
from sandbox.store import sessions as sessions_t
from sandbox.store import users as users_t
from sandbox.tokens import digest
from tests.sandbox.conftest import make_settings

NOW = 1_800_000_000.0
NOW_MS = 1_800_000_000_000
DAY_MS = 86_400_000
USERS_X_ERRORS = (errors.USER_UNAUTHORIZED,)
GET_ME_X_ERRORS = (errors.UNAUTHORIZED, errors.AUTH_USER_NOT_FOUND)


@pytest.fixture
def services(tmp_path: Path, spec: Spec) -> Iterator[Services]:
    s = build_services(make_settings(tmp_path / "sessions.db"), FakeClock(NOW), spec=spec)
    yield s
    s.store.close()


def clock(s: Services) -> FakeClock:
    assert isinstance(s.clock, FakeClock)
    return s.clock


def new_user(s: Services, email: str = "a@example.com", role: str = "user") -> str:
    with s.store.write() as conn:
        return str(users.create(conn, email=email, name="A", now=s.clock.now(), role=role).id)


def start(s: Services, user_id: str, org: str | None = None) -> sessions.NewSession:
    with s.store.write() as conn:
        return sessions.start(conn, s, user_id=user_id, ip="203.0.113.9", user_agent="curl/8.5", organization_id=org)


def session_row(s: Services, session_id: str):  # noqa: ANN201 - a SQLAlchemy row
    with s.store.read() as conn:
        return conn.execute(select(sessions_t).where(sessions_t.c.id == session_id)).one()


def code_of(call, *args, **kwargs) -> tuple[str, str | None]:  # noqa: ANN001
    with pytest.raises(ApiError) as caught:
        call(*args, **kwargs)
    return caught.value.code, caught.value.message


def test_start_records_the_session_and_a_hashed_refresh_token(services: Services) -> None:
    uid = new_user(services)
    new = start(services, uid, org="org-1")
    row = session_row(services, new.session_id)
    assert row._asdict() == {
        "id": new.session_id, "user_id": uid, "organization_id": "org-1", "user_agent": "curl/8.5",
        "ip": "203.0.113.9", "created_at": NOW_MS, "last_accessed_at": NOW_MS,
        "expires_at": NOW_MS + 30 * DAY_MS, "revoked_at": None, "revoke_reason": None,
    }
    with services.store.read() as conn:
        [token] = conn.execute(select(refresh_tokens)).all()
    assert token._asdict() == {"token_hash": digest(new.refresh_token), "session_id": new.session_id,
                               "created_at": NOW_MS, "used_at": None}


def test_an_empty_user_agent_is_stored_as_none(services: Services) -> None:
    uid = new_user(services)
    with services.store.write() as conn:
        new = sessions.start(conn, services, user_id=uid, ip="::1", user_agent="")
    assert session_row(services, new.session_id).user_agent is None


def decoded(access: str) -> dict:
    return jwt.decode(access, options={"verify_signature": False})


def test_sign_in_answers_a_token_pair(services: Services) -> None:
    uid = new_user(services)
    pair = sessions.sign_in(services, user_id=uid, ip="::1", user_agent="ua")
    assert set(pair) == {"accessToken", "refreshToken", "tokenType", "expiresIn"}
    assert (pair["tokenType"], pair["expiresIn"]) == ("Bearer", 3600)
    claims = decoded(pair["accessToken"])
    assert claims["sub"] == uid and "org" not in claims
    row = session_row(services, claims["sid"])
    assert (row.user_agent, row.ip) == ("ua", "::1")
    assert sessions.rotate(services, pair["refreshToken"])["tokenType"] == "Bearer"


def test_rotation_spends_the_token_and_keeps_the_session(services: Services) -> None:
    uid = new_user(services)
    first = start(services, uid, org="org-1")
    clock(services).advance(60)
    pair = sessions.rotate(services, first.refresh_token)
    assert pair["refreshToken"] != first.refresh_token and pair["expiresIn"] == 3600
    claims = decoded(pair["accessToken"])
    assert (claims["sub"], claims["sid"], claims["org"]) == (uid, first.session_id, "org-1")
    assert session_row(services, first.session_id).last_accessed_at == NOW_MS + 60_000
    with services.store.read() as conn:
        used = dict(conn.execute(select(refresh_tokens.c.token_hash, refresh_tokens.c.used_at)).all())
    assert used == {digest(first.refresh_token): NOW_MS + 60_000, digest(pair["refreshToken"]): None}
    # The new one works in turn.
    assert sessions.rotate(services, pair["refreshToken"])["tokenType"] == "Bearer"


def test_reuse_of_a_spent_token_ends_every_session_of_the_user(services: Services) -> None:
    uid, someone = new_user(services), new_user(services, "b@example.com")
    first, elsewhere, theirs = start(services, uid), start(services, uid), start(services, someone)
    second = sessions.rotate(services, first.refresh_token)
    clock(services).advance(10)  # the reuse interval (10 s) is over to the millisecond
    assert code_of(sessions.rotate, services, first.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    for ended in (first, elsewhere):  # bkend: a replay ends all of the user's sessions
        row = session_row(services, ended.session_id)
        assert (row.revoked_at, row.revoke_reason) == (NOW_MS + 10_000, "refresh-token-reuse")
    assert session_row(services, theirs.session_id).revoked_at is None
    # The thief's and the owner's newest tokens are both dead now.
    assert code_of(sessions.rotate, services, second["refreshToken"]) == (errors.INVALID_REFRESH_TOKEN, None)
    assert session_row(services, first.session_id).revoke_reason == "refresh-token-reuse"


@pytest.mark.parametrize(("used_at", "now", "interval", "within"), [
    (NOW_MS, NOW_MS, 10_000, True),
    (NOW_MS, NOW_MS + 9_999, 10_000, True),
    (NOW_MS, NOW_MS + 10_000, 10_000, False),
    (NOW_MS, NOW_MS + 10_001, 10_000, False),
    (NOW_MS, NOW_MS, 0, False),  # interval 0: every second presentation is reuse
    (NOW_MS, NOW_MS + 1, 1, False),
    (NOW_MS, NOW_MS, 1, True),
])
def test_within_reuse_interval(used_at: int, now: int, interval: int, within: bool) -> None:
    assert sessions.within_reuse_interval(used_at, now, interval) is within


def test_a_token_presented_again_within_the_interval_gets_a_new_pair_in_the_same_session(
        services: Services) -> None:
    """Two tabs refreshing with one token: both stay signed in (GoTrue's reuse interval)."""
    uid = new_user(services)
    first, elsewhere = start(services, uid), start(services, uid)
    clock(services).advance(1)
    tab_a = sessions.rotate(services, first.refresh_token)
    clock(services).advance(9.999)
    tab_b = sessions.rotate(services, first.refresh_token)
    assert tab_b["refreshToken"] not in (tab_a["refreshToken"], first.refresh_token)
    for pair in (tab_a, tab_b):
        claims = decoded(pair["accessToken"])
        assert (claims["sub"], claims["sid"]) == (uid, first.session_id)
    with services.store.read() as conn:
        used = dict(conn.execute(select(refresh_tokens.c.token_hash, refresh_tokens.c.used_at)).all())
    # The presented token keeps the time it was first spent: the interval does not slide.
    assert used == {digest(first.refresh_token): NOW_MS + 1000, digest(elsewhere.refresh_token): None,
                    digest(tab_a["refreshToken"]): None, digest(tab_b["refreshToken"]): None}
    row = session_row(services, first.session_id)
    assert (row.revoked_at, row.last_accessed_at) == (None, NOW_MS + 10_999)
    # Each tab's new token works in turn; the first token's interval is over now.
    clock(services).advance(0.001)
    for pair in (tab_a, tab_b):
        assert decoded(sessions.rotate(services, pair["refreshToken"])["accessToken"])["sid"] == first.session_id
    assert code_of(sessions.rotate, services, first.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    assert session_row(services, elsewhere.session_id).revoke_reason == "refresh-token-reuse"


def test_within_the_interval_a_revoked_or_suspended_session_still_fails(services: Services) -> None:
    uid = new_user(services)
    first = start(services, uid)
    sessions.rotate(services, first.refresh_token)
    with services.store.write() as conn:
        sessions.revoke(conn, first.session_id, NOW_MS, "sign-out")
    assert code_of(sessions.rotate, services, first.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    second = start(services, uid)
    sessions.rotate(services, second.refresh_token)
    with services.store.write() as conn:
        conn.execute(update(users_t).where(users_t.c.id == uid).values(banned=True))
    assert code_of(sessions.rotate, services, second.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    assert session_row(services, second.session_id).revoke_reason == "suspended"


def test_reuse_interval_zero_makes_any_second_presentation_reuse(tmp_path: Path, spec: Spec) -> None:
    s = build_services(make_settings(tmp_path / "zero.db", refresh_reuse_interval=0.0), FakeClock(NOW), spec=spec)
    try:
        uid = new_user(s)
        first = start(s, uid)
        sessions.rotate(s, first.refresh_token)
        assert code_of(sessions.rotate, s, first.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
        assert session_row(s, first.session_id).revoke_reason == "refresh-token-reuse"
    finally:
        s.store.close()


def test_unknown_token_and_revoked_session(services: Services) -> None:
    assert code_of(sessions.rotate, services, "no-such-token") == (errors.INVALID_REFRESH_TOKEN, None)
    new = start(services, new_user(services))
    with services.store.write() as conn:
        assert sessions.revoke(conn, new.session_id, NOW_MS, "sign-out") is True
    assert code_of(sessions.rotate, services, new.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    assert session_row(services, new.session_id).revoke_reason == "sign-out"  # not re-revoked


def test_idle_limit_to_the_millisecond(services: Services) -> None:
    uid = new_user(services)
    alive, idle = start(services, uid), start(services, uid)
    clock(services).advance(7 * 86_400 - 0.001)
    assert sessions.rotate(services, alive.refresh_token)["tokenType"] == "Bearer"
    clock(services).advance(0.001)
    assert code_of(sessions.rotate, services, idle.refresh_token) == (errors.SESSION_EXPIRED, None)
    row = session_row(services, idle.session_id)
    assert (row.revoked_at, row.revoke_reason) == (NOW_MS + 7 * DAY_MS, "expired")


def test_absolute_limit_to_the_millisecond(services: Services) -> None:
    uid = new_user(services)
    early, late = start(services, uid), start(services, uid)
    # Kept active (never idle), both reach the 30-day end of the session.
    with services.store.write() as conn:
        conn.execute(update(sessions_t).values(last_accessed_at=NOW_MS + 30 * DAY_MS - 1))
    clock(services).advance(30 * 86_400 - 0.001)
    assert sessions.rotate(services, early.refresh_token)["tokenType"] == "Bearer"
    clock(services).advance(0.001)
    assert code_of(sessions.rotate, services, late.refresh_token) == (errors.SESSION_EXPIRED, None)
    assert session_row(services, late.session_id).revoke_reason == "expired"


def test_revoke_and_revoke_all(services: Services) -> None:
    uid, other = new_user(services), new_user(services, "b@example.com")
    a, b, c, theirs = start(services, uid), start(services, uid), start(services, uid), start(services, other)
    with services.store.write() as conn:
        assert sessions.revoke(conn, a.session_id, NOW_MS + 1, "sign-out") is True
        assert sessions.revoke(conn, a.session_id, NOW_MS + 2, "again") is False
        assert sessions.revoke_all(conn, uid, NOW_MS + 3, "password-change", keep=b.session_id) == 1
        assert sessions.revoke_all(conn, uid, NOW_MS + 4, "password-reset") == 1
        assert sessions.revoke_all(conn, uid, NOW_MS + 5, "nothing-left") == 0
    assert [(session_row(services, x.session_id).revoked_at, session_row(services, x.session_id).revoke_reason)
            for x in (a, b, c, theirs)] == [
        (NOW_MS + 1, "sign-out"), (NOW_MS + 4, "password-reset"), (NOW_MS + 3, "password-change"), (None, None)]


def test_switch_organization_rotates_within_the_session(services: Services) -> None:
    uid = new_user(services)
    first, elsewhere = start(services, uid), start(services, uid)
    clock(services).advance(1)
    rotated = sessions.rotate(services, first.refresh_token)  # spends `first` at +1 s
    new = sessions.NewSession(first.session_id, rotated["refreshToken"])
    clock(services).advance(4)
    pair = sessions.switch_organization(services, Principal(uid, new.session_id, "user"), "org-2")
    claims = decoded(pair["accessToken"])
    assert (claims["sub"], claims["sid"], claims["org"], pair["tokenType"], pair["expiresIn"]) == (
        uid, new.session_id, "org-2", "Bearer", 3600)
    row = session_row(services, new.session_id)
    assert (row.organization_id, row.last_accessed_at) == ("org-2", NOW_MS + 5000)
    with services.store.read() as conn:
        used = dict(conn.execute(select(refresh_tokens.c.token_hash, refresh_tokens.c.used_at)).all())
    # Only this session's unspent token is spent now; a spent one keeps its time, others are untouched.
    assert used == {digest(first.refresh_token): NOW_MS + 1000, digest(new.refresh_token): NOW_MS + 5000,
                    digest(elsewhere.refresh_token): None, digest(pair["refreshToken"]): None}
    # The old refresh token is a reused one once the reuse interval is over.
    clock(services).advance(10)
    assert code_of(sessions.rotate, services, new.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)


# --- bearer requests ------------------------------------------------------------------------------


def bearer(s: Services, user_id: str, session_id: str, org: str | None = None) -> str:
    return f"Bearer {s.access_tokens.issue(user_id, session_id, org)}"


def test_authenticate_answers_the_principal(services: Services) -> None:
    uid = new_user(services, role="admin")
    new = start(services, uid)
    principal = sessions.authenticate(services, bearer(services, uid, new.session_id, "o1"))
    assert principal == Principal(uid, new.session_id, "admin", "o1")
    assert (principal.user_row.id, principal.user_row.email) == (uid, "a@example.com")  # for GET /me
    token = services.access_tokens.issue(uid, new.session_id)
    assert sessions.authenticate(services, f"  bearer   {token}  ") == Principal(uid, new.session_id, "admin", None)


@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer", "Bearer    ", "Token abc"])
def test_a_missing_token(services: Services, header: str | None) -> None:
    assert code_of(sessions.authenticate, services, header) == (errors.UNAUTHORIZED, None)
    assert code_of(sessions.authenticate, services, header, USERS_X_ERRORS) == (errors.USER_UNAUTHORIZED, None)


def test_expired_and_invalid_tokens(services: Services) -> None:
    uid = new_user(services)
    new = start(services, uid)
    header = bearer(services, uid, new.session_id)
    assert code_of(sessions.authenticate, services, "Bearer x.y.z") == (errors.INVALID_TOKEN, None)
    clock(services).advance(3600)
    assert code_of(sessions.authenticate, services, header) == (errors.TOKEN_EXPIRED, None)


def test_a_token_of_an_ended_session_stands_for_no_one(services: Services) -> None:
    uid, other = new_user(services), new_user(services, "b@example.com")
    revoked, expired, banned_s, theirs = start(services, uid), start(services, uid), start(services, uid), start(services, other)
    ended = (errors.INVALID_TOKEN, sessions.ENDED_SESSION)
    with services.store.write() as conn:
        sessions.revoke(conn, revoked.session_id, NOW_MS, "sign-out")
        conn.execute(update(sessions_t).where(sessions_t.c.id == expired.session_id).values(expires_at=NOW_MS))
    assert code_of(sessions.authenticate, services, bearer(services, uid, revoked.session_id)) == ended
    assert code_of(sessions.authenticate, services, bearer(services, uid, expired.session_id)) == ended
    # Another user's session id under my user id.
    assert code_of(sessions.authenticate, services, bearer(services, uid, theirs.session_id)) == ended
    # ... where a gone user would be `auth/user-not-found`: this user exists, so the session has ended.
    assert code_of(sessions.authenticate, services, bearer(services, uid, theirs.session_id), GET_ME_X_ERRORS) == ended
    assert sessions.authenticate(services, bearer(services, uid, banned_s.session_id)).user_id == uid
    with services.store.write() as conn:
        conn.execute(update(users_t).where(users_t.c.id == uid).values(banned=True))
    assert code_of(sessions.authenticate, services, bearer(services, uid, banned_s.session_id)) == ended


def test_expiry_of_the_session_row_to_the_millisecond(services: Services) -> None:
    uid = new_user(services)
    new = start(services, uid)
    with services.store.write() as conn:
        conn.execute(update(sessions_t).values(expires_at=NOW_MS + 1))
    assert sessions.authenticate(services, bearer(services, uid, new.session_id)).session_id == new.session_id


def test_a_deleted_user(services: Services) -> None:
    uid = new_user(services)
    new_user(services, "still-here@example.com")  # another user exists: the check is for this one
    new = start(services, uid)
    header = bearer(services, uid, new.session_id)
    with services.store.write() as conn:
        conn.execute(users_t.delete().where(users_t.c.id == uid))
    assert code_of(sessions.authenticate, services, header, GET_ME_X_ERRORS) == (errors.AUTH_USER_NOT_FOUND, None)
    assert code_of(sessions.authenticate, services, header) == (errors.INVALID_TOKEN, sessions.ENDED_SESSION)


def test_list_shows_only_this_users_live_sessions_newest_first(services: Services) -> None:
    uid, other = new_user(services), new_user(services, "b@example.com")
    old, gone, stale = start(services, uid), start(services, uid), start(services, uid)
    clock(services).advance(10)
    new = start(services, uid)
    start(services, other)
    with services.store.write() as conn:
        sessions.revoke(conn, gone.session_id, NOW_MS, "sign-out")
        conn.execute(update(sessions_t).where(sessions_t.c.id == stale.session_id)
                     .values(expires_at=NOW_MS + 10_000, last_accessed_at=NOW_MS + 5))
    with services.store.read() as conn:
        listed, total = sessions.list_for_user(conn, uid, NOW_MS + 10_000, 1, 10)
        before, before_total = sessions.list_for_user(conn, uid, NOW_MS + 9_999, 1, 10)
        second_page = sessions.list_for_user(conn, uid, NOW_MS + 9_999, 2, 2)
        past_the_end = sessions.list_for_user(conn, uid, NOW_MS + 9_999, 2, 3)
    assert ([x["id"] for x in listed], total) == ([new.session_id, old.session_id], 2)
    assert ([x["id"] for x in before], before_total) == ([new.session_id, stale.session_id, old.session_id], 3)
    assert ([x["id"] for x in second_page[0]], second_page[1]) == ([old.session_id], 3)
    assert past_the_end == ([], 3)


def test_ever_signed_in(services: Services) -> None:
    uid, other = new_user(services), new_user(services, "b@example.com")
    start(services, other)
    with services.store.read() as conn:
        assert (sessions.ever_signed_in(conn, uid), sessions.ever_signed_in(conn, other)) == (False, True)
    new = start(services, uid)
    with services.store.write() as conn:
        sessions.revoke(conn, new.session_id, NOW_MS, "sign-out")
    with services.store.read() as conn:
        assert sessions.ever_signed_in(conn, uid) is True  # an ended session counts


def test_list_pages_and_ties(services: Services) -> None:
    uid = new_user(services)
    # Inserted out of id order, equal in time: the last tie-break (id, ascending) decides.
    with services.store.write() as conn:
        for sid in ("ffffffffffffffffffffff02", "ffffffffffffffffffffff01"):
            conn.execute(sessions_t.insert().values(id=sid, user_id=uid, ip="::1", created_at=NOW_MS,
                                                    last_accessed_at=NOW_MS, expires_at=NOW_MS + DAY_MS))
    clock(services).advance(5)
    later = start(services, uid)  # created 5 s later ...
    with services.store.write() as conn:  # ... but last used at the same time as one created earlier
        conn.execute(sessions_t.insert().values(id="00000000000000000000000a", user_id=uid, ip="::1",
                                                created_at=NOW_MS - 1, last_accessed_at=NOW_MS + 5000,
                                                expires_at=NOW_MS + DAY_MS))
    with services.store.read() as conn:
        first_two, total = sessions.list_for_user(conn, uid, NOW_MS, 1, 2)
        rest, _ = sessions.list_for_user(conn, uid, NOW_MS, 2, 2)
    assert total == 4
    # Most recently used first; among equals the newer session first; then by id.
    assert [x["id"] for x in first_two] == [later.session_id, "00000000000000000000000a"]
    assert [x["id"] for x in rest] == ["ffffffffffffffffffffff01", "ffffffffffffffffffffff02"]


def test_a_suspended_user_gets_no_new_tokens(services: Services) -> None:
    uid = new_user(services)
    new, other = start(services, uid), start(services, uid)
    with services.store.write() as conn:
        conn.execute(update(users_t).where(users_t.c.id == uid).values(banned=True))
    clock(services).advance(1)
    assert code_of(sessions.rotate, services, new.refresh_token) == (errors.INVALID_REFRESH_TOKEN, None)
    row = session_row(services, new.session_id)
    assert (row.revoked_at, row.revoke_reason) == (NOW_MS + 1000, "suspended")
    assert session_row(services, other.session_id).revoked_at is None  # only the session asked for


@pytest.mark.parametrize(("value", "seconds"), [("", 10.0), ("0", 0.0), ("0.0", 0.0), ("2.5", 2.5), (" 30 ", 30.0)])
def test_reuse_interval_setting(value: str, seconds: float) -> None:
    env = {"SANDBOX_REFRESH_REUSE_INTERVAL": value}
    assert Settings.from_env(env, db_path="x.db").refresh_reuse_interval == seconds


@pytest.mark.parametrize("value", ["-1", "soon", "nan"])
def test_a_bad_reuse_interval_stops_the_start(value: str) -> None:
    with pytest.raises(SettingsError, match="SANDBOX_REFRESH_REUSE_INTERVAL"):
        Settings.from_env({"SANDBOX_REFRESH_REUSE_INTERVAL": value}, db_path="x.db")
