"""Command line: `python -m importer SRC OUT [--lang-map ko=ko,en=en] [--lang ko] [--repo-url URL]
[--spec-name NAME] [--force] [--strict] [-q]`.

Progress, warnings, errors and the closing summary go to stderr, each problem as
`file:line: error|warning|note: message`. Exit status: 0 imported (maybe with warnings), 1 the import
failed (OUT untouched), 2 the command line or SRC/OUT are unusable.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from importer.diagnostics import Diagnostic, ImportFailed
from importer.pipeline import import_space
from importer.space import UsageError, parse_lang_map


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m importer",
        description="Convert a GitBook repository into MkDocs Material pages: OUT/docs/<lang>/..., "
        "OUT/docs/<lang>/media/, a nav OUT/nav.<lang>.yml per language and OUT/mkdocs.yml "
        "(mkdocs build --strict -f OUT/mkdocs.yml).",
    )
    p.add_argument("src", metavar="SRC", type=Path, help="GitBook repository: a folder with SUMMARY.md, or with one folder per language (.gitbook.yaml is read)")
    p.add_argument("out", metavar="OUT", type=Path, help="where to write (must be new or empty, unless --force)")
    p.add_argument(
        "--lang-map",
        metavar="FOLDER=LANG,...",
        help="language folders to import and their output language, e.g. ko=ko,en=en "
        "(default: every folder with a SUMMARY.md, under its own name)",
    )
    p.add_argument("--lang", default="ko", help="output language of a single-language space (default: ko)")
    p.add_argument(
        "--repo-url",
        metavar="URL",
        help="web address of SRC's files (e.g. https://github.com/org/repo/blob/main): links to files "
        "that are not imported point there instead of becoming plain text",
    )
    p.add_argument(
        "--spec-name",
        metavar="NAME",
        help="GitBook OpenAPI blocks naming this spec (spec=NAME, or a src= file named NAME.yaml/.json) "
        "document this project's spec/openapi.yaml: they become {{ operation(...) }} macro calls",
    )
    p.add_argument("--force", action="store_true", help="replace OUT if it exists and is not empty")
    p.add_argument("--strict", action="store_true", help="treat warnings as errors")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    return p


def _sorted(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    order = {"error": 0, "warning": 1, "note": 2}
    return sorted(diagnostics, key=lambda d: (order[d.severity], str(d.path), d.line or 0))


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)

    def progress(done: int, total: int, path: Path) -> None:
        if not args.quiet:
            print(f"[{done}/{total}] {path}", file=sys.stderr, flush=True)

    try:
        lang_map = parse_lang_map(args.lang_map) if args.lang_map is not None else None
        result = import_space(
            args.src, args.out, lang_map=lang_map, lang=args.lang, force=args.force, strict=args.strict,
            repo_url=args.repo_url, spec_name=args.spec_name, progress=progress,
        )
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except ImportFailed as exc:
        for d in _sorted(exc.diagnostics):
            print(d, file=sys.stderr)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        warnings = sum(d.severity == "warning" for d in exc.diagnostics)
        print(f"import failed: {errors} error(s), {warnings} warning(s); {args.out} was not changed", file=sys.stderr)
        return 1
    for d in _sorted(result.diagnostics):
        print(d, file=sys.stderr)
    print(
        f"imported {result.pages} page(s) and {result.assets} asset(s) ({', '.join(result.languages)}) "
        f"into {result.out}; {len(result.warnings)} warning(s)",
        file=sys.stderr,
    )
    return 0
