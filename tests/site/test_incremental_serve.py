"""hooks/incremental_serve.py and hooks/template_cache.py: what `make serve` may skip, and what forces
a full rebuild.

The end-to-end check (a served page follows page and spec edits) is tests/site/test_live_reload.py;
here the fingerprint is checked input by input, and the MkDocs internals the hooks rely on are pinned.
"""

from __future__ import annotations

import importlib.util
import inspect
import logging
import re
import shutil
import time
from pathlib import Path
from types import SimpleNamespace

import httpx
import jinja2
import pytest
from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.files import File

from tests.conftest import ROOT, build_site
from tests.site.serving import make_serve, served


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
    ("edit", "part"),
    [
        ("spec/openapi.yaml", 0),  # the macros' inputs: pages whose Markdown is unchanged keep their HTML
        ("macros/tables.py", 0),
        ("overrides/main.html", 1),  # anything else: every page is rebuilt
        ("snippets/bkend.js", 1),
        ("mkdocs.yml", 1),
    ],
)
def test_an_edit_outside_the_pages_changes_the_fingerprint(project, edit: str, part: int) -> None:
    root, config = project
    before = incremental.fingerprint(config)
    _append(root / edit, "\n# edited\n")
    after = incremental.fingerprint(config)
    assert after[part] != before[part]
    assert after[1 - part] == before[1 - part]


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
    disk = tmp_path / "cache"
    cache = template_cache.TemplateCache(disk)

    def render(cache: template_cache.TemplateCache) -> str:
        # A new environment per build, as MkDocs makes them; only the cache is shared.
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)), bytecode_cache=cache)
        return env.get_template("page.html").render(x=1)

    assert render(cache) == "one 1"
    assert len(cache._memory) == 1
    assert len(list(disk.rglob("*.cache"))) == 1  # the next process finds it
    assert render(cache) == "one 1"
    (tmp_path / "page.html").write_text("two {{ x }}", encoding="utf-8")
    assert render(cache) == "two 1"
    assert render(template_cache.TemplateCache(disk)) == "two 1"  # a new process, from the disk
    (tmp_path / "page.html").write_text("three {{ x }}", encoding="utf-8")
    assert render(template_cache.TemplateCache(disk)) == "three 1"  # the disk entry is checked too
    for entry in disk.rglob("*.cache"):
        entry.write_bytes(entry.read_bytes()[:40])  # damaged: compiled again
    assert render(template_cache.TemplateCache(disk)) == "three 1"


def test_page_templates_are_compiled_once_per_source(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(template_cache, "CACHE", tmp_path)
    monkeypatch.setattr(template_cache, "_compiled", {})

    def environment() -> jinja2.Environment:
        env = jinja2.Environment()
        template_cache.cache_page_templates(env)
        return env

    env = environment()
    assert env.from_string("a {{ x }}").render(x=1) == "a 1"
    assert env.compile("a {{ x }}") is env.compile("a {{ x }}")
    assert env.from_string("b {{ x }}").render(x=1) == "b 1"
    assert len(list(tmp_path.rglob("*.code"))) == 2
    template_cache._compiled.clear()  # a new process: from the disk, or compiled again if damaged
    for entry in tmp_path.rglob("*.code"):
        entry.write_bytes(b"\0damaged")
    assert environment().from_string("a {{ x }}").render(x=2) == "a 2"
    template_cache._compiled.clear()
    assert environment().from_string("a {{ x }}").render(x=3) == "a 3"
    with pytest.raises(jinja2.TemplateSyntaxError):
        environment().from_string("{{ unclosed")


# The gzip header carries a timestamp.
NOT_COMPARED = {"sitemap.xml.gz", "en/sitemap.xml.gz"}
# static-i18n gives the English 404 page the language links of the last page the Korean build
# rendered (all of them in a full build, the edited one under --dirty): compared without them.
_LANGUAGE_LINK = re.compile(r'href="[^"]*"( hreflang=)')


def _comparable(name: str, data: bytes) -> bytes:
    return _LANGUAGE_LINK.sub(r"\1", data.decode()).encode() if name == "en/404.html" else data


def _site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_serve_after_page_and_spec_edits_equals_a_full_build(tmp_path: Path) -> None:
    """What `make serve` holds after edits (some pages rebuilt, some converted from the cache) is
    byte for byte what `mkdocs build` makes of the edited project."""
    with make_serve(tmp_path) as serve:
        work, base = serve.project, serve.docs
        site = Path(re.search(r"Building 'ko' documentation to directory: (\S+)", serve.log.read_text())[1])
        page = work / "docs" / "en" / "authentication" / "email-signup.md"
        _append(page, "\n\nA sentence added while serving.\n")
        assert served(f"{base}/en/authentication/email-signup/", "A sentence added while serving.")
        spec = work / "spec" / "openapi.yaml"
        spec.write_text(
            spec.read_text(encoding="utf-8").replace(
                "summary: Sign up with e-mail\n", "summary: Sign up by e-mail\n"
            ),
            encoding="utf-8",
        )
        assert served(f"{base}/en/reference/auth-user-api/", "Sign up by e-mail")
        _append(work / "docs" / "ko" / "index.md", "\n\n서빙 중에 덧붙인 문단입니다.\n")
        assert served(f"{base}/", "서빙 중에 덧붙인 문단입니다.")
        time.sleep(1)  # the livereload server answers once the build is complete; be sure of it
        httpx.get(f"{base}/")
        served_files = _site_files(site)
    fresh = build_site(work / "mkdocs.yml", tmp_path / "fresh", site_url=f"{base}/")
    built = _site_files(fresh)
    assert sorted(served_files) == sorted(built)
    differing = [
        name
        for name in built
        if name not in NOT_COMPARED
        and _comparable(name, built[name]) != _comparable(name, served_files[name])
    ]
    assert differing == []


render_cache = _load("render_cache")


def test_render_cache_restores_everything_page_render_sets(tmp_path: Path) -> None:
    # Pin: on a hit, hooks/render_cache.py puts back what Page.render() sets. If a new MkDocs sets
    # more, this fails instead of cached pages silently missing it.
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\n## Part { #part }\n\n[to b](b.md#there)\n", encoding="utf-8")
    (docs / "b.md").write_text("# B\n", encoding="utf-8")
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(docs), "markdown_extensions": ["attr_list", "toc"]})
    assert config.validate() == ([], [])
    files = Files([File(name, str(docs), str(tmp_path / "site"), True) for name in ("a.md", "b.md")])
    page = Page(None, files.get_file_from_path("a.md"), config)
    page.read_source(config)
    before = dict(vars(page))
    page.render(config, files)
    changed = {name for name, value in vars(page).items() if before.get(name, object()) is not value}
    assert changed == {"content", "toc", "_title_from_render", "present_anchor_ids", "links_to_anchors"}
    assert page.links_to_anchors == {files.get_file_from_path("b.md"): {"there": "b.md#there"}}
    source = inspect.getsource(render_cache.on_page_content)
    for name in changed - {"content"}:
        assert f"page.{name} = " in source
