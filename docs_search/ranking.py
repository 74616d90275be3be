"""Search a built index the way the site's search box does, in Python (for the MCP server and tests).

Material's search worker (material/templates/assets/javascripts/workers/search.*.js, 9.8.1) builds a
lunr.js index from search_index.json and ranks a query in four steps, all mirrored here on lunr.py
(the same algorithm as lunr.js 2.3): (1) `transform` rewrites the query (split on the index's
separator, a trailing `*` on each term), (2) lunr scores the sections with BM25 and b = 0, (3) each
section's score is multiplied by 1 + boost², boost = 1 for a page's own entry plus the share of query
terms it matched, (4) sections are grouped by page, pages ordered by their best section.
tests/search/ checks the result against the real search box in Chromium.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lunr.builder import Builder
from lunr.query_lexer import QueryLexer
from lunr.stop_word_filter import stop_word_filter


@dataclass
class Hit:
    location: str
    title: str
    score: float


@dataclass
class PageHit:
    location: str  # the page's own location (no "#")
    title: str
    sections: list[Hit] = field(default_factory=list)


def _split(text: str, separator: re.Pattern[str]) -> list[str]:
    """Material's `split`: the non-empty ranges between separator matches (zero-width ones too)."""
    parts, index, pos = [], 0, 0
    while True:
        match = separator.search(text, pos)
        until = match.start() if match else len(text)
        if index < until:
            parts.append(text[index:until])
        if not match:
            return parts
        index = match.end()
        pos = match.end() if match.end() > match.start() else match.start() + 1


def _transform(query: str, separator: re.Pattern[str]) -> str:
    """Material's transformSearchQuery (query/transform + query/_): terms split, `*` appended."""
    query = query.strip()
    pieces = re.split(r'"([^"]+)"', query)
    query = "".join(
        re.sub(r"^\b|^(?![^\x00-\x7F]|$)|\s+", " +", p, flags=re.ASCII) if i & 1 else p for i, p in enumerate(pieces)
    )
    query = re.sub(r'"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)', "", query)
    terms: list[str] = []
    for part in re.split(r"\s+", query):
        lexer = QueryLexer(part)
        lexer.run()
        for lexeme in lexer.lexemes:
            if lexeme["type"] == QueryLexer.FIELD and lexeme["string"] not in ("title", "text", "tags"):
                part = part[: lexeme["end"]] + " " + part[lexeme["end"] + 1 :]
            elif lexeme["type"] == QueryLexer.TERM:
                term, start, end = lexeme["string"], lexeme["start"], lexeme["end"]
                terms.extend(part[:start] + piece + part[end:] for piece in _split(term, separator))
    terms = [f"{t}1" if re.search(r"[~^]$", t) else t for t in terms]
    return " ".join(t if re.search(r"(^[+-]|[~^]\d+$)", t) else f"{t}*" for t in terms)


class SiteSearch:
    """A search over one language's search_index.json, ranked like the site's search box."""

    def __init__(self, index: dict[str, Any]):
        cfg = index["config"]
        if cfg.get("pipeline") or cfg.get("lang") != ["en"]:
            raise ValueError("only indexes with an empty pipeline and lang ['en'] are mirrored exactly")
        self.separator = re.compile(cfg["separator"], re.ASCII)
        self.docs: dict[str, dict[str, Any]] = {}
        self.parent: dict[str, str] = {}
        for doc in index["docs"]:
            path = doc["location"].split("#")[0]
            if path not in self.docs:
                self.docs[path] = doc
            else:
                self.docs[doc["location"]] = doc
                self.parent[doc["location"]] = path
        builder = Builder()
        builder.b(0)
        builder.ref("location")
        for name, spec in cfg["fields"].items():
            builder.field(name, boost=spec.get("boost", 1), extractor=self._extractor(name))
        for doc in index["docs"]:
            builder.add(doc)
        self.index = builder.build()

    @classmethod
    def from_file(cls, path: Path) -> SiteSearch:
        return cls(json.loads(path.read_text(encoding="utf-8")))

    def _tokens(self, text: str) -> list[str]:
        # Material tokenizes the text outside HTML tags; the index's text is escaped plain text.
        return _split(re.sub(r"<[^>]*>", " ", text), self.separator)

    def _extractor(self, name: str):
        def extract(doc: dict[str, Any]) -> list[str] | None:
            value = doc.get(name)
            return None if value is None else self._tokens(value)

        return extract

    def query_string(self, query: str) -> str:
        return _transform(" ".join(query.split()), self.separator)

    def sections(self, query: str) -> list[Hit]:
        """Matching sections, best first, with Material's post-query boosts."""
        transformed = self.query_string(query)
        if not transformed:
            return []
        clause_terms = []
        lexer = QueryLexer(transformed)
        lexer.run()
        for lexeme in lexer.lexemes:
            if lexeme["type"] == QueryLexer.TERM:
                term = lexeme["string"].lower()
                term = term[1:] if term.startswith("*") else term
                clause_terms.append(term[:-1] if term.endswith("*") else term)
        hits = []
        for result in self.index.search(transformed):
            doc = self.docs.get(result["ref"])
            if doc is None:
                continue
            matched = list(result["match_data"].metadata)
            found: dict[str, bool] = {}
            remaining = list(dict.fromkeys(clause_terms))
            for term in matched:
                for clause in list(remaining):
                    if term.startswith(clause):
                        found[clause] = True
                        remaining.remove(clause)
            for clause in remaining:
                if stop_word_filter(clause):
                    found[clause] = False
            share = sum(found.values()) / len(found) if found else 0.0
            boost = (0 if result["ref"] in self.parent else 1) + share
            hits.append(Hit(result["ref"], doc["title"], result["score"] * (1 + boost**2)))
        return sorted(hits, key=lambda h: h.score, reverse=True)

    def pages(self, query: str) -> list[PageHit]:
        """Matching pages in the order the search box lists them."""
        groups: dict[str, PageHit] = {}
        for hit in self.sections(query):
            page = self.parent.get(hit.location, hit.location)
            if page not in groups:
                groups[page] = PageHit(page, self.docs[page]["title"])
            groups[page].sections.append(hit)
        return list(groups.values())
