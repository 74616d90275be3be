"""Each page's Markdown twin (with markers) per language, kept for the whole process.

`make serve` rebuilds with `--dirty` (hooks/incremental_serve.py): only the pages an edit touches go
through the page events again, and MkDocs loads the hooks anew for every rebuild. The index and the
llms files still cover every page, so the twins live here, in a module that stays imported.
"""

from __future__ import annotations

from collections import defaultdict

twins: dict[str, dict[str, str]] = defaultdict(dict)  # language -> page url -> twin with markers
