"""GitBook's reusable content: `{% include "../.gitbook/includes/setup.md" %}` puts that file's
content in the page.

The path is relative to the file that includes it, and stays inside the repository. The included
file is parsed like a page (its front matter dropped; includes may nest a few levels), and its
problems are reported with its own path and lines. A relative link or image in it that names an
existing file from the include file's folder is rewritten to be relative to the including page, so
the page's rewriter resolves it like the page's own links.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import quote, unquote

from importer.diagnostics import Report
from importer.frontmatter import split_front_matter
from importer.gitbook import IncludeLoader, Node, parse_page

MAX_DEPTH = 5
# A Markdown link or image destination, or an HTML src/href value.
_DESTINATION = re.compile(r"""(?P<lead>\]\(\s*<?|\b(?:src|href)=["'])(?P<dest>[^)\s"'<>#?]+)""")


def _rebase(text: str, source_dir: Path, page_dir: Path) -> str:
    def one(m: re.Match[str]) -> str:
        dest = m["dest"]
        if re.match(r"[A-Za-z][A-Za-z0-9+.-]*:|/", dest) or not (source_dir / unquote(dest)).exists():
            return m.group()
        rebased = os.path.relpath(source_dir / unquote(dest), page_dir).replace(os.sep, "/")
        return m["lead"] + quote(rebased, safe="/._-~")

    return _DESTINATION.sub(one, text)


def include_loader(repo_root: Path, report: Report, depth: int = 0) -> IncludeLoader:
    root = repo_root.resolve()

    def load(src: str, including: Path, line: int) -> list[Node] | None:
        target = (including.parent / unquote(src)).resolve()
        if not target.is_relative_to(root) or not target.is_file():
            report.warning(including, line, f"included file {src!r} does not exist: nothing included", "include")
            return None
        if depth >= MAX_DEPTH:
            report.warning(including, line, f"{src!r} is included {MAX_DEPTH} levels deep: not included", "include")
            return None
        text = target.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        _, text = split_front_matter(text, target, report)
        text = _rebase(text, target.parent, including.parent)
        return parse_page(text, target, report, include_loader(root, report, depth + 1))

    return load
