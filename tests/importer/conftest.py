"""Fixtures for the importer tests: throw-away GitBook spaces and the command line.

Golden files (tests/importer/golden/) are regenerated with `UPDATE_GOLDEN=1 .venv/bin/pytest
tests/importer` (an environment variable: a pytest option would only work from the root conftest).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from importer import ImportResult, import_space
from tests.conftest import ROOT

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLDEN = HERE / "golden"

Files = dict[str, str | bytes]


def write_space(root: Path, files: Files) -> Path:
    """Write a single-language GitBook space. Without a SUMMARY.md in `files`, one is written that
    lists every .md file in the given order."""
    root.mkdir(parents=True, exist_ok=True)
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    if "SUMMARY.md" not in files:
        entries = [f"* [{Path(rel).stem}](<{rel}>)" for rel in files if rel.endswith(".md")]
        (root / "SUMMARY.md").write_text("# Table of contents\n\n" + "\n".join(entries) + "\n", encoding="utf-8")
    return root


@dataclass
class Converted:
    text: str  # the converted page.md
    result: ImportResult
    out: Path
    src: Path

    def page(self, rel: str, lang: str = "ko") -> str:
        return (self.out / "docs" / lang / rel).read_text(encoding="utf-8")


@pytest.fixture
def convert(tmp_path: Path) -> Callable[..., Converted]:
    """convert(page_text, **other_files) imports a one-page space (page.md plus `other_files`, which
    SUMMARY.md lists too when they are pages) and returns the converted page."""
    counter = iter(range(1000))

    def run(page: str, files: Files | None = None) -> Converted:
        n = next(counter)
        src = write_space(tmp_path / f"space{n}", {"page.md": page, **(files or {})})
        out = tmp_path / f"out{n}"
        result = import_space(src, out)
        # page.md is the space's first page, so it is the home page (index.md)
        written = out / "docs" / result.outputs[src / "page.md"]
        return Converted(written.read_text(encoding="utf-8"), result, out, src)

    return run


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "importer", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` with its bytes, to prove a folder was left untouched. The generated
    mkdocs.yml names this project's folder, which is written as `<project>` so goldens hold anywhere."""
    files = {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}
    if "mkdocs.yml" in files and (folder / "docs").is_dir():
        files["mkdocs.yml"] = files["mkdocs.yml"].replace(str(ROOT).encode(), b"<project>")
    return files
