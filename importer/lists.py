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
