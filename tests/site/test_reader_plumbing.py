"""The site as a first-time reader meets it (issue #16): every page, in both languages, loads without
a console error or a failed request, and no table is wider than its column on a desktop (1366 px) or
a phone (390 px); the 404 page per language links the languages' homes; the language switcher keeps
the section and marks the current language; a build without SITE_URL bakes no host into links."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.site.test_accessibility import _page_paths

# scrollWidth of each table against its own box and the content column's right edge
OVERFLOWING_TABLES = """() => {
    const column = document.querySelector('.md-content__inner').getBoundingClientRect();
    return [...document.querySelectorAll('.md-typeset table')].flatMap((t, i) => {
        const box = t.getBoundingClientRect();
        const wide = t.scrollWidth > t.clientWidth + 1 || box.right > column.right + 1;
        return wide ? [{table: i, scrollWidth: t.scrollWidth, clientWidth: t.clientWidth,
                        right: Math.round(box.right), column: Math.round(column.right)}] : [];
    });
}"""


@pytest.mark.browser
def test_every_page_loads_cleanly_and_its_tables_fit(browser, site_url: str, built_site: Path) -> None:
    paths = _page_paths(built_site)
    assert "" in paths and "en/" in paths and len(paths) >= 54, paths
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    page = context.new_page()
    problems: list[object] = []
    page.on("console", lambda m: m.type == "error" and problems.append(("console", page.url, m.text)))
    page.on("pageerror", lambda e: problems.append(("exception", page.url, str(e))))
    page.on("requestfailed", lambda r: problems.append(("failed", r.url, r.failure)))
    page.on("response", lambda r: r.status >= 400 and problems.append((r.status, r.url)))
    tables = 0
    try:
        for path in paths:
            page.set_viewport_size({"width": 1366, "height": 900})
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            tables += page.locator(".md-typeset table").count()
            for width in (1366, 390):
                page.set_viewport_size({"width": width, "height": 900})
                wide = page.evaluate(OVERFLOWING_TABLES)
                if wide:
                    problems.append((width, path, wide))
    finally:
        context.close()
    assert tables > 100  # the pages really have tables to measure
    assert problems == []


@pytest.mark.browser
def test_tables_are_cards_with_labels_on_a_phone(browser, site_url: str) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(site_url + "authentication/mfa/")
        cell = page.locator(".md-typeset table td[data-label='설명']").first
        label = cell.evaluate("e => getComputedStyle(e, '::before').content")
        assert label == '"설명"'
        assert page.locator(".md-typeset table thead").first.is_hidden()
        # no column is empty in every row: the constraints column appears only where it says something
        empty = page.evaluate("""() => [...document.querySelectorAll('.md-typeset table')].filter(t => {
            const rows = [...t.tBodies[0].rows];
            return [...t.tHead.rows[0].cells].some((_, i) => rows.every(r => !r.cells[i].textContent.trim()));
        }).length""")
        assert empty == 0
        size = page.locator(".md-typeset table td").first.evaluate("e => getComputedStyle(e).fontSize")
        assert float(size.removesuffix("px")) >= 14
    finally:
        context.close()


@pytest.mark.browser
def test_error_rows_are_sorted_by_status(page, site_url: str) -> None:
    page.goto(site_url + "en/authentication/email-signup/")
    table = page.locator("table:has(th:text-is('HTTP status'))").first
    statuses = [int(s) for s in table.locator("tbody tr td:first-child").all_inner_texts()]
    assert len(statuses) > 2 and statuses == sorted(statuses)


@pytest.mark.browser
@pytest.mark.parametrize(("missing", "lang", "homes"), [("no/such/", "ko", ("/", "/en/")), ("en/no/such/", "en", ("/", "/en/"))])
def test_the_404_page_links_the_languages_homes(page, site_url: str, missing: str, lang: str, homes: tuple) -> None:
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and "404" not in m.text and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(site_url + missing)
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    page.wait_for_load_state("networkidle")
    links = page.locator(".md-select__link[hreflang]")
    hrefs = {a.get_attribute("hreflang"): a.evaluate("a => new URL(a.href).pathname") for a in links.all()}
    assert hrefs == {"ko": homes[0], "en": homes[1]}
    assert page.locator(f".md-select__link[hreflang={lang}][aria-current]").count() == 1
    assert errors == []


@pytest.mark.browser
def test_the_switcher_keeps_the_section_and_marks_the_language(page, site_url: str) -> None:
    page.goto(site_url + "authentication/sessions-tokens/#refresh-token")
    assert page.locator(".md-select__link[hreflang=ko][aria-current]").count() == 1
    assert page.locator(".md-select__link[hreflang=en][aria-current]").count() == 0
    page.locator(".md-select__link[hreflang=en]").dispatch_event("click")
    page.wait_for_url(re.compile(r"/en/authentication/sessions-tokens/#refresh-token$"))
    assert page.locator("#refresh-token").count() == 1
    assert page.locator(".md-select__link[hreflang=en][aria-current]").count() == 1


def test_a_build_without_site_url_bakes_in_no_host(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"} | {"NO_MKDOCS_2_WARNING": "1"}
    site = tmp_path / "site"
    run = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(site)],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    assert run.returncode == 0, run.stderr
    for page in (site / "authentication" / "mfa" / "index.html", site / "en" / "index.html", site / "404.html",
                 site / "en" / "404.html"):
        html = page.read_text(encoding="utf-8")
        assert 'rel="canonical"' not in html, page
        assert not re.search(r'(?:href|src|content)="https?://127\.0\.0\.1:8000', html), page
    assert (site / "en" / "sitemap.xml").is_file()


@pytest.mark.browser
@pytest.mark.parametrize(("lang", "width", "height"), [("ko", 1366, 768), ("en", 1366, 768), ("ko", 390, 844), ("en", 390, 844)])
def test_the_home_page_starts_a_reader_above_the_fold(browser, site_url: str, lang: str, width: int, height: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    try:
        page.goto(site_url + ("en/" if lang == "en" else ""))
        start = page.locator(".md-typeset .admonition.example").first
        steps = start.locator("li")
        assert steps.count() == 3
        assert "make serve" in steps.nth(0).inner_text()
        # the whole path is on the first screen
        assert start.evaluate("e => e.getBoundingClientRect().bottom") <= height
        home = "/en/" if lang == "en" else "/"
        hrefs = [a.evaluate("a => new URL(a.href).pathname + new URL(a.href).hash") for a in start.locator("a").all()]
        assert hrefs == [f"{home}authentication/email-signup/#emailsignup", f"{home}authentication/sessions-tokens/#getme"]
        assert "/v1/auth/me" in steps.nth(2).inner_text()
    finally:
        context.close()


@pytest.mark.browser
def test_endpoints_carry_method_badges(page, site_url: str) -> None:
    page.goto(site_url + "en/authentication/sessions-tokens/")
    badges = page.locator(".md-typeset .bk-method")
    assert badges.count() >= 4
    get = page.locator(".md-typeset .bk-method--get").first
    assert get.inner_text() == "GET"
    assert get.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(21, 101, 192)"
    assert page.locator("table .bk-method").count() >= 1  # in the endpoint tables too
