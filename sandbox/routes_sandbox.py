"""Handlers for the sandbox-only endpoints: health, the mail outbox, the signed upload target and the
uploaded files."""

from __future__ import annotations

from . import mail, uploads
from .context import Call, Reply, ok
from .operations import handles


@handles("getSandboxHealth")
def get_sandbox_health(call: Call) -> Reply:
    return ok({"status": "ok", "version": call.services.spec.version})


@handles("listOutbox")
def list_outbox(call: Call) -> Reply:
    email = call.query.get("email")
    limit = int(call.query.get("limit") or 20)
    with call.services.store.read() as conn:
        items = mail.list_messages(conn, email=str(email).strip().lower() if email else None, limit=limit)
    return ok({"items": items})


@handles("clearOutbox")
def clear_outbox(call: Call) -> Reply:
    with call.services.store.write() as conn:
        return ok({"deleted": mail.clear(conn)})


@handles("uploadSandboxObject")
def upload_sandbox_object(call: Call) -> Reply:
    s = call.services
    with s.store.write() as conn:
        return ok(uploads.store(
            conn,
            key=call.path["key"],
            expires=int(call.query["expires"]),
            signature=str(call.query["signature"]),
            content_type=call.content_type,
            data=call.raw_body,
            signing_key=s.signing_key,
            now=s.clock.now(),
            quota=s.settings.upload_quota_bytes,
        ))


# Served files are verified images (uploads.looks_like); should one be opened directly, it still
# runs nothing and loads nothing.
OBJECT_HEADERS = {"Content-Security-Policy": "default-src 'none'; sandbox"}


@handles("getSandboxObject")
def get_sandbox_object(call: Call) -> Reply:
    with call.services.store.read() as conn:
        content_type, data = uploads.fetch(conn, call.path["key"])
    return Reply(200, data, OBJECT_HEADERS, media_type=content_type)
