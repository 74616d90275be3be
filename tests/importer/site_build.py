"""Build an import with the `mkdocs.yml` the importer wrote into OUT, strictly, and collect MkDocs'
warnings. The build runs from a folder other than the project's, as a writer's would."""

from __future__ import annotations

import html
import os
import posixpath
import re
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import yaml


def built_path(out_rel: str) -> str:
    """Where MkDocs (directory URLs, Korean at the root) writes an output file like 'en/guide/a.md'."""
    lang, rel = out_rel.split("/", 1)
    stem = rel[: -len(".md")]
    if posixpath.basename(stem) == "index":
        page = posixpath.join(posixpath.dirname(stem), "index.html")
    else:
        page = f"{stem}/index.html"
    return page if lang == "ko" else f"{lang}/{page}"


def add_to_nav(out: Path, entry: dict[str, Any]) -> None:
    """Append a page of the default language to the generated config's nav."""
    config_path = out / "mkdocs.yml"
    config = yaml.safe_load(config_path.read_text(encoding="utf-8"))
    config["nav"].append(entry)
    config_path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")


@dataclass
class Build:
    returncode: int
    warnings: list[str]
    log: str


def build(out: Path, cwd: Path) -> Build:
    """`mkdocs build --strict -f OUT/mkdocs.yml`, run in `cwd`."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(out / "mkdocs.yml")],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    warnings: list[str] = []
    for line in proc.stderr.splitlines():
        if line.startswith(("WARNING", "ERROR")):
            warnings.append(line.split("-", 1)[1].strip())
        elif line.startswith(" ") and warnings and not line.startswith(("INFO", "DEBUG")):
            warnings[-1] += "\n" + line
    return Build(proc.returncode, warnings, proc.stderr + proc.stdout)


def local_links(site_dir: Path, out_rels: Iterable[str]) -> tuple[int, list[tuple[str, str]]]:
    """(how many local `href`/`src` in the built pages' articles resolve, the (page, URL) that do not)."""
    checked, unresolved = 0, []
    for out_rel in out_rels:
        page_path = built_path(out_rel)
        page = (site_dir / page_path).read_text(encoding="utf-8")
        article = page[page.index("<article") : page.index("</article>")]
        for url in re.findall(r'(?:src|href)="([^"]+)"', article):
            parts = urlsplit(html.unescape(url))
            if parts.scheme or not parts.path or parts.path.startswith("/"):
                continue
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page_path), unquote(parts.path)))
            resolved = site_dir / target
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if resolved.is_file():
                checked += 1
            else:
                unresolved.append((out_rel, url))
    return checked, unresolved
