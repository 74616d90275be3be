"""MkDocs hook: pymdownx.snippets includes (`--8<-- "snippets/bkend.js"`) resolve from the project.

Snippets' `base_path` is relative to the working directory, so a build started elsewhere (or a
config that INHERITs this one from another folder) would not find them. The project root is where
this file lives, whatever config or folder the build starts from.
"""

from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def on_config(config, **kwargs):
    snippets = config.mdx_configs.setdefault("pymdownx.snippets", {})
    snippets["base_path"] = [str(PROJECT)]
    return config
