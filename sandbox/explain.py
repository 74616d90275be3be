"""Request-validation problems in plain words: one short sentence per problem, naming the field.

openapi-core hands over jsonschema errors whose messages are Python reprs ("{'email': 'x'} does not
contain discriminating property 'method'", "'x' is not a 'email'"); a reader of an API error needs the
field and what to change instead. `plain` words one error; the caller lists every problem found.
"""

from __future__ import annotations

import json
import re
from typing import Any

# What a `format` asks for, in words.
FORMATS = {
    "email": "an e-mail address",
    "uri": "an absolute URL",
    "url": "an absolute URL",
    "date-time": "a date and time (RFC 3339)",
    "date": "a date (YYYY-MM-DD)",
    "uuid": "a UUID",
    "password": "a string",
}
TYPES = {
    "object": "a JSON object",
    "array": "a list",
    "string": "a string",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}


def _code(value: Any) -> str:
    return f"`{value if isinstance(value, str) else json.dumps(value)}`"


def _field(path: list[Any]) -> str:
    return ".".join(str(p) for p in path)


def _subject(path: list[Any]) -> str:
    return f"`{_field(path)}`" if path else "the body"


def _choices(schema: dict[str, Any]) -> list[str]:
    mapping = (schema.get("discriminator") or {}).get("mapping") or {}
    return list(mapping)


def plain(err: Any) -> str:
    """One jsonschema error as a sentence about the field it concerns."""
    path = list(err.absolute_path)
    subject = _subject(path)
    kind, expected = err.validator, err.validator_value
    schema = err.schema if isinstance(err.schema, dict) else {}
    instance = err.instance
    if kind == "required":
        missing = [name for name in expected if not isinstance(instance, dict) or name not in instance]
        return "; ".join(f"`{_field([*path, name])}` is required" for name in missing) or "a required field is missing"
    if kind == "additionalProperties":
        allowed = set(schema.get("properties") or {})
        extra = [k for k in (instance if isinstance(instance, dict) else {}) if k not in allowed]
        return "; ".join(f"`{_field([*path, k])}` is not a field of this request" for k in extra)
    if kind == "discriminator" or "discriminating property" in str(err.message) or "could not be resolved" in str(err.message):
        prop = (schema.get("discriminator") or {}).get("propertyName", "method")
        options = ", ".join(_code(c) for c in _choices(schema))
        sent = instance.get(prop) if isinstance(instance, dict) else None
        head = f"`{_field([*path, prop])}` is required" if sent is None else f"`{_field([*path, prop])}` cannot be {_code(sent)}"
        return f"{head}: it is one of {options}" if options else head
    if kind == "type":
        wanted = expected if isinstance(expected, list) else [expected]
        return f"{subject} must be " + " or ".join(TYPES.get(str(t), str(t)) for t in wanted)
    if kind == "format":
        return f"{subject} must be {FORMATS.get(str(expected), f'in {expected} format')}"
    if kind in ("minLength", "maxLength"):
        bound = "at least" if kind == "minLength" else "at most"
        return f"{subject} must be {bound} {expected} character{'s' if expected != 1 else ''} long"
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        words = {"minimum": "at least", "maximum": "at most", "exclusiveMinimum": "more than", "exclusiveMaximum": "less than"}
        return f"{subject} must be {words[kind]} {expected}"
    if kind in ("minItems", "maxItems"):
        return f"{subject} must have {'at least' if kind == 'minItems' else 'at most'} {expected} item(s)"
    if kind == "enum":
        return f"{subject} must be one of " + ", ".join(_code(v) for v in expected)
    if kind == "const":
        return f"{subject} must be {_code(expected)}"
    if kind == "pattern":
        return f"{subject} does not have the expected form (pattern {_code(expected)})"
    if kind == "maxProperties" and expected == 0:
        return f"{subject} must be empty"
    if kind in ("oneOf", "anyOf"):
        return f"{subject} matches none of the request's forms"
    message = re.sub(r"\s+", " ", str(err.message))
    message = message if len(message) <= 200 else message[:200] + "..."
    return f"{subject}: {message}" if path else message
