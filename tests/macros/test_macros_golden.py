"""Golden files: the pure renderers on a small frozen spec (fixtures/spec.yaml), in ko and en.

A changed renderer shows up as a diff against tests/macros/golden/*.md. After checking the diff is
intended, regenerate with `UPDATE_GOLDEN=1 .venv/bin/pytest tests/macros/test_golden.py`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

from macros import samples, tables
from macros.spec import Spec, load_spec

HERE = Path(__file__).parent
GOLDEN = HERE / "golden"
FIXTURE = HERE / "fixtures" / "spec.yaml"


def _link(op_id: str) -> str | None:
    # As the site index would answer: getMe is documented on another page, listOutbox nowhere.
    return None if op_id == "listOutbox" else f"../guide.md#{op_id.lower()}"


CASES: dict[str, Callable[[Spec, str], str]] = {
    "endpoint_table-sessions": lambda s, lang: tables.endpoint_table(
        s, [op.op_id for op in s.operations_with_tag("sessions")], lang, _link
    ),
    "endpoint_table-mixed": lambda s, lang: tables.endpoint_table(s, ["emailSignUp", "listOutbox"], lang, _link),
    "endpoint-getMe": lambda s, lang: tables.endpoint(s, "getMe", lang),
    "request_table-emailSignUp": lambda s, lang: tables.request_table(s, "emailSignUp", lang),
    "request_table-listUsers": lambda s, lang: tables.request_table(s, "listUsers", lang),
    "request_table-updateUserProfile": lambda s, lang: tables.request_table(s, "updateUserProfile", lang),
    "response_table-emailSignUp": lambda s, lang: tables.response_table(s, "emailSignUp", lang),
    "response_table-listSessions": lambda s, lang: tables.response_table(s, "listSessions", lang),
    "response_table-listUsers": lambda s, lang: tables.response_table(s, "listUsers", lang),
    "error_table-emailSignUp": lambda s, lang: tables.error_table(s, "emailSignUp", lang, "../reference/errors.md"),
    "error_table-emailSignUp-linked": lambda s, lang: tables.error_table(
        s, "emailSignUp", lang, "../errors.md", lambda code: f"../errors.md#{code.replace('/', '-')}"
    ),
    "error_table-listSessions": lambda s, lang: tables.error_table(s, "listSessions", lang),
    "error_catalog": lambda s, lang: tables.error_catalog(s, lang),
    "error_catalog-user": lambda s, lang: tables.error_catalog(s, lang, "user/"),
    "schema_table-UserProfile": lambda s, lang: tables.schema_table(s, "UserProfile", lang),
    "password_policy": lambda s, lang: tables.password_policy(s, lang),
    "lifetimes": lambda s, lang: "\n".join(f"{n}: {tables.lifetime(s, n, lang)}" for n in s.lifetimes),
    "code_samples-emailSignUp": lambda s, lang: samples.code_samples(s, "emailSignUp", lang),
    "code_samples-emailSignUp-magiclink": lambda s, lang: samples.code_samples(s, "emailSignUp", lang, "magiclink"),
    "code_samples-listUsers": lambda s, lang: samples.code_samples(s, "listUsers", lang),
    "code_samples-updateUserProfile": lambda s, lang: samples.code_samples(s, "updateUserProfile", lang),
    "code_samples-revokeSession": lambda s, lang: samples.code_samples(s, "revokeSession", lang),
    "code_samples-oauthRedirect": lambda s, lang: samples.code_samples(s, "oauthRedirect", lang),
    "code_samples-uploadObject": lambda s, lang: samples.code_samples(s, "uploadObject", lang),
    "request_table-uploadObject": lambda s, lang: tables.request_table(s, "uploadObject", lang),
    "response_table-oauthRedirect": lambda s, lang: tables.response_table(s, "oauthRedirect", lang),
}


@pytest.fixture(scope="module")
def spec() -> Spec:
    return load_spec(FIXTURE)


@pytest.mark.parametrize("lang", ["ko", "en"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_golden(spec: Spec, case: str, lang: str) -> None:
    rendered = CASES[case](spec, lang).rstrip("\n") + "\n"
    path = GOLDEN / f"{case}.{lang}.md"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(rendered, encoding="utf-8")
    assert path.exists(), f"{path.name} is missing; run with UPDATE_GOLDEN=1 to create it"
    assert rendered == path.read_text(encoding="utf-8"), f"{case} ({lang}) differs from {path.name}"


def test_no_orphan_golden_files() -> None:
    expected = {f"{case}.{lang}.md" for case in CASES for lang in ("ko", "en")}
    orphans = sorted(p.name for p in GOLDEN.glob("*.md") if p.name not in expected)
    assert not orphans, f"golden files without a case (delete them): {orphans}"
