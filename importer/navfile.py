"""The `nav:` of each language, in SUMMARY.md's order and titles.

Paths are relative to the language folder, as mkdocs-static-i18n's folder structure expects: the
default language's nav goes under `nav:`, the others under their language's `nav:` in the i18n
plugin config (OUT/mkdocs.yml does exactly that; OUT/nav.<lang>.yml holds each one alone).

GitBook lets a group heading be a page that is also listed as its own first child: the page then
appears once, as the group's first entry.
"""

from __future__ import annotations

from typing import Any

import yaml

from importer.space import NavItem


def nav_entries(items: list[NavItem]) -> list[Any]:
    entries: list[Any] = []
    for item in items:
        target = item.page.out if item.page else item.url
        children = nav_entries(item.children)
        if item.page is not None and item.children and item.children[0].page is item.page:
            target = None  # the group repeats its first child
        if not children:
            if target is not None:
                entries.append({item.title: target})
            continue  # a label or a skipped entry with nothing under it
        if item.page is not None and target is not None:
            # With navigation.indexes an index.md first in a section becomes the section's own page.
            first = item.page.out if item.page.out.rsplit("/", 1)[-1] == "index.md" else {item.title: item.page.out}
            children.insert(0, first)
        elif target is not None:
            children.insert(0, {item.title: target})
        entries.append({item.title: children})
    return entries


def nav_yaml(entries: list[Any]) -> str:
    return yaml.safe_dump(entries, allow_unicode=True, sort_keys=False, default_flow_style=False, width=1000)
