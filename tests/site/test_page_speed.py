"""Page speed: the structural budgets behind `make bench`'s Lighthouse figures, and the bench itself.

Timings are measured by `make bench` (scripts/bench_lighthouse.py), not asserted here: on a shared
machine they are noise. What is asserted is what makes them: nothing render-blocking or downloaded
that a page does not need, and a bench that runs end to end.
"""

from __future__ import annotations

import re
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import ROOT

# What every page loads before it is interactive: Material's bundle, site.js, the console loader and
# search.js (which hands the bundle this language's index once the reader starts to search).
START_SCRIPTS = {"search.js", "bundle", "site.js", "loader.js"}
START_STYLES = {"main", "palette", "site.css"}
# Stylesheets and scripts loaded at start, gzipped: Material's bundle and stylesheets are ~60 KB of
# it, this site's own (site.css/js, loaders, console.css) the rest. The HTML is the content's.
START_ASSETS_BUDGET = 72 * 1024


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("index.html") if p.parent.relative_to(site).parts[:1] != ("assets",))


def _head(page: Path) -> str:
    html = page.read_text(encoding="utf-8")
    return html[: html.index("</head>")]


def _name(ref: str) -> str:
    name = ref.split("?")[0].rsplit("/", 1)[-1]
    return name.split(".")[0] if re.match(r"(bundle|main|palette)\.", name) else name


@pytest.fixture(scope="module")
def scripts(monkeypatch_module: pytest.MonkeyPatch) -> dict[str, ModuleType]:
    monkeypatch_module.syspath_prepend(str(ROOT / "scripts"))
    import bench
    import bench_build
    import bench_lighthouse

    return {"bench": bench, "build": bench_build, "lighthouse": bench_lighthouse}


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        yield mp


def test_no_web_font_is_published_or_requested(built_site: Path) -> None:
    assert not [p for p in built_site.rglob("*") if p.suffix in {".woff", ".woff2", ".ttf", ".otf"}]
    for css in built_site.rglob("*.css"):
        assert "@font-face" not in css.read_text(encoding="utf-8"), css


def test_head_loads_only_what_the_page_needs(built_site: Path) -> None:
    for page in _pages(built_site):
        head = _head(page)
        links = [tag for tag in re.findall(r"<link\b[^>]*>", head) if 'rel="stylesheet"' in tag]
        styles = {_name(re.search(r'href="([^"]+)"', tag).group(1)) for tag in links}
        console = "data-operation=" in page.read_text(encoding="utf-8")
        assert styles == START_STYLES | ({"console.css"} if console else set()), page
        # Scripts in <head> would block the first paint; Material's and ours sit at the end of <body>.
        assert not re.findall(r"<script[^>]+src=", head), page
        body = page.read_text(encoding="utf-8")[len(head) :]
        assert {_name(s) for s in re.findall(r'<script[^>]+src="([^"]+)"', body)} == START_SCRIPTS, page


def test_start_assets_stay_within_budget(built_site: Path, scripts: dict[str, ModuleType]) -> None:
    bench = scripts["bench"]
    for page in _pages(built_site):
        _, packed = bench.page_weight(built_site, _rel(built_site, page))
        assets = packed - bench.gz(page.read_bytes())
        assert assets <= START_ASSETS_BUDGET, f"{page}: {assets / 1024:.1f} KB gzipped at start"


def _rel(site: Path, page: Path) -> str:
    folder = page.parent.relative_to(site).as_posix()
    return "" if folder == "." else folder + "/"


def test_bench_server_compresses(built_site: Path, scripts: dict[str, ModuleType]) -> None:
    with scripts["lighthouse"].serve_gzip(built_site) as url:
        request = urllib.request.Request(url + "assets/site.css", headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(request) as response:
            assert response.headers["Content-Encoding"] == "gzip"
        missing = urllib.request.Request(url + "no/such/page/")
        with pytest.raises(urllib.error.HTTPError) as error:
            urllib.request.urlopen(missing)
        error.value.close()
        assert error.value.code == 404 and "html" in error.value.headers["Content-Type"]


def test_budget_verdict_names_what_breaks(scripts: dict[str, ModuleType]) -> None:
    lh = scripts["lighthouse"]
    scores = {"performance": 97, "accessibility": 100, "best-practices": 100, "seo": 100}
    good = lh.Result(scores, fcp_ms=900, lcp_ms=1200, cls=0.0, tbt_ms=0, bytes=100_000, console_errors=[])
    plain = replace(good, scores={**good.scores, "accessibility": 88, "seo": 90}, bytes=90_000)
    assert lh.failures(good, plain) == []
    bad = replace(good, scores={**good.scores, "performance": 80, "seo": 92}, cls=0.05, bytes=200_000)
    assert lh.failures(bad, plain) == [
        "performance 80 < 95",
        "seo 92 < 100",
        "CLS 0.050 > 0.02",
        "bytes 2.22x plain > 1.3x",
    ]


@pytest.mark.slow
@pytest.mark.browser
def test_lighthouse_bench_runs_against_plain_material(
    built_site: Path, scripts: dict[str, ModuleType], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """One page of the bench, one run each, end to end: plain build, gzip servers, Lighthouse, table."""
    build, lh = scripts["build"], scripts["lighthouse"]
    plain = tmp_path / "plain-site"
    build.build_seconds(build.plain_material_config(tmp_path, "ko"), plain, runs=1)
    monkeypatch.setattr(lh, "PAGES", [page for page in lh.PAGES if page[0] == "ko diagram"])
    monkeypatch.setattr(lh, "RUNS", 1)
    text, _ = lh.table(built_site, plain)
    row = next(line for line in text.splitlines() if line.startswith("ko diagram"))
    ours, theirs = row.split("|")[1:3]
    assert len(ours.split()) == 6 and len(theirs.split()) == 6, row
    # Scores that do not depend on timing: they hold on any machine.
    a11y, _, seo = (int(n) for n in row.split("|")[3].split())
    assert a11y == 100 and seo == 100, row



# ---- Long pages on phones: deferred layout (site.css, "Long pages on phones") -------------------
# On a phone (Lighthouse's mobile viewport: 412 x 823) the heavy blocks of a page from its third
# section on are laid out only when they come near the screen (content-visibility: auto). Each test
# first checks that something is deferred, so that it fails when the deferral is gone.

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2.625}
ENDPOINT = "authentication/email-signup/"
SPEED_PAGES = ["", "en/", ENDPOINT, "en/" + ENDPOINT, "authentication/", "en/authentication/"]
# Elements the ko endpoint page lays out at load on a phone: ~660 without deferral, ~430 with it.
MAX_LAID_OUT = 550

# Elements the browser lays out: rendered (not display: none) and not in a skipped subtree.
LAID_OUT = """() => [...document.querySelectorAll("body *")]
  .filter((el) => el.checkVisibility({contentVisibilityAuto: true})).length"""
# Elements of the article that would be drawn but whose layout is skipped right now.
SKIPPED = """() => [...document.querySelectorAll("article *")]
  .filter((el) => el.checkVisibility() && !el.checkVisibility({contentVisibilityAuto: true}))
  .map((el) => ({top: el.getBoundingClientRect().top + scrollY, text: el.textContent.trim(), leaf: !el.children.length}))"""
# Deferrable blocks (content-visibility other than visible) and where they are on the screen.
DEFERRABLE = """() => [...document.querySelectorAll("article *")]
  .filter((el) => getComputedStyle(el).contentVisibility !== "visible")
  .map((el) => ({top: el.getBoundingClientRect().top, text: el.textContent.trim().slice(0, 60)}))"""
# Layout shifts as Lighthouse counts them (not those right after input).
CLS_OBSERVER = """window.__cls = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.__cls += entry.value;
}).observe({type: "layout-shift", buffered: true});"""
FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
AT_END = "() => innerHeight + scrollY >= document.documentElement.scrollHeight - 1"


@pytest.fixture
def phone(browser) -> Iterator[object]:
    context = browser.new_context(**PHONE)
    context.add_init_script(CLS_OBSERVER)
    pg = context.new_page()
    try:
        yield pg
    finally:
        context.close()


def _open(pg, url: str) -> None:
    """Load a page and wait until it is mounted (its console included) and two frames are drawn."""
    pg.goto(url)
    pg.wait_for_load_state("load")
    if pg.locator("form[data-operation]").count():
        pg.wait_for_selector("form[data-operation][data-mounted]", state="attached")
    pg.evaluate(FRAMES)


@pytest.mark.browser
def test_phone_lays_out_only_the_start_of_a_long_page(phone, site_url: str) -> None:
    _open(phone, site_url + ENDPOINT)
    laid_out = phone.evaluate(LAID_OUT)
    assert laid_out <= MAX_LAID_OUT, f"{laid_out} elements laid out at load on a phone"


@pytest.mark.browser
@pytest.mark.parametrize("path", SPEED_PAGES)
def test_nothing_in_the_first_screen_is_deferred(phone, site_url: str, path: str) -> None:
    _open(phone, site_url + path)
    height = phone.viewport_size["height"]
    blocks = phone.evaluate(DEFERRABLE)
    assert [block for block in blocks if block["top"] < height] == [], path
    if path != "" and path != "en/":  # the home pages are short: nothing to defer
        assert blocks, f"{path}: nothing is deferred on a long page"


@pytest.mark.browser
@pytest.mark.parametrize("path", SPEED_PAGES)
def test_deferred_layout_shifts_nothing(phone, site_url: str, path: str) -> None:
    """CLS at load and while reading to the end of the page (blocks are laid out as they come near)."""
    _open(phone, site_url + path)
    deferred = phone.evaluate(SKIPPED)
    for _ in range(100):
        if phone.evaluate(AT_END):
            break
        phone.evaluate("() => scrollBy(0, 400)")
        phone.evaluate(FRAMES)
    assert phone.evaluate(AT_END), path
    cls = phone.evaluate("() => window.__cls")
    assert cls <= 0.02, f"{path}: CLS {cls:.3f}"
    if path not in ("", "en/"):
        assert deferred, f"{path}: nothing was deferred, so the scroll laid out nothing new"


@pytest.mark.browser
@pytest.mark.parametrize("anchor", ["response", "errors", "password-policy"])
@pytest.mark.parametrize("how", ["link from another page", "link in the page"])
def test_anchor_deep_in_the_page_lands_on_its_heading(phone, site_url: str, anchor: str, how: str) -> None:
    if how == "link from another page":
        _open(phone, f"{site_url}{ENDPOINT}#{anchor}")
    else:
        _open(phone, site_url + ENDPOINT)
        phone.evaluate("(anchor) => { location.hash = anchor }", anchor)
        phone.evaluate(FRAMES)
    heading = phone.locator(f"#{anchor}")
    # Where the heading belongs: Material's scroll margin under the header.
    margin = phone.evaluate("(id) => parseFloat(getComputedStyle(document.getElementById(id)).scrollMarginTop)", anchor)
    landed = heading.bounding_box()["y"]
    phone.wait_for_timeout(1000)
    settled = heading.bounding_box()["y"]
    assert abs(landed - margin) < 1, f"#{anchor} landed at {landed}, not {margin}"
    assert abs(settled - landed) < 1, f"#{anchor} moved from {landed} to {settled} after landing"
    # The jump passed over deferred blocks, and it did not lay them out.
    above = [block for block in phone.evaluate(SKIPPED) if block["top"] < phone.evaluate("() => scrollY")]
    assert above, f"#{anchor}: nothing above the heading is deferred"


@pytest.mark.browser
def test_deferred_text_stays_in_the_page(phone, site_url: str) -> None:
    """Find-in-page and search engines reach a block whose layout is deferred: it is in the HTML."""
    _open(phone, site_url + ENDPOINT)
    skipped = phone.evaluate(SKIPPED)
    assert skipped, "nothing is deferred"
    # The last deferred paragraph or cell of plain text (the raw HTML escapes <, >, & and quotes).
    texts = [b["text"] for b in skipped if b["leaf"] and len(b["text"]) >= 12 and not re.search(r"[<>&\"']", b["text"])]
    phrase = texts[-1][:40].strip()
    with urllib.request.urlopen(site_url + ENDPOINT) as response:
        assert phrase in response.read().decode("utf-8"), phrase
    assert phone.evaluate("(phrase) => window.find(phrase)", phrase), phrase


@pytest.mark.browser
def test_print_lays_out_everything(phone, site_url: str) -> None:
    _open(phone, site_url + ENDPOINT)
    assert phone.evaluate(SKIPPED), "nothing is deferred on screen"
    phone.emulate_media(media="print")
    phone.evaluate(FRAMES)
    assert phone.evaluate(DEFERRABLE) == []
    assert phone.evaluate(SKIPPED) == []
