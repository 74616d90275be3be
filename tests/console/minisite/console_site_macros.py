"""Macros of the console test site: `api_console` straight from macros/console.py, so these tests
do not depend on the rest of the macros package. CONSOLE_SITE_SPEC may name another spec file."""

import os
from pathlib import Path

from macros.console import render_console
from macros.i18n import page_language
from macros.spec import SPEC_PATH, load_spec


def define_env(env):
    spec = load_spec(Path(os.environ.get("CONSOLE_SITE_SPEC") or SPEC_PATH))

    @env.macro
    def api_console(operation_id: str, example: str | None = None) -> str:
        return render_console(spec, operation_id, page_language(env.page), example)
