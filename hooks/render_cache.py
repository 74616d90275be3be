"""MkDocs hook: in `mkdocs serve`, Markdown that did not change is not converted to HTML again.

A spec edit rebuilds every page (hooks/incremental_serve.py), yet after the macros ran most pages'
Markdown is what it was: the edit touched one operation. Converting Markdown (tables, tabs, 800
highlighted code blocks) is the largest part of a build, so this hook keeps, for each page, its
last conversion keyed on everything the conversion reads: the Markdown after every plugin and hook
(macros included), the page's source path, destination and URL, the site's file list (relative
links resolve against it) and the config file (the Markdown extensions). On a hit MkDocs converts
an empty page and the stored result is put back: the HTML, the table of contents, the title found
in the page, its anchors and its links to other pages' anchors (which MkDocs checks after the build).

Not cached: pages that include other files (`--8<--` snippets, whose content is not in the key),
and a conversion that logged a warning (a broken link), so it warns again on the next build.
`mkdocs build` is left alone: it converts each page once anyway.
"""

import hashlib
import logging
from dataclasses import dataclass

from mkdocs.plugins import event_priority

SNIPPET_MARK = "--8<--"


@dataclass
class _Rendered:
    key: str
    html: str
    toc: object
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None  # target src_uri -> {anchor: link as written}


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# Lives as long as the `mkdocs serve` process (MkDocs loads a hook module once): one entry per page.
_store: dict[str, _Rendered] = {}
_enabled = False
_site_key = ""  # config file and file list of the build in progress
_pending: dict[str, tuple[str, str, _Warnings | None]] = {}  # src_uri -> (key, markdown, watcher)


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def on_startup(command, **kwargs):
    global _enabled
    _enabled = command == "serve"


def _forget_pending() -> None:
    """A build that failed half-way leaves pages without their on_page_content."""
    for _, _, watcher in _pending.values():
        if watcher is not None:
            logging.getLogger("mkdocs").removeHandler(watcher)
    _pending.clear()


def on_pre_build(config, **kwargs):
    _forget_pending()


def on_build_error(error, **kwargs):
    _forget_pending()


@event_priority(-200)  # after static-i18n (-100) made the language's file list
def on_files(files, config, **kwargs):
    global _site_key
    if _enabled:
        with open(config.config_file_path, "rb") as f:
            config_bytes = f.read().decode("utf-8", "replace")
        listing = "\n".join(sorted(f"{file.src_uri}\t{file.dest_uri}\t{file.url}" for file in files))
        _site_key = _digest(config_bytes, listing)
    return files


@event_priority(-200)  # last: the Markdown as MkDocs will convert it
def on_page_markdown(markdown, page, config, files, **kwargs):
    if not _enabled or SNIPPET_MARK in markdown:
        return markdown
    src = page.file.src_uri
    key = _digest(_site_key, src, page.file.dest_uri, page.url, markdown)
    known = _store.get(src)
    if known is not None and known.key == key:
        _pending[src] = (key, markdown, None)
        return ""  # converted in no time; on_page_content puts the stored result back
    watcher = _Warnings()
    logging.getLogger("mkdocs").addHandler(watcher)
    _pending[src] = (key, markdown, watcher)
    return markdown


@event_priority(200)  # first: every other handler sees the page as if it had been converted
def on_page_content(html, page, config, files, **kwargs):
    src = page.file.src_uri
    if src not in _pending:
        return html
    key, markdown, watcher = _pending.pop(src)
    if watcher is None:
        known = _store[src]
        page.markdown = markdown
        page.toc = known.toc
        page._title_from_render = known.title
        page.present_anchor_ids = set(known.anchors) if known.anchors is not None else None
        if known.links is not None:
            page.links_to_anchors = {
                target: dict(anchors)
                for uri, anchors in known.links.items()
                if (target := files.get_file_from_path(uri)) is not None
            }
        return known.html
    logging.getLogger("mkdocs").removeHandler(watcher)
    if watcher.count == 0:
        links = page.links_to_anchors
        _store[src] = _Rendered(
            key,
            html,
            page.toc,
            page._title_from_render,
            set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {file.src_uri: dict(anchors) for file, anchors in links.items()} if links is not None else None,
        )
    else:
        _store.pop(src, None)
    return html
