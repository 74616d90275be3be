"""Evaluate the facts of bkend_facts.yaml against the spec: each check kind reads one thing the spec
says (an operation, a field, a default, an error status, a sentence of a description)."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import yaml

FACTS_FILE = Path(__file__).with_name("bkend_facts.yaml")


def load_facts() -> list[dict[str, Any]]:
    return yaml.safe_load(FACTS_FILE.read_text(encoding="utf-8"))


def pointer(doc: Any, ptr: str) -> Any:
    """RFC 6901; a missing member raises KeyError."""
    node = doc
    for raw in ptr.lstrip("/").split("/") if ptr else []:
        part = raw.replace("~1", "/").replace("~0", "~")
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


class SpecView:
    """Just enough of the spec's structure to answer the checks."""

    def __init__(self, spec: dict[str, Any]) -> None:
        self.spec = spec
        self.ops: dict[str, dict[str, Any]] = {}
        self.routes: set[tuple[str, str]] = set()
        for path, item in spec["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "operationId" in op:
                    self.ops[op["operationId"]] = op
                    self.routes.add((method, path))

    def resolve(self, node: Any) -> Any:
        while isinstance(node, dict) and "$ref" in node:
            rest = {k: v for k, v in node.items() if k != "$ref"}
            target = pointer(self.spec, node["$ref"].removeprefix("#"))
            node = {**target, **rest} if rest and isinstance(target, dict) else target
        return node

    def parts(self, schema: Any) -> Iterator[dict[str, Any]]:
        """The schema and every subschema it combines (allOf / oneOf / anyOf), resolved."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return
        yield schema
        for key in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(key, []):
                yield from self.parts(sub)

    def properties(self, schema: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for part in self.parts(schema):
            out.update(part.get("properties", {}))
        return out

    def required(self, schema: Any) -> set[str]:
        """Required whatever the variant: own and allOf `required`, plus what every oneOf variant
        requires. anyOf alternatives ("at least one of") make nothing required on their own."""
        schema = self.resolve(schema)
        if not isinstance(schema, dict):
            return set()
        out = set(schema.get("required", []))
        for sub in schema.get("allOf", []):
            out |= self.required(sub)
        variants = [self.required(sub) for sub in schema.get("oneOf", [])]
        if variants:
            out |= set.intersection(*variants)
        return out

    def field(self, schema: Any, dotted: str) -> Any:
        """`items[].userId`: the property schema, through arrays; KeyError when absent."""
        node = schema
        for name in dotted.split("."):
            array = name.endswith("[]")
            node = self.properties(node)[name.removesuffix("[]")]
            if array:
                node = self.resolve(node)["items"]
        return node

    def request_schema(self, op_id: str) -> Any:
        return self.resolve(self.ops[op_id]["requestBody"])["content"]["application/json"]["schema"]

    def success_schemas(self, op_id: str, status: str | None = None) -> list[Any]:
        out = []
        for code, response in self.ops[op_id]["responses"].items():
            if (status is None and str(code).startswith("2")) or str(code) == status:
                for media in self.resolve(response).get("content", {}).values():
                    out.append(media["schema"])
        return out

    def parameter(self, op_id: str, name: str) -> dict[str, Any]:
        for param in self.ops[op_id].get("parameters", []):
            param = self.resolve(param)
            if param["name"] == name:
                return param
        raise KeyError(name)


def _has_fields(view: SpecView, schemas: list[Any], fields: list[str]) -> list[str]:
    missing = []
    for name in fields:
        found = False
        for schema in schemas:
            try:
                view.field(schema, name)
                found = True
            except KeyError:
                pass
        if not found:
            missing.append(name)
    return missing


def _check(view: SpecView, check: dict[str, Any]) -> str | None:
    """None when the spec agrees with the check; otherwise what it says instead."""
    kind = check["kind"]
    spec = view.spec
    if kind == "operation":
        return None if (check["method"], check["path"]) in view.routes else "no such operation"
    op_id = check.get("op")
    if op_id is not None and op_id not in view.ops:
        return f"no operation {op_id}"
    if kind == "request-has":
        missing = _has_fields(view, [view.request_schema(op_id)], check["fields"])
        return f"request lacks {missing}" if missing else None
    if kind == "request-lacks":
        present = [f for f in check["fields"] if f in view.properties(view.request_schema(op_id))]
        return f"request has {present}" if present else None
    if kind in ("request-required", "request-optional"):
        schema = view.request_schema(op_id)
        missing = _has_fields(view, [schema], check["fields"])
        if missing:
            return f"request lacks {missing}"
        required = view.required(schema)
        wrong = [f for f in check["fields"] if (f in required) != (kind == "request-required")]
        return f"{'optional' if kind == 'request-required' else 'required'}: {wrong}" if wrong else None
    if kind == "response-has":
        missing = _has_fields(view, view.success_schemas(op_id), check["fields"])
        return f"response lacks {missing}" if missing else None
    if kind == "response-status":
        return None if check["status"] in map(str, view.ops[op_id]["responses"]) else "status not documented"
    if kind in ("text-has", "text-lacks"):
        try:
            text = str(pointer(spec, check["pointer"]))
        except (KeyError, IndexError):
            return "no such text"
        if (check["text"] in text) != (kind == "text-has"):
            return f"text {'lacks' if kind == 'text-has' else 'has'} {check['text']!r}"
        return None
    if kind in ("x-errors-has", "x-errors-lack"):
        listed = set(view.ops[op_id].get("x-errors", []))
        wrong = [c for c in check["codes"] if (c in listed) != (kind == "x-errors-has")]
        return f"x-errors {'lack' if kind == 'x-errors-has' else 'have'} {wrong}" if wrong else None
    if kind == "sends-mail-lacks":
        sent = [k for k in check["kinds"] if k in view.ops[op_id].get("x-sends-mail", [])]
        return f"sends {sent}" if sent else None
    if kind == "value":
        try:
            value = pointer(spec, check["pointer"])
        except (KeyError, IndexError):
            value = None
        return None if value == check["equals"] and type(value) is type(check["equals"]) else f"is {value!r}"
    if kind == "keys-include":
        try:
            keys = set(pointer(spec, check["pointer"]))
        except (KeyError, IndexError):
            keys = set()
        missing = [k for k in check["keys"] if k not in keys]
        return f"missing {missing}" if missing else None
    if kind == "enum-has":
        try:
            values = pointer(spec, check["pointer"])
        except (KeyError, IndexError):
            values = []
        missing = [v for v in check["values"] if v not in values]
        return f"enum lacks {missing}" if missing else None
    if kind == "nullable":
        schema = view.resolve(pointer(spec, check["pointer"]))
        types = schema.get("type")
        return None if isinstance(types, list) and "null" in types else f"type is {types!r}"
    if kind == "schema-exists":
        return None if check["name"] in spec["components"]["schemas"] else "no such schema"
    if kind == "security":
        bearer = any("bearerAuth" in alt for alt in view.ops[op_id].get("security", []))
        return None if bearer == check["bearer"] else f"bearer token {'required' if bearer else 'not taken'}"
    if kind == "param":
        try:
            param = view.parameter(op_id, check["name"])
        except KeyError:
            return "no such parameter"
        schema = view.resolve(param.get("schema", {}))
        if "default" in check and schema.get("default") != check["default"]:
            return f"default is {schema.get('default')!r}"
        missing = [v for v in check.get("enum-has", []) if v not in schema.get("enum", [])]
        return f"enum lacks {missing}" if missing else None
    if kind == "error":
        entry = spec["x-error-codes"].get(check["code"])
        return None if entry and entry["status"] == check["status"] else f"status is {entry and entry['status']}"
    raise ValueError(f"unknown check kind {kind!r}")


CHECK_KINDS = (
    "operation", "request-has", "request-lacks", "request-required", "request-optional", "response-has",
    "response-status", "text-has", "text-lacks", "x-errors-has", "x-errors-lack", "sends-mail-lacks", "value",
    "keys-include", "enum-has", "nullable", "schema-exists", "security", "param", "error",
)


def contradictions(spec: dict[str, Any], facts: list[dict[str, Any]]) -> dict[str, list[str]]:
    """fact id -> what the spec says instead, for every fact the spec does not follow."""
    view = SpecView(spec)
    out: dict[str, list[str]] = {}
    for fact in facts:
        problems = [f"{c['kind']}: {p}" for c in fact["checks"] if (p := _check(view, c)) is not None]
        if problems:
            out[fact["id"]] = problems
    return out


def mutated(spec: dict[str, Any], change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    copied = copy.deepcopy(spec)
    change(copied)
    return copied
