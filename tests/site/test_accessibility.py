"""axe-core over every page of the built site, in both languages (and a sample in the dark scheme)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => (await axe.run(document)).violations.map(v => ({
    rule: v.id, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))
}))"""


def _page_paths(site: Path) -> list[str]:
    paths = []
    for index in sorted(site.rglob("index.html")):
        folder = index.parent.relative_to(site).as_posix()
        if folder.split("/")[0] not in {"assets", "search"}:
            paths.append("" if folder == "." else folder + "/")
    return paths


@pytest.mark.browser
def test_axe_finds_no_violations_on_any_page(browser, site_url: str, built_site: Path) -> None:
    context = browser.new_context()
    page = context.new_page()
    found: dict[str, list] = {}
    paths = _page_paths(built_site)
    # An empty list would pass without checking anything: both home pages and every page in both
    # languages must be there.
    ko = [p for p in paths if not p.startswith("en/")]
    en = [p.removeprefix("en/") for p in paths if p.startswith("en/")]
    assert "" in ko and "" in en and ko == en and len(ko) >= 27, paths
    try:
        for path in paths:
            page.goto(site_url + path)
            page.add_script_tag(path=str(AXE))
            violations = page.evaluate(RUN_AXE)
            if violations:
                found[path] = violations
    finally:
        context.close()
    assert found == {}


@pytest.mark.browser
@pytest.mark.parametrize("path", ["authentication/sessions-tokens/", "en/reference/error-codes/"])
def test_axe_finds_no_violations_in_the_dark_scheme(browser, site_url: str, path: str) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    try:
        page.goto(site_url + path)
        assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
        page.add_script_tag(path=str(AXE))
        assert page.evaluate(RUN_AXE) == []
    finally:
        context.close()
