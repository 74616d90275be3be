"""Which browser origins may call the sandbox (CORS), and saying so.

The default is `loopback`: pages served from 127.0.0.1, localhost or [::1] on any port, so the docs
work wherever `mkdocs serve`, a preview or a test server puts them. That is safe here because the
sandbox never uses cookies (bearer tokens only, no credentials), and it listens on loopback only.
`SANDBOX_CORS_ORIGINS` replaces the default with a comma-separated list (`loopback` may be one of its
entries; `*` allows any origin). A refused preflight is logged with the exact setting that allows it.
"""

from __future__ import annotations

import logging
from typing import Any

from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import Response
from starlette.types import ASGIApp

from . import errors
from .context import Services
from .dispatch import error_response
from .errors import ApiError

log = logging.getLogger("sandbox")

LOOPBACK = "loopback"
LOOPBACK_ORIGIN_REGEX = r"https?://(127\.0\.0\.1|localhost|\[::1\])(:[0-9]{1,5})?"
ALLOWED_HEADERS = ["Authorization", "Content-Type", "X-API-Key", "X-Project-Id", "X-Environment"]


def describe(origins: tuple[str, ...]) -> str:
    """The allowed origins in words, for the start banner."""
    if "*" in origins:
        return "any origin (*)"
    named = [
        "loopback pages on any port (http://127.0.0.1:*, http://localhost:*, http://[::1]:*)" if o == LOOPBACK else o
        for o in origins
    ]
    return ", ".join(named)


class EnvelopeCORSMiddleware(CORSMiddleware):
    """Starlette's CORS handling; a refused preflight is logged and answered in the error envelope."""

    def __init__(self, app: ASGIApp, /, services: Services, **options: Any) -> None:
        super().__init__(app, **options)
        self.services = services

    def preflight_response(self, request_headers: Headers) -> Response:
        response = super().preflight_response(request_headers)
        if response.status_code != 400:
            return response
        reason = bytes(response.body).decode()  # "Disallowed CORS origin", "Disallowed CORS headers", ...
        origin = request_headers.get("origin", "")
        if "origin" in reason:
            log.warning(
                "refused a browser call from %s (CORS): restart with SANDBOX_CORS_ORIGINS=%s to allow it",
                origin,
                ",".join([*self.services.settings.cors_origins, origin]),
            )
        else:
            log.warning("refused a CORS preflight from %s: %s", origin, reason)
        refused = error_response(self.services, ApiError(errors.INVALID_REQUEST, f"{reason}."))
        if "vary" in response.headers:
            refused.headers["vary"] = response.headers["vary"]
        return refused


def cors_middleware(services: Services) -> Middleware:
    origins = services.settings.cors_origins
    listed = [o for o in origins if o != LOOPBACK]
    return Middleware(
        EnvelopeCORSMiddleware,
        services=services,
        allow_origins=["*"] if "*" in origins else listed,
        allow_origin_regex=LOOPBACK_ORIGIN_REGEX if LOOPBACK in origins else None,
        allow_methods=["GET", "POST", "PUT", "PATCH", "DELETE"],
        allow_headers=ALLOWED_HEADERS,
        expose_headers=["Retry-After", "Location"],
        allow_credentials=False,  # bearer tokens only, never cookies
        max_age=600,
    )
