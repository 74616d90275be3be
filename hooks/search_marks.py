"""MkDocs hook: mark the blocks that macros are about to generate (see docs_search.markers).

Runs before mkdocs-macros renders the page (macros: priority 0; static-i18n's admonition titles: 50).
hooks/search_llms.py reads the marks after rendering and removes them before the page becomes HTML.
"""

import sys
from pathlib import Path

from mkdocs.plugins import event_priority

PROJECT = str(Path(__file__).resolve().parent.parent)
if PROJECT not in sys.path:
    sys.path.insert(0, PROJECT)

from docs_search.markers import mark_generated  # noqa: E402


@event_priority(10)
def on_page_markdown(markdown, page, config, files, **kwargs):
    return mark_generated(markdown)
