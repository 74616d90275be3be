"""GitBook → MkDocs Material importer.

`python -m importer SRC OUT` reads a GitBook repository (`.gitbook.yaml`, one space with
`SUMMARY.md` or one folder per language, each with its own `SUMMARY.md`) and writes Material
Markdown to `OUT/docs/<lang>/`, the assets the pages use to `OUT/docs/<lang>/media/`, each language's
nav to `OUT/nav.<lang>.yml`, and `OUT/mkdocs.yml`, which builds them on this project's theme.

The library entry point is `import_space`; the command line lives in `importer.cli`.
"""

from importer.diagnostics import Diagnostic, ImportFailed
from importer.pipeline import ImportResult, import_space

__all__ = ["Diagnostic", "ImportFailed", "ImportResult", "import_space"]
