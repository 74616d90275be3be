"""`llms.txt` (the site map for AI tools, one line per page) and `llms-full.txt` (every page's
Markdown twin in nav order), per language, following https://llmstxt.org/."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class LlmsPage:
    group: str  # the top-level nav section the page is in (or its own title at the top level)
    title: str
    url: str  # absolute URL of the Markdown twin
    summary: str  # the page's first sentence
    markdown: str  # the published twin


def first_sentence(text: str, limit: int = 180) -> str:
    match = re.match(r"(.+?[.!?。])(?:\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def llms_txt(site_name: str, description: str, note: str, pages: list[LlmsPage]) -> str:
    lines = [f"# {site_name}", "", f"> {description}", "", note]
    group = None
    for page in pages:
        if page.group != group:
            group = page.group
            lines += ["", f"## {group}", ""]
        lines.append(f"- [{page.title}]({page.url})" + (f": {page.summary}" if page.summary else ""))
    return "\n".join(lines) + "\n"


def llms_full_txt(site_name: str, description: str, pages: list[LlmsPage]) -> str:
    parts = [f"# {site_name}\n\n> {description}\n"]
    for page in pages:
        parts.append(f"<!-- source: {page.url} -->\n\n{page.markdown.strip()}\n")
    return "\n---\n\n".join(parts)
