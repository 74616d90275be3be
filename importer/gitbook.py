"""Parse a GitBook page into a tree of blocks (hints, tabs, embeds, ...) and runs of plain Markdown.

GitBook's block syntax is a line-level pre-processor: `{% hint style="info" %}` ... `{% endhint %}`,
`{% tabs %}{% tab title="cURL" %}`, `{% embed url="..." %}`, `{% code title="x" %}`,
`{% content-ref url="..." %}`, `{% file src="..." %}`, the newer `{% stepper %}`/`{% step %}`,
`{% columns %}`/`{% column %}`, `{% updates %}`/`{% update %}`, `{% prompt %}`, `{% if %}`,
`{% openapi %}`/`{% openapi-operation %}`, and expandable blocks written as HTML `<details><summary>`.
Tags are not read inside fenced code or inline code. A `{% word ... %}` that stands alone on a line
but is not a GitBook tag is a warning: with an end tag its content is kept, without one the tag line
is dropped (it would otherwise reach the site as text or as a Jinja statement). One inside a sentence
is just text, which the Jinja guard protects.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from importer.diagnostics import Report
from importer.lists import reindent_lists
from importer.mdscan import MASK, closes, fence_opening, mask_code

HINT_STYLES = {"info": "info", "success": "success", "warning": "warning", "danger": "danger"}
# Material's own admonition types: a hint style that is one of them keeps it.
MATERIAL_TYPES = {"note", "abstract", "info", "tip", "success", "question", "warning", "failure", "danger", "bug",
                  "example", "quote"}

# Tags that may be written without their end tag ({% embed url="..." %} alone, or with a caption and
# {% endembed %}).
OPTIONAL_END = {"embed", "file", "openapi", "openapi-operation"}
BLOCK_TAGS = {
    "hint", "tabs", "tab", "code", "content-ref", "stepper", "step", "columns", "column", "updates", "update",
    "prompt", "if", "swagger", "swagger-description", "swagger-parameter", "swagger-response",
} | OPTIONAL_END
# Tags that only separate parts of a block: {% else %} in {% if %} (both branches are kept).
SEPARATORS = {"else", "elif"}
KNOWN_TAGS = BLOCK_TAGS | {f"end{name}" for name in BLOCK_TAGS} | SEPARATORS
# Blocks written as HTML, which the tokenizer turns into the same open/close tokens.
_KNOWN_BLOCKS = KNOWN_TAGS | {"details", "enddetails"}
# Containers whose only content is their parts (text between two parts is an error).
PARTS = {"tabs": "tab", "stepper": "step", "columns": "column", "updates": "update"}

REQUIRED_ATTRS = {"hint": "style", "tab": "title", "embed": "url", "content-ref": "url", "file": "src"}

TAG = re.compile(r"\{%-?\s*(?P<name>[A-Za-z][\w-]*)(?P<args>(?:[^%]|%(?!\}))*?)\s*-?%\}")
_ATTR = re.compile(r"""\s*(?P<key>[A-Za-z][\w-]*)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'))?""")
_DETAILS_OPEN = re.compile(r"<details(?P<attrs>\s[^>]*)?>\s*(?:<summary>(?P<summary>.*?)</summary>)?", re.I)
_DETAILS_CLOSE = re.compile(r"</details>", re.I)
_SUMMARY = re.compile(r"<summary>(?P<summary>.*?)</summary>", re.I)


@dataclass
class Text:
    """Consecutive source lines that are plain Markdown (or one fenced code block when `fence`)."""

    line: int  # 1-based line number of lines[0]
    lines: list[str]
    fence: bool = False


@dataclass
class Block:
    name: str  # hint, tabs, tab, embed, code, content-ref, file, details
    attrs: dict[str, str]
    line: int
    indent: str = ""  # leading whitespace of the opening tag; the block is re-indented by it
    children: list[Text | Block] = field(default_factory=list)
    unknown: bool = False  # a tag this importer does not know: rendered as its content


Node = Text | Block


@dataclass
class _Token:
    kind: str  # "text", "fence", "open", "close", "separator" ({% else %}), "include", "summary" (a <summary> line)
    line: int
    text: str = ""
    name: str = ""
    attrs: dict[str, str] = field(default_factory=dict)
    indent: str = ""


# Reads the file of an `{% include "…" %}` (written in the file at Path, on line int) and returns its
# tree, or None when there is nothing to include (reported by the loader).
IncludeLoader = Callable[[str, Path, int], "list[Node] | None"]


def parse_page(source: str, path: Path, report: Report, include: IncludeLoader | None = None) -> list[Node] | None:
    """Return the page's tree, or None when it has errors (already added to `report`)."""
    before = len(report.errors)
    tokens = _tokenize(reindent_lists(source.split("\n")), path, report)
    tree = _build(tokens, path, report, include)
    return tree if len(report.errors) == before else None


def _unescape(value: str) -> str:
    """GitBook escapes Markdown punctuation in attribute values (`title="AEP 3.x \\(Swift\\)"`)."""
    return re.sub(r"\\([\\`*_{}\[\]()#+\-.!<>|])", r"\1", value)


def _parse_attrs(args: str, name: str, path: Path, line: int, report: Report) -> dict[str, str] | None:
    attrs: dict[str, str] = {}
    pos = 0
    args = args.rstrip()
    while pos < len(args):
        m = _ATTR.match(args, pos)
        if not m or m.end() == pos:
            if name == "if" or name not in KNOWN_TAGS:  # a condition, or a block dropped anyway
                return {"condition": args.strip()}
            report.error(path, line, f"cannot read the attributes of {{% {name} %}}: {args.strip()!r}")
            return None
        value = m["dq"] if m["dq"] is not None else m["sq"]
        attrs[m["key"]] = "true" if value is None else _unescape(value)
        pos = m.end()
    return attrs


def _tokenize(lines: list[str], path: Path, report: Report) -> list[_Token]:
    tokens: list[_Token] = []
    i = 0
    while i < len(lines):
        line, lineno = lines[i], i + 1
        fence = fence_opening(line)
        if fence is not None:
            j = i + 1
            while j < len(lines) and not closes(lines[j], fence):
                j += 1
            if j == len(lines):
                report.error(path, lineno, f"code fence {fence.marker} is never closed")
                return tokens
            tokens.append(_Token("fence", lineno, "\n".join(lines[i : j + 1])))
            i = j + 1
            continue
        tokens.extend(_line_tokens(line, lineno, path, report))
        i += 1
    return tokens


def _line_tokens(line: str, lineno: int, path: Path, report: Report) -> list[_Token]:
    stripped = line.strip()
    indent = line[: len(line) - len(line.lstrip())]
    m = _DETAILS_OPEN.fullmatch(stripped)
    if m:
        attrs = {"open": "true"} if m["attrs"] and re.search(r"\bopen\b", m["attrs"]) else {}
        if m["summary"] is not None:
            attrs["summary"] = m["summary"]
        return [_Token("open", lineno, name="details", attrs=attrs, indent=indent)]
    if _DETAILS_CLOSE.fullmatch(stripped):
        return [_Token("close", lineno, name="enddetails", indent=indent)]
    m = _SUMMARY.fullmatch(stripped)
    if m:
        return [_Token("summary", lineno, m["summary"], indent=indent)]

    masked = mask_code(line, escapes=False)  # escapes stay: a tag's attributes may hold some
    tokens: list[_Token] = []
    pos = 0
    for m in TAG.finditer(masked):
        name = m["name"]
        if MASK in m.group():
            continue
        alone = masked[: m.start()].strip() == "" and masked[m.end() :].strip() == ""
        if name not in KNOWN_TAGS and not alone:
            continue  # inside a sentence it is text; the Jinja guard keeps it from being rendered
        if line[pos : m.start()].strip():
            tokens.append(_Token("text", lineno, line[pos : m.start()].rstrip()))
        if name == "include" and alone:
            src = m["args"].strip().strip("\"'")
            tokens.append(_Token("include", lineno, src, name=name, indent=indent))
        elif name in SEPARATORS:
            tokens.append(_Token("separator", lineno, name=name, indent=indent))
        elif name.startswith("end") and (name[3:] in BLOCK_TAGS or name not in KNOWN_TAGS):
            if m["args"].strip():
                report.error(path, lineno, f"{{% {name} %}} takes no attributes")
            tokens.append(_Token("close", lineno, name=name, indent=indent))
        else:
            parsed = _parse_attrs(m["args"], name, path, lineno, report)
            if parsed is not None:
                tokens.append(_Token("open", lineno, name=name, attrs=parsed, indent=indent))
        pos = m.end()
    if pos == 0:
        return [_Token("text", lineno, line)]
    rest = line[pos:]
    if rest.strip():
        tokens.append(_Token("text", lineno, indent + rest.strip()))
    return tokens


def _next_structural(tokens: list[_Token], start: int) -> _Token | None:
    return next((t for t in tokens[start:] if t.kind in ("open", "close")), None)


def _build(tokens: list[_Token], path: Path, report: Report, include: IncludeLoader | None) -> list[Node]:
    root = Block("page", {}, 0)
    stack: list[Block] = [root]

    def add_text(tok: _Token, fence: bool) -> None:
        parent = stack[-1]
        lines = tok.text.split("\n")
        last = parent.children[-1] if parent.children else None
        if not fence and isinstance(last, Text) and not last.fence and last.line + len(last.lines) == tok.line:
            last.lines.extend(lines)
        else:
            parent.children.append(Text(tok.line, lines, fence))

    for index, tok in enumerate(tokens):
        top = stack[-1]
        if tok.kind in ("text", "fence", "summary"):
            if tok.kind == "summary" and top.name == "details" and "summary" not in top.attrs and not _has_content(top):
                top.attrs["summary"] = tok.text
                continue
            if top.name == "tabs" and tok.text.strip():
                report.error(path, tok.line, "text between {% tab %} blocks: put it inside a {% tab %}")
                continue
            add_text(tok, tok.kind == "fence")
        elif tok.kind == "include":
            included = include(tok.text, path, tok.line) if include else None
            if included is not None:
                top.children.append(Block("include", {"src": tok.text}, tok.line, tok.indent, included))
        elif tok.kind == "separator":
            if top.name != "if":
                report.warning(path, tok.line, f"{{% {tok.name} %}} outside {{% if %}}: dropped", "unknown-tag")
        elif tok.kind == "open":
            if tok.name not in _KNOWN_BLOCKS:
                closed = _closed_later(tokens, index + 1, tok.name)
                what = "kept its content" if closed else "dropped the tag"
                report.warning(path, tok.line, f"unknown GitBook block {{% {tok.name} %}}: {what}", "unknown-tag")
                if closed:
                    block = Block(tok.name, tok.attrs, tok.line, tok.indent, unknown=True)
                    top.children.append(block)
                    stack.append(block)
                continue
            if not _valid_open(tok, top, path, report):
                continue
            block = Block(tok.name, tok.attrs, tok.line, tok.indent)
            top.children.append(block)
            if tok.name in OPTIONAL_END:
                following = _next_structural(tokens, index + 1)
                if following is None or following.kind != "close" or following.name != f"end{tok.name}":
                    continue  # written without its end tag
            stack.append(block)
        else:  # close
            opened = tok.name[3:]
            if top.name == opened:
                stack.pop()
                _close(top, path, report)
                continue
            if any(b.name == opened for b in stack[1:]):
                while stack[-1].name != opened:
                    unclosed = stack.pop()
                    report.error(
                        path, unclosed.line, f"{_describe(unclosed)} is never closed (found {{% {tok.name} %}} "
                        f"on line {tok.line} first)"
                    )
                stack.pop()
            elif tok.name not in _KNOWN_BLOCKS:
                report.warning(path, tok.line, f"{{% {tok.name} %}} without its opening tag: dropped", "unknown-tag")
            else:
                report.error(path, tok.line, f"{_describe_close(tok.name)} without an open {_describe_open(opened)}")
    for unclosed in reversed(stack[1:]):
        report.error(path, unclosed.line, f"{_describe(unclosed)} is never closed (missing {_describe_close('end' + unclosed.name)})")
    return root.children


def _closed_later(tokens: list[_Token], start: int, name: str) -> bool:
    return any(t.kind == "close" and t.name == f"end{name}" for t in tokens[start:])


def _has_content(block: Block) -> bool:
    return any(isinstance(c, Block) or any(line.strip() for line in c.lines) for c in block.children)


def _valid_open(tok: _Token, parent: Block, path: Path, report: Report) -> bool:
    if tok.name == "tab" and parent.name != "tabs":
        report.error(path, tok.line, "{% tab %} outside {% tabs %}")
        return False
    if tok.name != "tab" and parent.name == "tabs":
        report.error(path, tok.line, f"{_describe_open(tok.name)} directly inside {{% tabs %}}: put it inside a {{% tab %}}")
        return False
    required = REQUIRED_ATTRS.get(tok.name)
    if required and not tok.attrs.get(required, "").strip():
        report.error(path, tok.line, f"{{% {tok.name} %}} needs a {required}=\"...\" attribute")
        return False
    if tok.name == "hint" and tok.attrs["style"] not in MATERIAL_TYPES:
        report.warning(path, tok.line, f"unknown hint style {tok.attrs['style']!r}: made it a note", "unknown-tag")
        tok.attrs["style"] = "note"
    if tok.name == "if":
        condition = tok.attrs.get("condition") or " ".join(f"{k}" for k in tok.attrs)
        report.warning(
            path, tok.line, f"conditional content ({{% if {condition} %}}): every reader sees all of it", "conditional"
        )
    return True


def _close(block: Block, path: Path, report: Report) -> None:
    if block.name == "tabs" and not any(isinstance(c, Block) for c in block.children):
        report.error(path, block.line, "{% tabs %} without any {% tab %}")
    if block.name == "code":
        content = [c for c in block.children if isinstance(c, Block) or any(ln.strip() for ln in c.lines)]
        if len(content) != 1 or not isinstance(content[0], Text) or not content[0].fence:
            report.error(path, block.line, "{% code %} must wrap exactly one fenced code block")
    _dedent_children(block)


def _dedent_children(block: Block) -> None:
    """Content inside an indented block (a hint in a list item) loses the block's own indentation;
    nested blocks keep only their indentation relative to this one."""
    if not block.indent:
        return
    n = len(block.indent)
    for child in block.children:
        if isinstance(child, Text):
            child.lines = [ln[n:] if ln.startswith(block.indent) else ln.lstrip() for ln in child.lines]
        elif child.indent.startswith(block.indent):
            child.indent = child.indent[n:]


def _describe_open(name: str) -> str:
    return "<details>" if name == "details" else f"{{% {name} %}}"


def _describe_close(name: str) -> str:
    return "</details>" if name == "enddetails" else f"{{% {name} %}}"


def _describe(block: Block) -> str:
    return _describe_open(block.name)
