"""Helpers that enumerate the parts of the spec the tests check (operations, examples, text)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

SPEC_PATH = Path(__file__).resolve().parents[2] / "spec" / "openapi.yaml"
# The URI under which the whole spec is registered, so `#/components/...` refs resolve into it.
SPEC_URI = "urn:bkend:openapi"


def load_spec() -> dict[str, Any]:
    with SPEC_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Operation:
    path: str
    method: str
    op: dict[str, Any]

    @property
    def id(self) -> str:
        return self.op.get("operationId", f"{self.method.upper()} {self.path}")


def operations(spec: dict[str, Any]) -> list[Operation]:
    return [
        Operation(path, method, op)
        for path, item in spec["paths"].items()
        for method, op in item.items()
        if method in HTTP_METHODS
    ]


def pointer(parts: list[str]) -> str:
    """A JSON pointer (RFC 6901) for a list of keys."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local `$ref`s (`#/...`) until a non-reference object."""
    while isinstance(node, dict) and "$ref" in node and len(node) == 1:
        ref = node["$ref"]
        assert ref.startswith("#/"), f"only local refs are used: {ref}"
        node = spec
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


@dataclass(frozen=True)
class Example:
    where: str  # JSON pointer of the example value
    schema_pointer: str  # JSON pointer of the schema it must satisfy
    value: Any


def examples(spec: dict[str, Any]) -> Iterator[Example]:
    """Every example in the spec with the schema it belongs to.

    Covers `example` beside a `schema` (parameters, headers, media types), named `examples`
    of media types (`{name: {value}}`) and the `examples` list of schema objects.
    """

    def walk(node: Any, parts: list[str], in_schema: bool) -> Iterator[Example]:
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, [*parts, str(i)], in_schema)
            return
        if not isinstance(node, dict):
            return
        if in_schema:
            if isinstance(node.get("examples"), list):
                for i, value in enumerate(node["examples"]):
                    yield Example(pointer([*parts, "examples", str(i)]), pointer(parts), value)
        elif "schema" in node:
            if "example" in node:
                yield Example(pointer([*parts, "example"]), pointer([*parts, "schema"]), node["example"])
            if isinstance(node.get("examples"), dict):
                for name, ex in node["examples"].items():
                    if "value" in ex:
                        yield Example(
                            pointer([*parts, "examples", name, "value"]),
                            pointer([*parts, "schema"]),
                            ex["value"],
                        )
        for key, value in node.items():
            if key in ("example", "x-i18n") or (key == "examples" and not in_schema):
                continue
            if in_schema and key in ("examples", "default", "const", "enum"):
                continue
            child_in_schema = in_schema or key == "schema" or (parts == ["components", "schemas"])
            yield from walk(value, [*parts, key], child_in_schema)

    yield from walk(spec, [], False)


def described_nodes(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every object with an English `description` outside `x-i18n` (for the Korean-twin check)."""

    def walk(node: Any, parts: list[str]) -> Iterator[tuple[str, dict[str, Any]]]:
        if isinstance(node, list):
            for i, item in enumerate(node):
                yield from walk(item, [*parts, str(i)])
        elif isinstance(node, dict):
            if isinstance(node.get("description"), str) and "x-error-codes" not in parts[:1]:
                yield pointer(parts), node
            for key, value in node.items():
                if key not in ("x-i18n", "example", "examples", "enum", "const", "default"):
                    yield from walk(value, [*parts, key])

    yield from walk(spec, [])
