"""The search box in Chromium: it fetches its page language's index only once the reader starts
to search, and ranks queries of the query set exactly as docs_search.ranking does (the MCP server's
ranking), Korean results on Korean pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from docs_search.ranking import SiteSearch
from tests.search.queries import EN, KO

pytestmark = pytest.mark.browser

SAMPLE = {
    "ko": ["가입", "비밀번호를 재설정", "refresh 토큰", "/v1/auth/refresh", "auth/token-expired", "emailSignUp"],
    "en": ["sign up", "magic link", "/v1/auth/email/signup", "auth/token-expired", "reset password"],
}
TARGETS = {"ko": dict(KO), "en": dict(EN)}


def _result_pages(page, base: str) -> list[str]:
    hrefs = page.eval_on_selector_all(
        ".md-search-result__item", "items => items.map(li => li.querySelector('a').href)"
    )
    return [h.removeprefix(base).split("#")[0].split("?")[0] for h in hrefs]  # no ?h= highlight


@pytest.mark.parametrize(("start", "index"), [("authentication/mfa/", "search/search_index.json"), ("en/authentication/mfa/", "en/search/search_index.json")])
def test_index_of_the_page_language_loads_when_search_starts(page, site_url: str, start: str, index: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.goto(site_url + start, wait_until="networkidle")
    assert not [u for u in requested if "search_index" in u], "no index before the reader searches"
    with page.expect_response(lambda r: "search_index" in r.url) as response:
        page.locator("input.md-search__input").click()
    assert response.value.url == site_url + index and response.value.ok
    assert [u for u in requested if "search_index" in u] == [site_url + index]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_search_box_ranks_like_python_and_finds_the_page(page, built_site: Path, site_url: str, lang: str) -> None:
    prefix = "" if lang == "ko" else "en/"
    search = SiteSearch.from_file(built_site / prefix / "search" / "search_index.json")
    page.goto(site_url + prefix + "authentication/", wait_until="networkidle")
    box = page.locator("input.md-search__input")
    box.click()
    for query in SAMPLE[lang]:
        expected = [p.location for p in search.pages(query)][:5]
        box.fill(query)
        box.press("End")  # Material reads the query on keyup
        try:
            page.wait_for_function(
                """([expected, base]) => {
                    const got = [...document.querySelectorAll('.md-search-result__item')]
                        .map(li => li.querySelector('a').href.replace(base, '').split(/[?#]/)[0]);
                    return JSON.stringify(got.slice(0, expected.length)) === JSON.stringify(expected);
                }""",
                arg=[expected, site_url],
                timeout=15_000,
            )
        except Exception as error:  # show what the box listed instead
            raise AssertionError(f"{query!r}: box {_result_pages(page, site_url)[:5]}, python {expected}") from error
        shown = _result_pages(page, site_url)
        assert TARGETS[lang][query] in shown[:3], (query, shown[:3])
        if lang == "ko":
            assert not [p for p in shown if p.startswith("en/")], (query, shown)
