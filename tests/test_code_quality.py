"""The code stays lint- and type-clean (what `make lint` runs), so CI catches a regression."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True)


def test_ruff_finds_nothing() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_finds_nothing() -> None:
    result = _run("mypy", "sandbox", "macros", "importer", "docs_search", "docs_mcp")
    assert result.returncode == 0, result.stdout + result.stderr
