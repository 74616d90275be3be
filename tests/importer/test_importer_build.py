"""The imported fixture space, built strictly with the mkdocs.yml the importer wrote (this project's
theme, extensions and mkdocs-macros), from a folder that is not the project's.

- the build has no warnings at all (links the importer could not follow are text, and reported);
- every admonition, tab set (labels in order), collapsible block, code block and mermaid diagram of
  the GitBook source is in the built HTML, nested the same way (outline.py);
- mkdocs-macros renders the pages, and Jinja-looking text reaches the reader exactly as written;
- images, files and Korean/space-containing page paths resolve in the built site.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from importer import ImportResult, import_space
from tests.importer.conftest import FIXTURES
from tests.importer.outline import gitbook_outline, html_outline
from tests.importer.site_build import Build, add_to_nav, build, built_path, local_links

PROBE_PAGE = "macros-probe.md"


class Site:
    def __init__(self, result: ImportResult, run: Build, site_dir: Path):
        self.result, self.run, self.dir = result, run, site_dir

    def html_for(self, out_rel: str) -> str:
        """The built page of an output file like 'ko/guide/nested.md'."""
        return (self.dir / built_path(out_rel)).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Site:
    work = tmp_path_factory.mktemp("constructs-site")
    out = work / "out"
    result = import_space(FIXTURES / "constructs", out)
    (out / "docs" / "ko" / PROBE_PAGE).write_text('# Probe\n\n{{ "macros rendered " ~ "this page" }}\n', encoding="utf-8")
    add_to_nav(out, {"Probe": PROBE_PAGE})
    run = build(out, cwd=work)
    assert run.returncode == 0, run.log
    return Site(result, run, out / "site")


def test_strict_build_of_the_generated_config_has_no_warnings(site):
    assert site.run.warnings == []
    assert len(site.result.warnings) == 4  # what could not be kept was reported by the importer instead


def test_built_pages_have_the_gitbook_structure(site):
    compared = 0
    for source, out_rel in site.result.outputs.items():
        expected = gitbook_outline(source.read_text(encoding="utf-8"))
        assert html_outline(site.html_for(out_rel)) == expected, out_rel
        compared += bool(expected)
    assert compared == 5  # the pages with hints, tabs, details or code


def test_nested_page_structure_in_detail(site):
    """Spelled out once by hand, so the outline comparison itself is checked against a known answer."""
    assert html_outline(site.html_for("ko/guide/nested.md")) == [
        (
            "admonition",
            "warning",
            "힌",
            [("tabs", [("Python", [("code",)]), ("Shell", [("admonition", "danger", "탭", [("code",)])])])],
        ),
        ("tabs", [("바깥", [("tabs", [("안쪽 A", []), ("안쪽 B", [])])])]),
        ("details", "펼쳐 보기", [("code",)]),
        ("admonition", "info", "목", []),
    ]
    page = site.html_for("ko/guide/nested.md")
    assert '<span class="filename">mkdocs.yml</span>' in page  # {% code title=... %}
    assert "__codelineno-" in page  # lineNumbers="true"
    assert re.search(r'<input[^>]*>\s*<input[^>]*>\s*<div class="tabbed-labels">', page)


def _article_text(page: str) -> str:
    article = page[page.index("<article") : page.index("</article>")]
    return html.unescape(re.sub(r"<[^>]+>", "", article))


def test_macros_render_pages_and_jinja_looking_text_survives(site):
    assert "macros rendered this page" in _article_text(site.html_for(f"ko/{PROBE_PAGE}"))
    text = _article_text(site.html_for("ko/guide/code-and-jinja.md"))
    for literal in [
        "본문에 {{ user.email }} 처럼",
        "인라인 코드 {% raw %}와 {% endraw %}, 그리고 {# 주석 #}도",
        "{{accessToken}}",
        'echo "${#arr[@]}"',
        "{% raw %}\nHello {{ name }}!\n{% endraw %}",
        "힌트 안의 템플릿: {{ project_id }}",
        '{% hint style="info" %}\n코드 블록 안의',
    ]:
        assert literal in text
    source = (FIXTURES / "constructs" / "ko" / "guide" / "code-and-jinja.md").read_text(encoding="utf-8")
    for marker in ("{% raw %}", "{% endraw %}", "{{", "{#"):
        assert text.count(marker) == source.count(marker), marker  # no guard tag leaks into the page


def test_images_files_and_page_links_resolve(site):
    checked, unresolved = local_links(site.dir, site.result.outputs.values())
    assert unresolved == []
    assert checked >= 20
    assert (site.dir / "media" / "로그인-화면.png").is_file()
    assert (site.dir / "가이드" / "시작-하기" / "index.html").is_file()
    assert (site.dir / "en" / "media" / "diagram-1.png").is_file()


def test_the_site_carries_the_projects_hooks_except_its_own_content_and_serve_fingerprints(site):
    from mkdocs.utils import yaml_load

    from importer.site_config import PROJECT, PROJECT_ONLY_HOOKS

    project_hooks = yaml_load((PROJECT / "mkdocs.yml").read_text(encoding="utf-8"))["hooks"]
    assert set(PROJECT_ONLY_HOOKS) <= set(project_hooks)  # no stale exclusion
    generated = yaml_load((site.dir.parent / "mkdocs.yml").read_text(encoding="utf-8"))["hooks"]
    assert generated == [str(PROJECT / hook) for hook in project_hooks if hook not in PROJECT_ONLY_HOOKS]
    # per-language search and llms.txt (hooks/search_llms.py), the sitemap per language; not the spec
    for root in (site.dir, site.dir / "en"):
        assert (root / "search" / "search_index.json").is_file() and (root / "llms.txt").is_file()
        assert (root / "sitemap.xml").is_file()
    assert "guide/nested" in (site.dir / "llms.txt").read_text(encoding="utf-8")
    assert not (site.dir / "openapi.yaml").exists()
