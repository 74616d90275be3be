"""Markdown tables from the spec: endpoints, request, response, errors, schemas, the error
catalog and the password policy.

Pure functions: spec data + language in, Markdown out. Nothing here knows about MkDocs; the page
context (links to other pages) comes in as arguments.
"""

from __future__ import annotations

import http
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .i18n import duration, has_ui, localized, ui
from .pages import code_anchor
from .spec import Operation, Spec, UnknownName

# -- cells ---------------------------------------------------------------------------------------

_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)


def cell(text: object) -> str:
    """Text for one table cell: paragraphs become `<br><br>`, other newlines spaces, and `|` is
    escaped outside code spans (Python-Markdown keeps pipes inside backticks as they are)."""
    text = str(text).strip()
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    text = "<br><br>".join(p for p in paragraphs if p)
    out, pos = [], 0
    for m in _CODE_SPAN.finditer(text):
        out.append(text[pos : m.start()].replace("|", r"\|"))
        out.append(m.group(0))
        pos = m.end()
    out.append(text[pos:].replace("|", r"\|"))
    return "".join(out)


def code(value: object) -> str:
    """A value as a code span: strings as they are, everything else as JSON."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    fence = "``" if "`" in text else "`"
    pad = " " if fence == "``" else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def table(headers: Iterable[str], rows: Iterable[Iterable[object]]) -> str:
    headers = list(headers)
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def json_block(value: Any) -> str:
    return "```json\n" + json.dumps(value, indent=2, ensure_ascii=False) + "\n```"


def status_text(status: str) -> str:
    try:
        return f"{status} {http.HTTPStatus(int(status)).phrase}"
    except ValueError:
        return status


# -- schema fields -------------------------------------------------------------------------------


@dataclass
class Field:
    name: str
    type: str
    required: bool
    constraints: list[str] = field(default_factory=list)
    description: str = ""


def _merged(spec: Spec, node: Any) -> dict[str, Any]:
    """A schema with its $ref followed and its `allOf` parts merged into one object schema."""
    node = spec.resolve(node)
    if not isinstance(node, dict) or "allOf" not in node:
        return node if isinstance(node, dict) else {}
    merged: dict[str, Any] = {k: v for k, v in node.items() if k != "allOf"}
    props: dict[str, Any] = {}
    required: list[str] = []
    for part in node["allOf"]:
        part = _merged(spec, part)
        props.update(part.get("properties") or {})
        required += part.get("required") or []
        for key, value in part.items():
            merged.setdefault(key, value)
    props.update(node.get("properties") or {})
    merged["properties"] = props
    merged["required"] = required + list(node.get("required") or [])
    return merged


def _types(node: dict[str, Any]) -> list[str]:
    t = node.get("type")
    if isinstance(t, list):
        return [str(x) for x in t]
    if t:
        return [str(t)]
    if "const" in node:
        return [_json_type(node["const"])]
    if node.get("enum"):
        return sorted({_json_type(v) for v in node["enum"]}, key=str)
    if "properties" in node:
        return ["object"]
    if "items" in node:
        return ["array"]
    return []


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "string"


def type_text(spec: Spec, node: Any) -> str:
    """`string (email)`, `integer`, `object[]`, `string | integer`; `null` is left to the
    constraints column ("may be null")."""
    s = _merged(spec, node)
    variants = s.get("oneOf") or s.get("anyOf")
    if variants:
        names: list[str] = []
        for v in variants:
            t = type_text(spec, v)
            if t and t not in names:
                names.append(t)
        return " | ".join(names)
    parts = []
    for t in _types(s):
        if t == "null":
            continue
        if t == "array":
            inner = type_text(spec, s.get("items") or {}) or "any"
            parts.append(f"({inner})[]" if " | " in inner else f"{inner}[]")
        elif s.get("format") and t in ("string", "integer", "number"):
            parts.append(f"{t} ({s['format']})")
        else:
            parts.append(t)
    return " | ".join(parts) if parts else ("null" if "null" in _types(s) else "any")


def constraints(spec: Spec, node: Any, lang: str) -> list[str]:
    s = _merged(spec, node)
    out: list[str] = []

    def span(lo: str, hi: str, both: str, lo_key: str, hi_key: str) -> None:
        lo_v, hi_v = s.get(lo_key), s.get(hi_key)
        if lo_v is not None and hi_v is not None:
            out.append(ui(both, lang, min=lo_v, max=hi_v))
        elif lo_v is not None:
            out.append(ui(lo, lang, min=lo_v))
        elif hi_v is not None:
            out.append(ui(hi, lang, max=hi_v))

    span("c.length_min", "c.length_max", "c.length_range", "minLength", "maxLength")
    span("c.min", "c.max", "c.range", "minimum", "maximum")
    span("c.items_min", "c.items_max", "c.items_range", "minItems", "maxItems")
    enum = [v for v in s.get("enum") or [] if v is not None]
    if "const" in s or len(enum) == 1:
        out.append(ui("c.const", lang, value=code(s["const"] if "const" in s else enum[0])))
    elif enum:
        out.append(ui("c.enum", lang, values=", ".join(code(v) for v in enum)))
    if s.get("pattern") and not s.get("format"):  # a format (date-time, uri, email) already says it in words
        out.append(ui("c.pattern", lang, value=code(s["pattern"])))
    if "default" in s:
        out.append(ui("c.default", lang, value=code(s["default"])))
    if "null" in _types(s) or None in (s.get("enum") or []):
        out.append(ui("c.nullable", lang))
    return out


def _description(spec: Spec, node: Any, lang: str) -> str:
    # OpenAPI 3.1 allows a description beside a $ref; it wins over the target's own.
    return localized(node if isinstance(node, dict) else None, "description", lang) or localized(
        spec.resolve(node), "description", lang
    )


def schema_fields(spec: Spec, node: Any, lang: str, prefix: str = "", seen: tuple[str, ...] = ()) -> list[Field]:
    """One row per property, nested objects flattened as `parent.child`, arrays of objects as
    `parent[].child`. A schema that refers to itself is not expanded a second time."""
    name = Spec.ref_name(node)
    if name is not None:
        if name in seen:
            return []
        seen = (*seen, name)
    s = _merged(spec, node)
    if "object" not in _types(s) and "properties" not in s:
        if "array" in _types(s):
            return schema_fields(spec, s.get("items") or {}, lang, f"{prefix}[].", seen)
        return []
    required = set(s.get("required") or [])
    rows: list[Field] = []
    for prop_name, prop in (s.get("properties") or {}).items():
        full = f"{prefix}{prop_name}"
        rows.append(
            Field(
                name=full,
                type=type_text(spec, prop),
                required=prop_name in required,
                constraints=constraints(spec, prop, lang),
                description=_description(spec, prop, lang),
            )
        )
        inner = _merged(spec, prop)
        if "properties" in inner:
            rows += schema_fields(spec, prop, lang, f"{full}.", seen)
        elif "array" in _types(inner) and "properties" in _merged(spec, inner.get("items") or {}):
            rows += schema_fields(spec, inner["items"], lang, f"{full}[].", seen)
    return rows


def fields_table(rows: list[Field], lang: str, *, with_required: bool = True) -> str:
    yes, no = ui("yes", lang), ui("no", lang)
    if with_required:
        headers = [ui(k, lang) for k in ("field", "type", "required", "constraints", "description")]
        body = [
            [code(r.name), r.type, yes if r.required else no, ", ".join(r.constraints), r.description]
            for r in rows
        ]
    else:
        headers = [ui(k, lang) for k in ("field", "type", "description")]
        body = [
            [code(r.name), r.type, " ".join([r.description] + ([f"({', '.join(r.constraints)})"] if r.constraints else []))]
            for r in rows
        ]
    return table(headers, body)


def _variants(spec: Spec, schema: Any) -> list[Any]:
    s = spec.resolve(schema)
    return list(s.get("oneOf") or s.get("anyOf") or []) if isinstance(s, dict) else []


def _fixed_fields(spec: Spec, variant: Any) -> list[str]:
    """`method: "password"` for each property a variant pins to one value."""
    out = []
    for name, prop in (_merged(spec, variant).get("properties") or {}).items():
        prop = _merged(spec, prop)
        enum = prop.get("enum") or []
        if "const" in prop or len(enum) == 1:
            value = prop["const"] if "const" in prop else enum[0]
            out.append(f"{name}: {json.dumps(value, ensure_ascii=False)}")
    return out


def variant_labels(spec: Spec, variants: list[Any], lang: str) -> list[str]:
    """A label per `oneOf` variant: its (localized) `title`, else the values it pins
    (`method: "password"`) plus, where two variants pin the same values, the required fields only
    this one has."""
    pinned = [_fixed_fields(spec, v) for v in variants]
    labels = []
    for i, variant in enumerate(variants):
        title = localized(spec.resolve(variant), "title", lang)
        if title:
            labels.append(title)
            continue
        parts = [code(p) for p in pinned[i]]
        twins = [j for j in range(len(variants)) if j != i and pinned[j] == pinned[i]]
        if twins or not parts:
            mine = set(_merged(spec, variant).get("required") or [])
            theirs = set().union(*[set(_merged(spec, variants[j]).get("required") or []) for j in twins])
            parts += [code(f) for f in (_merged(spec, variant).get("required") or []) if f in mine - theirs]
        labels.append(", ".join(parts) or Spec.ref_name(variant) or str(i + 1))
    return labels


def _variant_tables(spec: Spec, variants: list[Any], lang: str) -> list[str]:
    parts = []
    for i, (variant, label) in enumerate(zip(variants, variant_labels(spec, variants, lang), strict=True)):
        parts.append(f"{ui('variant', lang)} {i + 1}: {label}")
        parts.append(fields_table(schema_fields(spec, variant, lang), lang))
    return parts


# -- endpoints -----------------------------------------------------------------------------------


def auth_text(op: Operation, lang: str) -> str:
    if not op.needs_key:  # `security: []`: a link a browser opens, or a signed URL
        return ui("auth.none", lang)
    return ui("auth.bearer" if op.needs_bearer else "auth.key", lang)


def summary_text(op: Operation, lang: str) -> str:
    text = localized(op.data, "summary", lang)
    return f"{text} ({ui('sandbox_only', lang)})" if op.sandbox_only else text


def method_badge(method: str) -> str:
    """A coloured method label (`.bk-method` in overrides/assets/site.css); the text stays the method."""
    return f'<span class="bk-method bk-method--{method.lower()}">{method}</span>'


def endpoint(spec: Spec, op_id: str, lang: str) -> str:
    op = spec.operation(op_id)
    return f"{method_badge(op.method)} `{op.path}` · {ui('auth', lang)}: {auth_text(op, lang)}"


def endpoint_table(spec: Spec, op_ids: list[str], lang: str, link: Callable[[str], str | None]) -> str:
    """`link(op_id)` gives the URL of the page that documents an operation, or None."""
    rows = []
    for op_id in op_ids:
        op = spec.operation(op_id)
        summary = summary_text(op, lang)
        url = link(op_id)
        rows.append([method_badge(op.method), code(op.path), auth_text(op, lang), f"[{summary}]({url})" if url else summary])
    return table([ui(k, lang) for k in ("method", "path", "auth", "summary")], rows)


# -- request -------------------------------------------------------------------------------------


def request_table(spec: Spec, op_id: str, lang: str) -> str:
    op = spec.operation(op_id)
    parts = [f"**{ui('parameters', lang)}**", parameters_table(spec, op, lang)]
    body = spec.request_body(op)
    media = spec.request_media(op)
    label = f"**{ui('request_body', lang)}**"
    parts.append(f"{label} ({', '.join(code(m) for m in media)})" if media else label)
    description = localized(spec.resolve(op.data.get("requestBody")), "description", lang) if media else ""
    if description:
        parts.append(description)
    if not media:
        parts.append(ui("no_body", lang))
    elif body is None:
        parts.append(f"{ui('type', lang)}: binary")
    else:
        variants = _variants(spec, body.get("schema"))
        if variants:
            parts += _variant_tables(spec, variants, lang)
        else:
            rows = schema_fields(spec, body.get("schema") or {}, lang)
            parts.append(fields_table(rows, lang) if rows else f"{ui('type', lang)}: {type_text(spec, body.get('schema'))}")
    return "\n\n".join(parts)


def _security_headers(spec: Spec, op: Operation, lang: str) -> list[list[str]]:
    """The headers of the operation's first (current) security alternative, as parameter rows."""
    schemes = (spec.raw.get("components") or {}).get("securitySchemes") or {}
    alternatives = op.data.get("security") or []
    rows = []
    for scheme_name in alternatives[0] if alternatives else {}:
        scheme = schemes.get(scheme_name)
        if scheme is None:
            raise UnknownName("security scheme", scheme_name, list(schemes))
        desc = localized(scheme, "description", lang)
        if scheme.get("type") == "apiKey" and scheme.get("in") == "header":
            rows.append([code(scheme["name"]), ui("in.header", lang), "string", ui("yes", lang), "", desc])
        elif scheme.get("type") == "http" and scheme.get("scheme") == "bearer":
            rows.append(
                [code("Authorization"), ui("in.header", lang), "string", ui("yes", lang), "",
                 " ".join(x for x in (desc, ui("bearer_header", lang)) if x)]
            )
    return rows


def parameters_table(spec: Spec, op: Operation, lang: str) -> str:
    rows = _security_headers(spec, op, lang)
    order = {"path": 0, "query": 1, "header": 2, "cookie": 3}
    for p in sorted(op.parameters, key=lambda p: order.get(p["in"], 9)):
        schema = p.get("schema") or {}
        rows.append(
            [
                code(p["name"]),
                ui(f"in.{p['in']}", lang),
                type_text(spec, schema),
                ui("yes" if p.get("required") or p["in"] == "path" else "no", lang),
                ", ".join(constraints(spec, schema, lang)),
                localized(p, "description", lang),
            ]
        )
    if not rows:
        return ui("no_parameters", lang)
    return table([ui(k, lang) for k in ("name", "in", "type", "required", "constraints", "description")], rows)


# -- response ------------------------------------------------------------------------------------


def response_table(spec: Spec, op_id: str, lang: str) -> str:
    op = spec.operation(op_id)
    status, response = spec.success_response(op)
    parts = [f"**`{status_text(status)}`** {localized(response, 'description', lang)}".rstrip()]
    content = response.get("content") or {}
    media = content.get("application/json")
    if media is None:
        parts.append(ui("raw_response_body", lang, media=", ".join(code(m) for m in content)) if content
                     else ui("no_response_body", lang))
        return "\n\n".join(parts)
    rows = schema_fields(spec, media.get("schema") or {}, lang)
    if rows:
        parts.append(fields_table(rows, lang, with_required=False))
    example = media.get("example")
    if example is None and media.get("examples"):
        example = spec.resolve(next(iter(media["examples"].values()))).get("value")
    if example is not None:
        parts.append(f"{ui('example', lang)}:")
        parts.append(json_block(example))
    return "\n\n".join(parts)


# -- errors --------------------------------------------------------------------------------------


def error_table(
    spec: Spec,
    op_id: str,
    lang: str,
    catalog_link: str | None = None,
    code_link: Callable[[str], str | None] = lambda code: None,
) -> str:
    """The operation's own error codes (`x-errors`) by HTTP status (the spec's order within one
    status), each linked to its catalog row when `code_link` knows one. Errors common to every
    operation are not repeated; `catalog_link` points to where they are."""
    op = spec.operation(op_id)
    rows = []
    for code_name in sorted(op.data.get("x-errors") or [], key=lambda c: int(spec.error_code(c)["status"])):
        entry = spec.error_code(code_name)
        url = code_link(code_name)
        shown = f"[{code(code_name)}]({url})" if url else code(code_name)
        rows.append([str(entry["status"]), shown, localized(entry, "description", lang)])
    parts = [table([ui(k, lang) for k in ("status", "code", "description")], rows) if rows else ui("no_errors", lang)]
    if catalog_link:
        parts.append(ui("common_errors", lang, link=catalog_link))
    return "\n\n".join(parts)


def error_catalog(
    spec: Spec, lang: str, prefix: str | None = None, claim_id: Callable[[str], bool] = lambda code: True
) -> str:
    """Every error code (or those starting with `prefix`). A row carries the id
    `auth-token-expired` for `auth/token-expired`, so pages can link to a code, unless
    `claim_id(code)` says the page already has that id."""
    codes = spec.error_codes
    chosen = [c for c in codes if prefix is None or c.startswith(prefix)]
    if not chosen:
        prefixes = sorted({c.split("/", 1)[0] + "/" for c in codes})
        raise UnknownName("error code prefix", prefix, prefixes)
    rows = [
        [
            (f'<span id="{code_anchor(c)}"></span>' if claim_id(c) else "") + code(c),
            str(codes[c]["status"]),
            localized(codes[c], "message", lang),
            localized(codes[c], "description", lang),
        ]
        for c in chosen
    ]
    return table([ui(k, lang) for k in ("code", "status", "message", "description")], rows)


# -- schemas, lifetimes, policy ------------------------------------------------------------------


def schema_table(spec: Spec, name: str, lang: str) -> str:
    spec.schema(name)
    node = {"$ref": f"#/components/schemas/{name}"}
    parts = []
    description = localized(spec.schema(name), "description", lang)
    if description:
        parts.append(description)
    variants = _variants(spec, node)
    if variants:
        parts += _variant_tables(spec, variants, lang)
    else:
        parts.append(fields_table(schema_fields(spec, node, lang), lang))
    return "\n\n".join(parts)


def lifetime(spec: Spec, name: str, lang: str) -> str:
    return duration(spec.lifetime(name), lang)


def decisions(spec: Spec, lang: str) -> str:
    """`x-decisions` as a list: each topic and what this spec (and its sandbox) does, in `lang`."""
    entries = spec.raw.get("x-decisions")
    if not isinstance(entries, list) or not entries:
        raise UnknownName("root extension", "x-decisions", [k for k in spec.raw if k.startswith("x-")])
    return "\n".join(
        f"- **`{d['topic']}`**: {' '.join(localized(d, 'decision', lang).split())}" for d in entries
    )


def password_policy(spec: Spec, lang: str) -> str:
    policy = spec.raw.get("x-password-policy")
    if not isinstance(policy, dict) or not policy:
        raise UnknownName("root extension", "x-password-policy", [k for k in spec.raw if k.startswith("x-")])
    rows = []
    for key, value in policy.items():
        if not has_ui(f"p.{key}"):
            raise ValueError(f"x-password-policy rule {key!r} has no label; add 'p.{key}' to STRINGS in macros/i18n.py")
        rows.append([ui(f"p.{key}", lang), _policy_value(key, value, lang)])
    return table([ui("setting", lang), ui("default", lang)], rows)


def _policy_value(key: str, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return ui("yes" if value else "no", lang)
    if value is None:
        return ui("p.never" if "Days" in key else "none", lang)
    if isinstance(value, int) and key.endswith("Length"):
        return ui("p.characters", lang, n=value)
    if isinstance(value, int) and key.endswith("Days"):
        return ui("p.days", lang, n=value)
    return str(value)
