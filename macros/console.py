"""The live API console for one operation: a server-rendered `<form data-operation>` plus the
metadata console.js needs (overrides/assets/console/), all taken from the spec.

The form works as HTML on its own terms: every field has a visible label and is prefilled from the
spec's examples; console.js (mounted by loader.js on Material's `document$`) adds the behaviour.
Nothing here is downloaded at run time: the page carries what its console needs.
"""

from __future__ import annotations

import json
import re
from html import escape
from typing import Any
from urllib.parse import urlsplit

from .console_strings import html_strings, js_strings
from .i18n import check_language, localized
from .samples import SECRET_KEY, console_templates
from .spec import Spec, SpecError

LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
SCALAR_TYPES = ("string", "integer", "number", "boolean")
# The sandbox-only operation that lists the mail the sandbox "sent" (its outbox).
OUTBOX_HINT = "outbox"


def render_console(
    spec: dict[str, Any] | Spec, operation_id: str, lang: str, example: str | None = None
) -> str:
    """HTML of the console for `operation_id` in `lang` ("ko" or "en").

    `example` names one of the operation's request-body examples (default: the first one).
    Unknown operations and examples raise `UnknownName` (from macros.spec)."""
    check_language(lang)
    s = spec if isinstance(spec, Spec) else Spec(spec)
    op = s.operation(operation_id)
    return _Console(s, op, lang, example).html()


# -- spec lookups the console needs ------------------------------------------------------------


def _is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "") in LOOPBACK_HOSTS


def servers(spec: Spec) -> dict[str, str]:
    """{"production": ..., "sandbox": ...} from the spec's `servers` (the sandbox is the loopback one)."""
    urls = [str(srv.get("url", "")).rstrip("/") for srv in spec.raw.get("servers") or []]
    production = next((u for u in urls if u and not _is_loopback(u)), None)
    sandbox = next((u for u in urls if _is_loopback(u)), None)
    if not production or not sandbox:
        raise SpecError(
            "the console needs two `servers`: bkend production and the local sandbox (a loopback URL)"
        )
    return {"sandbox": sandbox, "production": production}


def key_header(spec: Spec) -> str:
    """Header name of the `apiKey` security scheme (the publishable key)."""
    schemes = (spec.raw.get("components") or {}).get("securitySchemes") or {}
    scheme = spec.resolve(schemes.get("apiKey") or {})
    if scheme.get("type") != "apiKey" or scheme.get("in") != "header" or not scheme.get("name"):
        raise SpecError("components.securitySchemes.apiKey must be an apiKey scheme sent in a header")
    return str(scheme["name"])


def sandbox_key(spec: Spec) -> str:
    """The sandbox's documented publishable key (`x-sandbox`)."""
    sandbox = spec.raw.get("x-sandbox") or {}
    for name in ("publishableKey", "apiKey", "key"):
        if isinstance(sandbox.get(name), str):
            return sandbox[name]
    raise SpecError("`x-sandbox` must give the sandbox's publishable key (`publishableKey`)")


def _returns_tokens(spec: Spec, op: Any) -> bool:
    try:
        _, response = spec.success_response(op)
    except SpecError:
        return False
    media = (response.get("content") or {}).get("application/json") or {}
    return {"accessToken", "refreshToken"} <= set(_properties(spec, media.get("schema")))


def refresh_path(spec: Spec) -> str:
    """Path of the token refresh: the public POST that takes a `refreshToken` and returns a new pair."""
    for op in spec.operations.values():
        body = spec.request_body(op)
        if (
            op.method == "POST"
            and not op.needs_bearer
            and body
            and set(_properties(spec, body.get("schema"))) == {"refreshToken"}
            and _returns_tokens(spec, op)
        ):
            return op.path
    raise SpecError("the console needs the token refresh operation (POST with a `refreshToken` body)")


def outbox_path(spec: Spec) -> str | None:
    """Path of the sandbox's outbox listing (a sandbox-only GET without path parameters)."""
    for op in spec.operations.values():
        if op.sandbox_only and op.method == "GET" and OUTBOX_HINT in op.path and "{" not in op.path:
            return op.path
    return None


# -- schemas -------------------------------------------------------------------------------------


def _type(schema: dict[str, Any]) -> str:
    t = schema.get("type")
    if isinstance(t, list):
        t = next((x for x in t if x != "null"), None)
    if t is None and "enum" in schema:
        t = "string"
    if t is None and "const" in schema:
        t = type(schema["const"]).__name__.replace("str", "string").replace("bool", "boolean")
    return str(t or "")


def _properties(spec: Spec, schema: Any) -> dict[str, dict[str, Any]]:
    """Top-level properties of a (possibly composed) object schema: allOf merged, oneOf/anyOf united,
    in the order they are written."""
    schema = spec.resolve(schema) or {}
    props: dict[str, dict[str, Any]] = {}
    for name, sub in (schema.get("properties") or {}).items():
        props[name] = spec.resolve(sub)
    for key in ("allOf", "oneOf", "anyOf"):
        for part in schema.get(key) or []:
            for name, sub in _properties(spec, part).items():
                props[name] = _union(props[name], sub) if name in props else sub
    return props


def _choices(schema: dict[str, Any]) -> list[Any] | None:
    if "const" in schema:
        return [schema["const"]]
    return list(schema["enum"]) if "enum" in schema else None


def _union(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """One property seen in two alternatives (`method: password` | `method: magiclink`): its values
    are those of both; otherwise the first description wins."""
    ca, cb = _choices(a), _choices(b)
    if ca is None or cb is None:
        return a
    merged = {k: v for k, v in a.items() if k != "const"}
    merged["enum"] = ca + [c for c in cb if c not in ca]
    return merged


def _required(spec: Spec, schema: Any) -> set[str]:
    schema = spec.resolve(schema) or {}
    required = set(schema.get("required") or [])
    for part in schema.get("allOf") or []:
        required |= _required(spec, part)
    alternatives = [_required(spec, p) for p in (schema.get("oneOf") or schema.get("anyOf") or [])]
    if alternatives:  # required in every alternative
        required |= set.intersection(*alternatives)
    return required


def variants(spec: Spec, schema: Any) -> list[dict[str, Any]]:
    """The `oneOf`/`anyOf` alternatives of a body: per alternative the values it pins (`const`, the
    discriminator), its fields and its required fields. console.js shows the fields of the one that
    fits the body (see `active_variant`); [] when the body has no alternatives."""
    schema = spec.resolve(schema) or {}
    out = []
    for part in schema.get("oneOf") or schema.get("anyOf") or []:
        props = _properties(spec, part)
        pin = {n: c[0] for n, sub in props.items() if (c := _choices(sub)) is not None and len(c) == 1}
        out.append({"pin": pin, "f": list(props), "r": sorted(_required(spec, part))})
    return out


def active_variant(alternatives: list[dict[str, Any]], body: Any) -> dict[str, Any] | None:
    """The alternative a body is: its pinned values match and it has every field sent, else the first
    whose pinned values match (the same rule as console.js)."""
    body = body if isinstance(body, dict) else {}
    pinned = [v for v in alternatives if all(body.get(k) == x for k, x in v["pin"].items())]
    return next((v for v in pinned if set(body) <= set(v["f"])), pinned[0] if pinned else None)


_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")


def help_html(text: str) -> str:
    """A spec description as short visible help: Markdown links become their text, code spans <code>."""
    text = _LINK.sub(r"\1", " ".join(text.split()))
    parts = escape(text).split("`")
    return "".join(f"<code>{p}</code>" if i % 2 else p for i, p in enumerate(parts))


# -- rendering ----------------------------------------------------------------------------------


def _attribute_json(data: Any) -> str:
    """JSON for a single-quoted attribute: its double quotes stay as they are (a third smaller)."""
    return escape(json.dumps(data, ensure_ascii=False, separators=(",", ":")), quote=False).replace(
        "'", "&#x27;"
    )


def _scalar_text(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Console:
    def __init__(self, spec: Spec, op: Any, lang: str, example: str | None) -> None:
        self.spec, self.op, self.lang = spec, op, lang
        self.t = {**html_strings(lang), **js_strings(lang)}
        self.body_media = spec.request_body(op)
        self.example_name, self.example = spec.request_example(op, example)
        self.chosen_example = example is not None
        self.examples = spec.request_examples(op)

    def text(self, key: str, **values: str) -> str:
        return escape(self.t[key].format(**values))

    # the blocks of the form, top to bottom

    def html(self) -> str:
        op, t = self.op, self.text
        title = self.t["title"].format(method=op.method, path=op.path)
        if self.chosen_example and self.example_name is not None:
            # A page may show one operation twice (one console per example); keep the names distinct.
            summary = localized(self.examples[self.example_name], "summary", self.lang) or self.example_name
            title = f"{title} · {summary}"
        parts = [
            # The metadata rides in an attribute, not a <script type="application/json">: Material's
            # instant navigation re-creates inline scripts without their type and would run it.
            f'<form class="bkc" data-operation="{escape(op.op_id)}" data-search-exclude novalidate '
            f"aria-label=\"{escape(title)}\" data-meta='{_attribute_json(self.meta())}'>",
            f'<div class="bkc-title"><strong>{escape(title)}</strong></div>',
            self.connection(),
            f'<div class="bkc-auth"><span>{t("signed_out")}</span>'
            f'<button type="button" data-act="forget" hidden>{t("forget")}</button></div>',
        ]
        if op.needs_bearer:
            parts.append(f'<p class="bkc-note">{t("bearer_note")}</p>')
        for where in ("path", "query", "header"):
            parts.append(self.parameters(where))
        parts.append(self.body())
        parts.append(self.helpers())
        parts.append(
            f'<div class="bkc-actions"><button type="submit">{t("send")}</button>'
            f'<button type="button" data-act="curl">{t("copy_curl")}</button></div>'
            f"<label hidden><span>{t('curl_label')}</span>"
            f'<textarea name="curl" rows="6" readonly spellcheck="false"></textarea></label>'
            f'<p class="bkc-note bkc-copied" aria-live="polite"></p>'
            f'<output class="bkc-out" aria-label="{t("result")}">'
            f'<span class="bkc-line">{t("idle")}</span></output>'
            f'<details class="bkc-hist"><summary>{t("history")}</summary>'
            f"<ol hidden></ol><p>{t('history_empty')}</p></details>"
        )
        parts.append("</form>")
        return "\n".join(p for p in parts if p)

    def connection(self) -> str:
        t = self.text
        urls = servers(self.spec)
        options = "".join(
            f'<option value="{value}">{label}</option>'
            for value, label in (
                ("sandbox", t("server_sandbox", url=urls["sandbox"])),
                ("production", t("server_production", url=urls["production"])),
                ("custom", t("server_custom")),
            )
        )
        return (
            f'<fieldset><legend>{t("connection")}</legend><div class="bkc-grid">'
            f'<label><span>{t("server")}</span><select name="server">{options}</select></label>'
            f"<label hidden><span>{t('custom_url')}</span>"
            f'<input name="custom" type="url" inputmode="url" placeholder="http://127.0.0.1:8001" '
            f'autocomplete="off" spellcheck="false"></label>'
            f"<label><span>{t('api_key', header=key_header(self.spec))}</span>"
            f'<input name="apiKey" autocomplete="off" spellcheck="false"></label>'
            f"</div></fieldset>"
        )

    def parameters(self, where: str) -> str:
        params = [p for p in self.op.parameters if p.get("in") == where]
        if not params:
            return ""
        fields = []
        for p in params:
            schema = self.spec.resolve(p.get("schema") or {})
            value = p.get("example", schema.get("example", schema.get("default")))
            fields.append(
                self.field(f"p:{where}:{p['name']}", p["name"], schema, value, bool(p.get("required")), p)
            )
        return f'<fieldset><legend>{self.text(where)}</legend><div class="bkc-grid">{"".join(fields)}</div></fieldset>'

    def body(self) -> str:
        if self.body_media is None:
            return ""
        schema = self.body_media.get("schema")
        example = self.example if isinstance(self.example, dict) else {}
        alternatives = variants(self.spec, schema)
        active = active_variant(alternatives, example)
        # required in some alternative: marked, the mark shown while that alternative is the body's
        ever = set().union(*(v["r"] for v in alternatives)) if alternatives else _required(self.spec, schema)
        now = set(active["r"]) if active else _required(self.spec, schema)
        fields = [
            self.field(
                f"b:{name}", name, sub, example.get(name), name in ever, sub,
                shown=active is None or name in active["f"], marked=name in now,
            )
            for name, sub in _properties(self.spec, schema).items()
            if _type(sub) in SCALAR_TYPES and not sub.get("readOnly")
        ]
        parts = []
        if len(self.examples) > 1:
            options = "".join(
                f'<option value="{escape(name)}"{" selected" if name == self.example_name else ""}>'
                f"{escape(localized(ex, 'summary', self.lang) or name)}</option>"
                for name, ex in self.examples.items()
            )
            parts.append(
                f'<label><span>{self.text("example")}</span><select name="example">{options}</select></label>'
            )
        if fields:
            parts.append(
                f"<fieldset><legend>{self.text('body_fields')}</legend>"
                f'<div class="bkc-grid">{"".join(fields)}</div></fieldset>'
            )
        raw = "" if self.example is None else json.dumps(self.example, ensure_ascii=False, indent=2)
        rows = min(max(raw.count("\n") + 2, 4), 16)
        parts.append(
            f"<label><span>{self.text('body_raw')}</span>"
            f'<textarea name="body" rows="{rows}" spellcheck="false" autocomplete="off">{escape(raw)}</textarea></label>'
        )
        return "".join(parts)

    def field(
        self, name: str, label: str, schema: dict[str, Any], value: Any, required: bool, node: Any,
        *, shown: bool = True, marked: bool = True,
    ) -> str:
        """One labelled input with its description as visible help; enums and booleans become a
        <select> (with a "not sent" choice). A field of another body alternative starts hidden."""
        kind = _type(schema)
        mark = f' <small class="bkc-req"{"" if marked else " hidden"}>({self.text("required")})</small>' if required else ""
        hint = localized(node, "description", self.lang)
        help_id = re.sub(r"[^A-Za-z0-9_-]", "-", f"bkc-{self.op.op_id}-{self.example_name or ''}-{name}")
        wrap = f'<div class="bkc-f"{"" if shown else " hidden"}>'
        tail = f'</label><small class="bkc-help" id="{help_id}">{help_html(hint)}</small></div>' if hint else "</label></div>"
        described = f' aria-describedby="{help_id}"' if hint else ""
        head = f"{wrap}<label><span>{escape(label)}{mark}</span>"
        choices = [str(c) for c in schema.get("enum") or []] or (
            ["true", "false"] if kind == "boolean" else []
        )
        current = _scalar_text(value)
        attrs = f'name="{escape(name)}" data-type="{escape(kind)}"{described}'
        if choices:
            options = f'<option value="">{self.text("unset")}</option>' + "".join(
                f'<option value="{escape(c)}"{" selected" if c == current else ""}>{escape(c)}</option>'
                for c in choices
            )
            return f"{head}<select {attrs}>{options}</select>{tail}"
        input_type = "number" if kind in ("integer", "number") else "text"
        return (
            f'{head}<input {attrs} type="{input_type}" value="{escape(current)}" '
            f'autocomplete="off" spellcheck="false">{tail}'
        )

    def helpers(self) -> str:
        """Sandbox helpers: the outbox (operations that send or consume mailed tokens), TOTP (MFA)."""
        parts = []
        if self.uses_mail() and outbox_path(self.spec):
            parts.append(
                f'<div class="bkc-helper"><button type="button" data-act="outbox">{self.text("outbox")}</button></div>'
            )
        if self.is_mfa():  # the secret comes from the enable-MFA answer, which the console keeps
            parts.append(
                f'<div class="bkc-helper"><label><span>{self.text("totp_secret")}</span>'
                f'<input name="totp" autocomplete="off" spellcheck="false"></label>'
                f'<button type="button" data-act="totp">{self.text("totp_fill")}</button></div>'
            )
        return "".join(parts)

    def body_names(self) -> set[str]:
        return set(_properties(self.spec, (self.body_media or {}).get("schema")))

    def uses_mail(self) -> bool:
        """Sends mail or takes a mailed token. A sender is marked `x-sends-mail` in the spec or takes a
        `callbackUrl` (where its mailed link leads); a consumer takes a `token` field."""
        query = {p["name"] for p in self.op.parameters if p.get("in") == "query"}
        fields = self.body_names() | query
        return bool(self.op.data.get("x-sends-mail")) or "callbackUrl" in fields or "token" in fields

    def is_mfa(self) -> bool:
        """Takes a one-time code: the MFA operations with a `code`, and sign-in's `mfaCode`."""
        names = self.body_names()
        return ("/mfa/" in self.op.path and "code" in names) or "mfaCode" in names

    def meta(self) -> dict[str, Any]:
        op = self.op
        meta: dict[str, Any] = {
            "op": op.op_id,
            "method": op.method,
            "path": op.path,
            "bearer": op.needs_bearer,
            # `security: []` (a link the browser opens, a signed URL): the key is neither sent nor in cURL
            "key": op.needs_key,
            "body": self.body_media is not None,
            "keyHeader": key_header(self.spec),
            "servers": servers(self.spec),
            "sandboxKey": sandbox_key(self.spec),
            "refresh": refresh_path(self.spec),
            "t": js_strings(self.lang),
            # the page's code samples with slots: the tabs follow what this console would send
            "s": console_templates(self.spec, op.op_id, self.lang, self.example_name if self.chosen_example else None),
            "sk": SECRET_KEY,
        }
        outbox = outbox_path(self.spec)
        if outbox and self.uses_mail():
            meta["outbox"] = outbox
        alternatives = variants(self.spec, (self.body_media or {}).get("schema"))
        if alternatives:
            meta["v"] = alternatives
        if len(self.examples) > 1:
            meta["examples"] = {name: ex.get("value") for name, ex in self.examples.items()}
        return meta
