"""Fixtures shared by every test area: the built site, a static server for it, a running sandbox
and a headless Chromium driven by Playwright.

Everything binds to 127.0.0.1 on a free port and is stopped when the session ends.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import secrets
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Optional fixtures beside the clone (never needed to build, run or pass). CI checks it out there.
SHARED = ROOT.parent / "shared"
# Debian's chromium (what CI installs); CHROMIUM_PATH points elsewhere; without either, Playwright's own.
DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM = os.environ.get("CHROMIUM_PATH") or (str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def needs_shared(relative: str) -> pytest.MarkDecorator:
    """Mark a test (or a module, as `pytestmark`) that reads `../shared/<relative>`.

    Absent, the test skips on a laptop but fails in CI (`CI=true`), where ../shared is expected."""
    return pytest.mark.needs_shared(relative)


def require_shared(relative: str) -> Path:
    """`../shared/<relative>` for a fixture that needs it: skips without it, fails under CI=true."""
    path = SHARED / relative
    if not path.exists():
        shown = f"../shared/{relative}"
        if in_ci():
            pytest.fail(f"{shown} is missing, and CI=true expects ../shared beside the clone", pytrace=False)
        pytest.skip(f"{shown} is not here (optional fixtures)")
    return path


def pytest_runtest_setup(item: pytest.Item) -> None:
    for mark in item.iter_markers("needs_shared"):
        require_shared(mark.args[0])


def stop_process(proc: subprocess.Popen, timeout: float = 10.0) -> None:
    """Stop a server a test started, and reap it: terminate, and kill if it does not go in time.
    A process left behind would fail some later test through a ResourceWarning."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port: int, timeout: float = 20.0, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode} before listening on {port}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listened on 127.0.0.1:{port} within {timeout}s")


def build_site(config: Path, site_dir: Path, site_url: str | None = None) -> Path:
    """Run `mkdocs build --strict`; fail with mkdocs' own output when it does not pass.

    `site_url` must be the URL the site will be served at: instant navigation only follows links
    listed in the sitemap, whose URLs come from it.
    """
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    if site_url:
        env["SITE_URL"] = site_url
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", str(config), "-d", str(site_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
    )
    if result.returncode != 0:
        pytest.fail(f"mkdocs build --strict failed ({result.returncode}):\n{result.stderr}\n{result.stdout}")
    return site_dir


@pytest.fixture(scope="session")
def site_port() -> int:
    """The port the built site is served on (chosen before the build: the sitemap names it)."""
    return free_port()


@pytest.fixture(scope="session")
def built_site(tmp_path_factory: pytest.TempPathFactory, site_port: int) -> Path:
    """The project's site, built once per test session with `mkdocs build --strict`."""
    site_dir = tmp_path_factory.mktemp("site") / "site"
    return build_site(ROOT / "mkdocs.yml", site_dir, f"http://127.0.0.1:{site_port}/")


class _StaticSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves like a static host: a missing path gets the site's /404.html with status 404."""

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            super().send_error(code, message, explain)
            return
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)


@contextlib.contextmanager
def serve_directory(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve a folder over HTTP on loopback (a free port unless given); yields the base URL (ending in /)."""
    handler = functools.partial(_StaticSiteHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site: Path, site_port: int) -> Iterator[str]:
    """Base URL (ending in /) of the built site served on a free loopback port."""
    with serve_directory(built_site, site_port) as url:
        yield url


@dataclass(frozen=True)
class Sandbox:
    url: str  # base URL without a trailing slash
    key: str  # the sandbox publishable key
    db_path: Path
    jwt_secret: str
    process: subprocess.Popen


SANDBOX_KEY = "pk_sandbox_bkend_docs"


@contextlib.contextmanager
def run_sandbox(
    db_path: Path, *, cors_origins: str = "", extra_env: dict[str, str] | None = None,
    extra_args: list[str] | None = None, start_timeout: float = 20.0,
) -> Iterator[Sandbox]:
    """Start `python -m sandbox` on a free port with its own database; stop it afterwards.

    Its log goes to `sandbox.log` beside the database, and is shown if it fails to start.
    """
    port = free_port()
    log_path = db_path.with_name(db_path.name + ".log")
    jwt_secret = secrets.token_hex(32)
    env = {
        **os.environ,
        "SANDBOX_JWT_SECRET": jwt_secret,
        "SANDBOX_CORS_ORIGINS": cors_origins,
        **(extra_env or {}),
    }
    log = log_path.open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "sandbox", "--host", "127.0.0.1", "--port", str(port), "--db", str(db_path),
         *(extra_args or [])],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        try:
            wait_for_port(port, timeout=start_timeout, proc=proc)
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}\n{log_path.read_text()}") from error
        yield Sandbox(f"http://127.0.0.1:{port}", SANDBOX_KEY, db_path, jwt_secret, proc)
    finally:
        stop_process(proc)
        log.close()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox shared by the session: CORS allows the site fixtures' random-port origins, and rate
    limits are off because many tests sign up and sign in from one address (the sandbox's own
    tests cover the limits)."""
    db = tmp_path_factory.mktemp("sandbox") / "sandbox.db"
    with run_sandbox(db, cors_origins="*", extra_env={"SANDBOX_RATE_LIMITS": "off"}) as sb:
        yield sb


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser) -> Iterator[object]:
    context = browser.new_context()
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()
