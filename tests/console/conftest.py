"""Fixtures of the console's browser tests: the console mini-site (tests/console/minisite, built from
the real spec with `mkdocs build --strict`), a sandbox of its own, and browser pages."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT, Sandbox, build_site, free_port, run_sandbox, serve_directory

MINISITE = Path(__file__).resolve().parent / "minisite" / "mkdocs.yml"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def console_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (ending in /) of the console mini-site, built and served on loopback."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/"
    site = build_site(MINISITE, tmp_path_factory.mktemp("console-site") / "out", url)
    with serve_directory(site, port) as served:
        yield served


@pytest.fixture(scope="session")
def console_sandbox(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Sandbox]:
    """A sandbox for these tests alone (they create many accounts quickly: rate limits off),
    allowing the mini-site's origin like the shared fixture does (`*`)."""
    db = tmp_path_factory.mktemp("console-sandbox") / "sandbox.db"
    with run_sandbox(db, cors_origins="*", extra_env={"SANDBOX_RATE_LIMITS": "off"}) as sb:
        yield sb


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make assets` (npm ci installs axe-core)")
    return AXE


@pytest.fixture
def new_page(browser: Any, console_site: str) -> Iterator[Callable[..., Any]]:
    """Opens pages in fresh browser contexts (clipboard allowed for the site); closes them after."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=console_site.rstrip("/"))
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
