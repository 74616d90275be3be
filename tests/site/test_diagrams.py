"""Diagrams are SVG drawn at build time (hooks/mermaid_svg.py): no diagram script reaches the reader,
and the SVG follows the colour scheme, keeps Korean labels as selectable text, in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT

HANGUL = re.compile(r"[\uac00-\ud7a3]")
DIAGRAM_PAGES = ["authentication/", "en/authentication/"]  # sequence diagrams, ko and en labels
FLOWCHART_PAGE = "mcp/auth-tools/"  # a flowchart: HTML labels inside foreignObject


def _html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.parts)


def test_every_fence_became_inline_svg(built_site: Path) -> None:
    fences = sum(
        len(re.findall(r"^```mermaid", md.read_text(encoding="utf-8"), re.M))
        for md in (ROOT / "docs").rglob("*.md")
    )
    drawn = 0
    for page in _html_pages(built_site):
        html = page.read_text(encoding="utf-8")
        assert 'class="mermaid"' not in html, f"{page}: a diagram was left for the browser to draw"
        drawn += len(re.findall(r'<div class="bk-diagram"><svg ', html))
    assert fences > 0 and drawn == fences


def test_no_diagram_script_is_published(built_site: Path) -> None:
    assert not [p for p in built_site.rglob("*") if "mermaid" in p.name.lower()]
    for page in _html_pages(built_site):
        assert "mermaid.min.js" not in page.read_text(encoding="utf-8"), page


def test_svg_takes_colours_from_the_scheme_and_text_from_the_page_font(built_site: Path) -> None:
    html = (built_site / "authentication" / "index.html").read_text(encoding="utf-8")
    svg = html[html.index('<div class="bk-diagram">') :]
    svg = svg[: svg.index("</svg>")]
    assert "var(--md-mermaid-" in svg  # Material's theme, resolved per scheme by its stylesheet
    assert "bk-measure" not in svg  # the build-time measuring font is not left behind
    assert HANGUL.search(re.sub(r"<style>.*?</style>", "", svg, flags=re.S))


LABELS = """() => [...document.querySelectorAll('.bk-diagram svg')].map(svg => ({
  width: svg.getBoundingClientRect().width,
  text: [...svg.querySelectorAll('text, foreignObject')].map(e => e.textContent).join(' '),
  ink: (label => label.closest('foreignObject') ? getComputedStyle(label).color : getComputedStyle(label).fill)(
    svg.querySelector('text, foreignObject p')),
}))"""

SELECT_FIRST_LABEL = """() => {
  const label = document.querySelector('.bk-diagram svg text, .bk-diagram svg foreignObject p');
  const range = document.createRange();
  range.selectNodeContents(label);
  getSelection().removeAllRanges();
  getSelection().addRange(range);
  return [label.textContent, getSelection().toString()];
}"""


@pytest.mark.browser
@pytest.mark.parametrize("path", [*DIAGRAM_PAGES, FLOWCHART_PAGE])
def test_diagram_shows_in_both_schemes_from_loopback_only(browser, site_url: str, path: str) -> None:
    inks = []
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda request, seen=requests: seen.append(request.url))
        try:
            page.goto(site_url + path)
            page.wait_for_load_state("networkidle")
            diagrams = page.evaluate(LABELS)
            label, selected = page.evaluate(SELECT_FIRST_LABEL)
        finally:
            context.close()
        assert diagrams and all(d["width"] > 100 and d["text"].strip() for d in diagrams)
        if not path.startswith("en/"):
            assert any(HANGUL.search(d["text"]) for d in diagrams)
        assert label.strip() and selected == label  # labels are text a reader can select and copy
        assert all(url.startswith(site_url) for url in requests)
        assert not [url for url in requests if "mermaid" in url]
        inks.append(diagrams[0]["ink"])
    assert inks[0] != inks[1], "the diagram does not follow the colour scheme"


@pytest.mark.browser
def test_instant_navigation_to_a_diagram_page_shows_it(page, site_url: str) -> None:
    page.goto(site_url + "reference/error-codes/")
    page.evaluate("window.__sameDocument = true")
    page.locator('nav.md-nav a[href$="authentication/"]').first.click()
    page.wait_for_selector(".bk-diagram svg text")
    assert page.evaluate("window.__sameDocument") is True
