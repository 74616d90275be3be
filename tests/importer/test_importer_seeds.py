"""Acceptance on the original GitBook pages in ../shared/seeds (skipped when that folder is absent).

The seeds are flat files named `<lang>-<gitbook path with '-' for '/'>.md`; the test first arranges
them into a GitBook-shaped space (one folder per language, each with a SUMMARY.md and a home page the
test writes), imports it with the command line, and builds the result strictly with the mkdocs.yml
the importer wrote (mkdocs-macros with the site's macros included): no build warnings; links to pages
that are not part of the import are reported by the importer instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from importer import import_space
from tests.conftest import SHARED, needs_shared
from tests.importer.conftest import run_cli, snapshot
from tests.importer.outline import gitbook_outline, html_outline
from tests.importer.site_build import build, built_path

SEEDS = SHARED / "seeds"

pytestmark = needs_shared("seeds")

HOME = {"ko": "# 가져온 문서\n\n원래 GitBook 페이지를 옮겨 온 예입니다.\n", "en": "# Imported pages\n\nPages moved over from GitBook.\n"}


def gitbook_path(seed: Path) -> tuple[str, str]:
    """'ko-cookbooks-blog-01-auth.md' → ('ko', 'cookbooks/blog/01-auth.md'): the folders are the parts
    before the first one that starts with a digit (GitBook's numbered page files)."""
    lang, *parts = seed.stem.split("-")
    first_numbered = next(i for i, part in enumerate(parts) if part[:1].isdigit())
    return lang, "/".join(parts[:first_numbered]) + "/" + "-".join(parts[first_numbered:]) + ".md"


def arrange_space(root: Path) -> Path:
    entries: dict[str, list[str]] = {}
    for seed in sorted(SEEDS.glob("*.md")):
        lang, rel = gitbook_path(seed)
        target = root / lang / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(seed, target)
        title = seed.read_text(encoding="utf-8").splitlines()[0].lstrip("# ").strip()
        entries.setdefault(lang, []).append(f"* [{title}]({rel})")
    for lang, items in entries.items():
        (root / lang / "README.md").write_text(HOME[lang], encoding="utf-8")
        home = "홈" if lang == "ko" else "Home"
        summary = ["# Table of contents", "", f"* [{home}](README.md)", *items, ""]
        (root / lang / "SUMMARY.md").write_text("\n".join(summary), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    work = tmp_path_factory.mktemp("seeds")
    space = arrange_space(work / "space")
    out = work / "out"
    result = import_space(space, out)
    return work, space, out, result


def test_seed_names_map_to_gitbook_paths():
    assert gitbook_path(Path("ko-cookbooks-blog-01-auth.md")) == ("ko", "cookbooks/blog/01-auth.md")
    assert gitbook_path(Path("en-mcp-06-auth-tools.md")) == ("en", "mcp/06-auth-tools.md")


def test_command_line_import_of_the_seeds(imported, tmp_path):
    _, space, out, result = imported
    proc = run_cli(space, tmp_path / "out")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith(f"imported 7 page(s) and 0 asset(s) (en, ko) into {tmp_path / 'out'}")
    assert snapshot(tmp_path / "out") == snapshot(out)
    # Every seed warning is a link to a page the import does not include, named by file and line.
    assert result.warnings and {d.kind for d in result.warnings} <= {"link-outside", "broken-link"}
    assert all(f"{d.path}:{d.line}: warning: link to " in proc.stderr for d in result.warnings)


def test_seeds_build_strictly_with_the_generated_config(imported):
    work, _, out, result = imported
    run = build(out, cwd=work)
    assert run.returncode == 0, run.log
    assert run.warnings == []

    for source, out_rel in result.outputs.items():
        page = (out / "site" / built_path(out_rel)).read_text(encoding="utf-8")
        expected = gitbook_outline(source.read_text(encoding="utf-8"))
        assert html_outline(page) == expected, out_rel
