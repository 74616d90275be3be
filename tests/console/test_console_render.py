"""The console's server-rendered form, checked against the real spec for every operation and both
languages: the contract the browser tests and readers rely on, without a browser."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from macros.console import render_console
from macros.console_strings import HTML_STRINGS, JS_STRINGS, LANGUAGES
from macros.spec import Spec, UnknownName, load_spec
from tests.conftest import ROOT
from tests.console.html_tree import Node, parse

CONSOLE_JS = ROOT / "overrides" / "assets" / "console" / "console.js"
CONSOLE_PY = ROOT / "macros" / "console.py"


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec()


def _form(html: str) -> Node:
    forms = parse(html).find_all("form")
    assert len(forms) == 1, "one console renders exactly one <form>"
    return forms[0]


def _meta(form: Node) -> dict[str, Any]:
    return json.loads(str(form.attrs["data-meta"]))


def _controls(form: Node) -> list[Node]:
    return form.find_all("input", "select", "textarea")


def _value(control: Node) -> str:
    if control.tag == "textarea":
        return control.text()
    if control.tag == "select":
        chosen = [o for o in control.find_all("option") if "selected" in o.attrs]
        options = control.find_all("option")
        return str((chosen or options)[0].attrs.get("value"))
    return str(control.attrs.get("value") or "")


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None or isinstance(value, dict | list) else str(value)


def test_every_operation_renders_the_contract_in_both_languages(spec: Spec) -> None:
    for op in spec.operations.values():
        for lang in LANGUAGES:
            form = _form(render_console(spec.raw, op.op_id, lang))
            where = f"{op.op_id} ({lang})"
            assert form.attrs["data-operation"] == op.op_id, where
            # every control sits in a <label> that says what it is, in words a reader sees
            for control in _controls(form):
                label = control.ancestor("label")
                assert label is not None, f"{where}: {control.attrs.get('name')} has no label"
                assert label.text(skip=("select", "textarea")).strip(), f"{where}: empty label"
            submits = [b for b in form.find_all("button") if b.attrs.get("type") == "submit"]
            assert len(submits) == 1 and submits[0].text().strip(), where
            assert all(b.attrs.get("type") in ("submit", "button") for b in form.find_all("button")), where
            assert len(form.find_all("output")) == 1, where
            meta = _meta(form)
            assert (meta["op"], meta["method"], meta["path"]) == (op.op_id, op.method, op.path), where
            assert meta["bearer"] == op.needs_bearer, where
            assert meta["key"] == op.needs_key, where
            assert set(meta["t"]) == set(JS_STRINGS), where


def test_parameters_are_prefilled_from_the_spec_examples(spec: Spec) -> None:
    checked = 0
    for op in spec.operations.values():
        form = _form(render_console(spec.raw, op.op_id, "en"))
        controls = {c.attrs.get("name"): c for c in _controls(form)}
        for p in op.parameters:
            if p["in"] not in ("path", "query", "header"):
                continue
            control = controls[f"p:{p['in']}:{p['name']}"]
            schema = spec.resolve(p.get("schema") or {})
            expected = p.get("example", schema.get("example", schema.get("default")))
            assert _value(control) == _scalar(expected), (op.op_id, p["name"])
            checked += 1
    assert checked >= 20


def test_body_fields_and_raw_editor_hold_the_chosen_example(spec: Spec) -> None:
    for op in spec.operations.values():
        examples = spec.request_examples(op)
        for name in examples or [None]:
            _, value = spec.request_example(op, name)
            form = _form(render_console(spec.raw, op.op_id, "ko", name))
            controls = {c.attrs.get("name"): c for c in _controls(form)}
            if spec.request_body(op) is None:
                assert "body" not in controls
                continue
            assert json.loads(controls["body"].text() or "null") == value, (op.op_id, name)
            for control_name, control in controls.items():
                if control_name and control_name.startswith("b:"):
                    field = control_name[2:]
                    assert _value(control) == _scalar((value or {}).get(field)), (op.op_id, name, field)
            if len(examples) > 1:
                assert _value(controls["example"]) == name


def test_sign_up_has_the_fields_a_reader_edits(spec: Spec) -> None:
    form = _form(render_console(spec.raw, "emailSignUp", "en"))
    names = {c.attrs.get("name") for c in _controls(form)}
    assert {"server", "custom", "apiKey", "b:email", "b:password", "b:name", "body", "example"} <= names
    method = next(c for c in _controls(form) if c.attrs.get("name") == "b:method")
    assert method.tag == "select"
    assert [o.attrs["value"] for o in method.find_all("option")] == ["", "password", "magiclink"]
    options = next(c for c in _controls(form) if c.attrs.get("name") == "server").find_all("option")
    assert [o.attrs["value"] for o in options] == ["sandbox", "production", "custom"]
    assert "https://api-client.bkend.ai" in options[1].text()


def test_metadata_comes_from_the_spec(spec: Spec) -> None:
    meta = _meta(_form(render_console(spec.raw, "getMe", "ko")))
    assert meta["servers"] == {
        "sandbox": "http://127.0.0.1:8001",
        "production": "https://api-client.bkend.ai",
    }
    assert meta["sandboxKey"] == spec.raw["x-sandbox"]["publishableKey"]
    assert meta["keyHeader"] == "X-API-Key"
    assert meta["refresh"] == spec.operation("refreshToken").path
    assert meta["bearer"] is True and meta["body"] is False
    assert meta["t"]["signedOut"] == JS_STRINGS["signedOut"]["ko"]


def test_operations_without_security_take_no_key(spec: Spec) -> None:
    # `security: []`: links a browser opens and signed upload URLs; console.js then sends no key
    keyless = {op.op_id for op in spec.operations.values() if op.data.get("security") == []}
    assert keyless == {
        "confirmSignUpEmail",
        "oauthCallbackRedirect",
        "uploadSandboxObject",
        "getSandboxObject",
    }
    for op in spec.operations.values():
        meta = _meta(_form(render_console(spec.raw, op.op_id, "en")))
        assert meta["key"] is (op.op_id not in keyless), op.op_id


def test_sandbox_helpers_appear_where_they_help(spec: Spec) -> None:
    def acts(op_id: str) -> set[str]:
        form = _form(render_console(spec.raw, op_id, "en"))
        return {str(b.attrs.get("data-act")) for b in form.find_all("button")}

    # outbox: operations that send mail and those that take the mailed token
    for op_id in ("emailSignUp", "resendSignUpEmail", "confirmPasswordReset", "confirmEmailVerification"):
        assert "outbox" in acts(op_id), op_id
    # TOTP: operations that take a one-time code
    for op_id in ("confirmMfa", "disableMfa", "emailSignIn"):
        assert "totp" in acts(op_id), op_id
    for op_id in ("getMe", "refreshToken", "enableMfa"):
        assert not {"outbox", "totp"} & acts(op_id), op_id


def test_nothing_from_the_spec_can_break_out_of_the_markup(spec: Spec) -> None:
    raw = copy.deepcopy(spec.raw)
    hostile = "</script><img src=x onerror=alert(1)></textarea><!-- ' \" &amp; &"
    body = raw["paths"]["/v1/auth/email/signup"]["post"]["requestBody"]["content"]["application/json"]
    first = next(iter(body["examples"].values()))
    first["value"]["name"] = hostile
    html = render_console(raw, "emailSignUp", "en")
    form = _form(html)  # still one well-formed form
    assert not form.find_all("img")
    assert "<script" not in html and html.count("</textarea>") == 2
    controls = {c.attrs.get("name"): c for c in _controls(form)}
    assert json.loads(controls["body"].text())["name"] == hostile
    assert controls["b:name"].attrs["value"] == hostile
    assert _meta(form)["examples"][next(iter(body["examples"]))]["name"] == hostile


def test_unknown_names_fail_loudly(spec: Spec) -> None:
    with pytest.raises(UnknownName, match="emailSignUp"):
        render_console(spec.raw, "emailSignup", "en")
    with pytest.raises(UnknownName, match="magiclink"):
        render_console(spec.raw, "emailSignUp", "en", "magicLink")
    with pytest.raises(ValueError, match="language"):
        render_console(spec.raw, "getMe", "fr")


def test_the_string_table_is_complete_and_used() -> None:
    for table in (HTML_STRINGS, JS_STRINGS):
        for key, texts in table.items():
            assert set(texts) == set(LANGUAGES), key
            assert all(t.strip() for t in texts.values()), key
            # the same placeholders in both languages
            assert len({frozenset(re.findall(r"\{(\w+)\}", t)) for t in texts.values()}) == 1, key
    js = CONSOLE_JS.read_text(encoding="utf-8")
    used_js = set(re.findall(r"\bt\.(\w+)", js))
    assert used_js == set(JS_STRINGS), "console.js and JS_STRINGS disagree"
    py = CONSOLE_PY.read_text(encoding="utf-8")
    used_html = set(re.findall(r"""(?:(?<![\w.])t|self\.text)\(["'](\w+)["']""", py))
    used_html |= set(re.findall(r"""self\.t\[["'](\w+)["']\]""", py))
    used_html |= {"path", "query", "header"}  # looked up by parameter location
    # the form's first text ("no request yet") is also what console.js puts back on a server change
    assert used_html - set(HTML_STRINGS) == {"idle"} and "idle" in JS_STRINGS
    assert used_html & set(HTML_STRINGS) == set(HTML_STRINGS), "console.py and HTML_STRINGS disagree"


def test_console_assets_exist() -> None:
    folder = Path(CONSOLE_JS).parent
    for name in ("console.js", "console.css", "loader.js"):
        assert (folder / name).is_file(), name


def test_error_code_links_land_on_an_anchor_of_the_real_site(built_site: Path, spec: Spec) -> None:
    """The console links an error code to reference/error-codes/#<code with / as ->, per language."""
    for folder in (built_site, built_site / "en"):
        page = folder / "reference" / "error-codes" / "index.html"
        ids = set(re.findall(r'\bid="([^"]+)"', page.read_text(encoding="utf-8")))
        missing = [code for code in spec.error_codes if code.replace("/", "-") not in ids]
        assert not missing, f"{page}: no anchor for {missing[:5]}"
