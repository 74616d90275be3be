"""Turn a parsed GitBook page into MkDocs Material Markdown.

- hint        → `!!! <type> ""` admonition (GitBook hints have no title bar), body indented 4 spaces
- tabs / tab  → pymdownx.tabbed content tabs `=== "Title"`, body indented 4 spaces; a group that
                directly follows another group starts with `===!` so the two stay separate
- details     → collapsible `??? note "Summary"` (`???+` when it was open)
- embed       → a link (MkDocs pages must not load third-party frames; see README)
- file        → a link to the copied file
- content-ref → a link titled with the target page's title
- code        → the wrapped fence with `title="..."` and `linenums="1"`
- `## Title <a href="#id" id="id"></a>` (GitBook's custom heading anchor) → `## Title { #id }`
Everything else (prose, tables, lists, fences, mermaid) is kept; links, images and figures in prose
are handed to the page's `Rewriter`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Protocol

from importer.gitbook import HINT_STYLES, Block, Node, Text
from importer.mdscan import fence_opening

INDENT = "    "


class Rewriter(Protocol):
    def prose(self, text: str, line: int) -> str:
        """Rewrite links, images and figures in a run of prose that starts on `line`."""

    def link(self, url: str, line: int) -> str:
        """Where a link to `url` (page, file or external) points in the output."""

    def asset(self, url: str, line: int) -> str:
        """Copy a local file into the output and return the link to it; external URLs pass through."""

    def page_title(self, url: str) -> str | None:
        """The nav title of the imported page that `url` points to."""


class Verbatim:
    """A Rewriter that changes nothing: used to render pages before the link targets are known."""

    def prose(self, text: str, line: int) -> str:
        return text

    def link(self, url: str, line: int) -> str:
        return url

    def asset(self, url: str, line: int) -> str:
        return url

    def page_title(self, url: str) -> str | None:
        return None


def render_page(nodes: list[Node], rw: Rewriter) -> str:
    lines = _render(nodes, rw)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines) + "\n"


def _render(nodes: list[Node], rw: Rewriter) -> list[str]:
    out: list[str] = []
    after_block = False
    previous: Block | None = None  # the previous block sibling, if nothing but blank lines came since
    for node in nodes:
        if isinstance(node, Text):
            lines = node.lines if node.fence else rw.prose(_heading_anchors("\n".join(node.lines)), node.line).split("\n")
            if after_block and lines and lines[0].strip() and out and out[-1].strip():
                out.append("")
            out.extend(lines)
            after_block = False
            if any(ln.strip() for ln in lines):
                previous = None
            continue
        block_lines = [node.indent + ln if ln else ln for ln in _render_block(node, rw, previous)]
        if out and out[-1].strip():
            out.append("")
        out.extend(block_lines)
        after_block = True
        previous = node
    return out


# GitBook writes a heading's custom anchor as an empty HTML anchor: `## Title <a href="#id" id="id"></a>`.
_HEADING_ANCHOR = re.compile(r'^(?P<head> {0,3}#{1,6}[ \t].*?)[ \t]*<a href="#(?P<id>[^"]+)" id="(?P=id)"></a>[ \t]*$', re.M)


def _heading_anchors(text: str) -> str:
    """Turn GitBook's heading anchors into attr_list ids (`## Title { #id }`), which MkDocs' toc uses."""
    return _HEADING_ANCHOR.sub(lambda m: f"{m['head']} {{ #{m['id']} }}", text)


def _body(nodes: list[Node], rw: Rewriter) -> list[str]:
    lines = _render(nodes, rw)
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return [INDENT + ln if ln.strip() else "" for ln in lines]


def _render_block(block: Block, rw: Rewriter, previous: Block | None) -> list[str]:
    name = block.name
    if name == "hint":
        return [f'!!! {HINT_STYLES[block.attrs["style"]]} ""', "", *_body(block.children, rw)]
    if name == "details":
        marker = "???+" if block.attrs.get("open") else "???"
        summary = block.attrs.get("summary", "").strip()
        head = f'{marker} note "{summary}"' if summary else f"{marker} note"
        return [head, "", *_body(block.children, rw)]
    if name == "tabs":
        return _render_tabs(block, rw, new_group=previous is not None and previous.name == "tabs")
    if name == "embed":
        return [_link_line(block, rw, block.attrs["url"])]
    if name == "file":
        return [_link_line(block, rw, block.attrs["src"])]
    if name == "content-ref":
        url = block.attrs["url"]
        title = rw.page_title(url) or _caption(block) or url
        return [f"[{title}]({rw.link(url, block.line)})"]
    if name == "code":
        return _render_code(block)
    raise AssertionError(f"the parser let through an unknown block {name!r}")


def _render_tabs(block: Block, rw: Rewriter, new_group: bool) -> list[str]:
    out: list[str] = []
    for tab in (c for c in block.children if isinstance(c, Block)):
        marker = "===!" if new_group and not out else "==="
        if out:
            out.append("")
        out += [f'{marker} "{tab.attrs["title"]}"', "", *_body(tab.children, rw)]
    return out


def _caption(block: Block) -> str:
    return " ".join(ln.strip() for c in block.children if isinstance(c, Text) for ln in c.lines if ln.strip())


def _link_line(block: Block, rw: Rewriter, url: str) -> str:
    caption = rw.prose(_caption(block), block.line + 1) if _caption(block) else ""
    external = "://" in url or url.startswith("mailto:")
    if external:
        return f"[{caption}]({url})" if caption else f"<{url}>"
    target = rw.asset(url, block.line)
    return f"[{caption or posixpath.basename(url)}]({target})"


def _render_code(block: Block) -> list[str]:
    fence = next(c for c in block.children if isinstance(c, Text) and c.fence)
    first, *rest = fence.lines
    opening = fence_opening(first)
    assert opening is not None
    options = []
    title = block.attrs.get("title", "").replace('"', "'")  # superfences titles cannot contain "
    if title:
        options.append(f'title="{title}"')
    if block.attrs.get("lineNumbers") == "true":
        options.append('linenums="1"')
    info = " ".join(filter(None, [opening.info, *options]))
    return [f"{opening.indent}{opening.marker}{info}", *rest]
