"""The conventions of spec/README.md that the macros, the console and the sandbox rely on."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.spec.error_table import ADDED_ERRORS, API_FACTS_ERRORS
from tests.spec.spec_walk import Operation, described_nodes, load_spec, operations, resolve

SPEC = load_spec()
OPS = operations(SPEC)
OP_IDS = [o.id for o in OPS]

PUBLIC_SECURITY = [{"apiKey": []}, {"legacyProjectId": [], "legacyEnvironment": []}]
AUTH_SECURITY = [
    {"apiKey": [], "bearerAuth": []},
    {"legacyProjectId": [], "legacyEnvironment": [], "bearerAuth": []},
]
COMMON_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "413": "PayloadTooLarge",
    "429": "TooManyRequests",
}
SHARED_RESPONSES = {
    "400": "BadRequest",
    "401": "Unauthorized",
    "403": "Forbidden",
    "404": "NotFound",
    "409": "Conflict",
    "410": "Gone",
    "413": "PayloadTooLarge",
    "429": "TooManyRequests",
    "500": "InternalError",
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")
TOKEN_SCHEMA = "#/components/schemas/TokenResponse"

ops_param = pytest.mark.parametrize("operation", OPS, ids=OP_IDS)


def ko(node: dict[str, Any]) -> dict[str, Any]:
    return node.get("x-i18n", {}).get("ko", {})


def error_codes() -> dict[str, dict[str, Any]]:
    return SPEC["x-error-codes"]


def refs_in(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(refs_in(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(refs_in(v) for v in node))
    return set()


# --- operations ----------------------------------------------------------------------------------


def test_at_least_fifty_operations_with_unique_camel_case_ids() -> None:
    assert len(OPS) >= 50
    assert len(set(OP_IDS)) == len(OP_IDS)
    assert [i for i in OP_IDS if not re.fullmatch(r"[a-z][a-zA-Z0-9]+", i)] == []


@ops_param
def test_operation_has_one_declared_tag(operation: Operation) -> None:
    declared = {t["name"] for t in SPEC["tags"]}
    tags = operation.op.get("tags", [])
    assert len(tags) == 1 and tags[0] in declared


def test_every_declared_tag_is_used_and_localized() -> None:
    used = {o.op["tags"][0] for o in OPS}
    for tag in SPEC["tags"]:
        assert tag["name"] in used, tag["name"]
        assert tag.get("x-displayName") and tag.get("description"), tag["name"]
        assert HANGUL.search(ko(tag).get("displayName", "")) and HANGUL.search(
            ko(tag).get("description", "")
        ), tag["name"]


@ops_param
def test_operation_has_en_and_ko_summary_and_description(operation: Operation) -> None:
    op = operation.op
    assert op.get("summary") and op.get("description")
    assert HANGUL.search(ko(op).get("summary", "")), "ko summary missing"
    assert HANGUL.search(ko(op).get("description", "")), "ko description missing"


# Opened by a browser following a link, which cannot send the key (x-decisions: browser-opened-endpoints).
BROWSER_OPENED = {"confirmSignUpEmail", "oauthCallbackRedirect"}
# The sandbox's upload target (the URL signature is the credential) and its uploaded files (the
# unguessable key is the address, as for a public object URL).
SIGNED_URL = {"uploadSandboxObject", "getSandboxObject"}


@ops_param
def test_security_shape(operation: Operation) -> None:
    security = operation.op.get("security")
    if security == []:
        assert operation.id in BROWSER_OPENED | SIGNED_URL
        assert operation.method == "get" or operation.op.get("x-sandbox-only")
        return
    assert operation.id not in BROWSER_OPENED
    assert security in (PUBLIC_SECURITY, AUTH_SECURITY)


@ops_param
def test_bearer_operations_list_the_access_token_errors(operation: Operation) -> None:
    errors = operation.op["x-errors"]
    if operation.op["security"] == AUTH_SECURITY:
        missing_token = "user/unauthorized" if operation.path.startswith("/v1/users") else "auth/unauthorized"
        assert {missing_token, "auth/invalid-token", "auth/token-expired"} <= set(errors)
    else:
        assert not {
            "auth/unauthorized",
            "user/unauthorized",
            "auth/invalid-token",
            "auth/token-expired",
        } & set(errors)


@ops_param
def test_path_parameters_match_the_template(operation: Operation) -> None:
    in_template = set(re.findall(r"{(\w+)}", operation.path))
    params = [resolve(SPEC, p) for p in operation.op.get("parameters", [])]
    in_path = {p["name"] for p in params if p["in"] == "path"}
    assert in_template == in_path
    assert all(p["required"] for p in params if p["in"] == "path")


@ops_param
def test_parameters_have_schema_example_and_descriptions(operation: Operation) -> None:
    for param in (resolve(SPEC, p) for p in operation.op.get("parameters", [])):
        assert "schema" in param and "example" in param, param["name"]
        assert param.get("description") and HANGUL.search(ko(param).get("description", "")), param["name"]


@ops_param
def test_request_body_has_named_localized_examples(operation: Operation) -> None:
    body = operation.op.get("requestBody")
    if body is None:
        # Only sign-out acts on the session named by the token alone and needs no body.
        assert operation.method in ("get", "delete") or operation.id == "signOut"
        return
    for media_type, media in body["content"].items():
        if media_type != "application/json":
            continue  # raw uploads have no meaningful JSON example
        assert media.get("examples"), media_type
        for name, example in media["examples"].items():
            assert example.get("summary") and HANGUL.search(ko(example).get("summary", "")), name
            assert "value" in example, name


def test_sign_up_examples_start_with_password_then_magiclink() -> None:
    sign_up = next(o for o in OPS if o.id == "emailSignUp")
    names = list(sign_up.op["requestBody"]["content"]["application/json"]["examples"])
    assert names[:2] == ["password", "magiclink"]


@ops_param
def test_responses_have_schemas_examples_and_descriptions(operation: Operation) -> None:
    responses = operation.op["responses"]
    assert any(code[0] in "23" for code in responses)
    for code, response in responses.items():
        if "$ref" in response:
            assert response["$ref"] == f"#/components/responses/{SHARED_RESPONSES[code]}", code
            continue
        assert response.get("description") and HANGUL.search(ko(response).get("description", "")), code
        for media_type, media in response.get("content", {}).items():
            assert "schema" in media, f"{code} {media_type}"
            if media_type.startswith("image/"):
                # Raw bytes: no JSON example; the schema says so (no `type`, a content media type).
                assert "type" not in media["schema"] and media["schema"]["contentMediaType"] == media_type
            else:
                assert "example" in media, f"{code} {media_type}"
        if code == "302":
            assert "Location" in response["headers"]
        elif code.startswith("2"):
            content = response.get("content", {})
            assert "application/json" in content or operation.id == "getSandboxObject", code


@ops_param
def test_common_error_responses_are_documented(operation: Operation) -> None:
    responses = operation.op["responses"]
    expected = dict(COMMON_RESPONSES)
    if operation.op["security"] == []:
        del expected["401"]  # no key is checked, so the key error cannot happen
    for code, name in expected.items():
        assert responses.get(code) == {"$ref": f"#/components/responses/{name}"}, code


@ops_param
def test_x_errors_exist_and_their_status_is_documented(operation: Operation) -> None:
    errors = operation.op["x-errors"]
    assert len(set(errors)) == len(errors)
    catalog = error_codes()
    for code in errors:
        assert code in catalog, code
        assert not catalog[code].get("common"), f"{code} is common and must not be repeated"
        assert str(catalog[code]["status"]) in operation.op["responses"], code


def invalid_codes_reachable(node: Any, seen: set[str]) -> set[str]:
    """`x-invalid-code` values in a schema or parameter, following `$ref`s."""
    if isinstance(node, list):
        return set().union(*(invalid_codes_reachable(v, seen) for v in node))
    if not isinstance(node, dict):
        return set()
    found = {node["x-invalid-code"]} if "x-invalid-code" in node else set()
    ref = node.get("$ref")
    if isinstance(ref, str) and ref not in seen:
        seen.add(ref)
        found |= invalid_codes_reachable(resolve(SPEC, {"$ref": ref}), seen)
    for key, value in node.items():
        if key not in ("$ref", "x-i18n", "example", "examples"):
            found |= invalid_codes_reachable(value, seen)
    return found


@ops_param
def test_field_specific_codes_are_listed_in_x_errors(operation: Operation) -> None:
    inputs = [operation.op.get("parameters", []), operation.op.get("requestBody", {})]
    assert invalid_codes_reachable(inputs, set()) <= set(operation.op["x-errors"])


@ops_param
def test_mail_kinds_are_outbox_kinds(operation: Operation) -> None:
    kinds = SPEC["components"]["schemas"]["OutboxMessage"]["properties"]["kind"]["enum"]
    sends = operation.op.get("x-sends-mail", [])
    assert isinstance(sends, list) and set(sends) <= set(kinds)


def test_every_mail_kind_has_a_sender() -> None:
    kinds = SPEC["components"]["schemas"]["OutboxMessage"]["properties"]["kind"]["enum"]
    assert {k for o in OPS for k in o.op.get("x-sends-mail", [])} == set(kinds)


@ops_param
def test_token_responses_forbid_caching(operation: Operation) -> None:
    for code, response in operation.op["responses"].items():
        schema_refs = refs_in(response.get("content", {}))
        if TOKEN_SCHEMA in schema_refs:
            assert response["headers"]["Cache-Control"] == {
                "$ref": "#/components/headers/CacheControlNoStore"
            }, code


@ops_param
def test_sandbox_only_operations(operation: Operation) -> None:
    op = operation.op
    sandbox_url = SPEC["x-sandbox"]["baseUrl"]
    if op.get("x-sandbox-only"):
        assert op["tags"] == ["sandbox"]
        assert [s["url"] for s in op["servers"]] == [sandbox_url]
        assert operation.path.startswith("/sandbox/")
    else:
        assert op["tags"] != ["sandbox"] and "servers" not in op
        assert operation.path.startswith("/v1/")


# --- shared components -----------------------------------------------------------------------------


def test_shared_error_responses_use_the_error_schema() -> None:
    responses = SPEC["components"]["responses"]
    assert set(SHARED_RESPONSES.values()) <= set(responses)
    for name in SHARED_RESPONSES.values():
        media = responses[name]["content"]["application/json"]
        assert media["schema"] == {"$ref": "#/components/schemas/Error"}, name
        code = media["example"]["error"]["code"]
        status = next(s for s, n in SHARED_RESPONSES.items() if n == name)
        assert str(error_codes()[code]["status"]) == status, name


def test_too_many_requests_documents_retry_after() -> None:
    headers = SPEC["components"]["responses"]["TooManyRequests"]["headers"]
    assert resolve(SPEC, headers["Retry-After"])["schema"]["type"] == "integer"


def test_security_schemes() -> None:
    schemes = SPEC["components"]["securitySchemes"]
    assert schemes["apiKey"] == {**schemes["apiKey"], "type": "apiKey", "in": "header", "name": "X-API-Key"}
    assert schemes["legacyProjectId"]["name"] == "X-Project-Id"
    assert schemes["legacyEnvironment"]["name"] == "X-Environment"
    assert schemes["bearerAuth"]["scheme"] == "bearer"


def test_every_description_has_a_korean_twin() -> None:
    missing = [
        where for where, node in described_nodes(SPEC) if not HANGUL.search(ko(node).get("description", ""))
    ]
    assert missing == []


def test_every_schema_property_is_described() -> None:
    missing = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for prop, sub in (node.get("properties") or {}).items():
                if not sub.get("description") or not HANGUL.search(ko(sub).get("description", "")):
                    missing.append(f"{where}.{prop}")
            for key, value in node.items():
                if key not in ("x-i18n", "example", "examples"):
                    walk(value, where if key == "properties" else f"{where}/{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, where)

    walk(SPEC["components"], "components")
    walk(SPEC["paths"], "paths")
    assert missing == []


def test_korean_uses_the_formal_style() -> None:
    # docs/ko/STYLE.md: 합니다체 for descriptions, "~하세요" where the reader acts; never 해요체.
    informal = re.compile(r"(해요|어요|아요|이에요|예요|죠)[.!]?(\s|$)")
    found = []

    def walk(node: Any, where: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{where}/{key}")
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")
        elif isinstance(node, str) and "/x-i18n/ko/" in where and informal.search(node):
            found.append(where)

    walk(SPEC, "")
    assert found == []


def test_invalid_codes_on_fields_are_known_400_errors() -> None:
    hints = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-invalid-code" in node:
                hints.append(node["x-invalid-code"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)
    assert len(hints) >= 6
    for code in hints:
        assert error_codes()[code]["status"] == 400, code


# --- root extensions ---------------------------------------------------------------------------


def test_error_catalog_entries_are_complete_in_both_languages() -> None:
    for code, entry in error_codes().items():
        assert re.fullmatch(r"[a-z]+/[a-z0-9-]+", code), code
        assert isinstance(entry["status"], int) and 400 <= entry["status"] <= 599, code
        assert entry.get("message") and entry.get("description"), code
        assert HANGUL.search(ko(entry).get("message", "")) and HANGUL.search(
            ko(entry).get("description", "")
        ), code
        assert set(entry) <= {"status", "message", "description", "common", "x-i18n"}, code


@pytest.mark.parametrize(("code", "status"), sorted(API_FACTS_ERRORS.items()))
def test_api_facts_error_is_in_the_catalog_with_its_status(code: str, status: int) -> None:
    assert error_codes()[code]["status"] == status


def test_added_error_codes_and_common_flags() -> None:
    catalog = error_codes()
    for code, (status, common) in ADDED_ERRORS.items():
        assert catalog[code]["status"] == status, code
        assert bool(catalog[code].get("common")) is common, code
    assert catalog["auth/too-many-requests"].get("common") is True
    assert set(catalog) == set(API_FACTS_ERRORS) | set(ADDED_ERRORS)
    common_statuses = {str(e["status"]) for e in catalog.values() if e.get("common")}
    assert common_statuses == set(COMMON_RESPONSES)


def test_lifetimes() -> None:
    assert SPEC["x-lifetimes"] == {
        "accessToken": 3600,
        "refreshToken": 2592000,
        "sessionIdle": 604800,
        "passwordReset": 86400,
        "emailVerification": 86400,
        "magicLink": 900,
        "invitation": 604800,
        "avatarUploadUrl": 900,
    }


def test_password_policy_matches_the_password_schema() -> None:
    policy = SPEC["x-password-policy"]
    assert (policy["minLength"], policy["maxLength"]) == (6, 128)  # bkend's documented default (email sign-up guide)
    assert set(policy) == {"minLength", "maxLength", "requireUppercase", "requireLowercase", "requireNumbers",
                           "requireSpecialChars", "expirationDays"}
    assert not any(v for k, v in policy.items() if k.startswith("require"))
    password = SPEC["components"]["schemas"]["Password"]
    assert (password["minLength"], password["maxLength"]) == (policy["minLength"], policy["maxLength"])


def test_sandbox_extension() -> None:
    sandbox = SPEC["x-sandbox"]
    assert sandbox["publishableKey"] == "pk_sandbox_bkend_docs"
    assert sandbox["legacyHeaders"] == {"X-Project-Id": "sandbox", "X-Environment": "dev"}
    assert sandbox["baseUrl"] == "http://127.0.0.1:8001"
    assert sandbox["firstUserIsAdmin"] is True
    assert sandbox["baseUrl"] in [s["url"] for s in SPEC["servers"]]


def test_decisions_are_recorded_in_both_languages() -> None:
    decisions = SPEC["x-decisions"]
    topics = [d["topic"] for d in decisions]
    assert len(set(topics)) == len(topics)
    for required in (
        "browser-opened-endpoints",
        "password-minimum-length",
        "api-key-header",
        "success-envelope",
        "invitation-expired-status",
        "magic-link-completion",
        "added-error-codes",
        "sandbox-rules",
    ):
        assert required in topics
    for decision in decisions:
        assert decision["sources"] and all(isinstance(s, str) for s in decision["sources"]), decision["topic"]
        assert decision["decision"] and HANGUL.search(ko(decision).get("decision", "")), decision["topic"]
    added = next(d for d in decisions if d["topic"] == "added-error-codes")["decision"]
    assert [code for code in ADDED_ERRORS if f"`{code}`" not in added] == []
