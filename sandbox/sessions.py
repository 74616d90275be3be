"""Sessions: sign-in creates one, refresh rotates its opaque refresh token (a token presented again
after the reuse interval revokes every session of the user), sign-out and revoke end it, and every
bearer request checks it is still alive."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, select, update

from . import errors
from .clock import rfc3339_ms, to_millis
from .context import Principal, Services
from .errors import ApiError
from .store import Prepared, new_id, refresh_tokens, sessions, users
from .tokens import TokenExpired, TokenInvalid, digest, new_secret

ENDED_SESSION = "The access token belongs to a session that has ended; sign in again."


@dataclass(frozen=True)
class NewSession:
    session_id: str
    refresh_token: str


def token_response(services: Services, user_id: str, new: NewSession, organization_id: str | None = None) -> dict:
    tokens = services.access_tokens
    return {
        "accessToken": tokens.issue(user_id, new.session_id, organization_id),
        "refreshToken": new.refresh_token,
        "tokenType": "Bearer",
        "expiresIn": tokens.lifetime,
    }


def start(
    conn: Connection,
    services: Services,
    *,
    user_id: str,
    ip: str,
    user_agent: str,
    organization_id: str | None = None,
) -> NewSession:
    now = to_millis(services.clock.now())
    session_id = new_id()
    conn.execute(
        sessions.insert().values(
            id=session_id,
            user_id=user_id,
            organization_id=organization_id,
            user_agent=user_agent or None,
            ip=ip,
            created_at=now,
            last_accessed_at=now,
            # The refresh-token lifetime bounds the whole session; idleness ends it sooner.
            expires_at=now + services.lifetime("refreshToken") * 1000,
        )
    )
    return NewSession(session_id, _new_refresh(conn, session_id, now))


def _new_refresh(conn: Connection, session_id: str, now_ms: int) -> str:
    secret = new_secret()
    conn.execute(refresh_tokens.insert().values(token_hash=digest(secret), session_id=session_id, created_at=now_ms))
    return secret


def sign_in(services: Services, *, user_id: str, ip: str, user_agent: str) -> dict:
    with services.store.write() as conn:
        new = start(conn, services, user_id=user_id, ip=ip, user_agent=user_agent)
    return token_response(services, user_id, new)


def switch_organization(services: Services, principal: Principal, organization_id: str) -> dict:
    """Same session, new scope: the session's outstanding refresh token is spent (rotation)."""
    now = to_millis(services.clock.now())
    with services.store.write() as conn:
        conn.execute(
            update(refresh_tokens)
            .where(and_(refresh_tokens.c.session_id == principal.session_id, refresh_tokens.c.used_at.is_(None)))
            .values(used_at=now)
        )
        conn.execute(
            update(sessions)
            .where(sessions.c.id == principal.session_id)
            .values(organization_id=organization_id, last_accessed_at=now)
        )
        new = NewSession(principal.session_id, _new_refresh(conn, principal.session_id, now))
    return token_response(services, principal.user_id, new, organization_id)


def within_reuse_interval(used_at_ms: int, now_ms: int, interval_ms: int) -> bool:
    """Whether a refresh token spent at `used_at_ms` may still be presented at `now_ms`: two tabs that
    refreshed with one token at once (GoTrue's reuse interval). `interval_ms` 0: never."""
    return now_ms - used_at_ms < interval_ms


def rotate(services: Services, refresh_token: str) -> dict:
    """Spend a refresh token for a new pair. A token presented again within the reuse interval after
    it was spent gets another new pair in the same session (tabs racing to refresh both stay signed
    in); later it is treated as theft: every session of the user is revoked (RFC 9700 4.14.2), and the
    caller gets `invalid-refresh-token`."""
    now = to_millis(services.clock.now())
    idle = services.lifetime("sessionIdle") * 1000
    reuse_interval = round(services.settings.refresh_reuse_interval * 1000)
    token_hash = digest(refresh_token)
    failure: str | None = None
    result: tuple[str, NewSession, str | None] | None = None
    with services.store.write() as conn:
        # The token's row is locked before it is read (PostgreSQL; SQLite writers queue anyway), so
        # of two refreshes at once the second sees the first one's `used_at`.
        row = conn.execute(
            select(
                refresh_tokens.c.used_at,
                sessions.c.id,
                sessions.c.user_id,
                sessions.c.organization_id,
                sessions.c.revoked_at,
                sessions.c.expires_at,
                sessions.c.last_accessed_at,
                users.c.banned,
            )
            .select_from(refresh_tokens.join(sessions, sessions.c.id == refresh_tokens.c.session_id)
                         .join(users, users.c.id == sessions.c.user_id))
            .where(refresh_tokens.c.token_hash == token_hash)
            .with_for_update(of=refresh_tokens)
        ).first()
        if row is None:
            failure = errors.INVALID_REFRESH_TOKEN
        elif row.revoked_at is not None:
            failure = errors.INVALID_REFRESH_TOKEN
        elif row.banned:  # a suspended account gets no new access tokens
            revoke(conn, row.id, now, "suspended")
            failure = errors.INVALID_REFRESH_TOKEN
        elif row.used_at is not None and not within_reuse_interval(row.used_at, now, reuse_interval):
            # bkend: a replayed refresh token ends every session of the user
            revoke_all(conn, row.user_id, now, "refresh-token-reuse")
            failure = errors.INVALID_REFRESH_TOKEN
        elif now >= row.expires_at or now - row.last_accessed_at >= idle:
            revoke(conn, row.id, now, "expired")
            failure = errors.SESSION_EXPIRED
        else:
            if row.used_at is None:  # spent now; within the reuse interval it keeps its first time
                conn.execute(update(refresh_tokens).where(refresh_tokens.c.token_hash == token_hash)
                             .values(used_at=now))
            conn.execute(update(sessions).where(sessions.c.id == row.id).values(last_accessed_at=now))
            result = (row.user_id, NewSession(row.id, _new_refresh(conn, row.id, now)), row.organization_id)
    # Raised after the transaction so the revocation above is committed.
    if failure is not None or result is None:
        raise ApiError(failure or errors.INVALID_REFRESH_TOKEN)
    user_id, new, org = result
    return token_response(services, user_id, new, org)


def revoke(conn: Connection, session_id: str, now_ms: int, reason: str) -> bool:
    done = conn.execute(
        update(sessions)
        .where(and_(sessions.c.id == session_id, sessions.c.revoked_at.is_(None)))
        .values(revoked_at=now_ms, revoke_reason=reason)
    )
    return bool(done.rowcount)


def revoke_all(conn: Connection, user_id: str, now_ms: int, reason: str, *, keep: str | None = None) -> int:
    where = and_(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None))
    if keep is not None:
        where = and_(where, sessions.c.id != keep)
    return int(conn.execute(update(sessions).where(where).values(revoked_at=now_ms, revoke_reason=reason)).rowcount or 0)


def authenticate(services: Services, authorization: str | None, x_errors: tuple[str, ...] = ()) -> Principal:
    """A bearer request: the JWT must verify and its session must still be alive. `/v1/users`
    operations answer a missing token with `user/unauthorized` (their x-errors say so)."""
    missing = errors.USER_UNAUTHORIZED if errors.USER_UNAUTHORIZED in x_errors else errors.UNAUTHORIZED
    if not authorization:
        raise ApiError(missing)
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise ApiError(missing)
    try:
        claims = services.access_tokens.verify(token.strip())
    except TokenExpired:
        raise ApiError(errors.TOKEN_EXPIRED) from None
    except TokenInvalid:
        raise ApiError(errors.INVALID_TOKEN) from None
    now = to_millis(services.clock.now())
    # Read on every request, never cached: a sign-out or revocation in any process counts at once.
    row = services.store.fetch_one(principal_query(services), sid=claims.session_id, uid=claims.user_id)
    if row is None:
        with services.store.read() as conn:
            if conn.execute(select(users.c.id).where(users.c.id == claims.user_id)).first() is None:
                raise user_gone_error(x_errors)
    if row is None or row.revoked_at is not None or row.expires_at <= now or row.banned:
        # signed out, revoked or suspended: the token stands for no one now
        raise ApiError(errors.INVALID_TOKEN, ENDED_SESSION)
    return Principal(claims.user_id, claims.session_id, row.role, claims.organization_id, row)


def principal_query(services: Services) -> Prepared:
    """The session and its user in one lookup (the user's columns serve GET /v1/auth/me as well)."""
    prepared = services.prepared.get("principal")
    if prepared is None:
        stmt = (
            select(sessions.c.revoked_at, sessions.c.expires_at, users)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(and_(sessions.c.id == bindparam("sid"), sessions.c.user_id == bindparam("uid")))
        )
        prepared = services.prepared["principal"] = services.store.prepare(stmt)
    return prepared


def user_gone_error(x_errors: tuple[str, ...]) -> ApiError:
    """A valid token whose user no longer exists: `auth/user-not-found` where the operation documents
    it (`getMe`), elsewhere the answer for any session that has ended."""
    if errors.AUTH_USER_NOT_FOUND in x_errors:
        return ApiError(errors.AUTH_USER_NOT_FOUND)
    return ApiError(errors.INVALID_TOKEN, ENDED_SESSION)


def ever_signed_in(conn: Connection, user_id: str) -> bool:
    """Whether the user ever had a session (any, ended or not): `is_new_user` is its negation."""
    return conn.execute(select(sessions.c.id).where(sessions.c.user_id == user_id).limit(1)).first() is not None


def list_for_user(conn: Connection, user_id: str, now_ms: int, page: int, limit: int) -> tuple[list[dict[str, Any]], int]:
    """One page of the user's active sessions, most recently used first, and how many there are."""
    active = and_(sessions.c.user_id == user_id, sessions.c.revoked_at.is_(None), sessions.c.expires_at > now_ms)
    total = int(conn.execute(select(func.count()).select_from(sessions).where(active)).scalar_one())
    if (page - 1) * limit >= total:  # past the end: no query
        return [], total
    rows = conn.execute(
        select(sessions).where(active)
        .order_by(sessions.c.last_accessed_at.desc(), sessions.c.created_at.desc(), sessions.c.id)
        .limit(limit).offset((page - 1) * limit)
    )
    return [session_json(r) for r in rows], total


def session_json(row: Any) -> dict[str, Any]:
    agent = row.user_agent or ""
    return {
        "id": row.id,
        "userId": row.user_id,
        "userAgent": agent,
        "ipAddress": row.ip,
        "deviceInfo": device_label(agent),
        "lastActivityAt": rfc3339_ms(row.last_accessed_at),
        "createdAt": rfc3339_ms(row.created_at),
    }


_BROWSERS = (("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"),
             ("Safari/", "Safari"), ("curl/", "curl"), ("python-httpx", "Python httpx"),
             ("python-requests", "Python requests"), ("node", "Node.js"), ("HeadlessChrome", "Chrome"))
_SYSTEMS = (("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Mac OS X", "macOS"),
            ("Macintosh", "macOS"), ("Windows", "Windows"), ("CrOS", "ChromeOS"), ("Linux", "Linux"))


def device_label(user_agent: str) -> str:
    """A short label such as "Chrome on macOS" (good enough to recognise one's own devices)."""
    browser = next((name for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or "Unknown device"
