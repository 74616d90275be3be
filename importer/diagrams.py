"""Mermaid diagrams that would stop the build.

The site draws every ```` ```mermaid ```` fence at build time (hooks/mermaid_svg.py), and a diagram
mermaid cannot parse fails the whole build. GitBook shows such a diagram as an error and publishes
the rest, so the import does the same: every diagram is parsed with the site's own mermaid (the
hook's headless Chromium), and one that does not parse is written as a `text` code block showing its
source (warning `mermaid`, with the fence's file:line and mermaid's message). Fix the diagram and
turn the fence back into ```` ```mermaid ````.

Diagrams the hook has drawn before (an SVG in its cache) are known to parse; parse results are kept
in `.cache/diagram-checks/`, so a re-import of the same pages starts no browser.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import ModuleType
from typing import Any

from importer.diagnostics import Report
from importer.gitbook import Node, Text
from importer.mdscan import closes, fence_opening
from importer.site_config import PROJECT

HOOK = PROJECT / "hooks" / "mermaid_svg.py"
CHECKS = PROJECT / ".cache" / "diagram-checks"


def _hook() -> ModuleType:
    spec = importlib.util.spec_from_file_location("_importer_mermaid_svg", HOOK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _diagrams(nodes: list[Node], at: int | None = None) -> Iterator[tuple[Text, int, str]]:
    """(fence node, line to report, diagram source) of every mermaid fence; a fence in an included
    file is reported at the page's `{% include %}` line."""
    for node in nodes:
        if isinstance(node, Text):
            opening = fence_opening(node.lines[0]) if node.fence else None
            if opening and opening.info.split()[:1] == ["mermaid"]:
                body = node.lines[1:-1] if len(node.lines) > 1 and closes(node.lines[-1], opening) else node.lines[1:]
                source = "\n".join(ln[len(opening.indent) :] if ln.startswith(opening.indent) else ln.lstrip() for ln in body)
                yield node, at or node.line, source
        else:
            yield from _diagrams(node.children, at or (node.line if node.name == "include" else None))


def _parse_here(hook: Any, sources: list[str]) -> list[str | None]:
    renderer = hook.Renderer()
    try:
        return list(renderer.parse(sources))
    finally:
        renderer.close()


def _parse(hook: Any, sources: list[str]) -> list[str | None]:
    # Playwright's sync API refuses a thread that already runs an event loop (an async caller, or a
    # test session that holds a browser open); a thread of its own has none.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(_parse_here, hook, sources).result()


def check_diagrams(pages: list[tuple[Path, list[Node]]], report: Report) -> None:
    """Report every diagram of `pages` (source file, parsed page) that does not parse, and turn its
    fence into a `text` code block."""
    found = [(path, node, line, source) for path, tree in pages for node, line, source in _diagrams(tree)]
    if not found:
        return
    hook = _hook()
    errors: dict[str, str | None] = {}
    unknown: list[str] = []
    for _, _, _, source in found:
        if source in errors or source in unknown:
            continue
        key = hook._cache_key(source)
        if (hook.CACHE / f"{key}.svg").is_file():
            errors[source] = None
        elif (CHECKS / key).is_file():
            errors[source] = (CHECKS / key).read_text(encoding="utf-8") or None
        else:
            unknown.append(source)
    if unknown:
        try:
            results = _parse(hook, unknown)
        except Exception as exc:  # no browser here: the build will need one too, and say so
            report.note(found[0][0], found[0][2], f"mermaid diagrams were not checked: {str(exc).splitlines()[0]}")
            return
        for source, error in zip(unknown, results, strict=True):
            errors[source] = error
            hook._store(CHECKS / hook._cache_key(source), error or "")  # atomic: imports may run side by side
    for path, node, line, source in found:
        error = errors[source]
        if error:
            message = " ".join(error.split())
            report.warning(path, line, f"mermaid diagram does not parse, kept as text: {message}", "mermaid")
            opening = fence_opening(node.lines[0])
            assert opening is not None
            info = opening.info.replace("mermaid", "text", 1)
            node.lines[0] = f"{opening.indent}{opening.marker}{info}"
