"""GitBook's reusable content: `{% include "../.gitbook/includes/setup.md" %}` puts that file's
content in the page.

The path is relative to the file that includes it, and stays inside the repository. The included
file is parsed like a page (its front matter dropped; includes may nest a few levels), and its
problems are reported with its own path and lines. Links in it are resolved from the including
page (a link that only works from the include file's folder is reported like any broken link).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

from importer.diagnostics import Report
from importer.frontmatter import split_front_matter
from importer.gitbook import IncludeLoader, Node, parse_page

MAX_DEPTH = 5


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
        return parse_page(text, target, report, include_loader(root, report, depth + 1))

    return load
