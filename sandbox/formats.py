"""String formats checked stricter than openapi-core's defaults (which accept any `@` as an e-mail
and skip `uri` without an extra library), so what the sandbox accepts it can also return."""

from __future__ import annotations

import re
from typing import Any

# RFC 5322 dot-atom local part (ASCII), then DNS labels with at least one dot.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
EMAIL_RE = re.compile(rf"^{_ATEXT}(?:\.{_ATEXT})*@{_LABEL}(?:\.{_LABEL})+$")

# RFC 3986: a scheme, then only unreserved / reserved characters and %-escapes.
URI_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:(?:[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=]|%[0-9A-Fa-f]{2})*$")


def normalize_email(value: str) -> str:
    return value.strip().lower()


def is_email(value: Any) -> bool:
    """Judged on the normalized form (trimmed, lowercased), the one the sandbox stores."""
    if not isinstance(value, str):
        return True  # not a string: the `type` keyword reports it
    email = normalize_email(value)
    local = email.split("@", 1)[0]
    return len(email) <= 254 and len(local) <= 64 and EMAIL_RE.match(email) is not None


def is_uri(value: Any) -> bool:
    if not isinstance(value, str):
        return True
    return URI_RE.match(value) is not None


FORMAT_VALIDATORS = {"email": is_email, "uri": is_uri}
