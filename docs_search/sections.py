"""What the search index holds of a page: its sections' headings and prose, plus the operation ids,
paths and error codes of the spec output in them. Sample code, console UI and generated table cells
stay out.

Input is a page's Markdown twin with the generated-block markers (docs_search.twin, .markers).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field

from .markers import CLOSE, OPEN

HEADING = re.compile(r"^(?P<hashes>#{1,6})\s+(?P<title>.+?)\s*$")
ANCHOR = re.compile(r"\{\s*#(?P<id>[\w-]+)[^}]*\}\s*$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
CODE_SPAN = re.compile(r"`([^`]+)`")
PATH = re.compile(r"^(?:(?:GET|POST|PUT|PATCH|DELETE)\s+)?(/[\w{}./-]+)$")
ERROR_CODE = re.compile(r"^(?!(?:application|text|multipart|image)/)[a-z]+/[a-z0-9-]+$")  # not a media type
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
TAG = re.compile(r"<[^>]+>")
EMPHASIS = re.compile(r"(\*\*|__|\*|~~)")
# Blocks whose operation the page documents: their operation id becomes a search term of the section.
DOCUMENTING = {"operation", "endpoint", "request_table", "api_console"}


@dataclass
class Section:
    anchor: str  # "" for the page's own entry (the text before the first sub-heading)
    title: str
    prose: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # paths and error codes the section mentions
    keys: list[str] = field(default_factory=list)  # operation id and path the section documents

    @property
    def text(self) -> str:
        words = " ".join(self.prose)
        extra = [t for t in self.terms if t.lower() not in words.lower()]
        return " ".join([words, *extra]).strip()


def plain(line: str) -> str:
    """Markdown inline syntax removed: what a reader sees of the line."""
    line = re.sub(r"^\s*(?:>\s*)*", "", line)
    line = re.sub(r"^\s*(?:[-*+]|\d+\.)\s+", "", line)
    line = LINK.sub(r"\1", line)
    line = TAG.sub("", line)
    line = CODE_SPAN.sub(r"\1", line)
    line = EMPHASIS.sub("", line)
    if re.fullmatch(r"\s*\|?[\s:|-]+\|?\s*", line):  # a table's delimiter row
        return ""
    return " ".join(line.replace("|", " ").split())


def _spec_terms(line: str) -> list[str]:
    terms = []
    for span in CODE_SPAN.findall(line):
        span = span.strip()
        path = PATH.match(span)
        if path:
            terms.append(path.group(1))
        elif ERROR_CODE.match(span):
            terms.append(span)
    return terms


def _add(items: list[str], new: list[str]) -> None:
    items.extend(t for t in new if t not in items)


@functools.lru_cache(maxsize=512)  # a serve rebuild re-reads every page; most did not change (read-only result)
def split_sections(twin: str, page_title: str) -> list[Section]:
    """The page's sections in order; the first is the page itself. Headings without an explicit
    `{ #id }` are skipped as section starts (every heading here has one: the style guide asks for it)."""
    sections = [Section("", page_title)]
    generated: list[tuple[str, str]] = []  # stack of (macro, first argument)
    in_fence = False
    for raw in twin.split("\n"):
        line = re.sub(r"^(?:>\s?)+", "", raw)
        if FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        opened = OPEN.match(line)
        if opened:
            generated.append((opened["name"], opened["arg"]))
            if opened["name"] in DOCUMENTING and opened["arg"]:
                _add(sections[-1].keys, [opened["arg"]])
            continue
        if CLOSE.match(line):
            if generated:
                generated.pop()
            continue
        heading = HEADING.match(line)
        if heading:
            anchor = ANCHOR.search(heading["title"])
            title = plain(ANCHOR.sub("", heading["title"]))
            if len(heading["hashes"]) == 1:
                continue  # the page title: the page's own entry already carries it
            if anchor:
                sections.append(Section(anchor["id"], title))
                if generated and generated[-1][0] in DOCUMENTING and generated[-1][1]:
                    _add(sections[-1].keys, [generated[-1][1]])
            else:
                sections[-1].prose.append(title)
            continue
        if generated:
            documenting = generated[-1][0] in DOCUMENTING
            _add(sections[-1].keys if documenting else sections[-1].terms, _spec_terms(line))
            continue
        text = plain(line)
        if text:
            sections[-1].prose.append(text)
    return sections
