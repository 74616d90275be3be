"""What a handler receives (`Call`) and returns (`Reply`), plus the services it may use."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import Headers

from .clock import Clock
from .passwords import PasswordPolicy
from .ratelimit import RateLimiter
from .redirects import AllowList
from .settings import Settings
from .spec import Operation, Spec
from .store import Prepared, Store
from .tokens import AccessTokens


@dataclass
class Services:
    settings: Settings
    spec: Spec
    store: Store
    clock: Clock
    limiter: RateLimiter
    access_tokens: AccessTokens
    policy: PasswordPolicy
    signing_key: str  # HMAC key for upload URLs
    redirects: AllowList  # where mailed links and redirects may point
    prepared: dict[str, Prepared] = field(default_factory=dict)  # hot-path queries, compiled once

    def lifetime(self, name: str) -> int:
        return self.spec.lifetimes[name]


@dataclass(frozen=True)
class Principal:
    """The caller behind a valid bearer token."""

    user_id: str
    session_id: str
    role: str
    organization_id: str | None = None
    # The user's row as the token check read it (every column of `users`).
    user_row: Any = field(default=None, compare=False, repr=False)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def read_only(self) -> bool:
        """Role `guest` reads its own user resources and changes none (x-decisions)."""
        return self.role == "guest"


@dataclass
class Call:
    services: Services
    op: Operation
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any
    raw_body: bytes
    content_type: str
    headers: Headers
    ip: str
    user_agent: str
    base_url: str  # the sandbox's own origin as the caller reached it, no trailing slash
    auth: Principal | None = None

    @property
    def user(self) -> Principal:
        """The authenticated caller (the dispatcher guarantees one for bearer operations)."""
        assert self.auth is not None, f"{self.op.operation_id} needs a bearer token"
        return self.auth

    def field(self, name: str, default: Any = None) -> Any:
        return (self.body or {}).get(name, default) if isinstance(self.body, dict) else default


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-serialisable, or bytes with `media_type`
    headers: Mapping[str, str] = field(default_factory=dict)
    media_type: str = "application/json"


Handler = Callable[[Call], Reply]


def ok(body: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Reply:
    return Reply(status, body, dict(headers or {}))


def created(body: Any) -> Reply:
    return Reply(201, body)


def redirect(location: str) -> Reply:
    return Reply(302, None, {"Location": location})


def pagination(page: int, limit: int, total: int) -> dict[str, int | bool]:
    """The `Pagination` object of every list answer."""
    pages = math.ceil(total / limit)
    return {"page": page, "limit": limit, "total": total, "totalPages": pages,
            "hasNext": page < pages, "hasPrev": page > 1}
