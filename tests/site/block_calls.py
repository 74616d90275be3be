"""The bkend requests a hand-written code block makes (`bkendFetch(...)`, `fetch(...)` and cURL to a
`/v1/` or `/sandbox/` path), and their check against the spec: the path exists, has the method, and
every body key is a property of the request schema (of the oneOf branches the body's `method`
selects)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass, field
from typing import Any

API_PATH = re.compile(r"^/(?:v1|sandbox)/")
CALL = re.compile(r"\b(bkendFetch|fetch)\(")
KEY = re.compile(r"""^\s*(?:(?P<name>[A-Za-z_$][\w$]*)|'(?P<single>[^']*)'|"(?P<double>[^"]*)")\s*(?::|$)""")
STRING = re.compile(r"""^\s*(?:'(?P<single>[^']*)'|"(?P<double>[^"]*)")\s*$""")


@dataclass
class ApiCall:
    method: str
    path: str  # as written; `${...}` stands for a path parameter
    body_keys: list[str] | None  # None: no object literal to read keys from
    discriminator: str | None = None  # the body's literal `method`, if any
    line: int = 0  # within the block, 1-based
    problems: list[str] = field(default_factory=list)


def _balanced(text: str, start: int) -> int:
    """Index just past the bracket closing the one at `start`, skipping strings and comments."""
    pairs = {"(": ")", "{": "}", "[": "]"}
    stack = [pairs[text[start]]]
    i = start + 1
    while i < len(text) and stack:
        c = text[i]
        if c in "'\"`":
            i = _string_end(text, i)
            continue
        if text.startswith("//", i):
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
            continue
        if c in pairs:
            stack.append(pairs[c])
        elif c == stack[-1]:
            stack.pop()
        i += 1
    return i


def _string_end(text: str, start: int) -> int:
    quote, i = text[start], start + 1
    while i < len(text):
        if text[i] == "\\":
            i += 2
            continue
        if quote == "`" and text.startswith("${", i):
            i = _balanced(text, i + 1)
            continue
        if text[i] == quote:
            return i + 1
        i += 1
    return i


def _split_top(text: str) -> list[str]:
    """Split at commas outside brackets and strings."""
    parts, depth, i, last = [], 0, 0, 0
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            i = _string_end(text, i)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            parts.append(text[last:i])
            last = i + 1
        i += 1
    parts.append(text[last:])
    return [p.strip() for p in parts if p.strip()]


def _literal_path(arg: str) -> str | None:
    arg = arg.strip()
    if len(arg) >= 2 and arg[0] == arg[-1] and arg[0] in "'\"`":
        path = arg[1:-1].split("?")[0]
        # `${BASE}/v1/...`: the base URL is not part of the path.
        path = re.sub(r"^\$\{[^}]*\}(?=/)", "", path)
        return path if API_PATH.match(path) else None
    return None


def _object_entries(obj: str) -> dict[str, str]:
    """Top-level `key: value` entries of an object literal (shorthand `key` maps to itself)."""
    entries = {}
    for part in _split_top(obj.strip()[1:-1]):
        if part.startswith("..."):
            continue  # a spread: its keys are not written here
        match = KEY.match(part)
        if match:
            name = match["name"] or match["single"] or match["double"] or ""
            entries[name] = part[match.end():].strip() if ":" in part[: match.end()] else name
    return entries


def js_calls(code: str) -> list[ApiCall]:
    calls = []
    for match in CALL.finditer(code):
        end = _balanced(code, match.end() - 1)
        args = _split_top(code[match.end(): end - 1])
        path = _literal_path(args[0]) if args else None
        if path is None:
            continue
        options = _object_entries(args[1]) if len(args) > 1 and args[1].startswith("{") else {}
        method = STRING.match(options.get("method", "'GET'"))
        body = options.get("body", "")
        if body.startswith("JSON.stringify("):
            body = body[len("JSON.stringify("):-1].strip()
        keys = discriminator = None
        if body.startswith("{"):
            entries = _object_entries(body)
            keys = list(entries)
            literal = STRING.match(entries.get("method", ""))
            discriminator = (literal["single"] or literal["double"]) if literal else None
        calls.append(ApiCall(
            method=((method["single"] or method["double"]) if method else "?").upper(),
            path=path, body_keys=keys, discriminator=discriminator,
            line=code.count("\n", 0, match.start()) + 1,
        ))
    return calls


def curl_calls(code: str) -> list[ApiCall]:
    calls = []
    joined = code.replace("\\\n", " ")
    for number, line in enumerate(joined.splitlines(), 1):
        if not re.match(r"^\s*curl\b", line):
            continue
        words = shlex.split(line, comments=True)
        method, url, data = "GET", "", None
        for i, word in enumerate(words):
            if word in ("-X", "--request"):
                method = words[i + 1].upper()
            elif word in ("-d", "--data", "--data-raw", "--json"):
                data = words[i + 1]
                method = "POST" if method == "GET" else method
            elif re.match(r"^(https?://|\$)", word):
                url = word
        path = re.sub(r"^(?:https?://[^/]+|\$\{?\w+\}?)", "", url).split("?")[0]
        if not API_PATH.match(path):
            continue
        body = json.loads(data) if data else None
        calls.append(ApiCall(method=method, path=path, body_keys=list(body) if isinstance(body, dict) else None,
                             discriminator=body.get("method") if isinstance(body, dict) else None, line=number))
    return calls


# --- the spec side --------------------------------------------------------------------------------


def deref(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


def spec_path(spec: dict[str, Any], written: str) -> str | None:
    """The spec path a written path is an instance of (`${x}` and `{x}` stand for any segment)."""
    segments = written.strip("/").split("/")
    for candidate in spec["paths"]:
        template = candidate.strip("/").split("/")
        if len(template) == len(segments) and all(
            t == s or (t.startswith("{") and bool(s)) for t, s in zip(template, segments, strict=True)
        ):
            return str(candidate)
    return None


def _branches(spec: dict[str, Any], schema: Any) -> list[dict[str, Any]]:
    schema = deref(spec, schema)
    for combinator in ("oneOf", "anyOf"):
        if combinator in schema:
            return [b for sub in schema[combinator] for b in _branches(spec, sub)]
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for sub in schema["allOf"]:
            for branch in _branches(spec, sub):
                merged["properties"].update(branch.get("properties", {}))
        return [merged]
    return [schema]


def check(spec: dict[str, Any], call: ApiCall) -> list[str]:
    path = spec_path(spec, call.path)
    if path is None:
        return [f"{call.method} {call.path}: no such path in the spec"]
    operation = spec["paths"][path].get(call.method.lower())
    if operation is None:
        return [f"{call.method} {call.path}: the spec has no {call.method} on {path}"]
    if call.body_keys is None:
        return []
    body = deref(spec, operation.get("requestBody", {}))
    schema = body.get("content", {}).get("application/json", {}).get("schema")
    if schema is None:
        return [f"{call.method} {path} takes no JSON body, the block sends {call.body_keys}"] if call.body_keys else []
    branches = _branches(spec, schema)
    if call.discriminator is not None:
        chosen = [b for b in branches
                  if deref(spec, b.get("properties", {}).get("method", {})).get("const") in (None, call.discriminator)]
        branches = chosen or branches
    known = {key for b in branches for key in b.get("properties", {})}
    unknown = [k for k in call.body_keys if k not in known]
    return [f"{call.method} {path}: body key {k!r} is not in the request schema ({sorted(known)})" for k in unknown]
