"""MkDocs hook: Markdown that did not change is not converted to HTML again, in `mkdocs build` and
`mkdocs serve` alike.

Converting Markdown (tables, tabs, 800 highlighted code blocks) is the largest part of a build, and
most builds convert what the previous one did: a spec edit touches one operation, a page edit one
page. So each conversion is kept, in memory for the `mkdocs serve` process and on disk under
`.cache/render/` for the next build, keyed on everything the conversion reads:

- the page's Markdown after every plugin and hook (macros included), its source path, destination
  and URL;
- the site's file list (relative links resolve against it), the config file and every file it
  `INHERIT`s, the config values a conversion reads (site URL, directory URLs, link validation), and
  the Markdown extensions with their settings as they stand after every `on_config` (hooks change
  them: snippets' base path, the emoji generator);
- the hook files' contents, the Python version and the versions of MkDocs, Material,
  pymdown-extensions, Markdown, Pygments and the i18n plugin;
- for a page that includes files (`--8<--` snippets), the content of each file it included: the
  snippets extension's file reader is wrapped to note them, and an entry whose files changed misses
  (a page that includes a URL is not kept).

On a hit MkDocs converts an empty page and the stored result is put back: the HTML, the table of
contents, the title found in the page, its anchors and its links to other pages' anchors (which
MkDocs checks after the build). A conversion that logged a warning (a broken link) is not kept, so
it warns again on the next build. Entries are written atomically (a temporary file, then a rename);
one that cannot be read is a miss. A hit touches its entry, and after each build (language) the
least recently used entries beyond a few builds' worth are deleted, so a long writing session does
not grow the cache without bound. `make clean` (or deleting `.cache/`) empties it.
"""

import contextlib
import functools
import hashlib
import importlib.metadata
import logging
import os
import pickle
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mkdocs.plugins import event_priority
from pymdownx import snippets

PROJECT = Path(__file__).resolve().parent.parent
CACHE = PROJECT / ".cache" / "render"
# Bump when what an entry holds, or how a key is made, changes: old entries then miss.
FORMAT = "render-cache-1"
# Entries kept per page of a build: the current ones, the other language's, and a few edits back.
KEEP_PER_PAGE = 8
PACKAGES = ("mkdocs", "mkdocs-material", "pymdown-extensions", "markdown", "pygments", "mkdocs-static-i18n")


@dataclass
class _Rendered:
    key: str
    html: str
    toc: object
    title: str | None
    anchors: set[str] | None
    links: dict[str, dict[str, str]] | None  # target src_uri -> {anchor: link as written}
    included: tuple[tuple[str, str], ...]  # (snippet file, digest of its bytes) the page included


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# Lives as long as the process (MkDocs loads a hook module once): one entry per page.
_store: dict[str, _Rendered] = {}
_site_key = ""  # the site's part of the key, for the build (language) in progress
_pending: dict[str, tuple[str, str, _Warnings | None]] = {}  # src_uri -> (key, markdown, watcher)
_included: list[tuple[str, str]] | None = None  # files the conversion in progress read
_counts = {"cached": 0, "converted": 0}  # this build (language), for the debug log
log = logging.getLogger("mkdocs.hooks.render_cache")


def _digest(*parts: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()


def _file_digest(path: str) -> str | None:
    try:
        return hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()
    except OSError:
        return None


# ---- snippets: the files a page includes join its key ------------------------------------------


def _recording(read_lines):
    @functools.wraps(read_lines)
    def read_and_note(self, path):
        if _included is not None:
            # Digest first: a file edited in between makes the entry miss next time, never go stale.
            _included.append((os.path.abspath(path), _file_digest(path) or ""))
        return read_lines(self, path)

    return read_and_note


def _not_kept(download):
    @functools.wraps(download)
    def download_and_note(self, url):
        if _included is not None:
            _included.append((url, ""))  # no digest to check later: the conversion is not kept
        return download(self, url)

    for name in ("cache_clear", "cache_info"):  # download is an lru_cache, cleared by the extension
        if hasattr(download, name):
            setattr(download_and_note, name, getattr(download, name))
    return download_and_note


snippets.SnippetPreprocessor.read_lines = _recording(snippets.SnippetPreprocessor.read_lines)
snippets.SnippetPreprocessor.download = _not_kept(snippets.SnippetPreprocessor.download)


def _includes_unchanged(entry: _Rendered) -> bool:
    return all(_file_digest(path) == digest for path, digest in entry.included)


# ---- the site's part of the key -----------------------------------------------------------------

_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
_INHERIT = re.compile(r"^INHERIT:\s*['\"]?(.+?)['\"]?\s*$", re.M)


def stable(value: object, depth: int = 0) -> str:
    """A text for an extension setting that is the same in every process (no object addresses):
    functions by their qualified name, partials with their arguments, objects with their fields."""
    if depth > 8:
        return "..."
    if isinstance(value, str | int | float | bool | type(None)):
        return repr(value)
    if isinstance(value, dict):
        items = sorted((stable(k, depth + 1), stable(v, depth + 1)) for k, v in value.items())
        return "{" + ",".join(f"{k}:{v}" for k, v in items) + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(stable(v, depth + 1) for v in value) + "]"
    if isinstance(value, set | frozenset):
        return "{" + ",".join(sorted(stable(v, depth + 1) for v in value)) + "}"
    if isinstance(value, functools.partial):
        parts = (value.func, value.args, value.keywords)
        return "partial" + stable(parts, depth + 1)
    if hasattr(value, "__qualname__"):  # a function or a class
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if hasattr(value, "__dict__"):
        kind = type(value)
        return f"{kind.__module__}.{kind.__qualname__}" + stable(vars(value), depth + 1)
    return _ADDRESS.sub("", repr(value))


def config_files(path: str | None) -> list[str]:
    """The config file and every file it INHERITs (relative to the file that names it)."""
    found: list[str] = []
    while path and os.path.isfile(path) and path not in found:
        found.append(path)
        text = Path(path).read_text(encoding="utf-8", errors="replace")
        parent = _INHERIT.search(text)
        path = os.path.normpath(os.path.join(os.path.dirname(path), parent[1])) if parent else None
    return found


@functools.cache
def _versions() -> str:
    versions = [sys.version]
    for name in PACKAGES:
        try:
            versions.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            versions.append(f"{name} missing")
    return "\n".join(versions)


def site_key(config, files) -> str:
    """Everything but the page itself that a conversion reads (see the module docstring)."""
    parts = [FORMAT, _versions()]
    for path in config_files(config.config_file_path):
        parts += [path, _file_digest(path) or ""]
    for module in (config.hooks or {}).values():
        path = getattr(module, "__file__", None) or ""
        parts += [path, _file_digest(path) or ""]
    parts += [
        stable(list(config.markdown_extensions)),
        stable(dict(config.mdx_configs)),
        stable(config.site_url),
        stable(config.use_directory_urls),
        stable(dict(config.validation)),
        stable(config.theme["language"]),
    ]
    parts.append("\n".join(sorted(f"{file.src_uri}\t{file.dest_uri}\t{file.url}" for file in files)))
    return _digest(*parts)


# ---- the disk ------------------------------------------------------------------------------------


def _entry_path(key: str) -> Path:
    return CACHE / f"{key}.pickle"


def _load(key: str) -> _Rendered | None:
    path = _entry_path(key)
    try:
        with path.open("rb") as f:
            fields = pickle.load(f)
        if fields[0] != FORMAT or fields[1] != key:
            return None
        os.utime(path)  # used now: pruning goes by last use
        return _Rendered(*fields[1:])
    except FileNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a truncated or foreign file: converted again, and rewritten
        return None


def _save(entry: _Rendered) -> None:
    try:
        CACHE.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=CACHE, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                # Plain values only (no class of this module, whose name depends on how it was loaded).
                fields = (FORMAT, *(getattr(entry, name) for name in _Rendered.__dataclass_fields__))
                pickle.dump(fields, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(temp, _entry_path(entry.key))
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only checkout: the build still works, only slower next time


def prune(directory: Path, keep: int) -> int:
    """Delete all but the `keep` most recently used entries; how many were deleted."""
    try:
        entries = [(entry.stat().st_mtime, entry) for entry in directory.glob("*.pickle")]
    except OSError:
        return 0
    if len(entries) <= keep:
        return 0
    entries.sort(key=lambda pair: pair[0], reverse=True)
    deleted = 0
    for _, entry in entries[keep:]:
        try:
            entry.unlink()
            deleted += 1
        except OSError:
            pass  # gone already (another build pruned it) or read-only
    return deleted


# ---- the events ----------------------------------------------------------------------------------


def _watch() -> _Warnings:
    watcher = _Warnings()
    for name in ("mkdocs", ""):  # MkDocs' own loggers do not propagate to the root logger
        logging.getLogger(name).addHandler(watcher)
    return watcher


def _unwatch(watcher: _Warnings) -> None:
    for name in ("mkdocs", ""):
        logging.getLogger(name).removeHandler(watcher)


def _forget_pending() -> None:
    """A build that failed half-way leaves pages without their on_page_content."""
    global _included
    for _, _, watcher in _pending.values():
        if watcher is not None:
            _unwatch(watcher)
    _pending.clear()
    _included = None


def on_pre_build(config, **kwargs):
    _forget_pending()
    _counts.update(cached=0, converted=0)


def on_post_build(config, **kwargs):
    # Before static-i18n's post_build (-100) runs the other languages' builds.
    log.debug("render cache: %(cached)d pages from the cache, %(converted)d converted", _counts)
    prune(CACHE, KEEP_PER_PAGE * (_counts["cached"] + _counts["converted"]) + 100)


def on_build_error(error, **kwargs):
    _forget_pending()


@event_priority(-200)  # after static-i18n (-100) made the language's file list
def on_files(files, config, **kwargs):
    global _site_key
    _site_key = site_key(config, files)
    return files


def _lookup(src: str, key: str) -> _Rendered | None:
    entry = _store.get(src)
    if entry is None or entry.key != key:
        entry = _load(key)
    else:
        with contextlib.suppress(OSError):  # used now, from memory: pruning must not take it
            os.utime(_entry_path(key))
    if entry is None or not _includes_unchanged(entry):
        return None
    _store[src] = entry
    return entry


@event_priority(-200)  # last: the Markdown as MkDocs will convert it
def on_page_markdown(markdown, page, config, files, **kwargs):
    global _included
    src = page.file.src_uri
    key = _digest(_site_key, src, page.file.dest_uri, page.url, markdown)
    if _lookup(src, key) is not None:
        _pending[src] = (key, markdown, None)
        _counts["cached"] += 1
        return ""  # converted in no time; on_page_content puts the stored result back
    _pending[src] = (key, markdown, _watch())
    _counts["converted"] += 1
    _included = []
    return markdown


@event_priority(200)  # first: every other handler sees the page as if it had been converted
def on_page_content(html, page, config, files, **kwargs):
    global _included
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
    _unwatch(watcher)
    included, _included = tuple(_included or ()), None
    if watcher.count == 0 and all(digest for _, digest in included):
        links = page.links_to_anchors
        entry = _Rendered(
            key,
            html,
            page.toc,
            page._title_from_render,
            set(page.present_anchor_ids) if page.present_anchor_ids is not None else None,
            {file.src_uri: dict(anchors) for file, anchors in links.items()} if links is not None else None,
            included,
        )
        _store[src] = entry
        _save(entry)
    else:
        _store.pop(src, None)
    return html
