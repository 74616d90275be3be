"""Small Markdown scanners shared by the parser, the link rewriter and the Jinja guard.

They only need to know where code is (fenced blocks and inline code spans), because everything the
importer rewrites must be left alone inside code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FENCE_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_FENCE_CLOSE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})[ \t]*$")

# Replaces code spans and backslash escapes in `mask_code`: it keeps offsets intact and matches none
# of the characters the rewriters look for (brackets, parentheses, angle brackets, braces).
MASK = "\x1a"


@dataclass(frozen=True)
class Fence:
    indent: str
    marker: str  # the run of ``` or ~~~ that opened it
    info: str


def fence_opening(line: str) -> Fence | None:
    m = FENCE_OPEN.match(line)
    if not m:
        return None
    marker, info = m["fence"], m["info"]
    if marker[0] == "`" and "`" in info:  # CommonMark: a backtick fence's info string has no backticks
        return None
    return Fence(m["indent"], marker, info.strip())


def closes(line: str, fence: Fence) -> bool:
    m = _FENCE_CLOSE.match(line)
    return bool(m and m["fence"][0] == fence.marker[0] and len(m["fence"]) >= len(fence.marker))


def fenced_spans(lines: list[str]) -> list[tuple[bool, int, int]]:
    """Split `lines` into (is_fence, start, end) runs, end exclusive. An unclosed fence runs to the end."""
    spans: list[tuple[bool, int, int]] = []
    i, start = 0, 0
    while i < len(lines):
        fence = fence_opening(lines[i])
        if fence is None:
            i += 1
            continue
        if start < i:
            spans.append((False, start, i))
        j = i + 1
        while j < len(lines) and not closes(lines[j], fence):
            j += 1
        end = min(j + 1, len(lines))
        spans.append((True, i, end))
        i = start = end
    if start < len(lines):
        spans.append((False, start, len(lines)))
    return spans


_BACKTICKS = re.compile(r"`+")


def mask_code(text: str, escapes: bool = True) -> str:
    """Return `text` with inline code spans (and, with `escapes`, backslash escapes) replaced by MASK
    characters.

    Code spans follow CommonMark: a run of N backticks ends at the next run of exactly N backticks in
    the same paragraph; an unmatched run is literal text.
    """
    out = list(text)
    for escape in re.finditer(r"\\[\\`*_{}\[\]()#+\-.!<>|]", text):
        if escapes or text[escape.start() + 1] == "`":
            out[escape.start()] = out[escape.start() + 1] = MASK
    pos = 0
    while m := _BACKTICKS.search(text, pos):
        pos = m.end()
        if out[m.start()] == MASK:  # an escaped backtick
            continue
        paragraph_end = text.find("\n\n", m.end())
        limit = len(text) if paragraph_end < 0 else paragraph_end
        closing = next((c for c in _BACKTICKS.finditer(text, m.end(), limit) if len(c.group()) == len(m.group())), None)
        if closing is None:
            continue
        for k in range(m.start(), closing.end()):
            if text[k] != "\n":
                out[k] = MASK
        pos = closing.end()
    return "".join(out)
