"""Markers around the blocks that macros generate, so later steps know prose from spec output.

Before macros render a page, every line that is a single block call (`{{ request_table("getMe") }}`,
also inside admonitions with `| indent(4)`) is wrapped in two HTML comments naming the macro and its
first argument. After rendering, the search index keeps only codes, paths and operation ids from
inside the markers (not sample code, console UI or table cells), and the markers are removed before
the page becomes HTML.
"""

from __future__ import annotations

import re

CALL = re.compile(r"^(?P<indent>[ \t]*)\{\{-?\s*(?P<name>\w+)\((?P<args>.*)\)\s*(?:\|[^}]*)?-?\}\}\s*$")
FIRST_STRING = re.compile(r"""^\s*(?:\w+\s*=\s*)?["']([^"']*)["']""")
OPEN = re.compile(r"^[ \t>]*<!--bk-gen:(?P<name>\w+):(?P<arg>[^>]*)-->\s*$")
CLOSE = re.compile(r"^[ \t>]*<!--/bk-gen-->\s*$")


def mark_generated(markdown: str) -> str:
    out = []
    for line in markdown.split("\n"):
        call = CALL.match(line)
        if call is None:
            out.append(line)
            continue
        first = FIRST_STRING.match(call["args"])
        indent = call["indent"]
        out.append(f"{indent}<!--bk-gen:{call['name']}:{first.group(1) if first else ''}-->")
        out.append(line)
        out.append(f"{indent}<!--/bk-gen-->")
    return "\n".join(out)


def strip_markers(markdown: str) -> str:
    return "\n".join(line for line in markdown.split("\n") if not (OPEN.match(line) or CLOSE.match(line)))
