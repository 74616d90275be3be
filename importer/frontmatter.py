"""GitBook front matter: keep what means the same in MkDocs, drop GitBook's page-layout keys.

GitBook writes `description:` (Material uses it for the page's meta description, as GitBook does) and
presentational keys such as `layout:`, `icon:` (a GitBook icon name; Material would read it as one of
its own icon paths), `cover:` and `coverY:`, which have no MkDocs meaning. The front matter lines are
blanked in the text handed to the parser, so line numbers in messages stay those of the source file.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from importer.diagnostics import Report

KEPT_KEYS = ("description",)
_BLOCK = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(?:\n|\Z)", re.S)


def split_front_matter(text: str, path: Path, report: Report) -> tuple[str, str]:
    """Return (front matter to write, page text with the front matter lines blanked)."""
    m = _BLOCK.match(text)
    if not m:
        return "", text
    try:
        meta = yaml.safe_load(m[1] or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        report.error(path, line, f"front matter is not valid YAML: {getattr(exc, 'problem', exc)}", "front-matter")
        meta = {}
    if not isinstance(meta, dict):
        report.error(path, 1, "front matter must be a YAML mapping", "front-matter")
        meta = {}
    kept = {key: meta[key] for key in KEPT_KEYS if meta.get(key) not in (None, "")}
    blanked = "\n" * m.group().count("\n") + text[m.end() :]
    if not kept:
        return "", blanked
    dumped = yaml.safe_dump(kept, allow_unicode=True, sort_keys=False, width=1000)
    return f"---\n{dumped}---\n\n", blanked
