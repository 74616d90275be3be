"""Which page documents which operation.

Before pages render, every page of each language folder is scanned (in nav order, then the pages
outside the nav) for the calls that document an operation: `operation(...)`, `api_console(...)` and
`request_table(...)`. The first page per language wins; `endpoint_table` links there. The page
that calls `error_catalog(...)` is remembered too, so error tables can point to it.

Links are relative `.md` links inside one language folder, so MkDocs' strict link and anchor
validation checks them (cross-language relative links would not resolve).
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DOCUMENTING_MACROS = ("operation", "api_console", "request_table")
_CALL = re.compile(
    r"\b(" + "|".join(DOCUMENTING_MACROS) + r")\(\s*(?:operation_id\s*=\s*)?[\"']([A-Za-z0-9_]+)[\"']"
)
_CATALOG = re.compile(r"\berror_catalog\(\s*\)")


def nav_paths(nav: Any) -> list[str]:
    """The Markdown paths of an mkdocs `nav` config, in reading order."""
    out: list[str] = []

    def walk(item: Any) -> None:
        if isinstance(item, str):
            if item.endswith(".md"):
                out.append(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav or [])
    return out


def documented_calls(markdown: str) -> list[tuple[str, str]]:
    """(macro, operationId) of each documenting call in a page, in order."""
    return [(m.group(1), m.group(2)) for m in _CALL.finditer(markdown)]


@dataclass
class PageIndex:
    # language -> operationId -> page path inside the language folder ("authentication/x.md")
    documented: dict[str, dict[str, str]] = field(default_factory=dict)
    # language -> page path of the full error catalog (`error_catalog()` without a prefix)
    catalog: dict[str, str] = field(default_factory=dict)

    def page_for(self, lang: str, op_id: str) -> str | None:
        return self.documented.get(lang, {}).get(op_id)


def scan(docs_dir: Path, nav: Any, languages: Iterable[str]) -> PageIndex:
    index = PageIndex()
    ordered = nav_paths(nav)
    for lang in languages:
        root = Path(docs_dir) / lang
        if not root.is_dir():
            continue
        present = sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))
        pages = [p for p in ordered if p in present] + [p for p in present if p not in ordered]
        docs: dict[str, str] = {}
        for page in pages:
            text = (root / page).read_text(encoding="utf-8")
            for _, op_id in documented_calls(text):
                docs.setdefault(op_id, page)
            if lang not in index.catalog and _CATALOG.search(text):
                index.catalog[lang] = page
        index.documented[lang] = docs
    return index


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A link from one page to another in the same language folder (paths inside the folder)."""
    suffix = f"#{anchor}" if anchor else ""
    if from_page == to_page:
        return suffix or posixpath.basename(to_page)
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".") + suffix
