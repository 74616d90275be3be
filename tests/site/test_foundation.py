"""The bilingual site foundation: languages, the switcher, self-hosted assets, 404 pages, the spec."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if "assets" not in p.parts)


def _url(site: Path, page: Path, base: str) -> str:
    folder = page.parent.relative_to(site).as_posix()
    return base if folder == "." else f"{base}{folder}/"


def _ko_page(site: Path, with_diagram: bool) -> Path:
    """A Korean content page (not the home page) with or without a diagram (SVG drawn at build time)."""
    for page in _pages(site):
        rel = page.relative_to(site).parts
        if rel[0] == "en" or len(rel) < 3:
            continue
        if ('class="bk-diagram"' in page.read_text(encoding="utf-8")) == with_diagram:
            return page
    raise AssertionError(f"no Korean page {'with' if with_diagram else 'without'} a mermaid diagram")


def test_every_page_exists_in_both_languages(built_site: Path) -> None:
    ko = {p.relative_to(built_site) for p in _pages(built_site) if p.relative_to(built_site).parts[0] != "en"}
    en = {p.relative_to(built_site / "en") for p in _pages(built_site / "en")}
    assert ko == en
    assert len(ko) >= 27


def test_html_lang_and_translated_ui(built_site: Path) -> None:
    ko = (built_site / "index.html").read_text(encoding="utf-8")
    en = (built_site / "en" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="ko"' in ko and '<html lang="en"' in en
    assert "검색" in ko and "Search" in en  # Material's own UI strings follow the page language
    # The navigation's section titles follow it too (`nav_translations`).
    assert _nav_label(ko, "authentication/") == "인증"
    assert _nav_label(en, "authentication/") == "Authentication"


def _nav_label(html: str, href: str) -> str:
    """The text of the navigation link to `href` (the section's own page)."""
    found = re.findall(
        rf'<a href="{re.escape(href)}" class="md-nav__link[^"]*">\s*<span class="md-ellipsis">\s*([^<]*?)\s*</span>', html
    )
    assert found, f"no navigation link to {href}"
    return found[0]


def test_no_third_party_assets_referenced(built_site: Path) -> None:
    third_party = re.compile(r'(?:src|href)="https?://(?!127\.0\.0\.1|localhost)[^"]+\.(?:js|css|woff2?|svg|png|jpe?g|gif|webp)"')
    for page in _pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert not third_party.findall(html), page
        assert "fonts.googleapis" not in html and "unpkg.com" not in html, page


def test_spec_is_published(built_site: Path) -> None:
    assert (built_site / "openapi.yaml").read_bytes() == (ROOT / "spec" / "openapi.yaml").read_bytes()


@pytest.mark.browser
def test_languages_render_in_the_browser(page, site_url: str) -> None:
    page.goto(site_url)
    assert page.evaluate("document.documentElement.lang") == "ko"
    page.goto(site_url + "en/")
    assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.browser
def test_switcher_keeps_the_page_also_after_instant_navigation(page, site_url: str, built_site: Path) -> None:
    target = _ko_page(built_site, with_diagram=False)
    target_url = _url(built_site, target, site_url)
    english_url = site_url + "en/" + target_url.removeprefix(site_url)

    # Direct load: the switcher points at the same page in English.
    page.goto(target_url)
    assert (
        page.locator(".md-select__link[hreflang=en]")
        .get_attribute("href")
        .endswith(english_url.removeprefix(site_url))
        or page.evaluate("document.querySelector('.md-select__link[hreflang=en]').href") == english_url
    )

    # Instant navigation from the home page: the header stays, the switcher must follow the new page.
    page.goto(site_url)
    page.evaluate("window.__sameDocument = true")
    link = page.locator(f'nav.md-nav a[href$="{target_url.removeprefix(site_url)}"]').first
    link.click()
    page.wait_for_url(target_url)
    assert page.evaluate("window.__sameDocument") is True, "the click did not use instant navigation"
    # The address changes before the new content is in place; the switcher follows the content.
    page.wait_for_function(
        "url => document.querySelector('.md-select__link[hreflang=en]').href === url", arg=english_url
    )
    page.evaluate("document.querySelector('.md-select__link[hreflang=en]').click()")
    page.wait_for_url(english_url)
    assert page.evaluate("document.documentElement.lang") == "en"
    page.evaluate("document.querySelector('.md-select__link[hreflang=ko]').click()")
    page.wait_for_url(target_url)
    assert page.evaluate("document.documentElement.lang") == "ko"


@pytest.mark.browser
@pytest.mark.parametrize(
    ("path", "lang", "heading"),
    [("no/such/page/", "ko", "페이지를 찾을 수 없습니다"), ("en/no/such/page/", "en", "Page not found")],
)
def test_404_page_per_language(page, site_url: str, path: str, lang: str, heading: str) -> None:
    response = page.goto(site_url + path)
    assert response is not None and response.status == 404
    page.wait_for_function(f"document.documentElement.lang === '{lang}'")
    page.wait_for_selector(f"h1:has-text('{heading}')")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("start", "query", "expected"), [("", "리프레시", "리프레시"), ("en/", "refresh", "refresh")]
)
def test_search_finds_korean_and_english_words(
    page, site_url: str, start: str, query: str, expected: str
) -> None:
    page.goto(site_url + start)
    search = page.locator("input.md-search__input")
    search.click()
    search.fill(query)
    results = page.locator(".md-search-result__item")
    results.first.wait_for(timeout=15_000)
    assert results.count() > 0
    assert expected.lower() in page.inner_text(".md-search-result").lower()
