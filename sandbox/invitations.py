"""Invitations to an organization or a project: created by a signed-in user, mailed with a
one-time token, answered (accepted or rejected) by the invitee with that token."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, func, select, true, update

from . import errors
from .clock import rfc3339_ms
from .errors import ApiError
from .store import invitations
from .tokens import digest

PENDING, ACCEPTED, REJECTED, EXPIRED, REVOKED = "pending", "accepted", "rejected", "expired", "revoked"


def status_of(row: Any, now_ms: int) -> str:
    """`expired` is not stored: a pending invitation past its lifetime reads as expired."""
    if row.status == PENDING and row.expires_at <= now_ms:
        return EXPIRED
    return str(row.status)


def invitation_json(row: Any, now_ms: int) -> dict[str, Any]:
    return {
        "id": row.id,
        "resourceType": row.resource_type,
        "resourceId": row.resource_id,
        "resourceName": row.resource_name,
        "email": row.email,
        "name": row.name,
        "resourceRole": row.resource_role,
        "invitedBy": row.inviter_id,
        "inviterName": row.inviter_name,
        "status": status_of(row, now_ms),
        "expiresAt": rfc3339_ms(row.expires_at),
        "createdAt": rfc3339_ms(row.created_at),
        "respondedAt": rfc3339_ms(row.responded_at) if row.responded_at else None,
    }


def by_id(conn: Connection, invitation_id: str) -> Any:
    return conn.execute(select(invitations).where(invitations.c.id == invitation_id)).first()


def visible(row: Any, user_id: str, is_admin: bool) -> bool:
    return row is not None and (is_admin or row.inviter_id == user_id)


def status_filter(status: str, now_ms: int) -> Any:
    if status == PENDING:
        return and_(invitations.c.status == PENDING, invitations.c.expires_at > now_ms)
    if status == EXPIRED:
        return and_(invitations.c.status == PENDING, invitations.c.expires_at <= now_ms)
    return invitations.c.status == status


def page(
    conn: Connection,
    *,
    user_id: str,
    is_admin: bool,
    resource_type: str | None,
    resource_id: str | None,
    status: str | None,
    page_number: int,
    limit: int,
    now_ms: int,
) -> tuple[list[dict[str, Any]], int]:
    conditions = [] if is_admin else [invitations.c.inviter_id == user_id]
    if resource_type:
        conditions.append(invitations.c.resource_type == resource_type)
    if resource_id:
        conditions.append(invitations.c.resource_id == resource_id)
    if status:
        conditions.append(status_filter(status, now_ms))
    where = and_(true(), *conditions)
    total = conn.execute(select(func.count()).select_from(invitations).where(where)).scalar_one()
    if (page_number - 1) * limit >= total:  # past the end (also keeps huge page numbers out of SQL)
        return [], int(total)
    rows = conn.execute(
        select(invitations).where(where).order_by(invitations.c.created_at.desc(), invitations.c.id.desc())
        .limit(limit).offset((page_number - 1) * limit)
    )
    return [invitation_json(r, now_ms) for r in rows], int(total)


def answer(conn: Connection, *, token: str, email: str | None, to: str, now_ms: int) -> Any:
    """Accept or reject (to = ACCEPTED / REJECTED) a pending invitation by its mailed token."""
    row = conn.execute(select(invitations).where(invitations.c.token_hash == digest(token))).first()
    if row is None or row.status in (REVOKED, REJECTED) or (email is not None and email != row.email):
        raise ApiError(errors.INVITATION_NOT_FOUND)
    if row.status == ACCEPTED:
        raise ApiError(errors.INVITATION_ALREADY_ACCEPTED)
    if status_of(row, now_ms) == EXPIRED:
        raise ApiError(errors.INVITATION_EXPIRED)
    done = conn.execute(
        update(invitations)
        .where(and_(invitations.c.id == row.id, invitations.c.status == PENDING))
        .values(status=to, responded_at=now_ms, updated_at=now_ms)
    )
    if done.rowcount != 1:  # answered concurrently
        raise ApiError(errors.INVITATION_NOT_FOUND)
    return by_id(conn, row.id)
