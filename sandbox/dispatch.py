"""The request pipeline every operation goes through:

rate limit per IP -> body size cap -> API key -> bearer token -> spec validation -> handler
-> response (`Cache-Control: no-store`, optional check against the spec).
"""

from __future__ import annotations

import asyncio
import json
import logging
import traceback
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from . import errors, sessions
from .context import Call, Handler, Reply, Services
from .errors import ApiError
from .ratelimit import REQUESTS_PER_IP, RateLimited
from .spec import Operation

log = logging.getLogger("sandbox")

BASE_HEADERS = {
    "Cache-Control": "no-store",  # token responses must not be cached (RFC 6749 5.1); nothing else needs it
    "X-Content-Type-Options": "nosniff",
}


# Operations that only make one indexed read (the token's session and user): run on the event loop,
# since handing them to a worker thread costs more than the work (GET /v1/auth/me under load).
INLINE_OPERATIONS = frozenset({"getMe", "getSandboxHealth"})


class BodyTooLarge(Exception):
    """The request body is larger than the configured cap (answered 413)."""


# 401s about the bearer token say which scheme to use (RFC 6750 3), and whether the token was bad.
BEARER_CHALLENGES = {
    errors.UNAUTHORIZED: 'Bearer realm="bkend"',
    errors.USER_UNAUTHORIZED: 'Bearer realm="bkend"',
    errors.INVALID_TOKEN: 'Bearer realm="bkend", error="invalid_token"',
    errors.TOKEN_EXPIRED: 'Bearer realm="bkend", error="invalid_token", error_description="expired"',
}


def error_response(services: Services, exc: ApiError) -> Response:
    entry = services.spec.errors[exc.code]
    body = {"error": {"code": exc.code, "message": exc.message or entry.message}}
    headers = dict(exc.headers)
    if exc.code in BEARER_CHALLENGES:
        headers["WWW-Authenticate"] = BEARER_CHALLENGES[exc.code]
    return json_response(entry.status, body, headers)


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response:
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return Response(data, status_code=status, headers={**BASE_HEADERS, **(headers or {})},
                    media_type="application/json")


def render(reply: Reply) -> Response:
    headers = {**BASE_HEADERS, **reply.headers}
    if reply.body is None:
        return Response(b"", status_code=reply.status, headers=headers)
    if isinstance(reply.body, bytes):
        return Response(reply.body, status_code=reply.status, headers=headers, media_type=reply.media_type)
    return json_response(reply.status, reply.body, dict(reply.headers))


async def read_body(request: Request, cap: int, timeout: float) -> bytes:
    """The whole body, within `cap` bytes and `timeout` seconds (a body trickled in one byte at a
    time would otherwise hold a worker forever)."""
    try:
        async with asyncio.timeout(timeout):
            return await _read(request, cap)
    except TimeoutError:
        raise ApiError(errors.REQUEST_TIMEOUT, headers={"Connection": "close"}) from None


async def _read(request: Request, cap: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > cap:
                raise BodyTooLarge
        except ValueError:
            raise ApiError(errors.INVALID_REQUEST, "Content-Length is not a number.") from None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise BodyTooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def base_url(services: Services, request: Request) -> str:
    """The sandbox's origin as the caller reached it. The Host header is only trusted for loopback
    names, so a forged Host cannot plant foreign links in the outbox or in upload URLs."""
    host = request.url.hostname or ""
    settings = services.settings
    if host in {"127.0.0.1", "localhost", "::1", settings.host}:
        port = request.url.port
        netloc = f"[{host}]" if ":" in host else host
        return f"{request.url.scheme}://{netloc}{':' + str(port) if port else ''}"
    shown = "127.0.0.1" if settings.host in {"0.0.0.0", "::"} else settings.host
    return f"http://{shown}:{settings.port}"


def make_endpoint(services: Services, op: Operation, handler: Handler) -> Any:
    cap = services.settings.max_upload_bytes if op.operation_id == "uploadSandboxObject" else (
        services.settings.max_body_bytes
    )

    inline = op.operation_id in INLINE_OPERATIONS

    async def endpoint(request: Request) -> Response:
        ip = request.client.host if request.client else "0.0.0.0"
        try:
            services.limiter.hit(REQUESTS_PER_IP, ip)
            raw = await read_body(request, cap, services.settings.body_timeout)
            call = Call(
                services=services,
                op=op,
                path=dict(request.path_params),
                query={},
                body=None,
                raw_body=raw,
                content_type=request.headers.get("content-type", ""),
                headers=request.headers,
                ip=ip,
                user_agent=request.headers.get("user-agent", "")[:300],
                base_url=base_url(services, request),
            )
            query = list(request.query_params.multi_items())
            if inline:
                reply = process(call, handler, query)
            else:
                reply = await run_in_threadpool(process, call, handler, query)
            response = render(reply)
        except BodyTooLarge:
            response = error_response(
                services, ApiError(errors.PAYLOAD_TOO_LARGE, f"The request body is larger than {cap} bytes.")
            )
        except ApiError as exc:
            response = error_response(services, exc)
        except RateLimited as exc:
            response = error_response(
                services, ApiError(exc.rule.code, headers={"Retry-After": str(exc.retry_after)})
            )
        except ClientDisconnect:  # the client went away mid-body: nobody to answer
            return Response(b"", status_code=400)
        except Exception:  # a bug: log it, answer in the envelope, never leak the trace
            log.error("unhandled error in %s:\n%s", op.operation_id, traceback.format_exc())
            response = internal_error(services)
        if services.settings.validate_responses:
            response = await run_in_threadpool(check_response, services, op, request, response)
        return response

    return endpoint


def process(call: Call, handler: Handler, query: list[tuple[str, str]]) -> Reply:
    services, op = call.services, call.op
    check_api_key(services, op, call.headers)
    authorization = call.headers.get("authorization")
    if op.needs_bearer or (authorization and any("bearerAuth" in alt for alt in op.security)):
        call.auth = sessions.authenticate(services, authorization, op.x_errors)
    validated = services.spec.validate_request(
        op,
        path_params=call.path,
        query=query,
        headers=list(call.headers.items()),
        content_type=call.content_type,
        body=call.raw_body,
    )
    call.path, call.query, call.body = validated.path, validated.query, validated.body
    return handler(call)


def check_api_key(services: Services, op: Operation, headers: Any) -> None:
    """At least one `security` alternative must be met by its key headers (bearer is checked after)."""
    if op.public:
        return
    expected = services.spec.sandbox_credentials
    schemes = services.spec.security_schemes
    for alternative in op.security:
        if all(
            name == "bearerAuth"
            or headers.get(schemes[name].get("name", ""), None) == expected.get(name)
            for name in alternative
        ):
            return
    raise ApiError(errors.INVALID_API_KEY)


def internal_error(services: Services) -> Response:
    return error_response(services, ApiError(errors.INTERNAL_ERROR))


def check_response(services: Services, op: Operation, request: Request, response: Response) -> Response:
    """Test mode: a response that does not match the spec becomes a loud 500."""
    data = bytes(response.body) if isinstance(response.body, bytes | memoryview) else b""
    problems = services.spec.check_response(
        op,
        path_params=dict(request.path_params),
        query=list(request.query_params.multi_items()),
        request_headers=list(request.headers.items()),
        status=response.status_code,
        headers=dict(response.headers),
        data=data,
    )
    if not problems:
        return response
    log.error("%s answered %s outside the spec: %s", op.operation_id, response.status_code, problems)
    return json_response(
        500,
        {"error": {"code": "sandbox/response-not-in-spec", "message": "; ".join(problems)[:2000]}},
    )
