"""Entry point that mkdocs-macros loads (`module_name: docs_macros` in mkdocs.yml).

mkdocs-macros re-executes a single-file module on every build, but a package stays cached in
sys.modules, so `mkdocs serve` would keep rendering with stale macro code. This file drops the cached
`macros` package when the content of macros/ changed (or it was loaded from another folder) and
imports it again, so edits to macros/ show up on the next live reload; otherwise the package, and
the spec it parsed (macros.spec reparses only changed bytes), is reused by the next build.
"""

import hashlib
import importlib
import sys
from pathlib import Path

# `mkdocs` run as a console script does not put the project on sys.path (`python -m mkdocs` does).
PROJECT = str(Path(__file__).resolve().parent)
MACROS = Path(PROJECT) / "macros"


def source_digest() -> str:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(MACROS.rglob("*.py")):
        h.update(path.relative_to(MACROS).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def define_env(env):
    if PROJECT not in sys.path:
        sys.path.insert(0, PROJECT)
    digest = source_digest()
    loaded = sys.modules.get("macros")
    if loaded is None or getattr(loaded, "SOURCE_DIGEST", None) != (str(MACROS), digest):
        for name in [m for m in sys.modules if m == "macros" or m.startswith("macros.")]:
            del sys.modules[name]
        loaded = importlib.import_module("macros")
        loaded.SOURCE_DIGEST = (str(MACROS), digest)
    loaded.define_env(env)
