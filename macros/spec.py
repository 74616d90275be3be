"""Load spec/openapi.yaml and index what the macros look up: operations, tags, schemas, error
codes and lifetimes.

The file is read again on every build (define_env calls `load_spec`), so `mkdocs serve` shows
spec edits on the next reload; it is parsed only when its bytes changed (the English build and every
serve reload reuse the parsed spec). So a `Spec` is shared: nothing may change it after loading.
Lookups of unknown names raise `UnknownName`, which names the kind of thing, the name asked for and
the closest known names.
"""

from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

from .i18n import LANGUAGES, duration

SPEC_PATH = Path(__file__).resolve().parent.parent / "spec" / "openapi.yaml"
# libyaml's loader reads the spec about five times faster; it is read on every build.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
# Spec text names a lifetime as the code span `x-lifetimes.<name>` (no number typed twice); the pages
# show it in words, in the language of the text it stands in.
LIFETIME_REF = re.compile(r"`x-lifetimes\.([A-Za-z0-9_]+)`")
_TEXT_KEYS = frozenset({"summary", "description", "decision", "message"})


class SpecError(Exception):
    """The spec file cannot be read or is not shaped like an OpenAPI document."""


class UnknownName(LookupError):
    def __init__(self, kind: str, name: object, known: list[str]) -> None:
        self.kind = kind
        self.name = name
        close = difflib.get_close_matches(str(name), known, n=3)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        super().__init__(f"unknown {kind} {name!r}{hint}")

    def __str__(self) -> str:  # LookupError would wrap the message in quotes
        return self.args[0]


@dataclass(frozen=True)
class Operation:
    op_id: str
    method: str  # upper case
    path: str
    data: dict[str, Any]  # the operation object as written in the spec
    parameters: tuple[dict[str, Any], ...]  # path-item and operation parameters, $refs resolved

    @property
    def tag(self) -> str:
        tags = self.data.get("tags") or []
        return tags[0] if tags else ""

    @property
    def needs_key(self) -> bool:
        """Whether the publishable key is sent (a signed sandbox URL is its own credential)."""
        return any(alternative for alternative in self.data.get("security") or [])

    @property
    def needs_bearer(self) -> bool:
        return any("bearerAuth" in alternative for alternative in self.data.get("security") or [])

    @property
    def sandbox_only(self) -> bool:
        return bool(self.data.get("x-sandbox-only"))

    @property
    def anchor(self) -> str:
        """Heading id shared by the ko and en pages (`emailSignUp` -> `emailsignup`)."""
        return self.op_id.lower()


class Spec:
    def __init__(self, raw: dict[str, Any], source: Path | None = None) -> None:
        if not isinstance(raw, dict) or not isinstance(raw.get("paths"), dict):
            raise SpecError(f"{source or 'spec'}: not an OpenAPI document (no `paths` mapping)")
        self.raw = raw
        self.source = source
        _expand_lifetimes(raw, raw.get("x-lifetimes") or {}, "en", "", source)
        self.operations: dict[str, Operation] = {}
        for path, item in raw["paths"].items():
            item = self.resolve(item)
            shared = [self.resolve(p) for p in item.get("parameters") or []]
            for method in HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                op_id = op.get("operationId")
                if not op_id:
                    raise SpecError(f"{source or 'spec'}: {method.upper()} {path} has no operationId")
                own = [self.resolve(p) for p in op.get("parameters") or []]
                own_keys = {(p["name"], p["in"]) for p in own}
                params = tuple([p for p in shared if (p["name"], p["in"]) not in own_keys] + own)
                self.operations[op_id] = Operation(op_id, method.upper(), path, op, params)

    # -- lookups --------------------------------------------------------------------------------

    def operation(self, op_id: str) -> Operation:
        try:
            return self.operations[op_id]
        except KeyError:
            raise UnknownName("operation", op_id, list(self.operations)) from None

    @cached_property
    def tags(self) -> dict[str, dict[str, Any]]:
        tags = {t["name"]: t for t in self.raw.get("tags") or []}
        for op in self.operations.values():  # a tag used but not declared still exists
            tags.setdefault(op.tag, {"name": op.tag})
        return tags

    def tag(self, name: str) -> dict[str, Any]:
        try:
            return self.tags[name]
        except KeyError:
            raise UnknownName("tag", name, list(self.tags)) from None

    def operations_with_tag(self, name: str) -> list[Operation]:
        self.tag(name)
        return [op for op in self.operations.values() if name in (op.data.get("tags") or [])]

    @property
    def schemas(self) -> dict[str, Any]:
        return (self.raw.get("components") or {}).get("schemas") or {}

    def schema(self, name: str) -> dict[str, Any]:
        try:
            return self.schemas[name]
        except KeyError:
            raise UnknownName("schema", name, list(self.schemas)) from None

    @property
    def error_codes(self) -> dict[str, dict[str, Any]]:
        return self.raw.get("x-error-codes") or {}

    def error_code(self, code: str) -> dict[str, Any]:
        try:
            return self.error_codes[code]
        except KeyError:
            raise UnknownName("error code", code, list(self.error_codes)) from None

    @property
    def lifetimes(self) -> dict[str, int]:
        return self.raw.get("x-lifetimes") or {}

    def lifetime(self, name: str) -> int:
        try:
            return self.lifetimes[name]
        except KeyError:
            raise UnknownName("lifetime", name, list(self.lifetimes)) from None

    def request_examples(self, op: Operation) -> dict[str, dict[str, Any]]:
        """Named request-body examples of an operation, in spec order (the first is the default)."""
        body = self.request_body(op)
        if body is None:
            return {}
        return {name: self.resolve(ex) for name, ex in (body.get("examples") or {}).items()}

    def request_example(self, op: Operation, name: str | None) -> tuple[str | None, Any]:
        """(name, value) of the chosen example, or of the default one when `name` is None."""
        examples = self.request_examples(op)
        if name is None:
            if not examples:
                body = self.request_body(op)
                return None, (body or {}).get("example")
            name = next(iter(examples))
        if name not in examples:
            raise UnknownName(f"example of {op.op_id}", name, list(examples))
        return name, examples[name].get("value")

    def request_body(self, op: Operation) -> dict[str, Any] | None:
        """The `application/json` media object of the request body, if any."""
        return self.request_media(op).get("application/json")

    def request_media(self, op: Operation) -> dict[str, Any]:
        """Every media type of the request body (`{}` without a body)."""
        body = op.data.get("requestBody")
        return dict(self.resolve(body).get("content") or {}) if body is not None else {}

    def base_url(self, op: Operation) -> str:
        """Where an operation is served: its own `servers` (sandbox-only operations), else the
        production URL."""
        path_item = self.resolve(self.raw["paths"][op.path])
        for servers in (op.data.get("servers"), path_item.get("servers")):
            if servers:
                return servers[0]["url"].rstrip("/")
        return self.production_url

    def success_response(self, op: Operation) -> tuple[str, dict[str, Any]]:
        """(status, response) of the documented success: the first 2xx, else the first 3xx."""
        responses = op.data.get("responses") or {}
        for family in "23":
            for status, response in responses.items():
                if str(status).startswith(family):
                    return str(status), self.resolve(response)
        raise SpecError(f"{op.op_id} documents no 2xx or 3xx response")

    @property
    def production_url(self) -> str:
        servers = self.raw.get("servers") or []
        if not servers:
            raise SpecError(f"{self.source or 'spec'}: no `servers`; the first one is the production URL")
        return servers[0]["url"].rstrip("/")

    # -- $ref -----------------------------------------------------------------------------------

    def resolve(self, node: Any) -> Any:
        """Follow local `$ref`s (`#/components/...`) until a node without one."""
        seen: set[str] = set()
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if not isinstance(ref, str) or not ref.startswith("#/"):
                raise SpecError(f"only local $refs are supported, got {ref!r}")
            if ref in seen:
                raise SpecError(f"$ref cycle at {ref}")
            seen.add(ref)
            target: Any = self.raw
            for part in ref[2:].split("/"):
                part = part.replace("~1", "/").replace("~0", "~")
                if not isinstance(target, dict) or part not in target:
                    raise SpecError(f"$ref {ref!r} points nowhere")
                target = target[part]
            node = target
        return node

    @staticmethod
    def ref_name(node: Any) -> str | None:
        """`User` for `{$ref: '#/components/schemas/User'}`, else None."""
        if isinstance(node, dict) and isinstance(node.get("$ref"), str):
            return node["$ref"].rsplit("/", 1)[-1]
        return None


def _expand_lifetimes(
    node: Any, lifetimes: dict[str, Any], lang: str, where: str, source: Path | None
) -> None:
    """Replace `x-lifetimes.<name>` in summaries, descriptions, decisions and messages with the
    lifetime in words: Korean under `x-i18n.ko`, English elsewhere. Examples are left alone."""
    if isinstance(node, list):
        for i, item in enumerate(node):
            _expand_lifetimes(item, lifetimes, lang, f"{where}/{i}", source)
        return
    if not isinstance(node, dict):
        return
    for key, value in node.items():
        if key in ("example", "examples"):
            continue
        if key == "x-i18n" and isinstance(value, dict):
            for text_lang, texts in value.items():
                _expand_lifetimes(texts, lifetimes, str(text_lang), f"{where}/x-i18n/{text_lang}", source)
        elif key in _TEXT_KEYS and isinstance(value, str) and "`x-lifetimes." in value:

            def words(match: re.Match[str], at: str = f"{where}/{key}") -> str:
                name = match.group(1)
                if name not in lifetimes:
                    known = UnknownName("lifetime", name, list(lifetimes))
                    raise SpecError(f"{source or 'spec'}: {at}: {known}")
                return duration(int(lifetimes[name]), lang if lang in LANGUAGES else "en")

            node[key] = LIFETIME_REF.sub(words, value)
        else:
            _expand_lifetimes(value, lifetimes, lang, f"{where}/{key}", source)


# resolved path -> (digest of the file's bytes, the Spec parsed from them)
_parsed: dict[Path, tuple[bytes, Spec]] = {}


def load_spec(path: Path = SPEC_PATH) -> Spec:
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise SpecError(f"cannot read the spec {path}: {exc.strerror}") from None
    key, digest = Path(path).resolve(), hashlib.blake2b(data).digest()
    known = _parsed.get(key)
    if known is not None and known[0] == digest:
        return known[1]
    try:
        raw = yaml.load(data.decode("utf-8"), Loader=_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise SpecError(f"{path}: invalid YAML: {exc}") from None
    spec = Spec(raw, Path(path))
    _parsed[key] = (digest, spec)
    return spec
