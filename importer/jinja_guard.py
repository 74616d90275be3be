"""Keep mkdocs-macros from reading imported text as Jinja.

mkdocs-macros renders every page as a Jinja template, so `{{ user.email }}` in a sample, `${#arr[@]}`
in bash or a `{% raw %}` in prose would be evaluated (or fail the build). Jinja only reacts to the
openers `{{`, `{%` and `{#`, so every line holding one is wrapped in `{% raw %}`…`{% endraw %}`:

- a fenced code block gets the two tags on lines of their own around the fence (same indentation);
  the extra blank lines they leave after rendering do not change how the fence reads;
- any other line gets them inline, after its indentation, so tables, list items and headings keep
  their exact shape.

Text that itself contains `{% endraw %}` cannot sit inside a raw block: its `{%` is written as the
expression `{{ '{%' }}` between two raw blocks.
"""

from __future__ import annotations

import re

from importer.mdscan import fence_opening, fenced_spans

OPENERS = re.compile(r"\{[{%#]")
RAW, ENDRAW = "{% raw %}", "{% endraw %}"
_ENDRAW_TEXT = re.compile(r"\{%(?=[-+]?\s*endraw\b)")
_ESCAPED_ENDRAW = ENDRAW + "{{ '{%' }}" + RAW


def needs_guard(text: str) -> bool:
    return bool(OPENERS.search(text))


def _escape_inside_raw(text: str) -> str:
    return _ENDRAW_TEXT.sub(lambda _: _ESCAPED_ENDRAW, text)


def protect(markdown: str) -> str:
    lines = markdown.split("\n")
    out: list[str] = []
    for is_fence, start, end in fenced_spans(lines):
        chunk = lines[start:end]
        if is_fence and any(needs_guard(ln) for ln in chunk):
            fence = fence_opening(chunk[0])
            indent = fence.indent if fence else ""
            out += [indent + RAW, *(_escape_inside_raw(ln) for ln in chunk), indent + ENDRAW]
            continue
        for ln in chunk:
            if needs_guard(ln):
                body = ln.lstrip()
                ln = ln[: len(ln) - len(body)] + RAW + _escape_inside_raw(body) + ENDRAW
            out.append(ln)
    return "\n".join(out)
