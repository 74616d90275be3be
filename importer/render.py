"""Turn a parsed GitBook page into MkDocs Material Markdown.

- hint        → `!!! <type> ""` admonition (GitBook hints have no title bar), body indented 4 spaces
- tabs / tab  → pymdownx.tabbed content tabs `=== "Title"`, body indented 4 spaces; a group that
                directly follows another group starts with `===!` so the two stay separate
- details     → collapsible `??? note "Summary"` (`???+` when it was open)
- embed       → a link (MkDocs pages must not load third-party frames; see README)
- file        → a link to the copied file
- content-ref → a link titled with the target page's title
- code        → the wrapped fence with `title="..."` and `linenums="1"`
- stepper     → an ordered list, one item per step (body indented 4 spaces)
- columns     → Material's `<div class="grid" markdown>`, one `<div markdown>` per column
- updates     → one section per update: its heading (or its date as `##`), then its date
- prompt      → `!!! example ""` admonition
- swagger (GitBook's older API block) → `METHOD url` and summary, its parameters as a list, its
                responses headed by their status
- openapi, openapi-operation → a link to the operation (`METHOD /path`), or, for this project's own
                spec (`--spec-name`), the `operation` macro (openapi_ops.py)
- if, include, unknown blocks → their content (the parser warned about if and unknown blocks)
- `<i class="fa-bolt">:bolt:</i>` (GitBook's icons) → `:fontawesome-solid-bolt:` (icons.py)
- `## Title <a href="#id" id="id"></a>` (GitBook's custom heading anchor), `<a id>`/`<a name>` in a
  heading → `## Title { #id }`; an anchor in a `<details>` summary goes on a line before the block
- a list right after a paragraph line gets the blank line Python-Markdown needs to see a list
Everything else (prose, tables, lists, fences, mermaid) is kept; links, images and figures in prose
are handed to the page's `Rewriter`.
"""

from __future__ import annotations

import posixpath
import re
from typing import Protocol

from importer.gitbook import Block, Node, Text
from importer.icons import convert_icons
from importer.lists import separate_lists
from importer.mdscan import fence_opening

INDENT = "    "


class Rewriter(Protocol):
    def prose(self, text: str, line: int) -> str:
        """Rewrite links, images and figures in a run of prose that starts on `line`."""

    def link(self, url: str, line: int) -> str | None:
        """Where a link to `url` (page, file or external) points in the output; None: text only."""

    def asset(self, url: str, line: int) -> str | None:
        """Copy a local file into the output and return the link to it; external URLs pass through;
        None when the file is missing."""

    def page_title(self, url: str) -> str | None:
        """The nav title of the imported page that `url` points to."""

    def operation(self, attrs: dict[str, str], line: int) -> str | None:
        """What stands for a GitBook OpenAPI block of this project's own spec; None for other specs."""


class Verbatim:
    """A Rewriter that changes nothing: used to render pages before the link targets are known."""

    def prose(self, text: str, line: int) -> str:
        return text

    def link(self, url: str, line: int) -> str | None:
        return url

    def asset(self, url: str, line: int) -> str | None:
        return url

    def page_title(self, url: str) -> str | None:
        return None

    def operation(self, attrs: dict[str, str], line: int) -> str | None:
        return None


def render_page(nodes: list[Node], rw: Rewriter) -> str:
    return "\n".join(_trimmed(separate_lists(_render(nodes, rw)))) + "\n"


def _render(nodes: list[Node], rw: Rewriter) -> list[str]:
    out: list[str] = []
    after_block = False
    previous: Block | None = None  # the previous block sibling, if nothing but blank lines came since
    for node in nodes:
        if isinstance(node, Text):
            lines = node.lines if node.fence else rw.prose(convert_icons(_heading_anchors("\n".join(node.lines))), node.line).split("\n")
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


# GitBook writes a heading's custom anchor as an empty HTML anchor: `## Title <a href="#id" id="id"></a>`;
# older pages put `<a id="id"></a>` or `<a name="id"></a>` before or after the title.
_EMPTY_ANCHOR = r'<a\s+(?:href="#[^"]*"\s+)?(?:id|name)="(?P<id{n}>[^"]+)"(?:\s+href="#[^"]*")?\s*/?>\s*</a>'
_HEADING_ANCHOR = re.compile(
    rf"^(?P<hashes> {{0,3}}#{{1,6}})[ \t]+(?:{_EMPTY_ANCHOR.format(n=1)}[ \t]*)?(?P<title>.*?)"
    rf"(?:[ \t]*{_EMPTY_ANCHOR.format(n=2)})?[ \t]*$",
    re.M,
)
_ANY_ANCHOR = re.compile(_EMPTY_ANCHOR.format(n=""))


def _heading_anchors(text: str) -> str:
    """Turn GitBook's heading anchors into attr_list ids (`## Title { #id }`), which MkDocs' toc uses."""

    def one(m: re.Match[str]) -> str:
        anchor = m["id2"] or m["id1"]
        if not anchor:
            return m.group()
        return f"{m['hashes']} {m['title']} {{ #{anchor} }}"

    return _HEADING_ANCHOR.sub(one, text)


def _trimmed(lines: list[str]) -> list[str]:
    while lines and not lines[0].strip():
        lines.pop(0)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _body(nodes: list[Node], rw: Rewriter) -> list[str]:
    return [INDENT + ln if ln.strip() else "" for ln in _trimmed(_render(nodes, rw))]


def _render_block(block: Block, rw: Rewriter, previous: Block | None) -> list[str]:
    name = block.name
    if block.unknown or name in ("if", "include"):
        return _trimmed(_render(block.children, rw))
    if name == "hint":
        return [f'!!! {block.attrs["style"]} ""', "", *_body(block.children, rw)]
    if name == "details":
        return _render_details(block, rw)
    if name == "tabs":
        return _render_tabs(block, rw, new_group=previous is not None and previous.name == "tabs")
    if name == "embed":
        return [_link_line(block, rw, block.attrs["url"])]
    if name == "file":
        return [_link_line(block, rw, block.attrs["src"])]
    if name == "content-ref":
        url = block.attrs["url"]
        title = rw.page_title(url) or _caption(block) or url
        target = rw.link(url, block.line)
        return [f"[{title}]({target})" if target else title]
    if name == "code":
        return _render_code(block)
    if name == "stepper":
        return _render_steps(block, rw)
    if name == "columns":
        return _render_columns(block, rw)
    if name == "updates":
        return _render(block.children, rw)
    if name == "update":
        return _render_update(block, rw)
    if name == "prompt":
        return ['!!! example ""', "", *_body(block.children, rw)]
    if name in ("openapi", "openapi-operation"):
        return [_operation_line(block, rw)]
    if name.startswith("swagger"):
        return _render_swagger(block, rw)
    if name in ("step", "column", "tab"):  # a part outside its container: its content
        return _render(block.children, rw)
    raise AssertionError(f"the parser let through an unknown block {name!r}")


def _render_details(block: Block, rw: Rewriter) -> list[str]:
    marker = "???+" if block.attrs.get("open") else "???"
    summary = block.attrs.get("summary", "")
    anchors = [f'<a id="{m["id"]}"></a>' for m in _ANY_ANCHOR.finditer(summary)]
    summary = _ANY_ANCHOR.sub("", summary).strip().replace('"', "'")
    head = f'{marker} note "{summary}"' if summary else f"{marker} note"
    return [*anchors, *([""] if anchors else []), head, "", *_body(block.children, rw)]


_ATX = re.compile(r"^#{1,6}\s")


def _render_update(block: Block, rw: Rewriter) -> list[str]:
    """An update is a section: its own heading (or its date as one), then the date, then the text."""
    body = _render(block.children, rw)
    date = block.attrs.get("date", "").strip()
    if not date:
        return body
    first = next((i for i, line in enumerate(body) if line.strip()), None)
    if first is not None and _ATX.match(body[first]):
        return [*body[: first + 1], "", f"*{date}*", *body[first + 1 :]]
    return [f"## {date}", "", *body]


def _render_swagger(block: Block, rw: Rewriter) -> list[str]:
    """GitBook's older API blocks: the operation line, then its parts as text, a list and labels."""
    attrs, body = block.attrs, _trimmed(_render(block.children, rw))
    if block.name == "swagger":
        operation = " ".join(filter(None, [attrs.get("method", "").upper(), attrs.get("baseUrl", "") + attrs.get("path", "")]))
        head = " ".join(filter(None, [f"`{operation}`" if operation else "", attrs.get("summary", "")]))
        return [head, "", *body]
    if block.name == "swagger-parameter":
        facts = ", ".join(filter(None, [attrs.get("in"), attrs.get("type"), "required" if attrs.get("required") == "true" else ""]))
        first, *rest = body or [""]
        return [f"* `{attrs.get('name', '')}` ({facts}): {first}".rstrip(), *[INDENT + ln if ln else ln for ln in rest]]
    if block.name == "swagger-response":
        label = " ".join(filter(None, [f"**{attrs.get('status', '')}**", attrs.get("description", "")]))
        return [label, "", *body]
    return body  # swagger-description


def _render_steps(block: Block, rw: Rewriter) -> list[str]:
    out: list[str] = []
    for step in (c for c in block.children if isinstance(c, Block)):
        body = _body(step.children, rw) or [INDENT]
        if out:
            out.append("")
        out += ["1.  " + body[0][len(INDENT) :], *body[1:]]
    return out


def _render_columns(block: Block, rw: Rewriter) -> list[str]:
    out = ['<div class="grid" markdown>', ""]
    for column in (c for c in block.children if isinstance(c, Block)):
        out += ["<div markdown>", "", *_render(column.children, rw), "", "</div>", ""]
    return [*out, "</div>"]


def _operation_line(block: Block, rw: Rewriter) -> str:
    ours = rw.operation(block.attrs, block.line)
    if ours is not None:
        return ours
    method = block.attrs.get("method", "").upper()
    operation = " ".join(filter(None, [method, block.attrs.get("path", "")])) or block.attrs.get("spec", "OpenAPI")
    src = block.attrs.get("src", "")
    caption = _caption(block)
    if src and (target := rw.link(src, block.line)):
        return f"[`{operation}`]({target})"
    return f"`{operation}`" + (f": {rw.prose(caption, block.line + 1)}" if caption else "")


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
    text = caption or posixpath.basename(url.split("?", 1)[0])
    return f"[{text}]({target})" if target else text


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
