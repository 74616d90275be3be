"""Every code sample the pages can show is run against the sandbox: for each operation of the spec
and each of its named request examples, the cURL, JavaScript, bkendFetch and Python samples are
rendered by the same templates the pages use (macros.samples), with real values for the
operation's preconditions, then executed. Each must get the documented success status and a body
that validates against the documented response schema.

All preconditions are prepared first, then each tool runs its samples in one process (see
runners.py); the parametrized test reports each sample on its own.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from macros import tables
from macros.i18n import ui
from macros.samples import TOOLS, render_sample
from macros.spec import Spec, load_spec
from tests.conftest import Sandbox
from tests.samples.preconditions import PREPARE, Ctx
from tests.samples.runners import EXECUTED, Job, Outcome, run_batch

SPEC = load_spec()
CASES = [
    (op.op_id, example, tool)
    for op in SPEC.operations.values()
    for example in (list(SPEC.request_examples(op)) or [None])
    for tool in TOOLS
]


def case_id(op_id: str, example: str | None, tool: str) -> str:
    return f"{op_id}-{example or 'default'}-{tool}"


def test_every_operation_has_a_preparer() -> None:
    assert sorted(set(SPEC.operations) - set(PREPARE)) == []
    assert sorted(set(PREPARE) - set(SPEC.operations)) == []


_COMMENT = re.compile(r"^\s*(#|//).*$", re.M)


def _code_only(source: str) -> str:
    return _COMMENT.sub("", re.sub(r" // .*$", "", source, flags=re.M))


class Prepared:
    def __init__(self, source: str = "", problem: str | None = None) -> None:
        self.source = source
        self.problem = problem  # preparing or rendering failed
        self.outcome: Outcome | None = None


# Operations whose prepared values expire within about a minute (a TOTP code of the authenticator).
TIME_BOUND = {"confirmMfa"}


@pytest.fixture(scope="module")
def runs(
    request: pytest.FixtureRequest, ctx: Ctx, samples_sandbox: Sandbox, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Prepared]:
    """Prepare every selected case, render its sample in Korean (and check the English one is the
    same code), then run each tool's samples in one batch."""
    selected = {
        item.callspec.id for item in request.session.items
        if getattr(item, "originalname", "") == "test_sample_runs_against_the_sandbox"
    }
    prepared: dict[str, Prepared] = {}
    jobs: dict[str, list[Job]] = {tool: [] for tool in TOOLS}
    late: dict[str, list[tuple[str, str, str | None]]] = {tool: [] for tool in TOOLS}

    def prepare(name: str, op_id: str, example: str | None, tool: str) -> Job | None:
        try:
            case = PREPARE[op_id](ctx, example)
            values = {**case.values, "base_url": samples_sandbox.url, "api_key": samples_sandbox.key}
            if case.token:
                values["access_token"] = case.token
            source = render_sample(SPEC, op_id, tool, "ko", values, example)
            english = render_sample(SPEC, op_id, tool, "en", values, example)
        except Exception:  # reported by that case's test, the others still run
            prepared[name] = Prepared(problem=traceback.format_exc())
            return None
        prepared[name] = Prepared(source, None if _code_only(source) == _code_only(english) else
                                  f"the en sample is not the same code:\n{english}")
        env = {"BKEND_API_KEY": samples_sandbox.key, "SANDBOX_URL": samples_sandbox.url}
        if case.token:
            env["ACCESS_TOKEN"], env["REFRESH_TOKEN"] = case.token, case.refresh or ""
        files = {}
        if case.upload is not None:
            file_name, content_type = case.values["upload"]
            files[file_name] = case.upload
            env["UPLOAD_FILE"], env["UPLOAD_TYPE"] = file_name, content_type
        return Job(name, source, env, files)

    for op_id, example, tool in CASES:
        name = case_id(op_id, example, tool)
        if name not in selected:
            continue
        if op_id in TIME_BOUND:
            late[tool].append((name, op_id, example))
        elif (job := prepare(name, op_id, example, tool)) is not None:
            jobs[tool].append(job)
    root = tmp_path_factory.mktemp("samples")
    for tool, tool_jobs in jobs.items():
        # A TOTP code lives for a minute or so: prepare those cases right before they run, in a batch
        # of their own, not at the start of a run that takes minutes.
        fresh = [job for name, op_id, example in late[tool] if (job := prepare(name, op_id, example, tool))]
        for batch, where in ((fresh, root / f"{tool}-totp"), (tool_jobs, root / tool)):
            for name, outcome in run_batch(tool, batch, where).items():
                prepared[name].outcome = outcome
    return prepared


def response_validator(spec: Spec, op_id: str, status: str) -> Draft202012Validator | None:
    """A JSON Schema validator for the documented success body. The schema is the spec document
    itself with a `$ref` to the response schema, so `#/components/...` references resolve."""
    op = spec.operation(op_id)
    written = op.data["responses"][status]
    if "application/json" not in (spec.resolve(written).get("content") or {}):
        return None
    if "$ref" in written:
        target = written["$ref"]
    else:
        parts = ("paths", op.path, op.method.lower(), "responses", status)
        target = "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)
    root: dict[str, Any] = {**spec.raw, "$ref": f"{target}/content/application~1json/schema"}
    return Draft202012Validator(root, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.mark.parametrize(("op_id", "example", "tool"), [pytest.param(*c, id=case_id(*c)) for c in CASES])
def test_sample_runs_against_the_sandbox(op_id: str, example: str | None, tool: str, runs: dict[str, Prepared],
                                         tmp_path: Path) -> None:
    run = runs[case_id(op_id, example, tool)]
    assert run.problem is None, run.problem
    outcome = run.outcome
    assert outcome is not None
    assert outcome.error is None, f"the sample failed: {outcome.error}\n--- sample ---\n{run.source}"
    status, _ = SPEC.success_response(SPEC.operation(op_id))
    assert outcome.status == int(status), (
        f"expected {status}, got {outcome.status}: {outcome.body}\n--- sample ---\n{run.source}"
    )
    if status.startswith("3"):
        assert outcome.location, f"a {status} without a Location header"
    validator = response_validator(SPEC, op_id, status)
    if validator is not None:
        errors = [f"/{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(outcome.json())]
        assert not errors, f"the {status} body does not match the spec: {errors}\n{outcome.body}"
    EXECUTED.append(case_id(op_id, example, tool))


def test_operations_that_take_no_key_are_shown_without_it() -> None:
    """`security: []` (a link the browser opens, a signed URL): no sample sends the key, and the
    endpoint line says no key is needed. Their runs above show the sandbox answers without one."""
    keyless = [op.op_id for op in SPEC.operations.values() if not op.needs_key]
    assert {"confirmSignUpEmail", "oauthCallbackRedirect", "uploadSandboxObject"} <= set(keyless)
    for op_id in keyless:
        for lang in ("ko", "en"):
            for tool in TOOLS:
                assert "X-API-Key" not in render_sample(SPEC, op_id, tool, lang), (op_id, tool)
            assert tables.endpoint(SPEC, op_id, lang).endswith(ui("auth.none", lang))
