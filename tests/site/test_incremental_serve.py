"""hooks/incremental_serve.py and hooks/template_cache.py: what `make serve` may skip, and what forces
a full rebuild.

The end-to-end check (a served page follows page and spec edits) is tests/site/test_live_reload.py;
here the fingerprint is checked input by input, and the MkDocs internals the hooks rely on are pinned.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import shutil
from pathlib import Path
from types import SimpleNamespace

import jinja2
import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.files import File

from tests.conftest import ROOT


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"test_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


incremental = _load("incremental_serve")
template_cache = _load("template_cache")


@pytest.fixture()
def project(tmp_path: Path):
    """A small copy of the inputs the fingerprint reads, and a config pointing at them."""
    for name in ("spec", "macros", "overrides", "snippets"):
        shutil.copytree(ROOT / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "vendor"))
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    (tmp_path / "mkdocs.yml").write_bytes((ROOT / "mkdocs.yml").read_bytes())
    config = SimpleNamespace(
        config_file_path=str(tmp_path / "mkdocs.yml"),
        watch=[str(tmp_path / name) for name in ("spec", "macros", "overrides", "snippets")],
        docs_dir=str(tmp_path / "docs"),
        site_url="http://127.0.0.1:8000/",
    )
    return tmp_path, config


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text(encoding="utf-8") + text, encoding="utf-8")


def test_prose_edit_keeps_the_fingerprint(project) -> None:
    root, config = project
    before = incremental.fingerprint(config)
    _append(root / "docs" / "en" / "authentication" / "email-signup.md", "\n\nOne more sentence of prose.\n")
    _append(root / "docs" / "ko" / "index.md", "\n\n문단을 하나 더 씁니다.\n")
    assert incremental.fingerprint(config) == before


@pytest.mark.parametrize(
    "edit",
    [
        "spec/openapi.yaml",
        "macros/tables.py",
        "overrides/main.html",
        "snippets/bkend.js",
        "mkdocs.yml",
    ],
)
def test_an_edit_outside_the_pages_changes_the_fingerprint(project, edit: str) -> None:
    root, config = project
    before = incremental.fingerprint(config)
    _append(root / edit, "\n# edited\n")
    assert incremental.fingerprint(config) != before


@pytest.mark.parametrize(
    "text",
    [
        '\n\n{{ endpoint("getMe") }}\n',  # a macro call: which page documents what, links
        "\n\n{% raw %}{{ x }}{% endraw %}\n",
    ],
)
def test_a_macro_call_changes_the_fingerprint(project, text: str) -> None:
    root, config = project
    before = incremental.fingerprint(config)
    _append(root / "docs" / "en" / "authentication" / "email-signup.md", text)
    assert incremental.fingerprint(config) != before


def test_titles_and_files_change_the_fingerprint(project) -> None:
    root, config = project
    page = root / "docs" / "en" / "mcp" / "auth-tools.md"
    before = incremental.fingerprint(config)
    page.write_text("---\ntitle: Renamed\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    with_front_matter = incremental.fingerprint(config)
    assert with_front_matter != before
    text = page.read_text(encoding="utf-8")
    first = next(line for line in text.splitlines() if line.startswith("# "))
    page.write_text(text.replace(first, first + " renamed", 1), encoding="utf-8")
    assert incremental.fingerprint(config) != with_front_matter
    renamed = incremental.fingerprint(config)
    (root / "docs" / "en" / "mcp" / "new-page.md").write_text("# New\n", encoding="utf-8")
    assert incremental.fingerprint(config) != renamed


def test_cross_page_facts_are_front_matter_first_heading_and_macro_calls() -> None:
    page = '---\ntitle: T\n---\n# Heading\n\nProse.\n\n{{ code_samples("getMe") }}\n\n## Later\n'
    facts = incremental.cross_page_facts(page)
    assert facts.split("\n") == ["---", "title: T", "---", "", "# Heading", '{{ code_samples("getMe") }}']


def test_dirty_warning_is_dropped_and_the_message_is_mkdocs_own() -> None:
    # Pin: MkDocs' build() still logs this exact text on a dirty build; if a new MkDocs rewords
    # it, this test fails instead of `--strict` failing every `make serve` reload.
    assert incremental.DIRTY_WARNING in inspect.getsource(mkdocs_build.build)
    record = logging.LogRecord(
        "mkdocs.commands.build", logging.WARNING, "", 0, incremental.DIRTY_WARNING, (), None
    )
    assert not incremental._DropDirtyWarning().filter(record)
    other = logging.LogRecord(
        "mkdocs.commands.build", logging.WARNING, "", 0, "Doc file x.md has a broken link", (), None
    )
    assert incremental._DropDirtyWarning().filter(other)


def test_mkdocs_dirty_skips_a_page_only_while_its_html_is_newer(tmp_path: Path) -> None:
    # Pin: what `--dirty` builds rests on File.is_modified (source newer than output, or no output).
    docs, site = tmp_path / "docs", tmp_path / "site"
    (docs / "a").mkdir(parents=True)
    (docs / "a" / "index.md").write_text("# A\n", encoding="utf-8")
    file = File("a/index.md", str(docs), str(site), use_directory_urls=True)
    assert file.is_modified()  # no output yet
    Path(file.abs_dest_path).parent.mkdir(parents=True)
    Path(file.abs_dest_path).write_text("<html></html>", encoding="utf-8")
    assert not file.is_modified()
    shutil.rmtree(site)  # what the hook does when the fingerprint changed
    assert file.is_modified()
    assert "is_modified()" in inspect.getsource(mkdocs_build._populate_page)
    assert "is_modified()" in inspect.getsource(mkdocs_build._build_page)


def test_template_cache_recompiles_an_edited_template(tmp_path: Path) -> None:
    (tmp_path / "page.html").write_text("one {{ x }}", encoding="utf-8")
    cache = template_cache.InMemoryBytecodeCache()

    def render() -> str:
        # A new environment per build, as MkDocs makes them; only the cache is shared.
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
        return env.get_template("page.html").render(x=1)

    assert render() == "one 1"
    assert len(cache._store) == 1
    assert render() == "one 1"
    (tmp_path / "page.html").write_text("two {{ x }}", encoding="utf-8")
    assert render() == "two 1"
