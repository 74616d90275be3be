"""A page's Markdown twin for AI tools: the page after macros, in plain Markdown.

Material's extensions become what any Markdown reader understands: content tabs become a bold label
and their body, admonitions become block quotes with a bold title, `--8<--` snippet lines are
replaced by the file, `{ #anchor }` attribute lists and icon shortcodes are dropped, and raw HTML (the API console, layout
divs) is removed while the Markdown inside `markdown`-enabled HTML stays. The generated-block markers
(docs_search.markers) pass through unchanged so the search index can still tell prose from spec
output; `strip_markers` removes them for publishing.
"""

from __future__ import annotations

import re
from pathlib import Path

from .markers import strip_markers

PROJECT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})")
TAB = re.compile(r'^===[!+]?\s+"(?P<label>[^"]*)"\s*$')
ADMONITION = re.compile(r'^(?:!!!|\?\?\?\+?)\s+(?P<kind>[\w-]+)(?:\s+"(?P<title>[^"]*)")?\s*$')
SNIPPET = re.compile(r'^(?P<indent>\s*)--8<--\s+"(?P<path>[^"]+)"\s*$')
HEADING_ATTRS = re.compile(r"^(#{1,6}\s.*?)\s*\{\s*[#.][^}]*\}\s*$")
HTML_OPEN = re.compile(r"^<(?P<tag>[a-zA-Z][\w-]*)(?P<attrs>[^>]*)>")
# Raw HTML that starts a block of its own (a widget or a layout box); other tags at the start of a
# line (a method badge `<span class="bk-method">POST</span> \`/v1/…\``) begin ordinary Markdown text.
BLOCK_TAGS = {"div", "form", "section", "details", "table", "figure", "nav", "aside", "fieldset", "script", "style", "template"}
STYLED_SPAN = re.compile(r'<span class="[^"]*">([^<]*)</span>')  # badges: keep the text
ICON = re.compile(r":(?:material|octicons|fontawesome|simple)-[\w-]+:\s?")  # Material's icon shortcodes
HTML_ONLY = re.compile(r"^\s*(?:</?[a-zA-Z][^>]*>\s*)+$")


def _indented_block(lines: list[str], start: int) -> tuple[list[str], int]:
    """Lines from `start` that belong to a 4-space indented body, dedented; and the index after it."""
    body = []
    i = start
    while i < len(lines) and (not lines[i].strip() or lines[i].startswith("    ")):
        body.append(lines[i][4:])
        i += 1
    while body and not body[-1].strip():
        body.pop()
        i -= 1
    return body, i


def _skip_html(lines: list[str], start: int, tag: str) -> int:
    """Index after the raw HTML element that opens at `start` (nesting of the same tag counted)."""
    depth = 0
    i = start
    while i < len(lines):
        depth += len(re.findall(rf"<{tag}[\s>]", lines[i])) - len(re.findall(rf"</{tag}>", lines[i]))
        i += 1
        if depth <= 0:
            break
    return i


def to_twin(markdown: str, base: Path = PROJECT) -> str:
    """The twin with markers and heading anchors still in (what the search index reads)."""
    return "\n".join(_convert(markdown.split("\n"), base)).strip() + "\n"


def publish(twin: str) -> str:
    """The twin as published: without generated-block markers and `{ #anchor }` attribute lists."""
    lines = strip_markers(twin).split("\n")
    return "\n".join(HEADING_ATTRS.sub(r"\1", line) for line in lines)


def _convert(lines: list[str], base: Path) -> list[str]:
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            marker = fence["fence"]
            out.append(line)
            i += 1
            while i < len(lines):
                inner = lines[i]
                snippet = SNIPPET.match(inner)
                if snippet:
                    text = (base / snippet["path"]).read_text(encoding="utf-8").rstrip("\n")
                    out.extend(snippet["indent"] + t if t else t for t in text.split("\n"))
                else:
                    out.append(inner)
                i += 1
                if inner.strip().startswith(marker[0] * len(marker)) and inner.strip(marker[0] + " ") == "":
                    break
            continue
        tab = TAB.match(line)
        admonition = ADMONITION.match(line)
        if tab or admonition:
            body, i = _indented_block(lines, i + 1)
            converted = _convert(body, base)
            while converted and not converted[0].strip():
                converted.pop(0)
            if tab:
                out.extend([f"**{tab['label']}**", ""])
                out.extend(converted)
            else:
                assert admonition is not None
                title = admonition["title"] or admonition["kind"].capitalize()
                out.append(f"> **{title}**" if title else ">")
                out.append(">")
                out.extend(f"> {t}" if t.strip() else ">" for t in converted)
            out.append("")
            continue
        html = HTML_OPEN.match(line)
        if html and html["tag"].lower() in BLOCK_TAGS:
            if re.search(r"\bmarkdown\b", html["attrs"]):
                i += 1  # a layout box with Markdown inside (md_in_html): keep the inside
            else:
                i = _skip_html(lines, i, html["tag"])  # an HTML widget such as the API console
            continue
        if HTML_ONLY.match(line) and line.lstrip().startswith("</"):
            i += 1
            continue
        out.append(STYLED_SPAN.sub(r"\1", ICON.sub("", line)))
        i += 1
    return out
