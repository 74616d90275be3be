"""Golden files: the fixture space tests/importer/fixtures/constructs (ko + en, every construct) must
import to exactly tests/importer/golden/constructs, with exactly the warnings in
golden/constructs.warnings.txt. After checking a diff is intended, regenerate with
`UPDATE_GOLDEN=1 .venv/bin/pytest tests/importer/test_importer_golden.py`.
"""

from __future__ import annotations

import difflib
import os
import shutil

import pytest

from importer import import_space
from tests.importer.conftest import FIXTURES, GOLDEN, run_cli, snapshot

UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"


def _diff(name: str, expected: bytes, actual: bytes) -> str:
    try:
        lines = difflib.unified_diff(
            expected.decode().splitlines(), actual.decode().splitlines(), f"golden/{name}", f"imported/{name}", lineterm=""
        )
        return "\n".join(lines)
    except UnicodeDecodeError:
        return f"{name}: binary content differs"


# constructs: two language folders named on the command line; gitbook-repo: a whole repository
# (.gitbook.yaml, a stale root SUMMARY.md, language folders, assets and examples at its root).
CASES = {"constructs": {"lang_map": {"ko": "ko", "en": "en"}}, "gitbook-repo": {}}


@pytest.mark.parametrize("case", CASES)
def test_import_matches_golden_files(tmp_path, case):
    src = FIXTURES / case
    out = tmp_path / "out"
    result = import_space(src, out, **CASES[case])
    warnings = "".join(
        f"{d.path.relative_to(src)}:{d.line}: {d.severity}: {d.kind}: {d.message}\n" for d in result.diagnostics
    ).encode()
    expected_dir, expected_warnings = GOLDEN / case, GOLDEN / f"{case}.warnings.txt"
    if UPDATE:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, content in snapshot(out).items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_bytes(content)
        expected_warnings.write_bytes(warnings)
    assert expected_dir.is_dir(), f"{expected_dir} is missing; run with UPDATE_GOLDEN=1 to create it"

    actual, expected = snapshot(out), snapshot(expected_dir)
    assert sorted(actual) == sorted(expected), "the imported files differ from the golden ones"
    diffs = [_diff(name, expected[name], actual[name]) for name in expected if expected[name] != actual[name]]
    assert not diffs, "\n\n".join(diffs)
    assert warnings.decode() == expected_warnings.read_text(encoding="utf-8")


def test_command_line_shows_progress_and_a_summary(tmp_path):
    out = tmp_path / "out"
    proc = run_cli(FIXTURES / "constructs", out)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.splitlines()
    progress = [line for line in lines if line.startswith("[")]
    assert len(progress) == 11 and progress[0].startswith("[1/11] ") and progress[-1].startswith("[11/11] ")
    assert lines[-1] == f"imported 11 page(s) and 5 asset(s) (en, ko) into {out}; 4 warning(s)"
    assert sum(": warning: " in line for line in lines) == 4
    assert snapshot(out) == snapshot(GOLDEN / "constructs")


def test_quiet_drops_progress_but_keeps_warnings_and_summary(tmp_path):
    proc = run_cli(FIXTURES / "constructs", tmp_path / "out", "-q")
    assert proc.returncode == 0
    assert not [line for line in proc.stderr.splitlines() if line.startswith("[")]
    assert "4 warning(s)" in proc.stderr.splitlines()[-1]


def test_force_replaces_an_earlier_import(tmp_path):
    out = tmp_path / "out"
    (out / "docs" / "ko").mkdir(parents=True)
    (out / "docs" / "ko" / "stale.md").write_text("# stale\n", encoding="utf-8")
    proc = run_cli(FIXTURES / "constructs", out, "--force", "-q")
    assert proc.returncode == 0, proc.stderr
    assert snapshot(out) == snapshot(GOLDEN / "constructs")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing left beside it


def test_lang_map_picks_and_renames_language_folders(tmp_path):
    out = tmp_path / "out"
    proc = run_cli(FIXTURES / "constructs", out, "--lang-map", "en=en", "-q")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in out.iterdir()) == ["docs", "mkdocs.yml", "nav.en.yml"]
    assert sorted(p.name for p in (out / "docs").iterdir()) == ["en"]
    assert "language folder 'ko' is not in --lang-map: skipped" in proc.stderr

    out2 = tmp_path / "out2"
    assert run_cli(FIXTURES / "constructs", out2, "--lang-map", "en=en-us", "-q").returncode == 0
    golden_home = GOLDEN / "constructs" / "docs" / "en" / "index.md"
    assert (out2 / "docs" / "en-us" / "index.md").read_bytes() == golden_home.read_bytes()


def test_single_language_space_uses_lang(tmp_path):
    out = tmp_path / "out"
    proc = run_cli(FIXTURES / "constructs" / "en", out, "--lang", "en", "-q")
    assert proc.returncode == 0, proc.stderr
    imported = snapshot(out)
    assert "language: en" in imported.pop("mkdocs.yml").decode()
    assert imported == {
        k: v for k, v in snapshot(GOLDEN / "constructs").items() if k.startswith("docs/en/") or k == "nav.en.yml"
    }
