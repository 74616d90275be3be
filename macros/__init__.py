"""The macros pages call (see macros/README.md). `define_env` only registers them; the work is done
by the pure renderers in tables.py and samples.py, and by the console engineer's console.py.

Every macro runs through `_report`, which turns a lookup failure (unknown operation, tag, schema,
example, error code, lifetime) into a `MacroError` naming the page and the call. With
`on_error_fail: true`, mkdocs-macros prints it and the build fails.
"""

from __future__ import annotations

import functools
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import pages, samples, tables
from .errors import MacroError
from .i18n import LANGUAGES, localized, page_language, ui
from .spec import SPEC_PATH, Spec, SpecError, UnknownName, load_spec

__all__ = ["define_env", "MacroError"]


class _Site:
    """What the macros need from the build: the spec and page index (both read once per build, so
    `mkdocs serve` picks up edits), the current page, and which anchors a page already has."""

    def __init__(self, env: Any) -> None:
        self.env = env
        config = env.conf
        config_dir = Path(config["config_file_path"] or ".").resolve().parent
        custom = (config.get("extra") or {}).get("bkend_spec")
        self.spec_path = (config_dir / custom).resolve() if custom else SPEC_PATH
        self.docs_dir = Path(config["docs_dir"])
        self.nav = config.get("nav")
        self._spec: Spec | None = None
        self._index: pages.PageIndex | None = None
        self._anchored: set[tuple[str, str]] = set()  # (page, operationId or error code)

    @property
    def spec(self) -> Spec:
        if self._spec is None:
            self._spec = load_spec(self.spec_path)
        return self._spec

    @property
    def index(self) -> pages.PageIndex:
        if self._index is None:
            self._index = pages.scan(self.docs_dir, self.nav, LANGUAGES)
        return self._index

    @property
    def lang(self) -> str:
        return page_language(self.env.page)

    @property
    def page_path(self) -> str:
        """The current page inside its language folder (`authentication/email-signup.md`)."""
        file = self.env.page.file
        norm = getattr(file, "norm_src_uri", None)
        if norm:
            return norm
        parts = file.src_uri.split("/", 1)
        return parts[1] if len(parts) == 2 and parts[0] in LANGUAGES else file.src_uri

    @property
    def page_source(self) -> str:
        """The page's file as a writer finds it (`docs/ko/authentication/email-signup.md`)."""
        file = self.env.page.file
        try:
            return os.path.relpath(file.abs_src_path)
        except (TypeError, ValueError):
            return file.src_uri

    def call_line(self, name: str, args: tuple[Any, ...]) -> int | None:
        """The line of the page's source file where the failing call is written (the first call of
        that macro with that first argument), for the error message."""
        try:
            text = Path(self.env.page.file.abs_src_path).read_text(encoding="utf-8")
        except (OSError, TypeError):
            return None
        first = rf"\s*[\"']{re.escape(args[0])}[\"']" if args and isinstance(args[0], str) else ""
        m = re.search(rf"\b{name}\({first}", text)
        return text.count("\n", 0, m.start()) + 1 if m else None

    def claim_anchor(self, name: str) -> bool:
        """True the first time an operation is documented (or an error code listed) on the current
        page: that call carries the anchor other pages link to; ids stay unique."""
        key = (self.page_path, name)
        if key in self._anchored:
            return False
        self._anchored.add(key)
        return True

    def link_to_operation(self, op_id: str) -> str | None:
        target = self.index.page_for(self.lang, op_id)
        if target is None:
            return None
        return pages.relative_link(self.page_path, target, self.spec.operation(op_id).anchor)

    def catalog_link(self) -> str | None:
        target = self.index.catalog_page(self.lang)
        if target is None or target == self.page_path:
            return None
        return pages.relative_link(self.page_path, target)

    def code_link(self, code: str) -> str | None:
        target = self.index.catalog_page(self.lang, code)
        if target is None:
            return None
        return pages.relative_link(self.page_path, target, pages.code_anchor(code))


def _render_console(spec: Spec, op_id: str, lang: str, example: str | None) -> str:
    op = spec.operation(op_id)
    if example is not None:
        spec.request_example(op, example)
    try:
        from .console import render_console  # owned by the console engineer; imported when used
    except ImportError as exc:
        raise SpecError(f"the API console is not available: macros/console.py cannot be imported ({exc})") from None
    return render_console(spec, op_id, lang, example)


def _anchor_div(op_id: str) -> str:
    # A block-level element so Markdown does not wrap it in a paragraph; MkDocs' anchor validation
    # sees ids in raw HTML.
    return f'<div id="{op_id.lower()}" class="bkend-operation-anchor"></div>'


def define_env(env: Any) -> None:
    site = _Site(env)

    def register(fn: Callable[..., str]) -> None:
        @functools.wraps(fn)
        def call(*args: Any, **kwargs: Any) -> str:
            shown = ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])
            try:
                return fn(*args, **kwargs)
            except MacroError:
                raise
            except (UnknownName, SpecError, ValueError, TypeError) as exc:
                line = site.call_line(fn.__name__, args)
                where = f"{site.page_source}:{line}" if line else site.page_source
                raise MacroError(where, f"{fn.__name__}({shown})", str(exc)) from None

        env.macro(call, fn.__name__)

    def endpoint_table(tag: str | None = None, operations: list[str] | None = None) -> str:
        if (tag is None) == (operations is None):
            raise ValueError("give either tag=... or operations=[...]")
        spec = site.spec
        op_ids = [op.op_id for op in spec.operations_with_tag(tag)] if tag else list(operations or [])
        for op_id in op_ids:
            spec.operation(op_id)
        return tables.endpoint_table(spec, op_ids, site.lang, site.link_to_operation)

    def endpoint(operation_id: str) -> str:
        return tables.endpoint(site.spec, operation_id, site.lang)

    def request_table(operation_id: str) -> str:
        text = tables.request_table(site.spec, operation_id, site.lang)
        return (_anchor_div(operation_id) + "\n\n" + text) if site.claim_anchor(operation_id) else text

    def response_table(operation_id: str) -> str:
        return tables.response_table(site.spec, operation_id, site.lang)

    def error_table(operation_id: str) -> str:
        return tables.error_table(site.spec, operation_id, site.lang, site.catalog_link(), site.code_link)

    def code_samples(operation_id: str, example: str | None = None) -> str:
        return samples.code_samples(site.spec, operation_id, site.lang, example)

    def api_console(operation_id: str, example: str | None = None) -> str:
        html = _render_console(site.spec, operation_id, site.lang, example)
        return (_anchor_div(operation_id) + "\n\n" + html) if site.claim_anchor(operation_id) else html

    def operation(operation_id: str, example: str | None = None, level: int = 3) -> str:
        spec, lang = site.spec, site.lang
        op = spec.operation(operation_id)
        if example is not None:
            spec.request_example(op, example)
        if not 1 <= level <= 5:
            raise ValueError(f"level must be 1-5 (the sub-headings go one deeper), got {level}")
        h, sub, a = "#" * level, "#" * (level + 1), op.anchor
        title_id = f" {{ #{a} }}" if site.claim_anchor(operation_id) else ""
        description = localized(op.data, "description", lang)
        parts = [
            f"{h} {tables.summary_text(op, lang)}{title_id}",
            tables.endpoint(spec, operation_id, lang),
            *([description] if description else []),
            f"{sub} {ui('h.request', lang)} {{ #{a}-request }}",
            tables.request_table(spec, operation_id, lang),
            f"{sub} {ui('h.response', lang)} {{ #{a}-response }}",
            tables.response_table(spec, operation_id, lang),
            f"{sub} {ui('h.errors', lang)} {{ #{a}-errors }}",
            tables.error_table(spec, operation_id, lang, site.catalog_link(), site.code_link),
            f"{sub} {ui('h.samples', lang)} {{ #{a}-samples }}",
            samples.code_samples(spec, operation_id, lang, example),
            f"{sub} {ui('h.console', lang)} {{ #{a}-console }}",
            _render_console(spec, operation_id, lang, example),
        ]
        return "\n\n".join(parts)

    def error_catalog(prefix: str | None = None) -> str:
        return tables.error_catalog(site.spec, site.lang, prefix, lambda code: site.claim_anchor(f"error:{code}"))

    def schema_table(name: str) -> str:
        return tables.schema_table(site.spec, name, site.lang)

    def lifetime(name: str) -> str:
        return tables.lifetime(site.spec, name, site.lang)

    def password_policy() -> str:
        return tables.password_policy(site.spec, site.lang)

    def decisions() -> str:
        return tables.decisions(site.spec, site.lang)

    for fn in (
        endpoint_table,
        endpoint,
        request_table,
        response_table,
        error_table,
        code_samples,
        api_console,
        operation,
        error_catalog,
        schema_table,
        lifetime,
        password_policy,
        decisions,
    ):
        register(fn)
