"""Which page documents which operation.

Before pages render, every page of each language folder is scanned (in nav order, then the pages
outside the nav) for the calls that document an operation: `operation(...)`, `api_console(...)` and
`request_table(...)`. The first page per language wins; `endpoint_table` links there. The pages
that call `error_catalog(...)` (and with which prefix) are remembered too, so error tables can link
each code to its row.

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
_CATALOG = re.compile(r"\berror_catalog\(\s*(?:prefix\s*=\s*)?(?:[\"']([^\"']*)[\"'])?\s*\)")


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
    # language -> [(page path, prefix or None)] of each `error_catalog(...)` call, in nav order
    catalogs: dict[str, list[tuple[str, str | None]]] = field(default_factory=dict)

    def page_for(self, lang: str, op_id: str) -> str | None:
        return self.documented.get(lang, {}).get(op_id)

    def catalog_page(self, lang: str, code: str | None = None) -> str | None:
        """The first page listing `code` (any catalog page when None)."""
        for page, prefix in self.catalogs.get(lang, []):
            if code is None or prefix is None or code.startswith(prefix):
                return page
        return None


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
            for m in _CATALOG.finditer(text):
                index.catalogs.setdefault(lang, []).append((page, m.group(1)))
        index.documented[lang] = docs
    return index


def code_anchor(code: str) -> str:
    """Row id of an error code in the catalog: `auth/token-expired` -> `auth-token-expired`."""
    return re.sub(r"[^a-z0-9-]+", "-", code.lower()).strip("-")


def relative_link(from_page: str, to_page: str, anchor: str = "") -> str:
    """A link from one page to another in the same language folder (paths inside the folder)."""
    suffix = f"#{anchor}" if anchor else ""
    if from_page == to_page:
        return suffix or posixpath.basename(to_page)
    return posixpath.relpath(to_page, posixpath.dirname(from_page) or ".") + suffix
