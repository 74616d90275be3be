"""The built docs as the MCP tools see them: per language, the search index (ranked like the
site's search box, docs_search.ranking), the Markdown twins and the spec's operation ids."""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from docs_search import twin
from docs_search.ranking import PageHit, SiteSearch
from macros import samples, tables
from macros.i18n import localized, ui
from macros.spec import load_spec

LANGUAGES = ("ko", "en")
DEFAULT_LANGUAGE = "ko"


class NotFound(LookupError):
    """A page, operation or language the docs do not have (the message says what there is)."""


@dataclass
class Language:
    code: str
    root: Path  # the language's folder in the site
    prefix: str  # its URL prefix: "" or "en/"
    search: SiteSearch
    index: list[dict[str, str]]


class Library:
    def __init__(self, site: Path):
        self.site = site
        self.languages: dict[str, Language] = {}
        for code in LANGUAGES:
            prefix = "" if code == DEFAULT_LANGUAGE else f"{code}/"
            index_file = site / prefix / "search" / "search_index.json"
            if not index_file.is_file():
                raise FileNotFoundError(f"{index_file}: not a built docs site (run `mkdocs build`)")
            data = json.loads(index_file.read_text(encoding="utf-8"))
            self.languages[code] = Language(code, site / prefix, prefix, SiteSearch(data), data["docs"])
        self.spec = load_spec(site / "openapi.yaml")

    def language(self, lang: str) -> Language:
        if lang not in self.languages:
            raise NotFound(f"unknown language {lang!r}: use one of {', '.join(LANGUAGES)}")
        return self.languages[lang]

    # -- pages ---------------------------------------------------------------------------------

    def twin_file(self, lang: Language, location: str) -> Path:
        """The Markdown twin of a page location ("authentication/email-signup/", "en/…", "")."""
        page = location.split("#")[0].removeprefix(lang.prefix).strip("/")
        beside = lang.root / f"{page}.md"
        return beside if page and beside.is_file() else lang.root / page / "index.md"

    def page_paths(self, lang: Language) -> list[str]:
        return [doc["location"].removeprefix(lang.prefix) for doc in lang.index if "#" not in doc["location"]]

    def get_page(self, path: str, lang_code: str) -> tuple[str, str]:
        """(url, Markdown) of a page given as its path or URL, with or without `.md`/`index.html`."""
        lang = self.language(lang_code)
        page = urlsplit(path.strip()).path.strip("/")
        page = page.removeprefix(lang.prefix.rstrip("/")).strip("/") if lang.prefix else page
        page = re.sub(r"(?:/?index)?\.(?:md|html)$", "", page).strip("/")
        known = self.page_paths(lang)
        if f"{page}/" not in known and not (page == "" and "" in known):
            close = difflib.get_close_matches(f"{page}/", known, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; pages: {', '.join(known)}"
            raise NotFound(f"no page {path!r} in the {lang.code} docs{hint}")
        twin = self.twin_file(lang, lang.prefix + (f"{page}/" if page else ""))
        return twin.relative_to(self.site).as_posix(), twin.read_text(encoding="utf-8")

    # -- search --------------------------------------------------------------------------------

    def search(self, query: str, lang_code: str, limit: int = 5) -> list[PageHit]:
        return self.language(lang_code).search.pages(query)[:limit]

    # -- operations ----------------------------------------------------------------------------

    def operation_id(self, name: str) -> str:
        by_lower = {op.lower(): op for op in self.spec.operations}
        if name.lower() in by_lower:
            return by_lower[name.lower()]
        close = difflib.get_close_matches(name, list(by_lower.values()), n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise NotFound(f"no operation {name!r} in the spec{hint}")

    def guide(self, op_id: str, lang_code: str) -> str | None:
        """The location of the section that documents the operation (its `k` search field)."""
        lang = self.language(lang_code)
        return next((d["location"] for d in lang.index if op_id in d.get("k", "").split()), None)

    def get_operation(self, name: str, lang_code: str) -> tuple[str, str | None]:
        """(Markdown of the operation, the guide section that documents it), rendered from the
        build's spec (/openapi.yaml) by the same macros the pages call."""
        lang = self.language(lang_code).code
        op_id = self.operation_id(name)
        op = self.spec.operation(op_id)
        description = localized(op.data, "description", lang)
        parts = [
            f"# {tables.summary_text(op, lang)} (`{op_id}`)",
            tables.endpoint(self.spec, op_id, lang),
            *([description] if description else []),
            f"## {ui('h.request', lang)}",
            tables.request_table(self.spec, op_id, lang),
            f"## {ui('h.response', lang)}",
            tables.response_table(self.spec, op_id, lang),
            f"## {ui('h.errors', lang)}",
            tables.error_table(self.spec, op_id, lang),
            f"## {ui('h.samples', lang)}",
            samples.code_samples(self.spec, op_id, lang),
        ]
        return twin.publish(twin.to_twin("\n\n".join(parts))), self.guide(op_id, lang)
