"""hooks/render_cache.py and hooks/template_cache.py in `mkdocs build`: a build converts again only the
Markdown whose conversion could come out different, and its output is the one a build without any
cache makes.

Real builds of a scratch copy of the project. Whether a page came from the cache is read from the
hook's debug line (`mkdocs build -v`), never from timings.
"""

from __future__ import annotations

import gzip
import importlib.util
import inspect
import os
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import ROOT

PAGES = 56  # both languages
COUNTS = re.compile(r"render cache: (\d+) pages from the cache, (\d+) converted")
SNIPPET_PAGES = [
    f"{lang}{page}/index.html"
    for lang in ("", "en/")
    for page in ("getting-started/app-integration", "authentication/token-storage")
]


def _copy_project(dest: Path) -> Path:
    shutil.copytree(
        ROOT,
        dest,
        ignore=shutil.ignore_patterns(".git", ".venv", "node_modules", "site", ".sandbox", "__pycache__", ".*cache"),
    )
    (dest / ".venv").symlink_to(ROOT / ".venv")
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    # The diagrams' and search's caches are not under test: reuse them (no Chromium, no Kiwi).
    for kept in ("diagrams", "search"):
        if (ROOT / ".cache" / kept).is_dir():
            shutil.copytree(ROOT / ".cache" / kept, dest / ".cache" / kept)
    return dest


class Project:
    def __init__(self, root: Path, out: Path) -> None:
        self.root, self.out, self.builds = root, out, 0

    def build(self) -> tuple[dict[str, bytes], int, int]:
        """Build into a new folder: (files by path, pages from the cache, pages converted)."""
        self.builds += 1
        site = self.out / f"site-{self.builds}"
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "-v", "-d", str(site)],
            cwd=self.root,
            capture_output=True,
            text=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"},
        )
        assert result.returncode == 0, result.stderr[-5000:]
        counts = [tuple(map(int, found)) for found in COUNTS.findall(result.stderr)]
        assert len(counts) == 2, result.stderr[-3000:]  # one line per language
        files = {}
        for path in sorted(site.rglob("*")):
            if path.is_file():
                data = path.read_bytes()
                # A gzip header carries the build's timestamp.
                files[path.relative_to(site).as_posix()] = gzip.decompress(data) if path.suffix == ".gz" else data
        return files, sum(c for c, _ in counts), sum(n for _, n in counts)

    def cold_build(self) -> dict[str, bytes]:
        shutil.rmtree(self.root / ".cache" / "render", ignore_errors=True)
        shutil.rmtree(self.root / ".cache" / "jinja", ignore_errors=True)
        files, cached, converted = self.build()
        assert (cached, converted) == (0, PAGES)
        return files

    def edit(self, relative: str, old: str, new: str) -> None:
        path = self.root / relative
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, f"{relative}: {old!r}"
        path.write_text(text.replace(old, new), encoding="utf-8")


def _text(files: dict[str, bytes], name: str) -> str:
    return files[name].decode("utf-8")


def _differing(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    return sorted(name for name in a.keys() | b.keys() if a.get(name) != b.get(name))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    tmp = tmp_path_factory.mktemp("render-cache")
    return Project(_copy_project(tmp / "project"), tmp)


@pytest.mark.slow
def test_edits_reach_every_page_they_touch_and_warm_equals_cold(project: Project) -> None:
    cold = project.cold_build()
    assert (project.root / ".cache" / "render").is_dir() and (project.root / ".cache" / "jinja").is_dir()
    warm, cached, converted = project.build()
    assert (cached, converted) == (PAGES, 0)
    assert _differing(cold, warm) == []

    # A page: only it is converted again. (It also gets an emoji, for the hook edit below.)
    page = project.root / "docs" / "en" / "authentication" / "email-signup.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n\nA page-edit-marker sentence :rocket:\n", encoding="utf-8")
    files, cached, converted = project.build()
    assert (cached, converted) == (PAGES - 1, 1)
    assert "page-edit-marker" in _text(files, "en/authentication/email-signup/index.html")
    before = files

    # The spec: every page showing the operation, and the published spec.
    spec = yaml.safe_load((project.root / "spec" / "openapi.yaml").read_text(encoding="utf-8"))
    summary = spec["paths"]["/v1/auth/email/signup"]["post"]["summary"]
    project.edit("spec/openapi.yaml", f"summary: {summary}\n", f"summary: {summary} spec-edit-marker\n")
    files, cached, converted = project.build()
    assert 0 < converted < PAGES
    for page in ("en/authentication/email-signup/index.html", "en/reference/auth-user-api/index.html"):
        assert "spec-edit-marker" in _text(files, page), page
    assert "spec-edit-marker" in _text(files, "openapi.yaml")

    # A snippet file: the pages including it, in both languages, though their Markdown is the same.
    snippet = project.root / "snippets" / "bkend.js"
    snippet.write_text("// snippet-edit-marker\n" + snippet.read_text(encoding="utf-8"), encoding="utf-8")
    files, cached, converted = project.build()
    assert converted == len(SNIPPET_PAGES)
    for page in SNIPPET_PAGES:
        assert "snippet-edit-marker" in _text(files, page), page

    # An extension setting in mkdocs.yml: every page.
    project.edit("mkdocs.yml", "      permalink: true\n", '      permalink: "§"\n')
    files, cached, converted = project.build()
    assert (cached, converted) == (0, PAGES)
    assert 'class="headerlink" href="#' in _text(files, "index.html")
    pages = [name for name in files if name.endswith("index.html") and "headerlink" in _text(before, name)]
    assert pages and all("§</a>" in _text(files, name) for name in pages)

    # A hook, changing how the Markdown converts but not the extension settings it writes.
    project.edit(
        "hooks/emoji_local.py",
        "return to_alt(index, shortname, alias, uc, alt, title,",
        'return to_alt(index, shortname, alias, uc, alt + "hook-edit-marker", title,',
    )
    files, cached, converted = project.build()
    assert (cached, converted) == (0, PAGES)
    assert "🚀hook-edit-marker" in _text(files, "en/authentication/email-signup/index.html")

    # After all that, the cache holds nothing stale: the warm build is the cold build.
    warm = files
    assert _differing(project.cold_build(), warm) == []


@pytest.mark.slow
def test_damaged_cache_entries_are_converted_again(project: Project) -> None:
    good = project.cold_build()
    render = sorted((project.root / ".cache" / "render").glob("*.pickle"))
    jinja = sorted((project.root / ".cache" / "jinja").rglob("*.c*"))  # .cache, .code
    assert len(render) >= PAGES and jinja
    for n, path in enumerate(render + jinja):
        data = path.read_bytes()
        # Truncated, garbage, or a valid pickle of the wrong shape.
        path.write_bytes([data[: len(data) // 2], b"\0not a cache entry", pickle.dumps({"x": 1})][n % 3])
    files, cached, converted = project.build()
    assert (cached, converted) == (0, PAGES)
    assert _differing(good, files) == []
    files, cached, converted = project.build()  # the damaged entries were written again
    assert (cached, converted) == (PAGES, 0)
    assert _differing(good, files) == []


def _hook(name: str):
    spec = importlib.util.spec_from_file_location(f"test_cache_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_snippets_read_every_file_through_the_wrapped_reader() -> None:
    # Pin: the key learns a page's included files from SnippetPreprocessor.read_lines. If a new
    # pymdown-extensions opened files elsewhere, an edited snippet could leave a page stale.
    from pymdownx import snippets

    source = inspect.getsource(snippets)
    assert len(re.findall(r"(?<![\w.])open\(", source)) == 1  # urllib's urlopen aside: not kept
    assert "open(" in inspect.getsource(snippets.SnippetPreprocessor.read_lines)
    assert "self.read_lines(" in inspect.getsource(snippets.SnippetPreprocessor.parse_snippets)


def test_extension_settings_are_keyed_without_object_addresses() -> None:
    render_cache = _hook("render_cache")
    from pymdownx.slugs import slugify

    settings = {"toc": {"slugify": slugify(case="lower"), "permalink": True}, "x": [object, len]}
    text = render_cache.stable(settings)
    assert "0x" not in text
    assert text == render_cache.stable({"x": [object, len], "toc": {"permalink": True, "slugify": slugify(case="lower")}})
    assert text != render_cache.stable({**settings, "toc": {"slugify": slugify(case="upper"), "permalink": True}})


def test_the_key_holds_the_config_and_what_it_inherits(tmp_path: Path) -> None:
    render_cache = _hook("render_cache")
    (tmp_path / "site").mkdir()
    (tmp_path / "base.yml").write_text("site_name: base\n", encoding="utf-8")
    (tmp_path / "site" / "mkdocs.yml").write_text("INHERIT: ../base.yml\nsite_name: x\n", encoding="utf-8")
    assert render_cache.config_files(str(tmp_path / "site" / "mkdocs.yml")) == [
        str(tmp_path / "site" / "mkdocs.yml"),
        str(tmp_path / "base.yml"),
    ]
    (tmp_path / "other.yml").write_text(f"INHERIT: '{tmp_path / 'other.yml'}'\n", encoding="utf-8")
    assert render_cache.config_files(str(tmp_path / "other.yml")) == [str(tmp_path / "other.yml")]


def test_old_entries_are_pruned_least_recently_used_first(tmp_path: Path) -> None:
    render_cache = _hook("render_cache")
    for n in range(10):
        entry = tmp_path / f"{n}.pickle"
        entry.write_bytes(b"x")
        os.utime(entry, (1000 + n, 1000 + n))  # entry 9 was used last
    (tmp_path / "notes.txt").write_text("not an entry", encoding="utf-8")
    assert render_cache.prune(tmp_path, keep=4) == 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["6.pickle", "7.pickle", "8.pickle", "9.pickle", "notes.txt"]
    assert render_cache.prune(tmp_path, keep=4) == 0
