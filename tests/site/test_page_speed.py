"""Page speed: the structural budgets behind `make bench`'s Lighthouse figures, and the bench itself.

Timings are measured by `make bench` (scripts/bench_lighthouse.py), not asserted here: on a shared
machine they are noise. What is asserted is what makes them: nothing render-blocking or downloaded
that a page does not need, and a bench that runs end to end.
"""

from __future__ import annotations

import re
import urllib.request
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
