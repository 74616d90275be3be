"""A whole GitBook repository imported in one command and built strictly with the generated config.

- fixtures/gitbook-repo: written for these tests (no copied prose): `.gitbook.yaml`, a stale root
  SUMMARY.md beside `ko/` and `en/` with their own, repository-root assets and examples, every newer
  GitBook block, card views and raw-HTML tables, and the constructs that used to be damaged silently.
- ../shared/corpora/bkend-docs (optional, skipped when absent): bkend's real GitBook repository.

Each is imported, then `mkdocs build --strict -f OUT/mkdocs.yml` runs from another folder: no
warnings, every page of every SUMMARY.md in the built nav, every local link and image resolves.
"""

from __future__ import annotations

import html
import posixpath
import re
import time
from pathlib import Path

import pytest

from importer import ImportResult, import_space
from tests.conftest import SHARED, require_shared
from tests.importer.conftest import FIXTURES, run_cli, write_space
from tests.importer.site_build import Build, build, built_path, local_links

BKEND_DOCS = SHARED / "corpora" / "bkend-docs"
_NAV_LINK = re.compile(r'<a href="([^"]*)" class="md-nav__link')


def _article(page: str) -> str:
    return page[page.index("<article") : page.index("</article>")]


def nav_pages(site: Path, lang: str) -> set[str]:
    """The output files ('ko/x.md') the built nav of a language's home page links to."""
    home = site / ("index.html" if lang == "ko" else f"{lang}/index.html")
    found = set()
    for href in _NAV_LINK.findall(home.read_text(encoding="utf-8")):
        path = posixpath.normpath(posixpath.join("" if lang == "ko" else lang, html.unescape(href)))
        path = "" if path == "." else path
        if lang != "ko":
            path = path.removeprefix(lang).lstrip("/")
        found.add(f"{lang}/{path}/index.md" if path else f"{lang}/index.md")
    return found


def page_files(result: ImportResult, lang: str) -> set[str]:
    """Each imported page as '<lang>/<folder of its URL>/index.md', the form nav_pages uses."""
    files = set()
    for out_rel in result.outputs.values():
        if out_rel.startswith(f"{lang}/"):
            url = built_path(out_rel).removeprefix(f"{lang}/").removesuffix("index.html").rstrip("/")
            files.add(f"{lang}/{url}/index.md" if url else f"{lang}/index.md")
    return files


class Imported:
    def __init__(self, result: ImportResult, run: Build, out: Path, stderr: str = ""):
        self.result, self.run, self.out, self.stderr = result, run, out, stderr
        self.site = out / "site"

    def html(self, out_rel: str) -> str:
        return _article((self.site / built_path(out_rel)).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def repo_site(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    work = tmp_path_factory.mktemp("gitbook-repo")
    result = import_space(FIXTURES / "gitbook-repo", work / "out")
    return Imported(result, build(work / "out", cwd=work), work / "out")


def test_repository_builds_strictly_without_warnings(repo_site):
    assert repo_site.run.returncode == 0, repo_site.run.log
    assert repo_site.run.warnings == []


def test_every_summary_page_of_every_language_is_in_the_built_nav(repo_site):
    assert repo_site.result.languages == ["en", "ko"]
    for lang in repo_site.result.languages:
        assert page_files(repo_site.result, lang) <= nav_pages(repo_site.site, lang), lang
    assert len(repo_site.result.outputs) == 9  # 7 ko pages (group/gone.md is missing), 2 en


def test_every_local_link_and_image_resolves(repo_site):
    checked, unresolved = local_links(repo_site.site, repo_site.result.outputs.values())
    assert unresolved == []
    assert checked >= 15


def test_language_without_readme_gets_its_first_page_as_home(repo_site):
    assert "날씨 서비스는 세 가지를" in repo_site.html("ko/index.md")


def test_stepper_columns_updates_prompt_and_openapi_in_the_built_page(repo_site):
    page = repo_site.html("ko/blocks/steps.md")
    steps = re.search(r"<ol>(.*?)</ol>", page, re.S)
    assert steps and steps[1].count("<li>") == 2 and "도시 고르기" in steps[1]
    assert re.search(r'<div class="grid">\s*<div>\s*<p>왼쪽 열', page)
    # an update with its own heading keeps it and shows the date below; one without is headed by its date
    assert re.search(r'<h2 id="습도-추가">습도 추가 <span class="twemoji"><svg', page)
    assert re.search(r"</h2>\s*<p><em>2026-03-02</em></p>", page) and re.search(r'<h2 id="2026-01-15">', page)
    assert re.search(r'<div class="admonition example">\s*<p>서울의 내일', page)
    assert '<a href="https://weather.example.com/openapi.yaml"><code>GET /forecast</code></a>' in page
    assert "<code>POST /alerts</code>" in page
    assert "프로 요금제 사용자에게만" in page and "알 수 없는 블록 안의 글도" in page
    # GitBook's older swagger block: the operation, its parameters as a list, the response's status
    assert "<p><code>GET https://weather.example.com/cities</code> 도시 목록</p>" in page
    assert re.search(r"<li>\s*<p><code>limit</code> \(query, integer, required\): 돌려받을 개수</p>", page)
    assert "<p><strong>200: OK</strong> 도시 목록</p>" in page


def test_cards_and_raw_html_tables_link_and_show_images(repo_site):
    page = repo_site.html("ko/blocks/cards.md")
    cards = re.search(r'<div class="grid cards">(.*?)</div>', page, re.S)
    assert cards and cards[1].count("<li>") == 2
    assert '<img alt="" src="../../media/cover-art.png" />' in cards[1]
    assert '<a href="../../"><strong>시작하기</strong></a>' in cards[1]
    assert re.search(r'<a href="../../group/detail/"><span class="twemoji"><svg .*?</svg></span> <strong>세부 사항', cards[1])
    assert '<a href="../../group/detail/#options">옵션 보기</a>' in page
    assert '<img src="../../media/badge.png" alt="배지">' in page


def test_figures_pictures_emoji_and_downloads(repo_site):
    page = repo_site.html("ko/blocks/media.md")
    assert re.search(r'<figure>\s*<img alt="흐름도" src="../../media/flow-diagram.png" />', page)
    assert 'src="../../media/light-mode.png#only-light"' in page and 'src="../../media/dark-mode.png#only-dark"' in page
    assert "완료 표시 ✅ 와 엄지 👍 를" in page and "<img" not in page.split("완료 표시")[1].split("</p>")[0]
    assert '<a href="../../media/field-notes.md.txt">현장 메모 내려받기</a>' in page
    assert (repo_site.site / "media" / "field-notes.md.txt").is_file()
    assert "<p>사라진 그림</p>" in page
    # an image in a raw HTML block stays HTML (Markdown is not read there), with the site's URL
    assert '<p align="center"><img src="../../media/badge.png" alt="가운데 배지" width="40"></p>' in page


def test_includes_put_the_reusable_content_in_the_page(repo_site):
    page = repo_site.html("ko/group/detail.md")
    assert re.search(r'<div class="admonition info">\s*<p>온도는 섭씨', page)
    # a link written relative to the include file works from the page that includes it
    assert '단위를 바꾸는 방법은 <a href="./#options">옵션</a>에' in page
    [missing] = [d for d in repo_site.result.warnings if d.kind == "include"]
    assert (missing.path.name, missing.line) == ("detail.md", 9)


def test_gitbook_buttons_become_material_buttons(repo_site):
    page = repo_site.html("ko/group/detail.md")
    assert '<a href="../overview/" class="md-button md-button--primary">개요로 돌아가기</a>' in page
    assert '<a href="https://weather.example.com" class="md-button">웹사이트</a>' in page


def test_old_style_and_details_anchors_keep_working(repo_site):
    page = repo_site.html("ko/blocks/anchors.md")
    for anchor in ("legacy-top", "units", "faq-rain", "깃발-달린-제목"):  # the last one's heading has an icon
        assert f'id="{anchor}"' in page and f'href="#{anchor}"' in page
    assert "고장 난 링크와 또 하나는" in page


def test_lists_right_after_a_paragraph_are_lists(repo_site):
    page = repo_site.html("ko/index.md")
    assert re.search(r"<ul>\s*<li>현재 기온</li>", page) and re.search(r"<ol>\s*<li>계정을 만듭니다", page)
    assert re.search(r"<ul>\s*<li>current temperature</li>", repo_site.html("en/start.md"))


def test_repo_url_turns_links_outside_the_import_into_web_links(tmp_path):
    result = import_space(FIXTURES / "gitbook-repo", tmp_path / "out", repo_url="https://git.example.org/w/blob/main")
    page = (tmp_path / "out" / "docs" / "ko" / "index.md").read_text(encoding="utf-8")
    assert "[날씨 앱](https://git.example.org/w/blob/main/examples/weather-app/README.md)" in page
    nav = (tmp_path / "out" / "nav.ko.yml").read_text(encoding="utf-8")
    assert "날씨 앱 소스: https://git.example.org/w/blob/main/examples/weather-app/README.md" in nav
    assert not [d for d in result.warnings if d.kind == "link-outside" or "outside the language" in d.message]


# -- bkend's real repository ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def bkend(tmp_path_factory: pytest.TempPathFactory) -> Imported:
    require_shared("corpora/bkend-docs")
    work = tmp_path_factory.mktemp("bkend-docs")
    started = time.perf_counter()
    proc = run_cli(BKEND_DOCS, work / "out", "-q")
    elapsed = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr
    assert elapsed < 20, f"the import took {elapsed:.1f} s"
    result = import_space(BKEND_DOCS, work / "again")  # the same import, for its diagnostics
    return Imported(result, build(work / "out", cwd=work), work / "out", proc.stderr)


def test_bkend_docs_imports_in_one_command_and_builds_strictly_without_warnings(bkend):
    assert bkend.result.languages == ["en", "ko"]
    assert bkend.run.returncode == 0, bkend.run.log
    assert bkend.run.warnings == []


def test_bkend_docs_every_summary_page_is_in_the_built_nav(bkend):
    for lang in ("ko", "en"):
        pages = page_files(bkend.result, lang)
        assert len(pages) >= 140
        assert pages <= nav_pages(bkend.site, lang), sorted(pages - nav_pages(bkend.site, lang))[:5]


def test_bkend_docs_every_warning_names_file_and_line(bkend):
    warnings = [line for line in bkend.stderr.splitlines() if ": warning: " in line]
    assert len(warnings) == len(bkend.result.warnings) > 0
    for line in warnings:
        assert re.match(rf"{re.escape(str(BKEND_DOCS))}/\S+:\d+: warning: ", line), line


def test_openapi_blocks_of_our_spec_become_operation_macros_that_build(tmp_path):
    page = (
        "# Sign-up\n\n"
        '{% openapi-operation spec="bkend-auth" path="/v1/auth/email/signup" method="post" %}\n'
        "[OpenAPI bkend-auth](https://api.example.com/bkend-auth.yaml)\n"
        "{% endopenapi-operation %}\n\n"
        '{% openapi src="https://api.example.com/bkend-auth.yaml" path="/v1/no/such" method="get" %}\n'
        "{% endopenapi %}\n\n"
        '{% openapi src="https://other.example.com/pets.yaml" path="/pets" method="get" %}\n'
        "{% endopenapi %}\n"
    )
    src = write_space(tmp_path / "space", {"page.md": page})
    out = tmp_path / "out"
    result = import_space(src, out, spec_name="bkend-auth")
    text = (out / "docs" / "ko" / "index.md").read_text(encoding="utf-8")
    assert text == (
        '# Sign-up\n\n{{ operation("emailSignUp") }}\n\n'
        "[`GET /v1/no/such`](https://api.example.com/bkend-auth.yaml)\n\n"
        "[`GET /pets`](https://other.example.com/pets.yaml)\n"
    )
    [warning] = result.warnings
    assert (warning.line, warning.kind) == (7, "openapi")
    run = build(out, cwd=tmp_path)
    assert run.returncode == 0 and run.warnings == [], run.log
    built = _article((out / "site" / "index.html").read_text(encoding="utf-8"))
    assert 'id="emailsignup"' in built and "/v1/auth/email/signup" in built


def test_a_language_this_project_does_not_have_builds_as_the_default(tmp_path):
    repo = tmp_path / "repo"
    write_space(
        repo / "zh-CN",
        {
            "SUMMARY.md": "# 目录\n\n* [首页](README.md)\n* [指南](guide.md)\n",
            "README.md": "# 首页\n\n请看[指南](guide.md#安装)。\n",
            "guide.md": '# 指南\n\n## 安装\n\n{% hint style="info" %}\n提示\n{% endhint %}\n',
        },
    )
    result = import_space(repo, tmp_path / "out")
    assert result.languages == ["zh-CN"] and result.warnings == []
    run = build(tmp_path / "out", cwd=tmp_path)
    assert run.returncode == 0 and run.warnings == [], run.log
    home = (tmp_path / "out" / "site" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh"' in home  # Material's name for the language and '<a href="guide/#安装">指南</a>' in _article(home)
