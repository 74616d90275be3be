"""GitBook card views (`<table data-view="cards">`) as Material grid cards.

GitBook stores a card view as a raw-HTML table: one row per card, visible columns for the title and
text, and hidden columns marked `data-card-target` (where the card links to) and `data-card-cover`
(its image, as a link to the file). Raw HTML is not read as Markdown, so the cells are turned into
Markdown (bold, italics, code, links) and laid out as

    <div class="grid cards" markdown>

    -   ![](cover.png)

        [**Title**](page.md)

        Text

    </div>

The page's rewriter then resolves the links and copies the cover image like any other.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from importer.icons import convert_icons

CARD_TABLE = re.compile(r"""data-view\s*=\s*["']cards["']""", re.I)
_HEADER = re.compile(r"<th\b([^>]*)>", re.I)
_BODY = re.compile(r"<tbody\b[^>]*>(.*?)</tbody>", re.S | re.I)
_ROW = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S | re.I)
_CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S | re.I)
_HREF = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']*)["']""", re.I)
_INLINE = [
    (re.compile(r"</?(?:strong|b)\b[^>]*>", re.I), "**"),
    (re.compile(r"</?(?:em|i)\b[^>]*>", re.I), "*"),
    (re.compile(r"</?code\b[^>]*>", re.I), "`"),
    (re.compile(r"<br\s*/?>|</p>\s*<p\b[^>]*>", re.I), "\n"),
]
_LINK = re.compile(r"""<a\b[^>]*\bhref\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a>""", re.S | re.I)
_TAG = re.compile(r"<[^>]+>")


@dataclass
class Card:
    title: str  # Markdown
    body: str  # Markdown, maybe several lines
    target: str | None  # where the card links to
    cover: str | None  # the cover image (a path or URL before rewriting; Markdown after)


def _markdown(cell: str) -> str:
    text = convert_icons(cell.strip())
    for pattern, replacement in _INLINE:
        text = pattern.sub(replacement, text)
    text = _LINK.sub(lambda m: f"[{_TAG.sub('', m[2]).strip()}]({m[1]})", text)
    text = html.unescape(_TAG.sub("", text))
    return "\n".join(line.strip() for line in text.split("\n") if line.strip())


def parse_cards(table: str) -> list[Card]:
    head = table.split("<tbody", 1)[0]
    roles = []
    for attrs in _HEADER.findall(head):
        if "data-card-target" in attrs:
            roles.append("target")
        elif "data-card-cover-dark" in attrs:
            roles.append("hidden")  # the light cover is enough here
        elif "data-card-cover" in attrs:
            roles.append("cover")
        elif "data-hidden" in attrs:
            roles.append("hidden")
        else:
            roles.append("text")
    body = _BODY.search(table)
    cards = []
    for row in _ROW.findall(body[1] if body else table):
        texts: list[str] = []
        target = cover = None
        for index, cell in enumerate(_CELL.findall(row)):
            role = roles[index] if index < len(roles) else "text"
            href = _HREF.search(cell)
            if role == "target":
                target = html.unescape(href[1]) if href else None
            elif role == "cover":
                cover = html.unescape(href[1]) if href else None
            elif role == "text" and _markdown(cell):
                texts.append(_markdown(cell))
        if texts or target:
            cards.append(Card(texts[0] if texts else "", "\n\n".join(texts[1:]), target, cover))
    return cards


def render_cards(cards: list[Card]) -> str:
    lines = ['<div class="grid cards" markdown>', ""]
    for card in cards:
        parts = []
        if card.cover:
            parts.append(card.cover)
        title = card.title or card.target or ""
        linked = "](" in title  # a title that is a link already is not linked again
        if title and "**" not in title and not linked:
            title = f"**{title}**"
        parts.append(f"[{title}]({card.target})" if card.target and not linked else title)
        if card.body:
            parts.append(card.body)
        first, *rest = "\n\n".join(parts).split("\n")
        lines.append(f"-   {first}")
        lines += [f"    {line}" if line else "" for line in rest]
        lines.append("")
    lines.append("</div>")
    return "\n".join(lines)
