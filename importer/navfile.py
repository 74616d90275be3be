"""The `nav:` fragment for mkdocs.yml, one per language, in SUMMARY.md's order and titles.

Paths are relative to the language folder, as mkdocs-static-i18n's folder structure expects: paste
the default language's fragment under `nav:` and the others under that language's `nav:` in the i18n
plugin config (or translate the titles with `nav_translations`).
"""

from __future__ import annotations

from typing import Any

import yaml

from importer.space import NavItem


def nav_entries(items: list[NavItem]) -> list[Any]:
    entries: list[Any] = []
    for item in items:
        target = item.page.out if item.page else item.url
        if not item.children:
            if target is None:
                continue  # an empty group heading
            entries.append({item.title: target})
            continue
        children = nav_entries(item.children)
        if item.page is not None:
            # With navigation.indexes an index.md first in a section becomes the section's own page.
            first = item.page.out if item.page.out.rsplit("/", 1)[-1] == "index.md" else {item.title: item.page.out}
            children.insert(0, first)
        elif item.url is not None:
            children.insert(0, {item.title: item.url})
        entries.append({item.title: children})
    return entries


def nav_yaml(items: list[NavItem]) -> str:
    return yaml.safe_dump(nav_entries(items), allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
