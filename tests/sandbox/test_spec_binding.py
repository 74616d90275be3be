"""The sandbox is driven by the spec: every operation has a handler, every code it answers with is in
the catalog, and a spec the sandbox cannot serve stops it at start with a message naming the gap."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from sandbox import errors
from sandbox.app import create_app
from sandbox.operations import HANDLERS
from sandbox.settings import DEFAULT_SPEC
from sandbox.spec import Spec, SpecError
from tests.sandbox.conftest import make_settings


def test_every_operation_has_a_handler_and_no_handler_is_orphaned(spec: Spec) -> None:
    assert set(HANDLERS) == set(spec.operations)


def test_every_code_the_sandbox_answers_with_is_in_the_catalog(spec: Spec) -> None:
    missing = errors.all_codes() - spec.errors.codes()
    assert not missing


def write_spec(tmp_path: Path, change) -> Path:
    raw = yaml.safe_load(DEFAULT_SPEC.read_text(encoding="utf-8"))
    changed = copy.deepcopy(raw)
    change(changed)
    path = tmp_path / "openapi.yaml"
    path.write_text(yaml.safe_dump(changed, allow_unicode=True), encoding="utf-8")
    return path


def test_an_operation_without_handler_stops_the_start(tmp_path: Path) -> None:
    def add_operation(raw: dict) -> None:
        raw["paths"]["/v1/extra"] = {"get": {**raw["paths"]["/sandbox/health"]["get"], "operationId": "extraThing"}}

    settings = make_settings(tmp_path / "a.db", spec_path=write_spec(tmp_path, add_operation))
    with pytest.raises(SpecError, match="extraThing"):
        create_app(settings)


def test_a_missing_error_code_stops_the_start(tmp_path: Path) -> None:
    def drop_code(raw: dict) -> None:
        del raw["x-error-codes"]["auth/session-expired"]

    settings = make_settings(tmp_path / "b.db", spec_path=write_spec(tmp_path, drop_code))
    with pytest.raises(SpecError, match="auth/session-expired"):
        create_app(settings)


def test_a_missing_spec_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SpecError, match="nowhere.yaml"):
        Spec(tmp_path / "nowhere.yaml")


def test_outbox_kinds_match_the_spec(spec: Spec) -> None:
    from sandbox import mail

    schema = spec.resolve(spec.raw["components"]["schemas"]["OutboxMessage"])
    kinds = set(spec.resolve(schema["properties"]["kind"])["enum"])
    sent = {kind for op in spec.operations.values() for kind in op.raw.get("x-sends-mail", [])}
    assert set(mail.TEMPLATES) == kinds == sent


# --- what the spec tells readers about the sandbox's own behaviour ------------------------------


def _text(node: dict) -> str:
    """The English description and its Korean twin."""
    return node.get("description", "") + "\n" + node.get("x-i18n", {}).get("ko", {}).get("description", "")


def test_the_oauth_redirect_destination_is_documented(spec: Spec) -> None:
    from sandbox.settings import Settings

    op = spec.operations["oauthCallbackRedirect"].raw
    for text in (_text(op), _text(op["responses"]["302"]["headers"]["Location"])):
        assert "SANDBOX_OAUTH_REDIRECT_URL" in text
    assert Settings(database_url="sqlite://").oauth_app_redirect in _text(op)


def test_the_callback_allow_list_is_documented_where_the_sandbox_enforces_it(spec: Spec) -> None:
    # routes_auth.require_callback refuses other addresses with common/invalid-request.
    [param] = [p for p in spec.operations["confirmSignUpEmail"].raw["parameters"] if p["name"] == "callbackUrl"]
    text = _text(param)
    assert "common/invalid-request" in text and "SANDBOX_CORS_ORIGINS" in text
    topics = {d["topic"]: d for d in spec.raw["x-decisions"]}
    assert "configured domains" in topics["callback-url-allow-list"]["decision"]
    assert "configured domains" in spec.sandbox["description"]


def test_the_weak_password_reasons_are_documented(spec: Spec) -> None:
    from sandbox.passwords import COMMON_PASSWORDS, PasswordPolicy, WeakPasswordError

    entry = spec.raw["x-error-codes"]["auth/weak-password"]
    policy = PasswordPolicy.from_spec(spec.password_policy)
    with pytest.raises(WeakPasswordError):  # the blocklist and the address are refused by the default policy
        policy.check(sorted(COMMON_PASSWORDS)[0])
    with pytest.raises(WeakPasswordError):
        policy.check("someone@example.com", email="someone@example.com")
    en, ko = entry["description"], entry["x-i18n"]["ko"]["description"]
    assert "common passwords" in en and "e-mail address" in en
    assert "흔한 비밀번호" in ko and "이메일 주소" in ko
