"""Outlines of block structure, to compare a GitBook page with the HTML MkDocs built from its import.

An outline is a list of nodes:
    ("admonition", type, lead, children)   lead = first character of its first paragraph (or None)
    ("tabs", [(label, children), ...])
    ("details", summary, children)
    ("code",)                              a highlighted code block (the site does not tag languages)
    ("mermaid",)                           a diagram drawn as SVG at build time (hooks/mermaid_svg.py)
`gitbook_outline` reads GitBook source with its own small line scanner (it shares no code with the
importer, so it is an independent oracle); `html_outline` reads the built page's article.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

_HINT_TYPES = {"info": "info", "success": "success", "warning": "warning", "danger": "danger"}
_FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w+-]*)")
_TAG = re.compile(r"\{%\s*([\w-]+)(.*?)%\}")


def gitbook_outline(text: str) -> list[Any]:
    root: list[Any] = []
    stack: list[list[Any]] = [root]
    hints: list[list[Any]] = []  # open hint nodes
    leads: list[list[Any]] = []  # hint nodes still waiting for their first text
    fence: str | None = None

    def no_lead() -> None:
        for node in leads:
            node[2] = None
        leads.clear()

    def on_text(segment: str) -> None:
        segment = segment.strip().lstrip("*_`")
        if segment and leads:
            for node in leads:
                node[2] = segment[0]
            leads.clear()

    def tag(name: str, args: str) -> None:
        if name == "hint":
            node = ["admonition", _HINT_TYPES[re.search(r'style="(\w+)"', args)[1]], None, []]  # type: ignore[index]
            stack[-1].append(node)
            stack.append(node[3])
            hints.append(node)
            leads.append(node)
        elif name == "tabs":
            no_lead()
            node = ["tabs", []]
            stack[-1].append(node)
            stack.append(node[1])
        elif name == "tab":
            tab: list[Any] = [re.search(r'title="(.*?)"', args)[1], []]  # type: ignore[index]
            stack[-1].append(tab)
            stack.append(tab[1])
        elif name in ("endhint", "endtab", "endtabs"):
            stack.pop()
            if name == "endhint":
                closed = hints.pop()
                if closed in leads:
                    leads.remove(closed)

    for raw in text.splitlines():
        line = raw.strip()
        if fence:
            if line.startswith(fence) and set(line) == {fence[0]}:
                fence = None
            continue
        m = _FENCE.match(line)
        if m:
            fence = m[1]
            stack[-1].append(("mermaid",) if m[2] == "mermaid" else ("code",))
            no_lead()
            continue
        lower = line.lower()
        if lower.startswith("<details"):
            node: list[Any] = ["details", None, []]
            stack[-1].append(node)
            stack.append(node[2])
            continue
        if lower.startswith("<summary>"):
            _last_open_details(root, stack)[1] = re.sub(r"</?summary>", "", line)
            continue
        if lower == "</details>":
            stack.pop()
            continue
        pos = 0
        for m in _TAG.finditer(line):
            on_text(line[pos : m.start()])
            tag(m[1], m[2])
            pos = m.end()
        on_text(line[pos:])
    return _freeze(root)


def _last_open_details(root: list[Any], stack: list[list[Any]]) -> list[Any]:
    parent = stack[-2] if len(stack) > 1 else root
    return next(n for n in reversed(parent) if isinstance(n, list) and n[0] == "details")


def _freeze(nodes: list[Any]) -> list[Any]:
    out: list[Any] = []
    for n in nodes:
        if isinstance(n, tuple):
            out.append(n)
        elif n[0] == "admonition":
            out.append(("admonition", n[1], n[2], _freeze(n[3])))
        elif n[0] == "tabs":
            out.append(("tabs", [(label, _freeze(children)) for label, children in n[1]]))
        elif n[0] == "details":
            out.append(("details", n[1], _freeze(n[2])))
    return out


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Outliner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root: list[Any] = []
        self.in_article = False
        self.stack: list[tuple[str, Any]] = []  # (tag, outline node opened by it or a marker)
        self.containers: list[list[Any]] = [self.root]
        self.text_target: list[Any] | None = None  # where the next text goes (label, summary, lead)
        self.leads: list[list[Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self.in_article = True
        if not self.in_article:
            return
        opened: Any = None
        if any(marker == "diagram" for _, marker in self.stack):
            pass  # inside a diagram's SVG: its labels are not page blocks
        elif tag == "div" and "admonition" in classes:
            node = ["admonition", next(c for c in classes if c != "admonition"), None, []]
            self._add(node)
            self.containers.append(node[3])
            self.leads.append(node)
            opened = "container"
        elif tag == "details":
            node = ["details", "", []]
            self._add(node)
            self.containers.append(node[2])
            opened = "container"
        elif tag == "summary" and self._top_node_is("details"):
            self.text_target = ["summary"]
            opened = "summary"
        elif tag == "div" and "tabbed-set" in classes:
            node = ["tabs", [], 0]
            self._add(node)
            self.containers.append(node)  # a tab set holds labels, then blocks
            opened = "container"
        elif tag == "label" and self._top_node_is("tabs"):
            self.text_target = ["label"]
            opened = "label"
        elif tag == "div" and "tabbed-block" in classes:
            tabs = self.containers[-1]
            label, children = tabs[1][tabs[2]]
            tabs[2] += 1
            self.containers.append(children)
            opened = "container"
        elif tag == "div" and "highlight" in classes:
            self._add(("code",), clears_lead=True)
        elif tag == "div" and "bk-diagram" in classes:  # drawn at build time (hooks/mermaid_svg.py)
            self._add(("mermaid",), clears_lead=True)
            opened = "diagram"
        elif tag == "p" and self.leads:
            self.text_target = ["lead"]
            opened = "lead"
        if tag not in _VOID:
            self.stack.append((tag, opened))

    def handle_endtag(self, tag: str) -> None:
        if not self.in_article:
            return
        if tag == "article":
            self.in_article = False
            return
        if tag in _VOID or all(open_tag != tag for open_tag, _ in self.stack):
            return  # `<hr />` reports an end tag too
        while self.stack:
            open_tag, opened = self.stack.pop()
            if opened == "container":
                self.containers.pop()
            if opened in ("summary", "label", "lead"):
                self.text_target = None
            if open_tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self.text_target is None or not data.strip():
            return
        kind = self.text_target[0]
        if kind == "summary":
            self._top_node()[1] += data.strip()
        elif kind == "label":
            self.containers[-1][1].append([data.strip(), []])
            self.text_target = None
        elif kind == "lead":
            for node in self.leads:
                node[2] = data.strip()[0]
            self.leads.clear()
            self.text_target = None

    def _top_node(self) -> list[Any]:
        container = self.containers[-2] if len(self.containers) > 1 else self.root
        return container[-1]

    def _top_node_is(self, name: str) -> bool:
        top = self.containers[-1]
        if name == "tabs":
            return bool(top) and top[0] == "tabs"
        return len(self.containers) > 1 and self._top_node()[0] == name

    def _add(self, node: Any, clears_lead: bool = False) -> None:
        if clears_lead or node[0] == "tabs":  # the admonition starts with a block, not text
            self.leads.clear()
        target = self.containers[-1]
        if target and target[0] == "tabs":
            raise AssertionError("content directly inside a tab set")
        target.append(node)


def html_outline(page_html: str) -> list[Any]:
    parser = _Outliner()
    parser.feed(page_html)
    return _freeze(parser.root)
