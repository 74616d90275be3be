"""`python -m sandbox --workers 2` on SQLite and on PostgreSQL: the flow tests that need no movable
clock, 50 concurrent sign-ups racing for one address, and a `kill -9` of every process in the middle
of a burst. Each request opens a new connection, so the two workers share the work."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.conftest import SANDBOX_KEY, Sandbox, run_sandbox
from tests.sandbox import test_flows
from tests.sandbox.burst import SignupBurst, race_for_one_address
from tests.sandbox.conftest import PASSWORD, Api, unique_email

BACKENDS = ["sqlite", "postgresql"]
WORKERS = ["--workers", "2"]
# The flow tests that take only `api` (the others move the in-process clock or open SQLite).
globals().update({name: getattr(test_flows, name) for name in dir(test_flows)
                  if name.startswith("test_") and list(getattr(test_flows, name).__code__.co_varnames[:1]) == ["api"]
                  and getattr(test_flows, name).__code__.co_argcount == 1})


def database_url(backend: str, request: pytest.FixtureRequest, folder: Path) -> str:
    if backend == "postgresql":
        return str(request.getfixturevalue("pg").new_database())
    return f"sqlite:///{folder / 'sandbox.db'}"


@contextlib.contextmanager
def workers(url: str, folder: Path, **env: str) -> Iterator[Sandbox]:
    extra = {"DATABASE_URL": url, "SANDBOX_RATE_LIMITS": "off", **env}
    with run_sandbox(folder / "ignored.db", extra_env=extra, extra_args=WORKERS, start_timeout=90) as sb:
        # The supervisor listens first; then each worker loads the spec. Wait until one answers.
        deadline = time.monotonic() + 90
        while True:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{sb.url}/sandbox/health", headers={"X-API-Key": SANDBOX_KEY}, timeout=5).is_success:
                    break
            assert time.monotonic() < deadline, "no worker answered"
            time.sleep(0.2)
        yield sb


def fresh_connections(url: str) -> httpx.Client:
    """No keep-alive: every request is a new connection, which either worker may accept."""
    return httpx.Client(base_url=url, headers={"X-API-Key": SANDBOX_KEY}, timeout=60,
                        limits=httpx.Limits(max_connections=64, max_keepalive_connections=0))


@pytest.fixture(scope="module", params=BACKENDS)
def api(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp(f"workers-{request.param}")
    with workers(database_url(request.param, request, folder), folder, SANDBOX_VALIDATE_RESPONSES="1") as sb:
        client = Api(sb.url)
        client.http.close()
        client.http = fresh_connections(sb.url)
        try:
            yield client
        finally:
            client.close()


def users_in(url: str) -> set[str]:
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as conn:
            return {row[0] for row in conn.execute(text("SELECT email FROM users"))}
    finally:
        engine.dispose()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


@pytest.mark.parametrize("backend", BACKENDS)
def test_fifty_concurrent_signups_with_one_email(backend: str, request: pytest.FixtureRequest,
                                                  tmp_path: Path) -> None:
    url = database_url(backend, request, tmp_path)
    email = unique_email("race")
    with workers(url, tmp_path) as sb, fresh_connections(sb.url) as client:
        responses = race_for_one_address(client, email)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * 49, statuses
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"auth/email-already-exists"}
    assert email in users_in(url)


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_9_of_every_process_loses_no_acknowledged_signup(backend: str, request: pytest.FixtureRequest,
                                                              tmp_path: Path) -> None:
    url = database_url(backend, request, tmp_path)
    with workers(url, tmp_path) as sb, fresh_connections(sb.url) as client, SignupBurst(client) as burst:
        burst.wait_for(30, timeout=60)
        for pid in [*children(sb.process.pid), sb.process.pid]:  # the workers and their supervisor
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        sb.process.wait(timeout=10)
    acknowledged, failed = burst.acknowledged, burst.failed
    assert len(acknowledged) >= 30
    assert failed > 0
    assert set(acknowledged) <= users_in(url)
    with workers(url, tmp_path) as sb, fresh_connections(sb.url) as client:
        def can_sign_in(email: str) -> int:
            return client.post("/v1/auth/email/signin",
                               json={"method": "password", "email": email, "password": PASSWORD}).status_code

        with ThreadPoolExecutor(max_workers=8) as pool:
            assert set(pool.map(can_sign_in, acknowledged)) == {200}


def test_both_workers_answer(api: Api) -> Any:
    """Requests on new connections reach both processes (their ids differ in the ids they make)."""
    seen: set[str] = set()
    for _ in range(40):  # new_id: 4 time bytes, then 5 per-process bytes
        seen.add(api.signup().id[8:18])
        if len(seen) == 2:
            break
    assert len(seen) == 2, seen
