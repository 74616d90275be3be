"""Spectral (`spectral:oas`, .spectral.yaml) and Redocly (`recommended`, redocly.yaml) lint the spec
with no errors and no warnings. Both tools are pinned npm dev dependencies (package.json); a rule
that does not fit is turned off in the config with its reason."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SPEC = "spec/openapi.yaml"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


def test_spectral_finds_nothing() -> None:
    done = run(str(ROOT / "node_modules/.bin/spectral"), "lint", SPEC, "--ruleset", ".spectral.yaml",
               "--format", "json", "--quiet", "--fail-severity", "hint")
    findings = json.loads(done.stdout or "[]")
    assert [(f["code"], f["path"], f["message"]) for f in findings] == [], done.stderr


def test_redocly_finds_nothing() -> None:
    done = run(str(ROOT / "node_modules/.bin/redocly"), "lint", SPEC, "--config", "redocly.yaml",
               "--format", "json")
    report = json.loads(done.stdout[done.stdout.index("{"):])
    assert report["totals"] == {"errors": 0, "warnings": 0, "ignored": 0}, report["problems"]


def test_the_configs_extend_the_named_rulesets() -> None:
    assert 'extends: ["spectral:oas"]' in (ROOT / ".spectral.yaml").read_text(encoding="utf-8")
    assert "  - recommended\n" in (ROOT / "redocly.yaml").read_text(encoding="utf-8")
