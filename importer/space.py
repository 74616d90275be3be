"""Find the languages of a GitBook space and read each one's SUMMARY.md (pages and nav order).

A space is either one folder with `SUMMARY.md` (one language), or a folder of language folders, each
with its own `SUMMARY.md`. Only pages listed in SUMMARY.md are imported, as GitBook only publishes
those. The output layout keeps GitBook's paths except: `README.md` becomes `index.md` (MkDocs'
section index) and runs of whitespace in file and folder names become `-` (GitBook's URL slugs do the
same, and MkDocs URLs stay readable).
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from importer.diagnostics import Report

SUMMARY = "SUMMARY.md"
_LANG_CODE = re.compile(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*")
_ITEM = re.compile(r"^(?P<indent>\s*)[*+-]\s+\[(?P<title>(?:[^\[\]\\]|\\.)*)\]\((?P<url><[^>]*>|[^)\s]*(?:\([^)\s]*\)[^)\s]*)*)\)\s*$")
_HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.*?)\s*#*\s*$")
_SEPARATOR = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|<!--.*-->)\s*$")


class UsageError(Exception):
    """The command line or the shape of SRC/OUT is wrong; nothing was read or written."""


@dataclass
class Page:
    src: str  # posix path relative to the language folder, as in SUMMARY.md
    out: str  # posix path relative to OUT/<lang>
    title: str  # the title SUMMARY.md gives it


@dataclass
class NavItem:
    title: str
    page: Page | None = None
    url: str | None = None  # an external link in SUMMARY.md
    children: list[NavItem] = field(default_factory=list)


@dataclass
class Language:
    code: str  # the output language (OUT/<code>/)
    root: Path  # the folder holding SUMMARY.md
    nav: list[NavItem] = field(default_factory=list)
    pages: dict[str, Page] = field(default_factory=dict)  # by src, in SUMMARY order


def parse_lang_map(text: str) -> dict[str, str]:
    mapping: dict[str, str] = {}
    for part in filter(None, (p.strip() for p in text.split(","))):
        folder, sep, code = part.partition("=")
        if not sep or not folder.strip() or not code.strip():
            raise UsageError(f"--lang-map: expected FOLDER=LANG, got {part!r}")
        mapping[folder.strip()] = code.strip()
    if not mapping:
        raise UsageError("--lang-map is empty")
    return mapping


def discover(src: Path, lang_map: dict[str, str] | None, default_lang: str, report: Report) -> list[Language]:
    """The languages to import, in a stable order. Raises UsageError when SRC is not a space."""
    if not src.is_dir():
        raise UsageError(f"{src}: not a folder")
    if (src / SUMMARY).is_file():
        if lang_map:
            raise UsageError(f"{src}: has its own {SUMMARY} (one language): use --lang, not --lang-map")
        return [Language(_check_code(default_lang), src)]
    folders = sorted(p for p in src.iterdir() if p.is_dir() and (p / SUMMARY).is_file())
    if not folders:
        raise UsageError(f"{src}: no {SUMMARY}, and no language folders with one")
    if lang_map is None:
        lang_map = {p.name: p.name for p in folders}
    for folder in folders:
        if folder.name not in lang_map:
            report.warning(folder / SUMMARY, None, f"language folder {folder.name!r} is not in --lang-map: skipped", "skipped")
    languages = []
    for folder_name, code in lang_map.items():
        folder = src / folder_name
        if not (folder / SUMMARY).is_file():
            raise UsageError(f"{folder}: --lang-map names it, but it has no {SUMMARY}")
        languages.append(Language(_check_code(code, folder_name), folder))
    codes = [lang.code for lang in languages]
    if len(set(codes)) != len(codes):
        raise UsageError(f"two source folders map to the same language: {', '.join(codes)}")
    return languages


def _check_code(code: str, folder: str | None = None) -> str:
    if not _LANG_CODE.fullmatch(code):
        origin = f" (folder {folder!r}; map it with --lang-map {folder}=ko)" if folder else ""
        raise UsageError(f"{code!r} is not a language code{origin}")
    return code


def output_path(src: str) -> str:
    parts = [re.sub(r"\s+", "-", part.strip()) for part in src.split("/")]
    if parts[-1].lower() == "readme.md":
        parts[-1] = "index.md"
    return "/".join(parts)


def read_summary(lang: Language, report: Report) -> None:
    """Fill `lang.nav` and `lang.pages` from SUMMARY.md; problems go to `report` as errors."""
    path = lang.root / SUMMARY
    stack: list[tuple[int, list[NavItem]]] = [(-1, lang.nav)]
    outputs: dict[str, str] = {}
    seen_title = False
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or _SEPARATOR.match(line):
            continue
        heading = _HEADING.match(line)
        if heading:
            if not seen_title and len(heading["hashes"]) == 1 and not lang.nav:
                seen_title = True  # "# Table of contents"
                continue
            group = NavItem(heading["title"])
            lang.nav.append(group)
            stack = [(-1, lang.nav), (-1, group.children)]
            continue
        item = _ITEM.match(line)
        if not item:
            report.error(path, lineno, f"not a SUMMARY.md entry (expected '* [Title](page.md)'): {line.strip()!r}", "summary")
            continue
        indent = len(item["indent"].expandtabs(4))
        while len(stack) > 1 and stack[-1][0] >= indent:
            stack.pop()
        siblings = stack[-1][1]
        entry = _summary_entry(lang, item["title"].replace("\\", ""), item["url"], path, lineno, outputs, report)
        if entry is None:
            continue
        siblings.append(entry)
        stack.append((indent, entry.children))


def _summary_entry(
    lang: Language, title: str, url: str, path: Path, lineno: int, outputs: dict[str, str], report: Report
) -> NavItem | None:
    url = url[1:-1] if url.startswith("<") else url
    if "://" in url:
        return NavItem(title, url=url)
    src = posixpath.normpath(unquote(url.split("#", 1)[0]))
    if src.startswith("../") or not src.endswith(".md"):
        report.error(path, lineno, f"SUMMARY.md entries must be .md pages inside the space: {url!r}", "summary")
        return None
    if not (lang.root / src).is_file():
        report.error(path, lineno, f"page {src!r} listed in SUMMARY.md does not exist", "summary")
        return None
    if src in lang.pages:
        return NavItem(title, page=lang.pages[src])
    out = output_path(src)
    if out in outputs:
        report.error(path, lineno, f"{src!r} and {outputs[out]!r} would both be written to {out!r}", "summary")
        return None
    outputs[out] = src
    page = Page(src, out, title)
    lang.pages[src] = page
    return NavItem(title, page=page)
