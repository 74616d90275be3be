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
