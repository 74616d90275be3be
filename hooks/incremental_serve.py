"""MkDocs hook: `make serve` rebuilds only the pages an edit touches, and everything when needed.

scripts/serve.sh runs `mkdocs serve --dirty`: MkDocs then renders a page again only when its Markdown
file is newer than its HTML (static-i18n passes `--dirty` on to its nested English build). Alone,
that would serve stale pages here, because a page's HTML also depends on files other than its own:
the spec and the macros (every generated block), mkdocs.yml (nav, extensions), the templates,
snippets, and other pages (which page documents an operation, titles, which files exist).

So before each build this hook fingerprints, by content, everything a page depends on except its own
Markdown body: every file under `watch:` (spec, macros, overrides, snippets), the config file, the
list of files in docs/, and each page's front matter, first heading and macro calls. A prose edit to
one page leaves the fingerprint alone and rebuilds that page. When anything but the macros' inputs
(spec, macros/) differs from the last build that succeeded, the site directory is emptied and every
page rebuilt. When only the macros' inputs changed, every page's macros run again, and a page whose
Markdown after the macros is what its HTML was made from keeps that HTML (its output file is marked
older than its source, then newer again once its Markdown is known to be unchanged).

MkDocs warns on every dirty build, which `strict: true` turns into a failure; with this hook the
warning is wrong, so that one message is dropped.
"""

import hashlib
import logging
import os
import re
from pathlib import Path

from mkdocs import utils
from mkdocs.plugins import event_priority

DIRTY_WARNING = "A 'dirty' build is being performed"
# Inputs that reach a page only through the Markdown the macros write (the spec, the macros' code).
MACRO_INPUTS = ("spec", "macros", "docs_macros.py")
# What a page contributes to other pages: its title (front matter, first heading) and its macro
# calls (which page documents an operation or lists error codes; endpoint and error tables link there).
_FRONT_MATTER = re.compile(r"\A---\s*\n.*?\n(?:---|\.\.\.)\s*\n", re.S)
_FIRST_HEADING = re.compile(r"^#[ \t].*$", re.M)
_JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)


class _DropDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return DIRTY_WARNING not in record.getMessage()


logging.getLogger("mkdocs.commands.build").addFilter(_DropDirtyWarning())

# Module state lives as long as the `mkdocs serve` process (MkDocs loads a hook module once).
_dirty = False
_built: tuple[str, str] | None = None  # fingerprint of the last build that finished
_building: tuple[str, str] | None = None  # fingerprint of the build in progress
_soft = False  # this build: only the macros' inputs changed
_built_from: dict[str, str] = {}  # HTML file -> digest of the Markdown (after macros) it was made from
_pending: dict[str, str] = {}  # the same for the build in progress
_file_digests: dict[str, tuple[int, int, str]] = {}  # path -> (mtime_ns, size, content digest)


def _digest_file(path: str) -> str:
    stat = os.stat(path)
    known = _file_digests.get(path)
    if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
        return known[2]
    digest = hashlib.blake2b(Path(path).read_bytes(), digest_size=16).hexdigest()
    _file_digests[path] = (stat.st_mtime_ns, stat.st_size, digest)
    return digest


def _walk(root: str) -> list[str]:
    if os.path.isfile(root):
        return [root]
    found = []
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        found += [os.path.join(folder, name) for name in sorted(names)]
    return found


def cross_page_facts(markdown: str) -> str:
    """The parts of a page other pages depend on (see the module docstring)."""
    front = _FRONT_MATTER.match(markdown)
    heading = _FIRST_HEADING.search(markdown)
    parts = [front.group(0) if front else "", heading.group(0) if heading else ""]
    return "\n".join(parts + _JINJA.findall(markdown))


def fingerprint(config) -> tuple[str, str]:
    """(digest of the macros' inputs, digest of everything else a page depends on)."""
    macros, other = hashlib.blake2b(digest_size=16), hashlib.blake2b(digest_size=16)
    project = os.path.dirname(os.path.abspath(config.config_file_path or "mkdocs.yml"))
    macro_roots = tuple(os.path.join(project, name) for name in MACRO_INPUTS)
    inputs = [config.config_file_path or ""] + [str(path) for path in config.watch]
    for path in sorted({p for root in inputs if root and os.path.exists(root) for p in _walk(root)}):
        h = macros if any(path == r or path.startswith(r + os.sep) for r in macro_roots) else other
        h.update(f"{path}\0{_digest_file(path)}\n".encode())
    docs = config.docs_dir
    for path in _walk(docs):
        other.update(f"{os.path.relpath(path, docs)}\n".encode())
        if path.endswith(".md"):
            other.update(cross_page_facts(Path(path).read_text(encoding="utf-8")).encode())
    other.update(str(config.site_url).encode())
    return macros.hexdigest(), other.hexdigest()


def _nested_language_build(config) -> bool:
    i18n = config.plugins.get("i18n")
    return i18n is not None and getattr(i18n, "building", False)


def on_startup(command, dirty, **kwargs):
    global _dirty
    _dirty = dirty


@event_priority(100)  # before any plugin writes into the site directory
def on_pre_build(config, **kwargs):
    global _building, _soft
    if not _dirty or _nested_language_build(config):
        return
    _building = fingerprint(config)
    _pending.clear()
    _soft = False
    if _built is None or _building[1] != _built[1]:
        utils.clean_directory(config.site_dir)  # every page is older than its inputs: rebuild all
        _built_from.clear()
    elif _building[0] != _built[0]:
        _soft = True  # only the macros' inputs changed: see on_page_markdown


@event_priority(-200)  # after static-i18n (-100) made the language's file list
def on_files(files, config, **kwargs):
    if _dirty and _soft:
        for file in files.documentation_pages():
            if os.path.isfile(file.abs_dest_path):
                os.utime(file.abs_dest_path, ns=(0, 0))  # older than its source: the macros run again
    return files


@event_priority(-150)  # after the macros and every other hook, before hooks/render_cache.py (-200)
def on_page_markdown(markdown, page, config, files, **kwargs):
    if not _dirty:
        return markdown
    dest = page.file.abs_dest_path
    digest = hashlib.blake2b(markdown.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    _pending[dest] = digest
    # A page that includes files (`--8<--`) may include one of the macros' inputs: always rebuilt.
    if _soft and _built_from.get(dest) == digest and "--8<--" not in markdown and os.path.isfile(dest):
        os.utime(dest)  # same Markdown, same everything else: MkDocs keeps the HTML it has
    return markdown


@event_priority(-200)  # after static-i18n's nested builds (-100): the whole site is written
def on_post_build(config, **kwargs):
    global _built
    if _dirty and not _nested_language_build(config):
        _built = _building
        _built_from.update(_pending)
