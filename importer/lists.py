"""Re-indent nested lists from CommonMark's rule to Python-Markdown's.

GitBook writes list content at the column where the item's text starts (`* a` then `  * b`, or
`1. a` then `   1. b`). Python-Markdown, which MkDocs uses, only nests what is indented by 4 spaces
per level, so those lists would come out flat. This pass moves every line that belongs to a list
item (nested items, continuation paragraphs, fences, indented GitBook tags) to 4 spaces per level,
keeping any extra indentation it had relative to its item. It only changes leading spaces, so line
numbers stay valid for error messages.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from importer.mdscan import closes, fence_opening

_ITEM = re.compile(r"^(?P<indent> *)(?P<marker>[*+-]|\d{1,9}[.)])(?P<gap> +|$)")
_RULE = re.compile(r"^ {0,3}([*_-])(?: *\1){2,} *$")


@dataclass
class _Item:
    src_col: int  # where the item's content starts in the source (CommonMark)
    out_col: int  # where it starts in the output (Python-Markdown: item indentation + 4)


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def reindent_lists(lines: list[str]) -> list[str]:
    out: list[str] = []
    stack: list[_Item] = []
    i = 0
    while i < len(lines):
        line = lines[i].expandtabs(4) if lines[i].startswith("\t") else lines[i]
        if not line.strip():
            out.append("")
            i += 1
            continue
        ind = _indent(line)
        while stack and ind < stack[-1].src_col:
            stack.pop()
        item = _ITEM.match(line)
        if item and not _RULE.match(line):
            out_ind = stack[-1].out_col if stack else ind
            gap = len(item["gap"])
            src_col = ind + len(item["marker"]) + (gap if 1 <= gap <= 4 else 1)
            out.append(" " * out_ind + line[ind:])
            stack.append(_Item(src_col, out_ind + 4))
            i += 1
            continue
        shift = (stack[-1].out_col - stack[-1].src_col) if stack else 0
        fence = fence_opening(line)
        end = i + 1
        if fence is not None:  # the whole fence moves with its opening line
            while end < len(lines) and not closes(lines[end], fence):
                end += 1
            end = min(end + 1, len(lines))
        for raw in lines[i:end]:
            out.append(_shift(raw, shift) if raw.strip() else "")
        i = end
    return out


def _shift(line: str, by: int) -> str:
    if by >= 0:
        return " " * by + line
    return line[min(-by, _indent(line)) :]


_NOT_PROSE = re.compile(r"^\s*(?:#|\||<|>|!!!|\?\?\?|===|\{%|`{3,}|~{3,}|$)")
_INTERRUPTS = re.compile(r"^(?P<indent> *)(?:[*+-]|1[.)])(?: +\S)")


def separate_lists(lines: list[str]) -> list[str]:
    """Put a blank line between a paragraph line and a list that follows it directly.

    GitBook (CommonMark) starts a list there; Python-Markdown reads the items as more paragraph text.
    Lines inside a list (a lazy continuation, a nested item) are left alone, and so is text in fences.
    Works on the converted page, so source line numbers are not affected.
    """
    out: list[str] = []
    list_indents: list[int] = []  # indentation of the list items since the last blank line
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = fence_opening(line)
        if fence is not None:
            end = i + 1
            while end < len(lines) and not closes(lines[end], fence):
                end += 1
            out += lines[i : end + 1]
            i = end + 1
            continue
        i += 1
        if not line.strip():
            list_indents = []
            out.append(line)
            continue
        item = _ITEM.match(line)
        if item and not _RULE.match(line):
            ind = _indent(line)
            previous = out[-1] if out else ""
            interrupts = _INTERRUPTS.match(line) is not None
            if (
                interrupts
                and previous.strip()
                and not _NOT_PROSE.match(previous)
                and not _ITEM.match(previous)
                and _indent(previous) == ind
                and not any(n <= ind for n in list_indents)
            ):
                out.append("")
            list_indents.append(ind)
        out.append(line)
    return out
