"""Fixtures of the console's browser tests. They run on the real site (`site_url`, built once per
session) against the shared `sandbox` (rate limits off), both from tests/conftest.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="session")
def axe_script() -> Path:
    if not AXE.is_file():
        pytest.fail(f"{AXE.relative_to(ROOT)} is missing: run `make assets` (npm ci installs axe-core)")
    return AXE


@pytest.fixture
def new_page(browser: Any, site_url: str) -> Iterator[Callable[..., Any]]:
    """Opens pages in fresh browser contexts (clipboard allowed for the site); closes them after."""
    contexts: list[Any] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
        contexts.append(context)
        return context.new_page()

    try:
        yield open_page
    finally:
        for context in contexts:
            context.close()
