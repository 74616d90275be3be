"""One search index per language, in the format Material's search worker reads.

Three fields are searched but never shown: `k` holds the operation id and path a section documents,
weighted ten times the text (so "/v1/auth/refresh" finds the section about that endpoint before pages
that merely mention it, without letting "up" in "sign up" match `updateUser` like a title would); in
Korean, `tp` and `p` hold the parts of the title's and the text's words that a prefix match would miss
(docs_search.segment), weighted like the title and the text: "가입" ranks the page titled
"이메일 회원가입" like a title match.

The pipeline is empty (no stemmer, stop words or trimmer), so the browser's lunr and the Python side
(docs_search.ranking) tokenize identically: split on SEPARATOR, lower-case.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from typing import Any

from .sections import Section
from .segment import korean_parts

# Words split on spaces, punctuation (also what the index's plain text keeps: quotes, braces, "·")
# and camelCase, but not on "/": a path (/v1/auth/refresh) or an error code's area (auth/token-expired)
# stays one word, so "auth" in a query does not match every path and code on the site.
SEPARATOR = r"""[\s\-,:!=\[\]()"'`{}?;|·…]+|(?!\b)(?=[A-Z][a-z])|\.(?!\d)|&[lg]t;|&amp;"""
FIELDS: dict[str, dict[str, float]] = {
    "title": {"boost": 1000.0},
    "text": {"boost": 1.0},
    "tags": {"boost": 1000000.0},
}
HIDDEN_FIELDS: dict[str, dict[str, float]] = {"k": {"boost": 10.0}, "tp": {"boost": 1000.0}, "p": {"boost": 1.0}}
INDEX_PATH = "search/search_index.json"


@dataclass
class IndexedPage:
    url: str  # site-relative, as Material writes it: "" for the home page, "en/authentication/mfa/"
    sections: list[Section]


def config(lang: str) -> dict[str, Any]:
    return {"lang": ["en"], "separator": SEPARATOR, "pipeline": [], "fields": {**FIELDS, **HIDDEN_FIELDS}}


def documents(pages: list[IndexedPage], lang: str) -> list[dict[str, str]]:
    docs = []
    for page in pages:
        for section in page.sections:
            text = section.text
            doc = {
                "location": page.url + (f"#{section.anchor}" if section.anchor else ""),
                "title": html.escape(section.title, quote=False),
                "text": html.escape(text, quote=False),
            }
            title_parts = korean_parts(section.title) if lang == "ko" else []
            text_parts = [p for p in korean_parts(text) if p not in title_parts] if lang == "ko" else []
            if section.keys:
                doc["k"] = " ".join(section.keys)
            if title_parts:
                doc["tp"] = " ".join(title_parts)
            if text_parts:
                doc["p"] = " ".join(text_parts)
            docs.append(doc)
    return docs


def search_index(pages: list[IndexedPage], lang: str) -> str:
    data = {"config": config(lang), "docs": documents(pages, lang)}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))
