"""Heading ids of converted pages, and matching GitBook anchors to them.

The ids are computed by Python-Markdown with the toc settings this site uses
(`pymdownx.slugs.slugify`, lower case), over the converted Markdown, so headings inside admonitions
and tabs and repeated headings (`_1`, `_2`) get exactly the ids MkDocs will give them.

GitBook builds its anchors differently (for example an `id-` prefix when a heading starts with a
digit, and other punctuation rules), so a GitBook anchor is matched to a heading by its letters and
digits only, in order: `#id-1.-sign-up` finds "1. Sign up".
"""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

import markdown
from material.extensions.emoji import to_svg, twemoji
from pymdownx.slugs import slugify

from importer.mdscan import fenced_spans

Heading = tuple[str, str]  # (text, id)
_HTML_ID = re.compile(r'<a\s+(?:id|name)="([^"]+)"\s*/?>')


_MARKDOWN: markdown.Markdown | None = None


def _markdown() -> markdown.Markdown:
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = markdown.Markdown(
            extensions=[
                "toc", "admonition", "attr_list", "md_in_html", "pymdownx.details", "pymdownx.tabbed", "pymdownx.emoji"
            ],
            extension_configs={
                "toc": {"slugify": slugify(case="lower")},
                "pymdownx.tabbed": {"alternate_style": True},
                # Icons and emoji in a heading are not part of its id: they must be read as MkDocs reads them.
                "pymdownx.emoji": {"emoji_index": twemoji, "emoji_generator": to_svg},
            },
        )
    return _MARKDOWN.reset()


_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_LINE_START = re.compile(r"^[ \t]*(?:(?:[*+-]|\d{1,9}[.)])[ \t]+)*")
_STRUCTURE = ("#", "<", "!!!", "???", "===", ">")


def _skeleton(lines: list[str]) -> list[str]:
    """`lines` with the text of every line that cannot be (part of) a heading replaced by `x`: the block
    structure, and so the headings and their ids, stays; the inline parsing of prose, most of the
    work, goes."""
    out = []
    for i, line in enumerate(lines):
        rest = line.lstrip()
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if not rest or rest.startswith(_STRUCTURE) or _SETEXT.match(line) or _SETEXT.match(following):
            out.append(line)
        else:
            start = _LINE_START.match(line)
            out.append((start.group() if start else "") + "x")
    return out


def heading_ids(text: str) -> list[Heading]:
    # Fenced code holds no headings, and highlighting it would be most of the work: drop it first.
    lines = text.split("\n")
    kept = [ln for is_fence, start, end in fenced_spans(lines) if not is_fence for ln in lines[start:end]]
    md = _markdown()
    md.convert("\n".join(_skeleton(kept)))
    found: list[Heading] = []

    def walk(tokens: list[dict]) -> None:
        for token in tokens:
            found.append((html.unescape(token["name"]), token["id"]))
            walk(token["children"])

    walk(md.toc_tokens)
    # Anchors written as HTML (`<a id="faq"></a>`) are link targets too.
    found += [(anchor, anchor) for anchor in _HTML_ID.findall("\n".join(kept))]
    return found


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def match_anchor(anchor: str, headings: list[Heading]) -> str | None:
    """The id of the heading a GitBook `anchor` points to, or None."""
    anchor = unquote(anchor)
    ids = [hid for _, hid in headings]
    if anchor in ids:
        return anchor
    candidates = [(anchor, 0)]
    numbered = re.fullmatch(r"(.+?)-(\d+)", anchor)  # a repeated heading: "#response-1" is the 2nd one
    if numbered:
        candidates.append((numbered[1], int(numbered[2])))
    for candidate, nth in candidates:
        keys = {_letters(candidate)}
        if candidate.startswith("id-"):
            keys.add(_letters(candidate[3:]))
        matches = [hid for text, hid in headings if _letters(text) in keys]
        if len(matches) > nth:
            return matches[nth]
    return None
