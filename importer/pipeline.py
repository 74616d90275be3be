"""The import, start to end: read the repository, discover languages, read SUMMARY.md, parse and
convert every page, then write everything at once (pages, media, navs and OUT/mkdocs.yml).

Pages are rendered twice: first as-is to learn the heading ids of every converted page, then with
links rewritten (an anchor in one page can point at a heading of any other page).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from importer.anchors import Heading, heading_ids
from importer.assets import AssetStore
from importer.diagnostics import Diagnostic, ImportFailed, Report
from importer.diagrams import check_diagrams
from importer.frontmatter import split_front_matter
from importer.gitbook import IncludeLoader, Node, parse_page
from importer.includes import include_loader
from importer.jinja_guard import protect
from importer.links import PageRewriter
from importer.navfile import nav_entries, nav_yaml
from importer.openapi_ops import OurSpec, macro_calls
from importer.output import check_target, publish
from importer.render import Verbatim, render_page
from importer.site_config import DOCS, write_site_config
from importer.space import Language, Repository, discover, read_repository, read_summary

Progress = Callable[[int, int, Path], None]


@dataclass
class ImportResult:
    out: Path
    languages: list[str]
    pages: int
    assets: int
    diagnostics: list[Diagnostic]
    # source file (as diagnostics name it) → written file, relative to OUT/docs ("ko/mcp/auth-tools.md")
    outputs: dict[Path, str] = field(default_factory=dict)

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]


@dataclass
class _Converted:
    lang: Language
    pages: dict[str, str]  # output path → Markdown
    assets: AssetStore
    nav_entries: list[Any]

    @property
    def nav(self) -> str:
        return nav_yaml(self.nav_entries)


def import_space(
    src: Path,
    out: Path,
    *,
    lang_map: dict[str, str] | None = None,
    lang: str = "ko",
    force: bool = False,
    strict: bool = False,
    repo_url: str | None = None,
    spec_name: str | None = None,
    progress: Progress | None = None,
) -> ImportResult:
    """Import the GitBook space at `src` into `out`.

    Raises `UsageError` when src/out are unusable and `ImportFailed` when any page has an error (or
    any warning, with `strict`); in both cases `out` is left exactly as it was.
    """
    check_target(out, src, force)
    report = Report()
    repo = read_repository(src, repo_url, report)
    languages = discover(repo, lang_map, lang, report)
    for language in languages:
        read_summary(language, repo, report)
    _stop_on_errors(report)

    # Pages that parsed are converted even when others did not, so one run reports every error.
    trees = _parse_all(languages, include_loader(src, report), report, progress)
    check_diagrams(
        [(language.root / rel, parsed.tree) for language in languages for rel, parsed in trees[language.code].items()],
        report,
    )
    our_spec = OurSpec(spec_name)
    converted = [_convert(language, trees[language.code], repo, our_spec, report) for language in languages]
    _stop_on_errors(report)
    if strict and report.warnings:
        raise ImportFailed([_as_error(d) for d in report.items if d.severity != "note"])

    def fill(staging: Path) -> None:
        for conv in converted:
            lang_dir = staging / DOCS / conv.lang.code
            for rel, text in conv.pages.items():
                target = lang_dir / rel
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            conv.assets.copy_into(lang_dir)
            (staging / f"nav.{conv.lang.code}.yml").write_text(conv.nav, encoding="utf-8")
        write_site_config(staging, [(conv.lang.code, conv.nav_entries) for conv in converted], src)

    publish(out, fill)
    return ImportResult(
        out=out,
        languages=[conv.lang.code for conv in converted],
        pages=sum(len(conv.pages) for conv in converted),
        assets=sum(len(conv.assets) for conv in converted),
        diagnostics=report.items,
        outputs={
            conv.lang.root / page.src: f"{conv.lang.code}/{page.out}"
            for conv in converted
            for page in conv.lang.pages.values()
        },
    )


def _stop_on_errors(report: Report) -> None:
    if report.errors:
        raise ImportFailed(report.items)


def _as_error(d: Diagnostic) -> Diagnostic:
    return Diagnostic(d.path, d.line, d.message + " (--strict)", "error", d.kind, d.target)


@dataclass
class _Parsed:
    front_matter: str
    tree: list[Node]


def _parse_all(
    languages: list[Language], include: IncludeLoader, report: Report, progress: Progress | None
) -> dict[str, dict[str, _Parsed]]:
    total = sum(len(language.pages) for language in languages)
    done = 0
    trees: dict[str, dict[str, _Parsed]] = {}
    for language in languages:
        trees[language.code] = {}
        for page in language.pages.values():
            path = language.root / page.src
            done += 1
            if progress:
                progress(done, total, path)
            try:
                text = path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
            except UnicodeDecodeError as exc:
                report.error(path, None, f"not UTF-8 text ({exc.reason} at byte {exc.start})", "encoding")
                continue
            front_matter, text = split_front_matter(text, path, report)
            tree = parse_page(text, path, report, include)
            if tree is not None:
                trees[language.code][page.src] = _Parsed(front_matter, tree)
    return trees


def _convert(
    language: Language, parsed: dict[str, _Parsed], repo: Repository, our_spec: OurSpec, report: Report
) -> _Converted:
    headings: dict[str, list[Heading]] = {
        rel: heading_ids(render_page(p.tree, Verbatim())) for rel, p in parsed.items()
    }
    assets = AssetStore()
    pages: dict[str, str] = {}
    for rel, p in parsed.items():
        page = language.pages[rel]
        rewriter = PageRewriter(language, page, repo, assets, headings, report, our_spec)
        pages[page.out] = p.front_matter + macro_calls(protect(render_page(p.tree, rewriter)))
    return _Converted(language, pages, assets, nav_entries(language.nav))
