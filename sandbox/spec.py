"""The one spec file, read once at start: operations, error catalog, lifetimes, password policy,
sandbox values, and request/response validation through openapi-core."""

from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from openapi_core import Config, OpenAPI
from openapi_core.datatypes import RequestParameters
from openapi_core.templating.paths.exceptions import PathError
from openapi_core.validation.request.exceptions import (
    MissingRequiredParameter,
    MissingRequiredRequestBody,
    ParameterValidationError,
    RequestBodyValidationError,
)
from openapi_core.validation.schemas.exceptions import InvalidSchemaValue
from werkzeug.datastructures import Headers as WzHeaders
from werkzeug.datastructures import ImmutableMultiDict

from . import errors, jsonbody
from .errors import ApiError
from .explain import plain
from .formats import schema_validators_factory

log = logging.getLogger("sandbox")
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser is ~8x faster
METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")
# openapi-core matches requests against a server URL; we validate against this neutral one.
VALIDATION_BASE = "http://sandbox.invalid"

class SpecError(RuntimeError):
    """The spec file cannot drive the sandbox (missing, malformed, or lacking something we need)."""


@dataclass(frozen=True)
class ErrorEntry:
    code: str
    status: int
    message: str


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # template, e.g. /v1/users/{userId}
    security: tuple[frozenset[str], ...]  # alternatives; each one is a set of scheme names
    x_errors: tuple[str, ...]
    has_body: bool
    raw: Mapping[str, Any] = field(repr=False, compare=False, hash=False)

    @property
    def needs_bearer(self) -> bool:
        return bool(self.security) and all("bearerAuth" in alt for alt in self.security)

    @property
    def public(self) -> bool:
        """No credentials at all (security: [] or an empty alternative)."""
        return not self.security or any(not alt for alt in self.security)


class ErrorCatalog:
    def __init__(self, entries: Mapping[str, ErrorEntry]) -> None:
        self._entries = dict(entries)

    def __contains__(self, code: object) -> bool:
        return code in self._entries

    def __getitem__(self, code: str) -> ErrorEntry:
        return self._entries[code]

    def codes(self) -> set[str]:
        return set(self._entries)

    def require(self, codes: Iterable[str]) -> None:
        missing = sorted(set(codes) - set(self._entries))
        if missing:
            raise SpecError(f"the spec's x-error-codes lacks codes the sandbox answers with: {missing}")


@dataclass
class ValidatedRequest:
    path: dict[str, Any]
    query: dict[str, Any]
    body: Any


class _CoreRequest:
    """The request as openapi-core sees it (implements its Request + SupportsPathPattern protocols)."""

    def __init__(
        self,
        method: str,
        path_pattern: str,
        path: Mapping[str, Any],
        query: Iterable[tuple[str, str]],
        headers: Iterable[tuple[str, str]],
        content_type: str,
        body: bytes | None,
    ) -> None:
        self.method = method.lower()
        self.path_pattern = path_pattern
        self.path = path_pattern
        self.host_url = VALIDATION_BASE
        self.full_url_pattern = VALIDATION_BASE + path_pattern
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(list(query)),
            header=WzHeaders(list(headers)),
            cookie=ImmutableMultiDict(),
            path=dict(path),
        )
        self.content_type = content_type
        self.body = body


class _CoreResponse:
    def __init__(self, status: int, headers: Mapping[str, str], data: bytes) -> None:
        self.status_code = status
        self.headers = WzHeaders(list(headers.items()))
        self.content_type = headers.get("content-type", "")
        self.data = data


class Spec:
    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise SpecError(f"{path}: spec file not found")
        try:
            raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
        except yaml.YAMLError as exc:
            raise SpecError(f"{path}: not valid YAML: {exc}") from exc
        if not isinstance(raw, dict) or "paths" not in raw:
            raise SpecError(f"{path}: not an OpenAPI document (no `paths`)")
        self.path = path
        self.raw: dict[str, Any] = raw
        self.operations = self._read_operations(raw)
        self.errors = self._read_errors(raw)
        self.lifetimes: dict[str, int] = {k: int(v) for k, v in (raw.get("x-lifetimes") or {}).items()}
        self.password_policy: dict[str, Any] = dict(raw.get("x-password-policy") or {})
        self.sandbox: dict[str, Any] = dict(raw.get("x-sandbox") or {})
        self.security_schemes: dict[str, Any] = dict(
            (raw.get("components") or {}).get("securitySchemes") or {}
        )
        self.version = str((raw.get("info") or {}).get("version") or "0")
        self.audience = str(self.sandbox.get("publishableKey") or "")
        if not self.audience:
            raise SpecError(f"{path}: x-sandbox.publishableKey is missing")
        self.sandbox_credentials = self._sandbox_credentials()
        self._has_parameters: dict[str, bool] = {}
        self._core = OpenAPI.from_dict(
            self._validation_document(raw), config=Config(schema_validators_factory=schema_validators_factory())
        )

    # --- reading ---------------------------------------------------------------------------

    def _read_operations(self, raw: Mapping[str, Any]) -> dict[str, Operation]:
        ops: dict[str, Operation] = {}
        root_security = raw.get("security") or []
        for path, item in (raw.get("paths") or {}).items():
            for method in METHODS:
                op = (item or {}).get(method)
                if not isinstance(op, dict):
                    continue
                oid = op.get("operationId")
                if not oid:
                    raise SpecError(f"{self.path}: {method.upper()} {path} has no operationId")
                security = op.get("security", root_security) or []
                ops[oid] = Operation(
                    operation_id=oid,
                    method=method.upper(),
                    path=path,
                    security=tuple(frozenset(alt) for alt in security),
                    x_errors=tuple(op.get("x-errors") or ()),
                    has_body="requestBody" in op,
                    raw=op,
                )
        return ops

    def _read_errors(self, raw: Mapping[str, Any]) -> ErrorCatalog:
        entries = {}
        for code, entry in (raw.get("x-error-codes") or {}).items():
            entries[code] = ErrorEntry(
                code=code,
                status=int(entry["status"]),
                message=str(entry.get("message") or code),
            )
        return ErrorCatalog(entries)

    def schema_defaults(self, name: str) -> dict[str, Any]:
        """The `default` of each property of a component schema (e.g. UserPreferences)."""
        schema = self.resolve(((self.raw.get("components") or {}).get("schemas") or {}).get(name) or {})
        props = schema.get("properties") or {}
        out = {key: self.resolve(prop).get("default") for key, prop in props.items()}
        missing = [key for key, value in out.items() if value is None]
        if missing:
            raise SpecError(f"{self.path}: {name} has no default for {missing}")
        return out

    def _sandbox_credentials(self) -> dict[str, str]:
        """What each apiKey security scheme must carry: the legacy pair by header name, the
        publishable key for the rest."""
        legacy = {str(k).lower(): str(v) for k, v in (self.sandbox.get("legacyHeaders") or {}).items()}
        out = {}
        for name, scheme in self.security_schemes.items():
            if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
                header = str(scheme.get("name", "")).lower()
                out[name] = legacy.get(header, self.audience)
        return out

    @staticmethod
    def _validation_document(raw: Mapping[str, Any]) -> dict[str, Any]:
        """The spec as openapi-core validates it: one neutral server, and no `security`
        (the sandbox checks credentials itself, to answer with the spec's error codes)."""
        doc = copy.deepcopy(dict(raw))
        doc["servers"] = [{"url": VALIDATION_BASE}]
        doc.pop("security", None)
        for item in (doc.get("paths") or {}).values():
            item.pop("servers", None)
            for method in METHODS:
                if isinstance(item.get(method), dict):
                    item[method].pop("security", None)
                    item[method].pop("servers", None)
        return doc

    # --- validation ------------------------------------------------------------------------

    def validate_request(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, str],
        query: Iterable[tuple[str, str]],
        headers: Iterable[tuple[str, str]],
        content_type: str,
        body: bytes,
    ) -> ValidatedRequest:
        """Validate against the operation's parameters and body schema; on failure raise the
        ApiError with the most specific code the operation documents."""
        if not op.has_body and not self._declares_parameters(op):
            # Nothing to check (GET /v1/auth/me...): skip openapi-core's walk of the spec, the
            # largest cost of such a request. Undocumented query parameters are ignored anyway.
            return ValidatedRequest(path={}, query={}, body=None)
        parsed_body: Any = None
        if body and op.has_body:
            media = content_type.split(";")[0].strip().lower()
            accepted = list((op.raw.get("requestBody") or {}).get("content") or {})
            if not any(_media_matches(media, pattern) for pattern in accepted):
                raise ApiError(
                    errors.INVALID_REQUEST,
                    f"{self.errors[errors.INVALID_REQUEST].message}: Content-Type must be "
                    f"{' or '.join(accepted)} (got {media or 'none'})",
                )
            if media == "application/json" or media.endswith("+json"):
                try:
                    parsed_body = jsonbody.parse(body)
                except (UnicodeDecodeError, json.JSONDecodeError, jsonbody.Rejected) as exc:
                    raise ApiError(
                        errors.INVALID_REQUEST,
                        f"{self.errors[errors.INVALID_REQUEST].message}: the body is not valid JSON ({exc})",
                    ) from None
        request = _CoreRequest(
            op.method,
            op.path,
            path_params,
            query,
            headers,
            content_type or ("application/json" if body else ""),
            body if (body and op.has_body) else None,
        )
        try:
            # Validation only: unmarshalling would double the cost and we already hold the JSON.
            problems = list(self._core.iter_request_errors(request))
        except Exception as exc:  # a validator crash on odd input (e.g. a list as a discriminator value)
            log.warning("openapi-core failed on a %s request: %r", op.operation_id, exc)
            raise ApiError(errors.INVALID_REQUEST, f"{self.errors[errors.INVALID_REQUEST].message}: "
                           "the body does not match the operation's schema") from None
        if problems:
            raise self._error_for(op, problems)
        return ValidatedRequest(
            path=self._typed(op, "path", list(path_params.items())),
            query=self._typed(op, "query", query),
            body=parsed_body,
        )

    def _typed(self, op: Operation, location: str, values: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """Validated parameter strings as their schema types (integer, number, boolean)."""
        types = {
            p["name"]: (self.resolve(p.get("schema") or {}).get("type"))
            for p in self._parameters(op)
            if p.get("in") == location
        }
        out: dict[str, Any] = {}
        for name, raw in values:
            if name not in types or name in out:
                continue  # undocumented parameters are ignored; the first of repeated ones counts
            kind = types[name]
            if kind == "integer":
                out[name] = int(raw)
            elif kind == "number":
                out[name] = float(raw)
            elif kind == "boolean":
                out[name] = str(raw).lower() == "true"
            else:
                out[name] = raw
        return out

    def _error_for(self, op: Operation, problems: Iterable[Exception]) -> ApiError:
        """Map openapi-core's findings to one error. A request that fails only on fields carrying
        `x-invalid-code` gets that code (the first one met); anything else is `common/invalid-request`."""
        issues: list[Issue] = []
        for problem in problems:
            if isinstance(problem, PathError):
                return ApiError(errors.NOT_FOUND)
            if isinstance(problem, MissingRequiredParameter):
                issues.append(Issue(None, f"the {problem.location} parameter `{problem.name}` is required"))
            elif isinstance(problem, ParameterValidationError):
                param_code = self._parameter_code(op, problem.name, problem.location)
                cause = problem.__cause__
                found = _schema_issues(cause) if isinstance(cause, InvalidSchemaValue) else []
                if not found:
                    found = [Issue(None, str(cause or problem))]
                for issue in found:
                    # explain.plain calls a top-level value "the body"; here it is the parameter's value
                    why = re.sub(r"^the body\b", "the value", issue.why)
                    issues.append(
                        Issue(issue.code or param_code, f"{problem.location} parameter `{problem.name}`: {why}")
                    )
            elif isinstance(problem, MissingRequiredRequestBody):
                issues.append(Issue(None, "a JSON request body is required"))
            elif isinstance(problem, RequestBodyValidationError):
                cause = problem.__cause__
                if isinstance(cause, InvalidSchemaValue):
                    issues.extend(_schema_issues(cause))
                else:
                    issues.append(Issue(None, str(cause or problem)))
            else:
                issues.append(Issue(None, str(problem)))
        if not issues:
            issues.append(Issue(None, "the request does not match the operation"))
        if all(issue.code for issue in issues) and issues[0].code in self.errors:
            code = str(issues[0].code)
        else:
            code = errors.INVALID_REQUEST
        # every problem, in plain words (sandbox/explain.py), the ones of the answered code first
        whys = [i.why for i in issues if (i.code or errors.INVALID_REQUEST) == code]
        whys += [i.why for i in issues if i.why not in whys]
        return ApiError(code, f"{self.errors[code].message}: {'; '.join(dict.fromkeys(whys))}.")

    def _parameter_code(self, op: Operation, name: str, location: str) -> str | None:
        for param in self._parameters(op):
            if param.get("name") == name and param.get("in") == location:
                code = param.get("x-invalid-code")
                return str(code) if code else None
        return None

    def _declares_parameters(self, op: Operation) -> bool:
        known = self._has_parameters.get(op.operation_id)
        if known is None:
            known = self._has_parameters[op.operation_id] = bool(self._parameters(op))
        return known

    def _parameters(self, op: Operation) -> list[dict[str, Any]]:
        item = (self.raw.get("paths") or {}).get(op.path) or {}
        params = list(item.get("parameters") or []) + list(op.raw.get("parameters") or [])
        return [self.resolve(p) for p in params]

    def resolve(self, node: Any) -> Any:
        """Follow a local `$ref` (`#/components/...`)."""
        seen = 0
        while isinstance(node, dict) and "$ref" in node and seen < 20:
            target: Any = self.raw
            for part in str(node["$ref"]).lstrip("#/").split("/"):
                target = target[part]
            node, seen = target, seen + 1
        return node

    def check_response(
        self,
        op: Operation,
        *,
        path_params: Mapping[str, str],
        query: Iterable[tuple[str, str]],
        request_headers: Iterable[tuple[str, str]],
        status: int,
        headers: Mapping[str, str],
        data: bytes,
    ) -> list[str]:
        """Problems with a response against the spec (empty when it conforms)."""
        request = _CoreRequest(op.method, op.path, path_params, query, request_headers, "", None)
        response = _CoreResponse(status, headers, data)
        problems = []
        for err in self._core.iter_response_errors(request, response):
            cause = err.__cause__
            extra = ""
            if isinstance(cause, InvalidSchemaValue):
                extra = "; ".join(issue.why for issue in _schema_issues(cause))
            problems.append(f"{err}{': ' + extra if extra else ''}")
        return problems


def _media_matches(media: str, pattern: str) -> bool:
    """`image/png` matches `image/png`, `image/*` and `*/*`."""
    pattern = pattern.lower()
    if pattern in (media, "*/*"):
        return True
    return pattern.endswith("/*") and media.startswith(pattern[:-1])


@dataclass(frozen=True)
class Issue:
    code: str | None  # the field's `x-invalid-code`, when it has one
    why: str


def _schema_issues(cause: InvalidSchemaValue) -> list[Issue]:
    """Flatten jsonschema errors, following oneOf/anyOf only into the branches whose discriminator
    (`const`) matched, so `method: password` is judged as a password request, not a magic-link one."""
    out: list[Issue] = []
    for err in cause.schema_errors:
        out.extend(_leaf_issues(err))
    return out


def _leaf_issues(err: Any) -> list[Issue]:
    context = list(getattr(err, "context", None) or [])
    if context:
        branches: dict[Any, list[Any]] = {}
        for sub in context:
            key = sub.relative_schema_path[0] if sub.relative_schema_path else None
            branches.setdefault(key, []).append(sub)
        matching = [subs for subs in branches.values() if not any(_is_discriminator_miss(s) for s in subs)]
        if matching:
            # Among the branches that fit `method`, judge by the one with the fewest problems.
            best = min(matching, key=len)
            out: list[Issue] = []
            for sub in best:
                out.extend(_leaf_issues(sub))
            if out:
                return out
    return [Issue(_invalid_code(err), _explain(err))]


def _is_discriminator_miss(err: Any) -> bool:
    """`method: "password"` sent to the magic-link branch (or a missing `method`)."""
    if err.validator == "const" and len(err.relative_path) == 1:
        return True
    if err.validator == "required" and "method" in (err.validator_value or []) and isinstance(err.instance, dict):
        return "method" not in err.instance
    return False


def _invalid_code(err: Any) -> str | None:
    """A wrong value in a field whose schema names its own code. Missing or unknown fields are
    structural problems of the request, so they stay `common/invalid-request`."""
    if err.validator in ("required", "additionalProperties", "minProperties", "maxProperties"):
        return None
    schema = err.schema if isinstance(err.schema, dict) else {}
    code = schema.get("x-invalid-code")
    return str(code) if code else None


def _explain(err: Any) -> str:
    return plain(err)
