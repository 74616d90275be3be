"""`make bench`: build time, page weight and console size, printed as a table.

- Build and reload times (scripts/bench_build.py says exactly what each row measures): the full
  build (with the previous build's caches, and cold) against plain Material builds of the same pages
  in both languages, the `make serve` reload
  after a page edit and after a spec edit, and the build at 10x the pages.
- Page weight: for a few pages, the HTML plus every script and stylesheet it loads at start, raw
  and gzipped.
- Console: console.js + console.css gzipped, against its 12 KB budget.
- Lighthouse (mobile) on six pages against a plain Material build of the same Korean pages:
  scripts/bench_lighthouse.py (LIGHTHOUSE_RUNS=0 skips it). Exits 1 when a page misses its budget.
"""

from __future__ import annotations

import gzip
import re
import sys
import tempfile
from pathlib import Path

import bench_build
import bench_lighthouse
import bench_sandbox
from bench_search import rows as search_rows

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["", "authentication/email-signup/", "authentication/sessions-tokens/", "reference/error-codes/"]
CONSOLE_BUDGET = 12 * 1024


def gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def page_weight(site: Path, page: str) -> tuple[int, int]:
    html_file = site / page / "index.html"
    html = html_file.read_bytes()
    raw, packed = len(html), gz(html)
    text = html.decode("utf-8")
    refs = re.findall(r'<script[^>]+src="([^"]+)"', text) + re.findall(
        r'<link[^>]+rel="stylesheet"[^>]+href="([^"]+)"', text
    )
    for ref in refs:
        if ref.startswith(("http:", "https:")):
            continue
        asset = (html_file.parent / ref.split("?")[0]).resolve()
        if asset.is_file():
            data = asset.read_bytes()
            raw, packed = raw + len(data), packed + gz(data)
    return raw, packed


def kb(n: int) -> str:
    return f"{n / 1024:.1f} KB"


def main() -> int:
    rows: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        site = tmp / "site"
        bench_build.build_seconds(ROOT / "mkdocs.yml", site, runs=1)
        rows += bench_build.rows()
        for page in PAGES:
            for prefix in ("", "en/"):
                if (site / prefix / page / "index.html").is_file():
                    raw, packed = page_weight(site, prefix + page)
                    rows.append((f"page weight: /{prefix}{page}", f"{kb(raw)} ({kb(packed)} gzipped)"))
        console = [site / "assets" / "console" / name for name in ("console.js", "console.css")]
        if all(path.is_file() for path in console):
            size = sum(gz(path.read_bytes()) for path in console)
            rows.append(
                ("console: js + css gzipped (budget 12 KB)", f"{kb(size)} ({size * 100 // CONSOLE_BUDGET}%)")
            )
        rows.extend(search_rows(site))
        loader = site / "assets" / "console" / "loader.js"
        if loader.is_file():
            rows.append(("console loader on every page, gzipped", f"{gz(loader.read_bytes())} B"))
        lighthouse: tuple[str, bool] = ("", True)
        if bench_lighthouse.RUNS:
            plain_site = tmp / "plain-site-ko"
            bench_build.build_seconds(bench_build.plain_material_config(tmp, "ko"), plain_site, runs=1)
            lighthouse = bench_lighthouse.table(site, plain_site)
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 28}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    print(f"\n{lighthouse[0]}" if lighthouse[0] else "")
    print()
    sandbox_status = bench_sandbox.main([])  # the sandbox's throughput, latency and memory
    return 0 if lighthouse[1] and sandbox_status == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
