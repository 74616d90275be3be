"""Entry point that mkdocs-macros loads (`module_name: docs_macros` in mkdocs.yml).

mkdocs-macros re-executes a single-file module on every build, but a package stays cached in
sys.modules, so `mkdocs serve` would keep rendering with stale macro code. This file drops the cached
`macros` package before importing it, so edits to macros/ (and the spec, which macros/ reloads per
build) show up on the next live reload.
"""

import importlib
import sys
from pathlib import Path

# `mkdocs` run as a console script does not put the project on sys.path (`python -m mkdocs` does).
PROJECT = str(Path(__file__).resolve().parent)


def define_env(env):
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]
    importlib.import_module("macros").define_env(env)
