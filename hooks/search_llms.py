"""MkDocs hook: search in the reader's language, and the docs for AI tools.

Per language (Korean at the site root, English under en/) it writes:
- `search/search_index.json`: headings, prose, operation ids, paths and error codes of every page,
  Korean words with their parts (docs_search.index). overrides/assets/search.js makes the search box
  load its own language's index, and only once the reader starts to search.
- a Markdown twin next to every page (`authentication/email-signup.md` beside
  `authentication/email-signup/`), with the macros' tables and samples as Markdown (docs_search.twin);
- `llms.txt` (one line per page) and `llms-full.txt` (every twin), docs_search.llms.

Material's search plugin stays for its search box, but it no longer parses every page: the index is
built here from the Markdown that the twins need anyway. static-i18n builds English inside the Korean
build's post_build (priority -100), and rewrites the plugin's mixed index there, so the Korean files
are written after it (-110).
"""

from __future__ import annotations

import sys
import threading
from pathlib import Path

from mkdocs.plugins import event_priority
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

PROJECT = str(Path(__file__).resolve().parent.parent)
if PROJECT not in sys.path:
    sys.path.insert(0, PROJECT)

from docs_search import index, llms, pages, sections, segment, twin  # noqa: E402
from docs_search.markers import strip_markers  # noqa: E402

NOTE = {
    "ko": "모든 페이지의 Markdown 버전 목록입니다. 전체 내용을 한 파일로 보려면 llms-full.txt를 받으세요. "
    "English: {site_url}en/llms.txt",
    "en": "Every page of the English docs as Markdown. For everything in one file, fetch llms-full.txt. "
    "한국어: {site_url}llms.txt",
}

_nav: dict[str, list[Page]] = {}
_site: dict[str, tuple[str, str]] = {}  # language -> (site name, description) of that language
# The languages being built, innermost last: static-i18n runs each other language's build inside
# the default language's post_build, and leaves its `current_language` at the last one built.
_building: list[str] = []


def _language(config) -> str:
    return _building[-1] if _building else config.theme["language"]


def _root(config, lang: str) -> str:
    """The language's folder in the site: "" for the default language, "en/" for English."""
    i18n = config.plugins.get("i18n")
    return "" if lang == getattr(i18n, "default_language", lang) else f"{lang}/"


def twin_path(page: Page) -> str:
    """Where a page's Markdown twin is published: its source path under the language root."""
    if page.file.name == "index":
        return page.url + "index.md"
    return page.url.rstrip("/") + ".md"


def on_startup(command, dirty, **kwargs):
    if command == "serve":
        threading.Thread(target=segment.preload, name="kiwi-preload", daemon=True).start()


def on_config(config, **kwargs):
    i18n = config.plugins.get("i18n")
    if not getattr(i18n, "building", False):
        _building.clear()  # a new top-level build (mkdocs serve rebuilds)
    _building.append(getattr(i18n, "current_language", None) or config.theme["language"])
    search = config.plugins.get("material/search")
    if search is not None and search.on_page_context in config.plugins.events["page_context"]:
        config.plugins.events["page_context"].remove(search.on_page_context)
    return config


@event_priority(-110)  # after static-i18n has rebuilt the nav in the page language
def on_nav(nav: Navigation, config, files, **kwargs):
    # Read here, not in post_build: by then static-i18n has set them to the last language built.
    _nav[_language(config)] = list(nav.pages)
    _site[_language(config)] = (config["site_name"], config["site_description"] or "")
    return nav


@event_priority(-50)  # after mkdocs-macros (0) rendered the page
def on_page_markdown(markdown, page, config, files, **kwargs):
    pages.twins[_language(config)][page.url] = twin.to_twin(markdown)
    return strip_markers(markdown)


def _group(page: Page) -> str:
    top = page.parent
    while top is not None and top.parent is not None:
        top = top.parent
    return top.title if top is not None else page.title


@event_priority(-110)  # after static-i18n's post_build, which ran the other languages' builds
def on_post_build(config, **kwargs):
    lang = _building.pop() if _building else config.theme["language"]
    site = Path(config["site_dir"])
    root = _root(config, lang)
    indexed: list[index.IndexedPage] = []
    listed: list[llms.LlmsPage] = []
    for page in _nav.get(lang, []):
        marked = pages.twins[lang].get(page.url)  # pages a dirty rebuild skipped keep their last twin
        if marked is None:
            continue
        title = page.title or ""
        page_sections = sections.split_sections(marked, title)
        indexed.append(index.IndexedPage(page.url, page_sections))
        published = twin.publish(marked)
        path = twin_path(page)
        (site / path).parent.mkdir(parents=True, exist_ok=True)
        (site / path).write_text(published, encoding="utf-8")
        intro = page_sections[0].prose[0] if page_sections[0].prose else ""
        url = config["site_url"] + path
        listed.append(llms.LlmsPage(_group(page), title, url, llms.first_sentence(intro), published))
    (site / root / "search").mkdir(parents=True, exist_ok=True)
    (site / root / index.INDEX_PATH).write_text(index.search_index(indexed, lang), encoding="utf-8")
    segment.save_cache()
    name, description = _site[lang]
    note = NOTE.get(lang, NOTE["en"]).format(site_url=config["site_url"])
    (site / root / "llms.txt").write_text(llms.llms_txt(name, description, note, listed), encoding="utf-8")
    (site / root / "llms-full.txt").write_text(llms.llms_full_txt(name, description, listed), encoding="utf-8")
