"""Entry point that mkdocs-macros loads (`module_name: docs_macros` in mkdocs.yml).

mkdocs-macros re-executes a single-file module on every build, but a package stays cached in
sys.modules, so `mkdocs serve` would keep rendering with stale macro code. This file drops the cached
`macros` package before importing it, so edits to macros/ (and the spec, which macros/ reloads per
build) show up on the next live reload.
"""

import importlib
import sys


def define_env(env):
    for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
        del sys.modules[name]
    importlib.import_module("macros").define_env(env)
