"""The Starlette application: one route per spec operation, each through the dispatch pipeline."""

from __future__ import annotations

import json
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from . import errors, routes_auth, routes_invitations, routes_sandbox, routes_users
from .clock import Clock, SystemClock
from .context import Services
from .cors import cors_middleware
from .dispatch import error_response, make_endpoint
from .errors import ApiError
from .guards import ConcurrencyCap, HostGuard, allowed_hosts
from .operations import HANDLERS
from .passwords import PasswordPolicy
from .ratelimit import RateLimiter
from .redirects import AllowList
from .server import GuardedHttpTools, connection_cap
from .settings import Settings, SettingsError
from .spec import Spec, SpecError
from .store import Store
from .tokens import AccessTokens

# Importing the route modules registers their handlers in operations.HANDLERS.
ROUTE_MODULES = (routes_auth, routes_invitations, routes_sandbox, routes_users)


def build_services(settings: Settings, clock: Clock | None = None, spec: Spec | None = None) -> Services:
    """Everything the handlers share. `spec` may be passed in when one process builds several apps."""
    clock = clock or SystemClock()
    spec = spec or Spec(settings.spec_path)
    examples_app = tuple(str(u) for u in spec.sandbox.get("redirectUrls") or ())
    try:
        allow = AllowList.build(settings.cors_origins, examples_app + settings.redirect_urls)
    except ValueError as exc:
        raise SettingsError(f"SANDBOX_REDIRECT_URLS / SANDBOX_CORS_ORIGINS: {exc}") from None
    spec.errors.require(errors.all_codes())
    store = Store(settings.database_url)
    store.migrate()
    secret = settings.jwt_secret or store.meta_value("jwt_secret", lambda: secrets.token_urlsafe(48))
    return Services(
        settings=settings,
        spec=spec,
        store=store,
        clock=clock,
        limiter=RateLimiter(clock, settings.rate_limit_scale, store, settings.workers),
        access_tokens=AccessTokens(secret, spec.audience, spec.lifetimes["accessToken"], clock),
        policy=PasswordPolicy.from_spec(spec.password_policy),
        signing_key=store.meta_value("upload_signing_key", lambda: secrets.token_urlsafe(48)),
        redirects=allow,
    )


def envelope(services: Services, code: str, message: str | None = None) -> dict:
    """An error body for the layers that answer before dispatch (guards, the HTTP protocol)."""
    return {"error": {"code": code, "message": message or services.spec.errors[code].message}}


def configure_server(settings: Settings, services: Services) -> None:
    """The HTTP protocol's limits and its error bodies, with the spec's messages."""
    def body(code: str, message: str | None = None) -> bytes:
        return json.dumps(envelope(services, code, message), separators=(",", ":")).encode()

    GuardedHttpTools.configure(
        header_timeout=settings.header_timeout,
        max_connections=connection_cap(settings.max_connections),
        bodies={400: body(errors.INVALID_REQUEST, "The request is not valid HTTP/1.1."),
                408: body(errors.REQUEST_TIMEOUT),
                431: body(errors.INVALID_REQUEST, "The request head is larger than 64 KiB.")},
    )


def create_app(settings: Settings, clock: Clock | None = None, services: Services | None = None) -> Starlette:
    services = services or build_services(settings, clock)
    missing = sorted(set(services.spec.operations) - set(HANDLERS))
    if missing:
        raise SpecError(f"the spec has operations the sandbox does not implement: {missing}")

    # Literal paths before templated ones, so /invitations/accept is never read as an id.
    ops = sorted(services.spec.operations.values(), key=lambda o: (o.path.count("{"), o.path))
    routes = [
        Route(op.path, make_endpoint(services, op, HANDLERS[op.operation_id]), methods=[op.method],
              name=op.operation_id)
        for op in ops
    ]

    async def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = {404: errors.NOT_FOUND, 405: errors.METHOD_NOT_ALLOWED}.get(exc.status_code, errors.INVALID_REQUEST)
        response = error_response(services, ApiError(code))
        if exc.headers and "Allow" in exc.headers:
            response.headers["Allow"] = exc.headers["Allow"]
        return response

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        yield
        services.store.close()

    app = Starlette(
        routes=routes,
        middleware=[
            Middleware(
                ConcurrencyCap,
                limit=settings.max_concurrency,
                refusal=envelope(services, errors.SERVICE_UNAVAILABLE),
            ),
            Middleware(
                HostGuard,
                allowed=allowed_hosts(settings.host, settings.allowed_hosts),
                refusal=envelope(services, errors.INVALID_REQUEST,
                                 "The Host header names a host this sandbox does not serve (SANDBOX_ALLOWED_HOSTS)."),
            ),
            cors_middleware(services),
        ],
        exception_handlers={HTTPException: http_error},
        lifespan=lifespan,
    )
    app.state.services = services
    return app
