"""`make bench` rows for search and the AI-tool files: each language's search index (gzipped, against
its budget: 40% of the 222 KB mixed index it replaced) and the Markdown twins and llms files."""

from __future__ import annotations

import gzip
from pathlib import Path

MIXED_INDEX_GZ = 222 * 1024  # the one search_index.json for both languages before per-language indexes
INDEX_BUDGET = MIXED_INDEX_GZ * 40 // 100


def _gz(data: bytes) -> int:
    return len(gzip.compress(data, 9))


def rows(site: Path) -> list[tuple[str, str]]:
    out = []
    for lang, prefix in (("ko", ""), ("en", "en/")):
        index = site / prefix / "search" / "search_index.json"
        if not index.is_file():
            continue
        size = _gz(index.read_bytes())
        out.append(
            (
                f"search index /{prefix}, gzipped (budget {INDEX_BUDGET / 1024:.0f} KB)",
                f"{size / 1024:.1f} KB ({size * 100 // INDEX_BUDGET}%), loaded when search starts",
            )
        )
        twins = [p for p in (site / prefix).rglob("*.md") if lang == "en" or "en" not in p.relative_to(site).parts[:1]]
        full = site / prefix / "llms-full.txt"
        if twins and full.is_file():
            out.append(
                (
                    f"AI files /{prefix}: {len(twins)} .md twins, llms-full.txt",
                    f"{sum(p.stat().st_size for p in twins) / 1024:.0f} KB, {full.stat().st_size / 1024:.0f} KB",
                )
            )
    return out
