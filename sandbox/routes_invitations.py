"""Handlers for /v1/auth/invitations."""

from __future__ import annotations

from . import errors, invitations, mail, users
from .clock import to_millis
from .context import Call, Reply, created, ok, pagination
from .errors import ApiError
from .operations import handles
from .ratelimit import INVITATIONS_PER_SENDER, MAIL_PER_ADDRESS
from .routes_auth import me
from .store import invitations as invitations_t
from .store import new_id
from .tokens import digest, new_secret


@handles("createInvitation")
def create_invitation(call: Call) -> Reply:
    """Each invitation mails words the sender chose to any address, so a `guest` sends none
    (`user/forbidden`), a sender sends a bounded number, and the mail quotes the words as plain text
    with links disabled, next to the sender's address."""
    s = call.services
    if call.user.read_only:
        raise ApiError(errors.FORBIDDEN, "Role `guest` cannot send invitations.")
    s.limiter.hit(INVITATIONS_PER_SENDER, call.user.user_id)
    email = users.normalize_email(call.field("email"))
    s.limiter.hit(MAIL_PER_ADDRESS, email)
    now = s.clock.now()
    now_ms = to_millis(now)
    lifetime = s.lifetime("invitation")
    token = new_secret()
    with s.store.write() as conn:
        inviter = me(conn, call)
        inviter_name = call.field("inviterName") or inviter.name
        invitation_id = new_id()
        conn.execute(invitations_t.insert().values(
            id=invitation_id,
            token_hash=digest(token),
            resource_type=call.field("resourceType"),
            resource_id=call.field("resourceId"),
            resource_name=call.field("resourceName"),
            resource_role=call.field("resourceRole"),
            email=email,
            name=call.field("name"),
            inviter_id=inviter.id,
            inviter_name=inviter_name,
            status=invitations.PENDING,
            created_at=now_ms,
            updated_at=now_ms,
            expires_at=now_ms + lifetime * 1000,
        ))
        mail.send(conn, to=email, kind=mail.INVITATION, token=token, link=None, now=now, lifetime=lifetime,
                  resource=mail.plain(str(call.field("resourceName"))), inviter=mail.plain(str(inviter_name)),
                  role=mail.plain(str(call.field("resourceRole"))), sender=inviter.email)
        row = invitations.by_id(conn, invitation_id)
    return created(invitations.invitation_json(row, now_ms))


@handles("listInvitations")
def list_invitations(call: Call) -> Reply:
    q = call.query
    page, limit = int(q.get("page") or 1), int(q.get("limit") or 10)
    with call.services.store.read() as conn:
        items, total = invitations.page(
            conn, user_id=call.user.user_id, is_admin=call.user.is_admin,
            resource_type=q.get("resourceType"), resource_id=q.get("resourceId"), status=q.get("status"),
            page_number=page, limit=limit, now_ms=to_millis(call.services.clock.now()))
    return ok({"items": items, "pagination": pagination(page, limit, total)})


@handles("getInvitation")
def get_invitation(call: Call) -> Reply:
    with call.services.store.read() as conn:
        row = invitations.by_id(conn, call.path["invitationId"])
    if not invitations.visible(row, call.user.user_id, call.user.is_admin):
        raise ApiError(errors.INVITATION_NOT_FOUND)
    return ok(invitations.invitation_json(row, to_millis(call.services.clock.now())))


@handles("revokeInvitation")
def revoke_invitation(call: Call) -> Reply:
    now_ms = to_millis(call.services.clock.now())
    with call.services.store.write() as conn:
        row = invitations.by_id(conn, call.path["invitationId"])
        if not invitations.visible(row, call.user.user_id, call.user.is_admin) or row.status in (
            invitations.REVOKED, invitations.REJECTED
        ):
            raise ApiError(errors.INVITATION_NOT_FOUND)
        if row.status == invitations.ACCEPTED:
            raise ApiError(errors.INVITATION_ALREADY_ACCEPTED)
        conn.execute(invitations_t.update().where(invitations_t.c.id == row.id).values(
            status=invitations.REVOKED, updated_at=now_ms))
    return ok({"message": "Invitation revoked successfully"})


def _email(call: Call) -> str | None:
    raw = call.field("email")
    return None if raw is None else users.normalize_email(raw)


@handles("acceptInvitation")
def accept_invitation(call: Call) -> Reply:
    now_ms = to_millis(call.services.clock.now())
    with call.services.store.write() as conn:
        row = invitations.answer(conn, token=str(call.field("token")), email=_email(call),
                                 to=invitations.ACCEPTED, now_ms=now_ms)
    return ok(invitations.invitation_json(row, now_ms))


@handles("rejectInvitation")
def reject_invitation(call: Call) -> Reply:
    now_ms = to_millis(call.services.clock.now())
    with call.services.store.write() as conn:
        invitations.answer(conn, token=str(call.field("token")), email=_email(call), to=invitations.REJECTED,
                           now_ms=now_ms)
    return ok({})
