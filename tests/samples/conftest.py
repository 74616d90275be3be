"""Fixtures for running the code samples: a sandbox of their own (fresh database, rate limits off
because hundreds of samples sign up from one address, OAuth pointed at a local fake provider),
the preparation context, and the count of executed samples printed at the end of the session."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from macros.spec import Spec, load_spec
from tests.conftest import ROOT, SANDBOX_KEY, Sandbox, free_port, wait_for_port
from tests.samples.fake_oauth import FakeOAuth, serve_fake_oauth
from tests.samples.preconditions import Ctx
from tests.samples.runners import EXECUTED
from tests.sandbox.conftest import Api

# `python -m sandbox` with the providers' endpoints pointed at the fake one (they are constants of
# sandbox.settings, not settings the command reads).
LAUNCH = """
import json, sys
import sandbox.settings
sandbox.settings.OAUTH_ENDPOINTS.update(json.loads(sys.argv.pop(1)))
from sandbox.__main__ import main
sys.exit(main(sys.argv[1:]))
"""

@contextlib.contextmanager
def run_samples_sandbox(db_path: Path, oauth: FakeOAuth) -> Iterator[Sandbox]:
    import json

    port = free_port()
    jwt_secret = secrets.token_hex(32)
    env = {
        **os.environ,
        "SANDBOX_JWT_SECRET": jwt_secret,
        "SANDBOX_CORS_ORIGINS": "*",
        "SANDBOX_RATE_LIMITS": "off",
        "SANDBOX_GOOGLE_CLIENT_ID": "samples", "SANDBOX_GOOGLE_CLIENT_SECRET": "samples",
        "SANDBOX_GITHUB_CLIENT_ID": "samples", "SANDBOX_GITHUB_CLIENT_SECRET": "samples",
        "SANDBOX_OAUTH_REDIRECT_URL": "http://127.0.0.1:8000/signed-in",
    }
    cmd = [sys.executable, "-c", LAUNCH, json.dumps(oauth.endpoints()),
           "--host", "127.0.0.1", "--port", str(port), "--db", str(db_path)]
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_for_port(port, proc=proc)
        yield Sandbox(f"http://127.0.0.1:{port}", SANDBOX_KEY, db_path, jwt_secret, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stderr:
            proc.stderr.close()


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
    with run_samples_sandbox(tmp_path_factory.mktemp("samples-sandbox") / "sandbox.db", fake_oauth) as sb:
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
