"""Code samples: one small template per language (cURL, JavaScript fetch, bkendFetch, Python),
filled from an operation's request.

`sample_request` turns an operation (plus its default or a named body example, the parameter
examples and optional overrides) into a `SampleRequest`; `render_sample` prints it in one
language. The test suite renders the same templates with real values and runs them against the
sandbox, so what a page shows is what was executed.
"""

from __future__ import annotations

import json
import mimetypes
import re
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlencode

from .i18n import localized, ui
from .spec import Operation, Spec, SpecError

# Tab labels are language-neutral so Material's linked tabs keep the reader's choice across pages
# and across languages.
TOOLS = {"curl": "cURL", "javascript": "JavaScript", "bkendfetch": "bkendFetch", "python": "Python"}
FENCES = {"curl": "bash", "javascript": "js", "bkendfetch": "js", "python": "python"}

KEY_VAR = "BKEND_API_KEY"
TOKEN_VAR = "ACCESS_TOKEN"
DEFAULT_KEY = "pk_..."
DEFAULT_TOKEN = "eyJ..."


@dataclass(frozen=True)
class SampleRequest:
    op_id: str
    summary: dict[str, str]  # per language, for the comment line
    method: str
    path: str  # path parameters filled in
    query: dict[str, Any] = field(default_factory=dict)
    body: Any = None  # the JSON body; None: none
    upload: tuple[str, str] | None = None  # (file name, content type) of a raw-file body
    key: bool = True  # sends the publishable key
    bearer: bool = False  # sends the access token
    redirect: bool = False  # the documented success is a 3xx: show it, do not follow it
    json_response: bool = True
    download: str | None = None  # a raw-file success body: the cURL sample saves it under this name
    base_url: str = ""
    api_key: str = DEFAULT_KEY  # shown by the JavaScript sample, which defines the constant
    access_token: str = DEFAULT_TOKEN
    key_value: str | None = None  # a key to write out (the public sandbox key) instead of the variable

    @property
    def path_and_query(self) -> str:
        return self.path + (f"?{urlencode(_query_strings(self.query))}" if self.query else "")

    @property
    def url(self) -> str:
        return self.base_url + self.path_and_query

    @property
    def helper_reason(self) -> str | None:
        """Why bkendFetch (JSON calls with the key) does not fit this operation, if it does not."""
        if self.upload:
            return "s.no_helper_upload"
        if self.redirect:
            return "s.no_helper_redirect"
        if not self.key:
            return "s.no_helper_signed"
        return None


def _query_strings(query: dict[str, Any]) -> dict[str, str]:
    return {k: json.dumps(v) if isinstance(v, bool) else str(v) for k, v in query.items()}


def _param_example(op: Operation, param: dict[str, Any]) -> Any:
    for node in (param, param.get("schema") or {}):
        if "example" in node:
            return node["example"]
        if node.get("examples"):
            examples = node["examples"]
            return examples[0] if isinstance(examples, list) else next(iter(examples.values())).get("value")
    raise SpecError(f"{op.op_id}: parameter {param['name']!r} ({param['in']}) has no example")


def _upload(spec: Spec, op: Operation, path_values: dict[str, Any]) -> tuple[str, str] | None:
    """(file name, content type) for a raw-file body: the type follows the file extension in a
    path example (`avatar-...png`), else the first concrete media type."""
    media = [m for m in spec.request_media(op) if m != "application/json"]
    if not media:
        return None
    for value in path_values.values():
        guessed, _ = mimetypes.guess_type(str(value))
        if guessed:
            return f"upload{mimetypes.guess_extension(guessed) or ''}", guessed
    concrete = next((m for m in media if "*" not in m), "application/octet-stream")
    return "upload.bin", concrete


def _file_name(path: str) -> str:
    """Where a downloaded file goes: the last path segment when it names a file (`avatar-1.png`)."""
    last = path.rsplit("/", 1)[-1]
    return last if "." in last.strip(".") else "response.bin"


def sample_request(
    spec: Spec, op_id: str, example: str | None = None, values: dict[str, Any] | None = None
) -> SampleRequest:
    """The request a sample sends. Query parameters: the required ones (the request table lists
    the rest). `values` overrides what the spec's examples give: `base_url`, `api_key`,
    `access_token`, `path` (parameters by name), `query` (by name; None drops one), `body` (the
    whole JSON body) and `upload` ((file name, content type))."""
    op = spec.operation(op_id)
    values = values or {}
    _, body = spec.request_example(op, example)
    if spec.request_body(op) is not None and body is None and "body" not in values:
        raise SpecError(f"{op_id}: the request body has no example to build a sample from")
    path_values = {p["name"]: _param_example(op, p) for p in op.parameters if p["in"] == "path"}
    path_values.update(values.get("path") or {})
    path = re.sub(r"\{([^}]+)\}", lambda m: str(path_values[m.group(1)]), op.path)
    query = {p["name"]: _param_example(op, p) for p in op.parameters if p["in"] == "query" and p.get("required")}
    for name, value in (values.get("query") or {}).items():
        if value is None:
            query.pop(name, None)
        else:
            query[name] = value
    status, response = spec.success_response(op)
    media = list(response.get("content") or {})
    raw_body = bool(media) and "application/json" not in media and not status.startswith("3")
    return SampleRequest(
        op_id=op_id,
        summary={lang: localized(op.data, "summary", lang) for lang in ("ko", "en")},
        method=op.method,
        path=path,
        query=query,
        body=values.get("body", body),
        upload=values.get("upload", _upload(spec, op, path_values)),
        key=op.needs_key,
        bearer=op.needs_bearer,
        redirect=status.startswith("3"),
        json_response="application/json" in media,
        download=_file_name(path) if raw_body else None,
        base_url=values.get("base_url", spec.base_url(op)).rstrip("/"),
        api_key=values.get("api_key", DEFAULT_KEY),
        access_token=values.get("access_token", DEFAULT_TOKEN),
    )


# -- literals ------------------------------------------------------------------------------------

_JS_IDENTIFIER = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def js_literal(value: Any, indent: int = 0) -> str:
    """A JSON value as a JavaScript literal, with unquoted keys where that is valid."""
    pad, inner = "  " * indent, "  " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [
            f"{inner}{k if _JS_IDENTIFIER.match(k) else json.dumps(k)}: {js_literal(v, indent + 1)},"
            for k, v in value.items()
        ]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{js_literal(v, indent + 1)}," for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def py_literal(value: Any, indent: int = 0) -> str:
    """A JSON value as a Python literal (True/False/None), one key per line."""
    pad, inner = "    " * indent, "    " * (indent + 1)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = [f"{inner}{json.dumps(k, ensure_ascii=False)}: {py_literal(v, indent + 1)}," for k, v in value.items()]
        return "{\n" + "\n".join(items) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + "\n".join(f"{inner}{py_literal(v, indent + 1)}," for v in value) + f"\n{pad}]"
    if value is None or isinstance(value, bool):
        return {None: "None", True: "True", False: "False"}[value]
    return json.dumps(value, ensure_ascii=False)


def _shell_double_quoted(text: str) -> str:
    return '"' + re.sub(r'(["\\$`])', r"\\\1", text) + '"'


# -- the four templates --------------------------------------------------------------------------


def render_curl(req: SampleRequest, lang: str) -> str:
    lines = [f"# {req.summary[lang]}"]
    start = "curl" if req.method == "GET" else f"curl -X {req.method}"
    args = [f"{start} {_shell_double_quoted(req.url)}"]
    if req.key:
        args.append(f'-H "X-API-Key: {req.key_value or "$" + KEY_VAR}"')
    if req.bearer:
        args.append(f'-H "Authorization: Bearer ${TOKEN_VAR}"')
    if req.body is not None:
        body = json.dumps(req.body, indent=2, ensure_ascii=False).replace("'", "'\\''")
        args.append('-H "Content-Type: application/json"')
        args.append("-d '" + body.replace("\n", "\n  ") + "'")
    elif req.upload:
        args.append(f'-H "Content-Type: {req.upload[1]}"')
        args.append(f'--data-binary "@{req.upload[0]}"')
    if req.download:  # raw bytes do not belong on a terminal
        args.append(f"--output {_shell_double_quoted(req.download)}")
    lines.append(" \\\n  ".join(args))
    return "\n".join(lines)


def _fetch_call(req: SampleRequest, lang: str) -> list[str]:
    """`const response = await fetch(...)` and what to print, shared by the JavaScript tab and
    the bkendFetch tab of operations the helper does not fit."""
    lines = []
    headers = [f'    "X-API-Key": {KEY_VAR},'] if req.key else []
    if req.bearer:
        headers.append(f"    Authorization: `Bearer ${{{TOKEN_VAR}}}`,")
    options = []
    if req.method != "GET":
        options.append(f'  method: "{req.method}",')
    if req.body is not None:
        headers.append('    "Content-Type": "application/json",')
    elif req.upload:
        lines.append(f"// {ui('s.file', lang)}")
        lines.append('const file = document.querySelector(\'input[type="file"]\').files[0];')
        headers.append(f'    "Content-Type": "{req.upload[1]}",')
    if headers:
        options += ["  headers: {", *headers, "  },"]
    if req.body is not None:
        options.append(f"  body: JSON.stringify({js_literal(req.body, 1)}),")
    elif req.upload:
        options.append("  body: file,")
    if req.redirect:
        options.append('  redirect: "manual",')
    target = json.dumps(req.url, ensure_ascii=False)
    if options:
        lines += [f"const response = await fetch({target}, {{", *options, "});"]
    else:
        lines.append(f"const response = await fetch({target});")
    if req.redirect:
        lines.append('console.log(response.status, response.headers.get("location"));')
    elif req.json_response:
        lines += ["const data = await response.json();", "console.log(response.status, data);"]
    else:
        lines.append('console.log(response.status, response.headers.get("content-type"));')
    return lines


def render_javascript(req: SampleRequest, lang: str) -> str:
    lines = [f"const {KEY_VAR} = {json.dumps(req.api_key)}; // {ui('s.key', lang)}"] if req.key else []
    if req.bearer:
        lines.append(f"const {TOKEN_VAR} = {json.dumps(req.access_token)}; // {ui('s.token', lang)}")
    if lines:
        lines.append("")
    lines.append(f"// {req.summary[lang]}")
    return "\n".join(lines + _fetch_call(req, lang))


def render_bkendfetch(req: SampleRequest, lang: str) -> str:
    if req.helper_reason:
        # Same tab in every group (linked tabs), but this call is not a JSON call with the key.
        return f"// {ui(req.helper_reason, lang)}\n" + render_javascript(req, lang)
    lines = ['import { bkendFetch } from "./bkend.js";', "", f"// {req.summary[lang]}", f"// {ui('s.helper', lang)}"]
    target = json.dumps(req.path_and_query, ensure_ascii=False)
    options = []
    if req.method != "GET":
        options.append(f'  method: "{req.method}",')
    if req.body is not None:
        options.append(f"  body: {js_literal(req.body, 1)},")
    if options:
        lines += [f"const data = await bkendFetch({target}, {{", *options, "});"]
    else:
        lines.append(f"const data = await bkendFetch({target});")
    lines.append("console.log(data);")
    return "\n".join(lines)


def render_python(req: SampleRequest, lang: str) -> str:
    imports = ["import os"] if (req.key and not req.key_value) or req.bearer else []
    if req.upload:
        imports.append("from pathlib import Path")
    lines = [*imports, *([""] if imports else []), "import httpx", "", f"# {req.summary[lang]}"]
    simple = req.method in ("GET", "POST", "PUT", "PATCH") or (req.method == "DELETE" and req.body is None)
    call = f"httpx.{req.method.lower()}(" if simple else f'httpx.request("{req.method}", '
    args = [json.dumps(req.base_url + req.path, ensure_ascii=False) + ","]
    if req.query:
        args.append(f"params={py_literal(req.query)},")
    key = json.dumps(req.key_value) if req.key_value else f'os.environ["{KEY_VAR}"]'
    headers = [f'"X-API-Key": {key}'] if req.key else []
    if req.bearer:
        headers.append(f"\"Authorization\": f\"Bearer {{os.environ['{TOKEN_VAR}']}}\"")
    if req.upload:
        headers.append(f'"Content-Type": "{req.upload[1]}"')
    if len(headers) == 1:
        args.append(f"headers={{{headers[0]}}},")
    elif headers:
        args.append("headers={\n" + "".join(f"    {h},\n" for h in headers) + "},")
    if req.body is not None:
        args.append(f"json={py_literal(req.body)},")
    elif req.upload:
        args.append(f'content=Path("{req.upload[0]}").read_bytes(),')
    lines.append(f"response = {call}")
    lines += ["    " + line for arg in args for line in arg.splitlines()]
    lines.append(")")
    if req.redirect:
        lines.append('print(response.status_code, response.headers["location"])')
    elif req.json_response:
        lines.append("print(response.status_code, response.json())")
    else:
        lines.append('print(response.status_code, response.headers["content-type"])')
    return "\n".join(lines)


RENDERERS = {
    "curl": render_curl,
    "javascript": render_javascript,
    "bkendfetch": render_bkendfetch,
    "python": render_python,
}


def render_sample(
    spec: Spec,
    op_id: str,
    tool: str,
    lang: str,
    values: dict[str, Any] | None = None,
    example: str | None = None,
) -> str:
    """The sample of one operation in one tool (`curl`, `javascript`, `bkendfetch`, `python`)."""
    if tool not in RENDERERS:
        raise ValueError(f"unknown sample tool {tool!r}; expected one of {', '.join(RENDERERS)}")
    return RENDERERS[tool](sample_request(spec, op_id, example, values), lang)


def code_samples(spec: Spec, op_id: str, lang: str, example: str | None = None) -> str:
    """Linked content tabs, one per tool. `===!` starts a new tab group, so two sample blocks with
    only a blank line between them stay two groups."""
    req = sample_request(spec, op_id, example)
    blocks = []
    for i, (tool, label) in enumerate(TOOLS.items()):
        source = RENDERERS[tool](req, lang)
        body = f"```{FENCES[tool]}\n{source}\n```"
        indented = "\n".join(("    " + line) if line else "" for line in body.splitlines())
        blocks.append(f'{"===!" if i == 0 else "==="} "{label}"\n\n{indented}')
    return "\n\n".join(blocks)


# -- the console's copies ------------------------------------------------------------------------

# Stand-ins the console replaces with what it would send (console.js, "samples that follow").
SLOT_BASE, SLOT_PATH, SLOT_BODY, SLOT_KEY, SLOT_IMPORT = "%%B%%", "%%P%%", "%%D%%", "%%K%%", "%%I%%"
# What the key becomes when it is a secret (anything but the public sandbox key), per tool; `import`:
# what the Python sample then needs at its top.
SECRET_KEY = {
    "curl": "$" + KEY_VAR,
    "python": f'os.environ["{KEY_VAR}"]',
    "javascript": json.dumps(DEFAULT_KEY),
    "import": "import os\n\n",
}


def console_templates(spec: Spec, op_id: str, lang: str, example: str | None = None) -> dict[str, str]:
    """The same four samples with slots for the server, the path and query, the body and the key,
    so the page's tabs can follow the console's inputs without a second set of templates."""
    req = sample_request(spec, op_id, example)
    slotted = replace(
        req,
        base_url=SLOT_BASE,
        path=SLOT_PATH,
        query={},
        body=None if req.body is None else SLOT_BODY,
        api_key=SLOT_KEY,
        key_value=SLOT_KEY,
    )
    out = {tool: render(slotted, lang) for tool, render in RENDERERS.items()}
    if slotted.key and "import os" not in out["python"]:
        out["python"] = SLOT_IMPORT + out["python"]
    return out
