"""`OUT/mkdocs.yml`: the imported pages as a site, built on this project's theme and extensions.

The config INHERITs this project's `mkdocs.yml` by absolute path (Material with its overrides,
markdown extensions, validation, hooks and mkdocs-macros; of the hooks, all but PROJECT_ONLY_HOOKS),
so `mkdocs build --strict -f OUT/mkdocs.yml` and `mkdocs serve -f OUT/mkdocs.yml` work from wherever
OUT is, as long as this project stays where it was at import time. It changes only what belongs to the
import: the site name, `docs_dir`, the nav of each language (mkdocs-static-i18n's folder layout, the
first language of the project that was imported is the default), and paths the project writes
relative to its own folder.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from mkdocs.utils import yaml_load

from importer.languages import material_language

PROJECT = Path(__file__).resolve().parent.parent
PROJECT_CONFIG = PROJECT / "mkdocs.yml"
DOCS = "docs"
# What a language of the project's i18n config says about the project itself, not about an import.
_PROJECT_ONLY = ("nav_translations", "site_name", "site_description", "nav")
# The project's hooks an imported site leaves out: they are about this project's own content or its
# `make serve` workflow, not about how a page looks or is found. Every other hook of the project's
# `mkdocs.yml` is carried (theme and i18n plumbing, tables, diagrams, per-language search, llms.txt),
# so a hook the project adds later reaches imported sites too.
PROJECT_ONLY_HOOKS = {
    "hooks/publish_spec.py": "publishes this project's spec at /openapi.yaml; an imported site documents its own pages",
    "hooks/incremental_serve.py": "`make serve --dirty` fingerprints of this project's spec, macros and docs/",
}


def _plugin_name(entry: Any) -> str:
    return entry if isinstance(entry, str) else next(iter(entry))


def _languages(project_languages: list[dict[str, Any]], navs: list[tuple[str, list[Any]]]) -> tuple[str, list[Any]]:
    """(default language, i18n `languages:`) for the imported languages, the project's order first."""
    known = {language["locale"]: language for language in project_languages}
    codes = [code for code in known if code in dict(navs)] + [code for code, _ in navs if code not in known]
    default = codes[0]
    languages = []
    for code in codes:
        language = {k: v for k, v in known.get(code, {"locale": code, "name": code}).items() if k not in _PROJECT_ONLY}
        language["default"] = code == default
        language["build"] = True
        theme_language = material_language(code) or "en"
        if theme_language != code:  # i18n would give the theme `zh-CN`, which Material does not have
            language["theme"] = {"language": theme_language}
        if code != default:
            language["nav"] = dict(navs)[code]
        languages.append(language)
    return default, languages


def site_hooks(project_hooks: list[str]) -> list[str]:
    """The project's hooks an imported site runs, by absolute path (INHERIT would resolve them from OUT)."""
    return [str(PROJECT / hook) for hook in project_hooks if hook not in PROJECT_ONLY_HOOKS]


def site_config(navs: list[tuple[str, list[Any]]], site_name: str) -> dict[str, Any]:
    """The config for a site made of the imported languages; `navs` pairs each with its nav."""
    with PROJECT_CONFIG.open("rb") as f:
        project = yaml_load(f)
    plugins: list[Any] = []
    default = navs[0][0]
    for entry in project["plugins"]:
        name = _plugin_name(entry)
        options = dict(entry[name]) if isinstance(entry, dict) and entry[name] else {}
        if name == "i18n":
            default, options["languages"] = _languages(options["languages"], navs)
        elif name == "macros":
            options["module_name"] = str(PROJECT / options["module_name"])
        plugins.append({name: options} if options else name)
    return {
        "INHERIT": str(PROJECT_CONFIG),
        "site_name": site_name,
        "site_description": "",
        "docs_dir": DOCS,
        "site_dir": "site",
        "theme": {"custom_dir": str(PROJECT / project["theme"]["custom_dir"]), "language": material_language(default) or "en"},
        "hooks": site_hooks(project.get("hooks", [])),
        "watch": [],
        "exclude_docs": "",
        "nav": dict(navs)[default],
        "plugins": plugins,
    }


def write_site_config(out: Path, navs: list[tuple[str, list[Any]]], src: Path) -> None:
    config = site_config(navs, src.resolve().name)
    text = yaml.safe_dump(config, allow_unicode=True, sort_keys=False, width=1000)
    (out / "mkdocs.yml").write_text(
        "# Written by `python -m importer`: the imported pages on this project's theme and extensions.\n" + text,
        encoding="utf-8",
    )
