"""GitBook → MkDocs Material importer.

`python -m importer SRC OUT` reads a GitBook space (a folder with `SUMMARY.md`, or one folder per
language, each with its own `SUMMARY.md`) and writes Material Markdown to `OUT/<lang>/`, the assets
the pages use to `OUT/<lang>/media/`, and a nav fragment per language to `OUT/nav.<lang>.yml`.

The library entry point is `import_space`; the command line lives in `importer.cli`.
"""

from importer.diagnostics import Diagnostic, ImportFailed
from importer.pipeline import ImportResult, import_space

__all__ = ["Diagnostic", "ImportFailed", "ImportResult", "import_space"]
