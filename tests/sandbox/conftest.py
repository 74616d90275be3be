"""Sandbox test fixtures: the app served in-process by uvicorn on a free loopback port (so tests can
move its clock), reached over real HTTP with httpx; and helpers for the common flows."""

from __future__ import annotations

import contextlib
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from sandbox.app import build_services, create_app
from sandbox.clock import FakeClock
from sandbox.context import Services
from sandbox.settings import DEFAULT_SPEC, Settings, sqlite_url
from sandbox.spec import Spec
from tests.conftest import SANDBOX_KEY, free_port, run_sandbox

PASSWORD = "Corr3ct-Horse-Battery"


@pytest.fixture(scope="session")
def spec() -> Spec:
    """The spec, parsed once for every in-process sandbox of the session."""
    return Spec(DEFAULT_SPEC)


class Api:
    """An httpx client for one sandbox that always sends the publishable key."""

    def __init__(self, base_url: str, key: str = SANDBOX_KEY) -> None:
        self.base_url = base_url
        self.http = httpx.Client(base_url=base_url, headers={"X-API-Key": key}, timeout=30.0)

    def request(self, method: str, path: str, *, token: str | None = None, **kwargs: Any) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}) or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(method, path, headers=headers, **kwargs)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    # --- flows --------------------------------------------------------------------------------

    def signup(self, email: str | None = None, password: str = PASSWORD, name: str = "Tester") -> Account:
        email = email or unique_email()
        r = self.post("/v1/auth/email/signup", json={"method": "password", "email": email, "password": password,
                                                     "name": name})
        assert r.status_code == 201, r.text
        tokens = r.json()
        me = self.get("/v1/auth/me", token=tokens["accessToken"]).json()
        return Account(email=email, password=password, id=me["id"], tokens=tokens)

    def signin(self, email: str, password: str = PASSWORD, **extra: Any) -> httpx.Response:
        return self.post("/v1/auth/email/signin",
                         json={"method": "password", "email": email, "password": password, **extra})

    def outbox(self, email: str, kind: str | None = None) -> list[dict[str, Any]]:
        r = self.get("/sandbox/outbox", params={"email": email, "limit": 100})
        assert r.status_code == 200, r.text
        items = r.json()["items"]
        return [m for m in items if kind is None or m["kind"] == kind]

    def confirmation_mail(self, email: str) -> dict[str, Any]:
        """Ask for the sign-up confirmation mail (sent on request only, as in bkend) and return it."""
        r = self.post("/v1/auth/signup/email/resend", json={"email": email})
        assert r.status_code == 200, r.text
        return self.outbox(email, "signup-confirmation")[0]

    def close(self) -> None:
        self.http.close()


@dataclass
class Account:
    email: str
    password: str
    id: str
    tokens: dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> str:
        return str(self.tokens["accessToken"])


def unique_email(prefix: str = "user") -> str:
    return f"{prefix}-{secrets.token_hex(6)}@example.com"


@dataclass
class Live:
    """An in-process sandbox: base URL, its fake clock, its services (store, settings...)."""

    url: str
    clock: FakeClock
    services: Services
    db_path: Path
    api: Api

    @property
    def jwt_secret(self) -> str:
        return self.services.access_tokens._secret


@contextlib.contextmanager
def serve(settings: Settings, spec: Spec, clock: FakeClock | None = None) -> Iterator[Live]:
    clock = clock or FakeClock()
    services = build_services(settings, clock, spec=spec)
    app = create_app(settings, services=services)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                          proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the in-process sandbox did not start")
        time.sleep(0.02)
    url = f"http://127.0.0.1:{port}"
    api = Api(url)
    db_path = Path(settings.database_url.removeprefix("sqlite:///"))
    try:
        yield Live(url=url, clock=clock, services=services, db_path=db_path, api=api)
    finally:
        api.close()
        server.should_exit = True
        thread.join(timeout=15)


def make_settings(db_path: Path, **overrides: Any) -> Settings:
    base = Settings(
        database_url=sqlite_url(db_path),
        jwt_secret=secrets.token_hex(32),
        rate_limit_scale=None,
        validate_responses=True,
        cors_origins=("http://127.0.0.1:8000", "http://localhost:8000"),
    )
    return replace(base, **overrides)


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, spec: Spec) -> Iterator[Live]:
    """A sandbox shared by one test module: rate limits off, every response checked against the spec."""
    db = tmp_path_factory.mktemp("live") / "sandbox.db"
    with serve(make_settings(db), spec) as sandbox:
        yield sandbox


@pytest.fixture
def api(live: Live) -> Api:
    return live.api


@pytest.fixture
def fresh(tmp_path: Path, spec: Spec) -> Iterator[Any]:
    """Start a sandbox of one's own (empty database, chosen settings): `with fresh(**settings) as s:`."""

    @contextlib.contextmanager
    def start(**overrides: Any) -> Iterator[Live]:
        db = tmp_path / f"sandbox-{secrets.token_hex(4)}.db"
        with serve(make_settings(db, **overrides), spec) as sandbox:
            yield sandbox

    return start


@contextlib.contextmanager
def process_sandbox(db_path: Path, args: tuple[str, ...] = (), **env: str) -> Iterator[Api]:
    """`python -m sandbox` in a subprocess (the real server: uvicorn, its protocol, the launcher),
    every response checked against the spec; `env` adds SANDBOX_* variables, `args` options."""
    extra = {"SANDBOX_RATE_LIMITS": "off", "SANDBOX_VALIDATE_RESPONSES": "1", **env}
    with run_sandbox(db_path, extra_env=extra, extra_args=list(args)) as sb:
        api = Api(sb.url)
        try:
            yield api
        finally:
            api.close()


@pytest.fixture(scope="module")
def proc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    """One `python -m sandbox` process shared by a test module (rate limits off)."""
    with process_sandbox(tmp_path_factory.mktemp("proc") / "sandbox.db") as api:
        yield api


@pytest.fixture(scope="session")
def pg() -> Iterator[Any]:
    """A PostgreSQL server of the test session (skipped, with the reason, where none is installed)."""
    from tests.sandbox import postgres

    reason = postgres.missing_reason()
    if reason:
        pytest.skip(reason)
    with postgres.cluster() as cluster:
        yield cluster
