"""Fixtures for running the code samples: a sandbox of their own (fresh database, rate limits off
because hundreds of samples sign up from one address, OAuth pointed at a local fake provider),
the preparation context, and the count of executed samples printed at the end of the session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from macros.spec import Spec, load_spec
from tests.conftest import Sandbox, run_sandbox
from tests.samples.fake_oauth import FakeOAuth, serve_fake_oauth
from tests.samples.preconditions import Ctx
from tests.samples.runners import EXECUTED
from tests.sandbox.conftest import Api


@pytest.fixture(scope="session")
def live_spec() -> Spec:
    return load_spec()


@pytest.fixture(scope="session")
def fake_oauth() -> Iterator[FakeOAuth]:
    with serve_fake_oauth() as fake:
        yield fake


@pytest.fixture(scope="session")
def samples_sandbox(tmp_path_factory: pytest.TempPathFactory, fake_oauth: FakeOAuth) -> Iterator[Sandbox]:
    for tool in ("node", "curl", "bash"):
        if shutil.which(tool) is None:
            pytest.fail(f"`{tool}` is needed to run the code samples")
    env = {
        "SANDBOX_RATE_LIMITS": "off",
        "SANDBOX_OAUTH_REDIRECT_URL": "http://127.0.0.1:8000/signed-in",
        **fake_oauth.sandbox_env(),
    }
    db = tmp_path_factory.mktemp("samples-sandbox") / "sandbox.db"
    with run_sandbox(db, cors_origins="*", extra_env=env) as sb:
        yield sb


@pytest.fixture(scope="session")
def ctx(samples_sandbox: Sandbox, live_spec: Spec, fake_oauth: FakeOAuth) -> Iterator[Ctx]:
    api = Api(samples_sandbox.url, samples_sandbox.key)
    _, signup = live_spec.request_example(live_spec.operation("emailSignUp"), None)
    password = signup["password"]
    admin = api.signup(password=password)  # the first account of a fresh sandbox is the admin
    me = api.get("/v1/auth/me", token=admin.token).json()
    assert me["role"] == "admin", me
    try:
        yield Ctx(api=api, spec=live_spec, oauth=fake_oauth, admin=admin, password=password)
    finally:
        api.close()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if EXECUTED:
        terminalreporter.write_line(f"samples executed: {len(EXECUTED)}")
