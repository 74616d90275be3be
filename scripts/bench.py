"""`make bench`: build time, page weight and console size, printed as a table.

- Build time: `mkdocs build` of this site (both languages, macros, i18n) against a plain Material
  build of the same Korean pages (no plugins but search), median of a few runs.
- Page weight: for a few pages, the HTML plus every script and stylesheet it loads at start, raw
  and gzipped.
- Console: console.js + console.css gzipped, against its 12 KB budget.
- Lighthouse (mobile) on six pages against the plain build: scripts/bench_lighthouse.py
  (LIGHTHOUSE_RUNS=0 skips it). Exits 1 when a page misses its budget.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import bench_lighthouse
import yaml

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_RUNS", "3"))
PAGES = ["", "authentication/email-signup/", "authentication/sessions-tokens/", "reference/error-codes/"]
CONSOLE_BUDGET = 12 * 1024


def build_seconds(config: Path, site_dir: Path) -> float:
    timings = []
    for _ in range(RUNS):
        shutil.rmtree(site_dir, ignore_errors=True)
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site_dir)],
            cwd=ROOT,
            check=True,
            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        )
        timings.append(time.perf_counter() - start)
    return statistics.median(timings)


def plain_material_config(tmp: Path) -> Path:
    """The same Korean pages under a stock Material config (macro calls stay as text)."""
    docs = tmp / "plain-docs"
    shutil.copytree(ROOT / "docs" / "ko", docs)
    config = {
        "site_name": "plain",
        "docs_dir": str(docs),
        "theme": {"name": "material", "language": "ko", "font": False},  # no Google Fonts (offline)
        "plugins": ["search"],
        "markdown_extensions": [
            "admonition",
            "attr_list",
            "md_in_html",
            "tables",
            "pymdownx.details",
            "pymdownx.superfences",
            {"pymdownx.tabbed": {"alternate_style": True}},
            "pymdownx.highlight",
            "pymdownx.inlinehilite",
        ],
    }
    path = tmp / "plain.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
    return path


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
        ours = build_seconds(ROOT / "mkdocs.yml", site)
        plain = build_seconds(plain_material_config(tmp), tmp / "plain-site")
        rows.append(("build: this site (ko + en, macros, i18n)", f"{ours:.2f} s"))
        rows.append(("build: plain Material, same ko pages", f"{plain:.2f} s"))
        rows.append(("build: overhead factor", f"{ours / plain:.2f}x"))
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
        loader = site / "assets" / "console" / "loader.js"
        if loader.is_file():
            rows.append(("console loader on every page, gzipped", f"{gz(loader.read_bytes())} B"))
        lighthouse = bench_lighthouse.table(site, tmp / "plain-site") if bench_lighthouse.RUNS else ("", True)
    width = max(len(name) for name, _ in rows)
    print(f"{'measure'.ljust(width)} | value")
    print(f"{'-' * width}-|-{'-' * 28}")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    print(f"\n{lighthouse[0]}" if lighthouse[0] else "")
    return 0 if lighthouse[1] else 1


if __name__ == "__main__":
    sys.exit(main())
