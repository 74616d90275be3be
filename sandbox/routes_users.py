"""Handlers for /v1/users: user management (admin), and each user's own profile, avatar and
settings. A user may act on themselves (a `guest` only read); role `admin` may act on anyone
(x-decisions)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Connection, asc, desc, func, or_, select, true

from . import errors, profiles, uploads, users
from .clock import to_millis
from .context import Call, Reply, created, ok, pagination
from .errors import ApiError
from .operations import handles
from .routes_auth import delete_account
from .store import users as users_t


def now_ms(call: Call) -> int:
    return to_millis(call.services.clock.now())


def target(conn: Connection, call: Call, *, admin_only: bool = False) -> Any:
    """The user in the path, if the caller may touch it: themselves (reading only, for a guest) or,
    as an admin, anyone. Permission is checked before existence, so a non-admin learns nothing
    about other ids."""
    user_id = call.path["userId"]
    if (admin_only or user_id != call.user.user_id) and not call.user.is_admin:
        raise ApiError(errors.FORBIDDEN)
    if call.user.read_only and call.op.method != "GET":
        raise ApiError(errors.FORBIDDEN, "Role `guest` is read-only: it cannot change user resources.")
    row = users.by_id(conn, user_id)
    if row is None:
        raise ApiError(errors.USER_NOT_FOUND)
    return row


def body(call: Call) -> dict[str, Any]:
    return call.body if isinstance(call.body, dict) else {}


# --- user management ------------------------------------------------------------------------

SORT_COLUMNS = {
    "createdAt": users_t.c.created_at,
    "updatedAt": users_t.c.updated_at,
    "name": users_t.c.name,
    "email": users_t.c.email,
    "role": users_t.c.role,
}
SEARCH_COLUMNS = {"name": users_t.c.name, "nickname": users_t.c.nickname, "email": users_t.c.email}


PUBLIC_SEARCH = ("name", "nickname")  # what a non-admin may search by: the public fields


@handles("listUsers")
def list_users(call: Call) -> Reply:
    """bkend: every signed-in user may list users; the fields shown depend on the role (an admin sees
    every field, anyone else the public ones: id, name, nickname, image)."""
    admin = call.user.is_admin
    q = call.query
    if not admin and ((q.get("searchType") and q["searchType"] not in PUBLIC_SEARCH)
                      or q.get("sortBy") in ("email", "role") or q.get("includeAccounts")):
        raise ApiError(errors.FORBIDDEN, "Only an admin can search or sort by e-mail or role, or include accounts.")
    page, limit = int(q.get("page") or 1), int(q.get("limit") or 20)
    where: ColumnElement[bool] = true()
    search = q.get("search")
    if search:
        needle = str(search).lower()
        allowed = SEARCH_COLUMNS if admin else {k: SEARCH_COLUMNS[k] for k in PUBLIC_SEARCH}
        columns = [allowed[q["searchType"]]] if q.get("searchType") else list(allowed.values())
        where = or_(*(func.lower(c).contains(needle, autoescape=True) for c in columns))
    column = SORT_COLUMNS[q.get("sortBy") or "createdAt"]
    order = desc if (q.get("sortDirection") or "desc") == "desc" else asc
    with call.services.store.read() as conn:
        total = conn.execute(select(func.count()).select_from(users_t).where(where)).scalar_one()
        rows = [] if (page - 1) * limit >= total else conn.execute(  # past the end: no query
            select(users_t).where(where).order_by(order(column), order(users_t.c.id))
            .limit(limit).offset((page - 1) * limit)
        ).all()
        include = bool(q.get("includeAccounts"))
        items = [
            users.user_json(r, accounts=users.linked_accounts_json(conn, r) if include else None) if admin
            else users.public_json(r)
            for r in rows
        ]
    return ok({"items": items, "pagination": pagination(page, limit, int(total))})


@handles("createUser")
def create_user(call: Call) -> Reply:
    if not call.user.is_admin:
        raise ApiError(errors.FORBIDDEN)
    email = users.normalize_email(call.field("email"))
    name = users.clean_name(call.field("name"))
    with call.services.store.write() as conn:
        row = users.create(conn, email=email, name=name, now=call.services.clock.now(),
                           role=call.field("role") or "user")
    return created(users.user_json(row))


@handles("getUser")
def get_user(call: Call) -> Reply:
    with call.services.store.read() as conn:
        return ok(users.user_json(target(conn, call)))


@handles("updateUser")
def update_user(call: Call) -> Reply:
    name = users.clean_name(call.field("name"))
    with call.services.store.write() as conn:
        row = target(conn, call)
        profiles.save(conn, row.id, {"name": name}, now_ms(call))
        return ok(users.user_json(users.by_id(conn, row.id)))


@handles("deleteUser")
def delete_user(call: Call) -> Reply:
    with call.services.store.write() as conn:
        row = target(conn, call)
        users.require_another_admin(conn, row)
        delete_account(conn, row.id)
    return ok({"message": "User deleted successfully"})


@handles("updateUserRole")
def update_user_role(call: Call) -> Reply:
    role = str(call.field("role"))
    with call.services.store.write() as conn:
        row = target(conn, call, admin_only=True)
        if role != "admin":
            users.require_another_admin(conn, row)
        profiles.save(conn, row.id, {"role": role}, now_ms(call))
        return ok(users.user_json(users.by_id(conn, row.id)))


# --- profile and avatar ---------------------------------------------------------------------


@handles("getUserProfile")
def get_user_profile(call: Call) -> Reply:
    with call.services.store.read() as conn:
        return ok(profiles.profile_json(target(conn, call)))


@handles("updateUserProfile")
def update_user_profile(call: Call) -> Reply:
    values = profiles.profile_changes(body(call))
    with call.services.store.write() as conn:
        row = target(conn, call)
        profiles.save(conn, row.id, values, now_ms(call))
        return ok(profiles.profile_json(users.by_id(conn, row.id)))


@handles("createAvatarUploadUrl")
def create_avatar_upload_url(call: Call) -> Reply:
    s = call.services
    content_type = call.field("contentType") or uploads.type_of(str(call.field("filename")))
    with s.store.write() as conn:
        row = target(conn, call)
        if content_type is None:
            raise ApiError(errors.INVALID_REQUEST,
                           "Send `contentType`, or a file name ending in .jpg, .jpeg, .png, .gif or .webp.")
        return ok(uploads.issue(
            conn, user_id=row.id, content_type=str(content_type), base_url=call.base_url,
            signing_key=s.signing_key, now=s.clock.now(), lifetime=s.lifetime("avatarUploadUrl")))


@handles("updateUserAvatar")
def update_user_avatar(call: Call) -> Reply:
    key = str(call.field("s3Key"))
    with call.services.store.write() as conn:
        row = target(conn, call)
        if not uploads.uploaded_for(conn, key, row.id):
            raise ApiError(errors.INVALID_REQUEST, "s3Key is not a finished upload of this user.")
        image = f"{call.base_url}/sandbox/uploads/{key}"
        if row.avatar_key != key:
            uploads.remove(conn, row.avatar_key)
        profiles.save(conn, row.id, {"image": image, "avatar_key": key}, now_ms(call))
    return ok({"image": image})


@handles("deleteUserAvatar")
def delete_user_avatar(call: Call) -> Reply:
    with call.services.store.write() as conn:
        row = target(conn, call)
        uploads.remove(conn, row.avatar_key)
        profiles.save(conn, row.id, {"image": None, "avatar_key": None}, now_ms(call))
    return ok({"image": None})


# --- settings documents ---------------------------------------------------------------------


def _defaults(call: Call, schema: str) -> dict[str, Any]:
    return call.services.spec.schema_defaults(schema)


def _read_settings(call: Call, column: str, schema: str) -> Reply:
    """A settings resource (preferences, notifications): stored values over the spec's defaults."""
    with call.services.store.read() as conn:
        return ok(profiles.with_defaults(_defaults(call, schema), getattr(target(conn, call), column)))


def _update_settings(call: Call, column: str, schema: str) -> Reply:
    defaults = _defaults(call, schema)
    with call.services.store.write() as conn:
        row = target(conn, call)
        changes = {k: defaults.get(k) if v is None else v for k, v in body(call).items()}  # null: the default
        merged = {**profiles.with_defaults(defaults, getattr(row, column)), **changes}
        profiles.save(conn, row.id, {column: merged}, now_ms(call))
    return ok(merged)


@handles("getUserPreferences")
def get_user_preferences(call: Call) -> Reply:
    return _read_settings(call, "preferences", "UserPreferences")


@handles("updateUserPreferences")
def update_user_preferences(call: Call) -> Reply:
    return _update_settings(call, "preferences", "UserPreferences")


@handles("getUserNotifications")
def get_user_notifications(call: Call) -> Reply:
    return _read_settings(call, "notifications", "UserNotifications")


@handles("updateUserNotifications")
def update_user_notifications(call: Call) -> Reply:
    return _update_settings(call, "notifications", "UserNotifications")


@handles("getUserOnboarding")
def get_user_onboarding(call: Call) -> Reply:
    with call.services.store.read() as conn:
        return ok(profiles.onboarding_json(target(conn, call)))


@handles("updateUserOnboarding")
def update_user_onboarding(call: Call) -> Reply:
    with call.services.store.write() as conn:
        row = target(conn, call)
        stored = profiles.onboarding_update(row, body(call), now_ms(call))
        profiles.save(conn, row.id, {"onboarding": stored}, now_ms(call))
        return ok(profiles.onboarding_json(users.by_id(conn, row.id)))


@handles("getUserPublicSettings")
def get_user_public_settings(call: Call) -> Reply:
    with call.services.store.read() as conn:
        return ok(profiles.public_settings_json(target(conn, call)))


@handles("updateUserPublicSettings")
def update_user_public_settings(call: Call) -> Reply:
    changes = body(call)
    values: dict[str, Any] = {}
    if "slug" in changes:
        values["public_slug"] = changes["slug"]
    if "isPublic" in changes:
        values["public_is_public"] = bool(changes["isPublic"])
    with call.services.store.write() as conn:
        row = target(conn, call)
        profiles.save_public_settings(conn, row.id, values, now_ms(call))
        return ok(profiles.public_settings_json(users.by_id(conn, row.id)))
