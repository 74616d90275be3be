"""MkDocs hook: tables a reader can read on any screen.

- A column that is empty in every row (a constraints column of fields without constraints) is
  dropped: it only takes width from the description.
- Every body cell gets `data-label` = its column's heading, so on a phone site.css can show each row
  as a card ("설명: ...") instead of a table wider than the screen.

Only plain Markdown tables (`<table>` without a class) inside the page content are touched.
"""

import re
from html import escape, unescape

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<(t[hd])((?:\s[^>]*)?)>(.*?)</\1>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _text(html: str) -> str:
    return " ".join(unescape(_TAG.sub("", html)).split())


def _cards(match: re.Match) -> str:
    rows = [_CELL.findall(row) for row in _ROW.findall(match.group(1))]
    if len(rows) < 2 or any(len(r) != len(rows[0]) for r in rows) or rows[0][0][0] != "th":
        return match.group(0)  # not a plain heading row + body rows: leave it alone
    width = len(rows[0])
    keep = [i for i in range(width) if any(_text(r[i][2]) or "<img" in r[i][2] for r in rows[1:])]
    labels = [escape(_text(rows[0][i][2])) for i in range(width)]
    out = []
    for n, row in enumerate(rows):
        cells = []
        for i in keep:
            tag, attrs, body = row[i]
            label = f' data-label="{labels[i]}"' if tag == "td" and labels[i] else ""
            cells.append(f"<{tag}{attrs}{label}>{body}</{tag}>")
        out.append(("<thead>" if n == 0 else "") + "<tr>" + "".join(cells) + "</tr>" + ("</thead><tbody>" if n == 0 else ""))
    return "<table>" + "".join(out) + "</tbody></table>"


def on_page_content(html, **kwargs):
    return _TABLE.sub(_cards, html)
