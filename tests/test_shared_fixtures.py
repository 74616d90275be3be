"""The optional fixtures under ../shared: a test that needs one skips without it on a laptop, and
fails in CI (`CI=true`), where ../shared is checked out beside the clone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

PROBE = '''
from tests.conftest import needs_shared

@needs_shared("{relative}")
def test_probe():
    pass
'''


def run_probe(tmp_path: Path, relative: str, ci: str | None) -> subprocess.CompletedProcess[str]:
    test = tmp_path / "test_probe.py"
    test.write_text(PROBE.format(relative=relative), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "CI"}
    if ci is not None:
        env["CI"] = ci
    return subprocess.run(
        # Loaded as a plugin, the project's conftest applies its hook to a test outside tests/.
        [sys.executable, "-m", "pytest", str(test), "-p", "tests.conftest", "-p", "no:cacheprovider", "-q",
         "-rs", "--rootdir", str(tmp_path), "-c", str(ROOT / "pyproject.toml")],
        cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )


def test_missing_fixture_skips_outside_ci(tmp_path: Path) -> None:
    run = run_probe(tmp_path, "surely-not-here-7f3a", None)
    assert run.returncode == 0, run.stdout
    assert "1 skipped" in run.stdout
    assert "../shared/surely-not-here-7f3a is not here (optional fixtures)" in run.stdout


def test_missing_fixture_fails_in_ci(tmp_path: Path) -> None:
    run = run_probe(tmp_path, "surely-not-here-7f3a", "true")
    assert run.returncode == 1, run.stdout
    assert "1 error" in run.stdout  # failed in setup, before the test body
    assert "../shared/surely-not-here-7f3a is missing, and CI=true expects ../shared beside the clone" in run.stdout


def test_present_fixture_runs_in_ci(tmp_path: Path) -> None:
    # Any path that exists counts: point the mark at the project itself, seen from ../shared.
    run = run_probe(tmp_path, f"../{ROOT.name}/pyproject.toml", "true")
    assert run.returncode == 0, run.stdout
    assert "1 passed" in run.stdout
