"""The outbox: mail the service would send is stored here instead, so readers (and tests) can open
it through the sandbox-only outbox endpoint and finish the flow."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from sqlalchemy import Connection, delete, func, select

from .clock import rfc3339_ms, to_millis
from .store import new_id, outbox

SIGNUP_CONFIRMATION = "signup-confirmation"
EMAIL_VERIFICATION = "email-verification"
PASSWORD_RESET = "password-reset"
MAGIC_LINK = "magic-link"
INVITATION = "invitation"

# kind -> (subject, text); {link}, {token} and {valid} are filled in, plus per-kind fields.
TEMPLATES: dict[str, tuple[str, str]] = {
    SIGNUP_CONFIRMATION: (
        "Confirm your e-mail address",
        "Welcome! Open this link within {valid} to confirm your address: {link}",
    ),
    EMAIL_VERIFICATION: (
        "Verify your e-mail address",
        "Your verification token is {token} (valid for {valid}).{link_line}",
    ),
    PASSWORD_RESET: (
        "Reset your password",
        "Someone asked to reset your password. If it was you, use this token within {valid}: "
        "{token}\nIf it was not you, ignore this message.",
    ),
    MAGIC_LINK: (
        "Your sign-in link",
        "Open this link within {valid} to sign in: {link}",
    ),
    # {inviter}, {resource} and {role} are the sender's words (through `plain`); {sender} is the
    # sender's account address, so the mail cannot pass for one the service wrote.
    INVITATION: (
        "{sender} invited you to {resource}",
        "{inviter} ({sender}) invited you to join {resource} as {role}. Accept or reject with this token "
        "within {valid}: {token}\nThe names in this message were written by {sender}; links in them are "
        "disabled.",
    ),
}


# `scheme://`, or one of the schemes a mail program links without slashes
_SCHEME = re.compile(r"\b(?:([a-z][a-z0-9+.-]*)://|(mailto|tel|sms|javascript|data|vbscript|file):)", re.IGNORECASE)
_DOT = re.compile(r"(?<=[^\W_])\.(?=[^\W\d_])")  # between a letter or digit and a letter: a host name


def plain(text: str) -> str:
    """Words a user chose, made safe to quote in a plain-text mail: one line (control, format and
    line-separator characters become spaces, so no forged paragraph or bidirectional trick) and no
    working link: `https://evil.example/x` reads `hxxps[://]evil[.]example/x` (defanged)."""
    flat = "".join(" " if unicodedata.category(c) in _INVISIBLE else c for c in text)
    flat = " ".join(flat.split())
    flat = _SCHEME.sub(lambda m: f"{_defang_scheme(m[1])}[://]" if m[1] else f"{m[2]}[:]", flat)
    return _DOT.sub("[.]", flat)


_INVISIBLE = {"Cc", "Cf", "Zl", "Zp"}


def _defang_scheme(scheme: str) -> str:
    return re.sub("tt", "xx", scheme, flags=re.IGNORECASE) if scheme.lower().startswith("http") else scheme


def duration(seconds: int) -> str:
    """15 minutes, 24 hours, 7 days."""
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size and seconds % size == 0 and not (unit == "day" and seconds < 2 * 86400):
            count = seconds // size
            return f"{count} {unit}{'s' if count != 1 else ''}"
    return f"{seconds} seconds"


def with_query(url: str, **params: str) -> str:
    """`url` with `params` added to its query string (existing ones kept)."""
    parts = urlsplit(url)
    extra = urlencode(params)
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def send(
    conn: Connection,
    *,
    to: str,
    kind: str,
    token: str,
    link: str | None,
    now: float,
    lifetime: int,
    **fields: str,
) -> str:
    subject, text = TEMPLATES[kind]
    values = {
        "link": link or "",
        "link_line": f" Or open: {link}" if link else "",
        "token": token,
        "valid": duration(lifetime),
        **fields,
    }
    message_id = new_id()
    seq = conn.execute(select(func.coalesce(func.max(outbox.c.seq), 0))).scalar_one() + 1
    conn.execute(
        outbox.insert().values(
            id=message_id,
            seq=seq,
            to_email=to,
            kind=kind,
            subject=subject.format(**values),
            body=text.format(**values),
            token=token,
            link=link,
            created_at=to_millis(now),
        )
    )
    return message_id


def list_messages(conn: Connection, *, email: str | None, limit: int) -> list[dict[str, Any]]:
    query = select(outbox).order_by(outbox.c.seq.desc()).limit(limit)
    if email:
        query = query.where(outbox.c.to_email == email)
    return [message_json(row) for row in conn.execute(query)]


def clear(conn: Connection) -> int:
    return int(conn.execute(delete(outbox)).rowcount or 0)


def message_json(row: Any) -> dict[str, Any]:
    return {
        "id": row.id,
        "to": row.to_email,
        "kind": row.kind,
        "subject": row.subject,
        "text": row.body,
        "link": row.link,
        "token": row.token,
        "createdAt": rfc3339_ms(row.created_at),
    }
