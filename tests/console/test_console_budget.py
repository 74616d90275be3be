"""The console's weight budget (also printed by `make bench`): console.js + console.css at most 12 KB
gzipped; the loader every page carries stays under 1 KB."""

from __future__ import annotations

import gzip

from tests.conftest import ROOT

ASSETS = ROOT / "overrides" / "assets" / "console"
CONSOLE_BUDGET = 12 * 1024
LOADER_BUDGET = 1024


def gzipped(name: str) -> int:
    return len(gzip.compress((ASSETS / name).read_bytes(), 9))


def test_console_js_and_css_fit_the_budget() -> None:
    size = gzipped("console.js") + gzipped("console.css")
    assert size <= CONSOLE_BUDGET, f"console.js + console.css = {size} B gzipped > {CONSOLE_BUDGET} B"


def test_the_loader_on_every_page_is_tiny() -> None:
    raw = (ASSETS / "loader.js").stat().st_size
    assert raw < LOADER_BUDGET, f"loader.js is {raw} B"


def test_console_is_one_module_without_imports() -> None:
    # no framework, no bundle: console.js imports nothing and is only loaded by loader.js
    js = (ASSETS / "console.js").read_text(encoding="utf-8")
    assert "import " not in js.replace("import(", "")
    assert "export function mount" in js
    for forbidden in (
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "localStorage",
        "eval(",
    ):
        assert forbidden not in js, f"console.js uses {forbidden}"
