"""Build imported pages with the project's own configuration and collect MkDocs' warnings.

The scratch config INHERITs the project's mkdocs.yml (theme, markdown extensions, validation, i18n,
hooks) and changes only what an import needs: docs_dir/site_dir, the nav fragments the importer
wrote, `strict: false` (warnings are collected and judged by the test instead of aborting), absolute
paths for what the project names relative to its own folder, and, when asked, a different
mkdocs-macros module.
"""

from __future__ import annotations

import os
import posixpath
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils import yaml_load

from importer import ImportResult
from tests.conftest import ROOT

PROJECT_CONFIG = ROOT / "mkdocs.yml"
# Use the project's own macros module (docs_macros.py), as the real site does.
PROJECT_MACROS = "project"

_LINK_NOT_FOUND = re.compile(
    r"Doc file '(?P<file>[^']+)' contains a link '(?P<link>[^']+)', but the target '[^']*' is not found"
)
_ANCHOR_NOT_FOUND = re.compile(
    r"Doc file '(?P<file>[^']+)' contains a link '(?P<link>[^']+)', but the doc '[^']*' does not contain "
    r"an anchor"
)


def _project_config() -> dict[str, Any]:
    with PROJECT_CONFIG.open("rb") as f:
        return yaml_load(f)


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def write_scratch_config(
    folder: Path, docs_dir: Path, navs: dict[str, Any], macros_module: str | Path | None = None
) -> Path:
    """Write `folder/mkdocs.yml` for a site made of `docs_dir` (OUT of an import).

    `navs` maps each imported language to its nav (the importer's nav.<lang>.yml); languages of the
    project that were not imported are not built. `macros_module`: None leaves mkdocs-macros out,
    PROJECT_MACROS uses docs_macros.py, a path uses that single-file module.
    """
    project = _project_config()
    plugins: list[Any] = []
    default_lang = None
    for entry in project["plugins"]:
        name = _plugin_name(entry)
        options = dict(entry[name]) if isinstance(entry, dict) and entry[name] else {}
        if name == "i18n":
            languages = []
            for language in options["languages"]:
                if language["locale"] not in navs:
                    continue
                language = dict(language)
                if language.get("default"):
                    default_lang = language["locale"]
                else:
                    language["nav"] = navs[language["locale"]]
                languages.append(language)
            options["languages"] = languages
        elif name == "macros":
            if macros_module is None:
                continue
            module = ROOT / options["module_name"] if macros_module == PROJECT_MACROS else Path(macros_module)
            options["module_name"] = str(module.with_suffix("")) if module.suffix == ".py" else str(module)
        plugins.append({name: options} if options else name)
    assert default_lang is not None, "the import must include the site's default language"

    scratch = {
        "INHERIT": str(PROJECT_CONFIG),
        "docs_dir": str(docs_dir),
        "site_dir": str(folder / "site"),
        "strict": False,
        "theme": {"custom_dir": str(ROOT / project["theme"]["custom_dir"])},
        "hooks": [str(ROOT / hook) for hook in project.get("hooks", [])],
        "watch": [],
        "exclude_docs": "nav.*.yml\n" + (project.get("exclude_docs") or ""),
        "nav": navs[default_lang],
        "plugins": plugins,
    }
    config = folder / "mkdocs.yml"
    config.write_text(yaml.safe_dump(scratch, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return config


def built_path(out_rel: str) -> str:
    """Where MkDocs (directory URLs, Korean at the root) writes an output file like 'en/guide/a.md'."""
    lang, rel = out_rel.split("/", 1)
    stem = rel[: -len(".md")]
    if posixpath.basename(stem) == "index":
        page = posixpath.join(posixpath.dirname(stem), "index.html")
    else:
        page = f"{stem}/index.html"
    return page if lang == "ko" else f"{lang}/{page}"


def navs_of(out: Path) -> dict[str, Any]:
    return {p.name[len("nav.") : -len(".yml")]: yaml.safe_load(p.read_text("utf-8")) for p in out.glob("nav.*.yml")}


@dataclass
class Build:
    returncode: int
    warnings: list[str]
    log: str


def build(config: Path) -> Build:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-f", str(config)],
        cwd=ROOT,
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


def unexplained(warnings: list[str], result: ImportResult, kinds: set[str]) -> list[str]:
    """The MkDocs warnings that are not a broken link or anchor the importer already reported with
    one of `kinds` (same output file, same link)."""
    reported = {
        (result.outputs[d.path], d.target) for d in result.warnings if d.kind in kinds and d.path in result.outputs
    }
    left = []
    for warning in warnings:
        m = _LINK_NOT_FOUND.match(warning) or _ANCHOR_NOT_FOUND.match(warning)
        if m and (m["file"], m["link"]) in reported:
            continue
        left.append(warning)
    return left
